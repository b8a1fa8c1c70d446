#!/usr/bin/env python3
"""serial_session.py - what the serial-shell sessions (sh_session.py, load_session.py) share.

Console: QEMU's COM1 output, collected by a reader thread, with waits that
end at a deadline, and typed input paced one character at a time (the 16550
receive FIFO holds 16 bytes). run(): the sessions' main() - boot ISO in QEMU
(TCG), wait for the first "sh> " prompt, run the session's own checks, type
`poweroff`, and check that QEMU exited with the pass status (poweroff(0)
writes EXIT_PASS to the isa-debug-exit port: QEMU_EXIT_PASS in
$BUILD/gen/qemu_exit.sh, made from src/kernel/x86/platform.h). Everything QEMU
printed goes to LOG. One line per check: "PASS ..." or "FAIL ...".
"""
import os
import subprocess
import sys
import threading
import time

CHAR_DELAY = 0.02        # seconds between typed characters
PROMPT = b"sh> "   # the shell's prompt (src/user/sh.c)


class Console:
    """COM1 output collected by a reader thread; waits with a deadline."""

    def __init__(self, proc):
        self.proc = proc
        self.buf = bytearray()
        self.cond = threading.Condition()
        self.eof = False
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            with self.cond:
                if not data:
                    self.eof = True
                    self.cond.notify_all()
                    return
                self.buf += data
                self.cond.notify_all()

    def wait_for(self, needle, start, deadline):
        """Offset just past the first `needle` at or after `start`, or None."""
        with self.cond:
            while True:
                i = self.buf.find(needle, start)
                if i >= 0:
                    return i + len(needle)
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.eof:
                    return None
                self.cond.wait(min(remaining, 0.5))

    def drain(self, timeout):
        """Wait (at most `timeout` seconds) for the output to end."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not self.eof and time.monotonic() < deadline:
                self.cond.wait(0.1)

    def size(self):
        with self.cond:
            return len(self.buf)

    def text(self, start=0, end=None):
        with self.cond:
            data = bytes(self.buf[start:end])
        return data.decode("utf-8", errors="replace").replace("\r", "")

    def type(self, line):
        for ch in line.encode():
            self.proc.stdin.write(bytes([ch]))
            self.proc.stdin.flush()
            time.sleep(CHAR_DELAY)


def qemu_command(iso):
    """QEMU (TCG) booting iso, COM1 on stdio, isa-debug-exit for the verdict."""
    return [os.environ.get("QEMU", "qemu-system-i386"), "-accel", "tcg", "-m", "256M", "-no-reboot",
            "-display", "none", "-cdrom", iso, "-serial", "stdio",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]


def qemu_exit_status(name):
    """QEMU_EXIT_<name> (e.g. "PASS": 33) from $BUILD/gen/qemu_exit.sh, the
    statuses the Makefile derives from src/kernel/x86/platform.h. Raises
    SystemExit naming the file if it is missing (make all makes it)."""
    build = os.environ.get("BUILD", "build")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", build, "gen", "qemu_exit.sh")
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("QEMU_EXIT_%s=" % name):
                    return int(line.split("=", 1)[1])
    except OSError as e:
        raise SystemExit("%s: %s (make all makes it)" % (path, e.strerror))
    raise SystemExit("%s: no QEMU_EXIT_%s" % (path, name))


def wait_exit(proc, deadline):
    """QEMU's exit status once it has powered off, or None at the deadline."""
    try:
        return proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return None


def shut_down(proc, con, log):
    """Kill QEMU if it is still running and write everything it printed to log."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    con.drain(2.0)
    with open(log, "wb") as f:
        f.write(bytes(con.buf))


def run(argv, total_timeout, session):
    """main() of a session script: argv is [script, ISO, LOG]; session(con,
    deadline, check) types the session's commands and checks what comes back
    (check(ok, what) prints PASS/FAIL and returns ok). Returns the exit status:
    0 if every check passed, 1 if one failed, 2 on a usage error."""
    if len(argv) != 3:
        print("usage: %s ISO LOG" % os.path.basename(argv[0]), file=sys.stderr)
        return 2
    iso, log = argv[1], argv[2]
    results = []

    def check(ok, what):
        results.append(ok)
        print(("PASS " if ok else "FAIL ") + what, flush=True)
        return ok

    passed = qemu_exit_status("PASS")
    deadline = time.monotonic() + total_timeout
    proc = subprocess.Popen(qemu_command(iso), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    con = Console(proc)
    rc = None
    try:
        pos = con.wait_for(PROMPT, 0, deadline)
        if check(pos is not None, "the shell printed its first prompt \"sh> \""):
            session(con, deadline, check)
            con.type("poweroff\n")
        rc = wait_exit(proc, deadline)
    finally:
        shut_down(proc, con, log)

    check(rc == passed, "QEMU exited with status %d (EXIT_PASS) after poweroff (got %s)" %
          (passed, "a timeout" if rc is None else rc))
    return 0 if all(results) else 1
