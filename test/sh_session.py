#!/usr/bin/env python3
"""sh_session.py ISO LOG - drive the serial shell of a split ISO, as a user would.

Boots ISO in QEMU (TCG) with COM1 on this script's pipes, waits for the
"sh> " prompt, types `ps`, `run hello` and `poweroff` one character at a time
(the 16550 receive FIFO holds 16 bytes, so the input is paced), and checks
what comes back. Then the control keys: arrow keys inside a command, Ctrl-C
at the prompt, Ctrl-C against a foreground program that blocks for good
(`child block`), Ctrl-D at an empty prompt. Everything QEMU printed goes to LOG.

One line per check: "PASS ..." or "FAIL ...". Exit status 0 only if every
check passed and QEMU exited with status 33 (poweroff(0) writes 0x10 to the
isa-debug-exit port: (0x10 << 1) | 1 = 33).
"""
import os
import re
import subprocess
import sys
import threading
import time

TOTAL_TIMEOUT = 60.0     # seconds for the whole session
CHAR_DELAY = 0.02        # seconds between typed characters
PROMPT = b"sh> "


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


def ps_names(out):
    names = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[0].isdigit() and fields[1].isdigit():
            names.add(fields[-1])
    return names


def control_keys(con, deadline, check):
    """Arrow keys, Ctrl-C and Ctrl-D, as typed into the shell."""
    # Arrow keys (ESC [ A/B/C/D, ESC O B) around and inside "ps": dropped whole.
    start = con.size()
    con.type("\x1b[Ap\x1b[Ds\x1bOB\x1b[1;5C\n")
    end = con.wait_for(PROMPT, start, deadline)
    out = con.text(start, end)
    check(end is not None and re.search(r"PID\s+PPID\s+STATE", out) is not None and "no such module" not in out,
          "arrow keys inside `ps` are dropped: ps ran (got %r)" % out[-120:])

    # Ctrl-C at the prompt: the line is dropped, a new prompt comes.
    start = con.size()
    con.type("hello\x03")
    end = con.wait_for(PROMPT, start, deadline)
    out = con.text(start, end)
    check(end is not None and "^C" in out and "hello from user mode" not in out,
          "Ctrl-C at the prompt drops the line and prompts again (got %r)" % out[-120:])

    # Ctrl-C against a foreground program that blocks for good. The shell
    # names it foreground right after spawn; a Ctrl-C before that finds no
    # foreground process and changes nothing, so send it until it lands.
    start = con.size()
    con.type("child block\n")
    status = None
    if con.wait_for(b"child block\r\n", start, deadline) is not None:
        for _ in range(10):
            time.sleep(1.0)
            con.type("\x03")
            status = con.wait_for(b"]", start, min(deadline, time.monotonic() + 2.0))
            if status is not None:
                break
    end = con.wait_for(PROMPT, status or start, deadline) if status else None
    out = con.text(start, end)
    m = re.search(r"\[pid (\d+) [^\]]*kill[^\]]*\]", out)
    check(m is not None and end is not None,
          "Ctrl-C kills the foreground `child block`; the prompt comes back (got %r)" % out[-160:])
    start = con.size()
    con.type("ps\n")
    end = con.wait_for(PROMPT, con.wait_for(b"PPID", start, deadline) or start, deadline)
    names = ps_names(con.text(start, end))
    check(end is not None and "child" not in names and "sh" in names,
          "after Ctrl-C, ps no longer lists child (got: %s)" % " ".join(sorted(names)))

    # Ctrl-D at an empty prompt: end of file, which the shell ignores with a hint.
    start = con.size()
    con.type("\x04")
    end = con.wait_for(PROMPT, start, deadline)
    out = con.text(start, end)
    check(end is not None and "end of input ignored" in out,
          "Ctrl-D at an empty prompt: the shell says so and prompts again (got %r)" % out[-120:])


def main():
    if len(sys.argv) != 3:
        print("usage: sh_session.py ISO LOG", file=sys.stderr)
        return 2
    iso, log = sys.argv[1], sys.argv[2]
    cmd = qemu_command(iso)
    results = []

    def check(ok, what):
        results.append(ok)
        print(("PASS " if ok else "FAIL ") + what, flush=True)
        return ok

    deadline = time.monotonic() + TOTAL_TIMEOUT
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    con = Console(proc)
    rc = None
    try:
        pos = con.wait_for(PROMPT, 0, deadline)
        if check(pos is not None, "the shell printed its first prompt \"sh> \""):
            # ps: the table lists init and sh.
            start = con.size()
            con.type("ps\n")
            end = con.wait_for(PROMPT, start, deadline)
            check(end is not None, "ps: the prompt came back")
            out = con.text(start, end)
            names = set()
            for line in out.splitlines():
                fields = line.split()
                if len(fields) >= 5 and fields[0].isdigit() and fields[1].isdigit():
                    names.add(fields[-1])
            check(re.search(r"PID\s+PPID\s+STATE", out) is not None, "ps: printed its header")
            check("init" in names, "ps: lists init (got: %s)" % " ".join(sorted(names)))
            check("sh" in names, "ps: lists sh")

            # run hello: it greets, and the shell reports its exit.
            start = con.size()
            con.type("run hello\n")
            end = con.wait_for(PROMPT, start, deadline)
            check(end is not None, "run hello: the prompt came back")
            out = con.text(start, end)
            check("hello from user mode" in out, "run hello: \"hello from user mode\" printed")
            check(re.search(r"\[pid \d+ exited with status 0\]", out) is not None,
                  "run hello: \"[pid N exited with status 0]\" printed")

            control_keys(con, deadline, check)

            con.type("poweroff\n")
        rc = wait_exit(proc, deadline)
    finally:
        shut_down(proc, con, log)

    check(rc == 33, "QEMU exited with status 33 after poweroff (got %s)" %
          ("a timeout" if rc is None else rc))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
