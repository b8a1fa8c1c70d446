#!/usr/bin/env python3
"""shell.py BUILD LOGDIR - `make bochs` as a user drives it, on a pseudo-terminal.

Runs `make bochs-files BOCHSBREAK=paging,cr3,user` (what `make bochs` boots),
starts Bochs on a pty with the debugger's start commands, and:
  1. the generated bochsrc puts COM1 on the terminal (mode=term) with port
     0xE9 off (else every byte shows twice);
  2. `c` three times: the magic breakpoints of paging, cr3 (in
     bochs_at_kernel_cr3, bochs.c) and user stop in that order, and COM1
     shows the kernel command line with bochsbreak=;
  3. `creg` at the paging stop (CR0 as the firmware left it) and at the user
     stop: CD and NW clear then (boot.asm writes CR0; Intel SDM Vol. 3A §11.5.1);
  4. `c`: the serial shell answers `ps` typed on the same terminal;
  5. SIGINT brings the debugger back, and `q` ends Bochs.
One "PASS ..." or "FAIL ..." line per check. Bochs's transcript: LOGDIR/bochs-shell.out.
"""
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time

STEP_TIMEOUT = 120.0     # seconds for one step (a loaded 2-core host is slow)
BREAKS = "paging,cr3,user"


class Pty:
    def __init__(self, argv):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvp(argv[0], argv)
        self.buf = b""

    def pump(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            r, _, _ = select.select([self.fd], [], [], 0.2)
            if not r:
                continue
            try:
                data = os.read(self.fd, 4096)
            except OSError:
                return False
            if not data:
                return False
            self.buf += data
        return True

    def wait_for(self, needle, start, seconds=STEP_TIMEOUT):
        """Offset just past needle (bytes or compiled regex) at or after start, or None."""
        end = time.monotonic() + seconds
        while True:
            if isinstance(needle, bytes):
                i = self.buf.find(needle, start)
                if i >= 0:
                    return i + len(needle)
            else:
                m = needle.search(self.buf, start)
                if m:
                    return m.end()
            if time.monotonic() >= end or not self.pump(0.3):
                return None

    def type(self, text):
        for ch in text.encode():
            os.write(self.fd, bytes([ch]))
            time.sleep(0.03)

    def close(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


PROMPT = re.compile(rb"<bochs:\d+> ")


def main():
    build, logs = sys.argv[1], sys.argv[2]
    debug = "1" if os.path.basename(build.rstrip("/")) == "build-debug" else "0"

    def check(ok, what):
        print(("PASS " if ok else "FAIL ") + what, flush=True)
        return ok

    made = subprocess.run(["make", "-s", "DEBUG=" + debug, "BOCHSBREAK=" + BREAKS, "bochs-files"],
                          capture_output=True, text=True)
    rc_path = os.path.join(build, "bochs", "bochsrc")
    rc = open(rc_path).read() if made.returncode == 0 and os.path.exists(rc_path) else ""
    check(re.search(r"^com1: enabled=1, mode=term", rc, re.M) is not None and
          re.search(r"^port_e9_hack: enabled=0", rc, re.M) is not None,
          "make bochs-files: COM1 on the terminal (mode=term), port 0xE9 off (%s)" %
          (made.stderr.strip()[-200:] or rc_path))
    if not rc:
        for what in ("magic breakpoints paging, cr3, user in order; bochsbreak= on the command line",
                     "creg: CR0.CD and CR0.NW set by the firmware, clear once the kernel runs",
                     "the serial shell answers ps on the terminal", "SIGINT: the debugger prompt; q ends Bochs"):
            check(False, what)
        return 1

    con = Pty(["bochs", "-q", "-f", rc_path, "-rc", os.path.join(build, "bochs", "init.rc")])
    try:
        pos = con.wait_for(PROMPT, 0) or 0
        stops, cr0 = [], []
        for _ in range(3):
            con.type("c\r")
            pos = con.wait_for(b"Magic breakpoint", pos)
            if pos is None:
                break
            pos = con.wait_for(PROMPT, pos)
            stop = con.buf[pos - 400:pos].decode(errors="replace") if pos else ""
            stops.append(stop)
            con.type("creg\r")
            end = con.wait_for(PROMPT, pos)
            m = re.search(rb"CR0=0x[0-9a-f]+: ([^\r\n]*)", con.buf[pos:end or len(con.buf)])
            cr0.append(m.group(1).decode() if m else "?")
            pos = end
        text = con.buf.decode(errors="replace").replace("\r", "")
        cmdline = re.search(r'boot: command line "([^"]*)"', text)
        check(len(stops) == 3 and "bochs_at_kernel_cr3" in stops[1] and "001b:" in stops[2] and cmdline is not None
              and "bochsbreak=" + BREAKS in cmdline.group(1),
              "magic breakpoints paging, cr3, user in order; bochsbreak= on the command line (%s)" %
              (cmdline.group(1) if cmdline else "no command line seen"))
        check(len(cr0) == 3 and " CD NW " in " " + cr0[0] + " " and " cd nw " in " " + cr0[2] + " ",
              "creg: CR0.CD and CR0.NW set by the firmware, clear once the kernel runs (paging stop: %s; user "
              "stop: %s)" % (cr0[0] if cr0 else "?", cr0[-1] if cr0 else "?"))
        con.type("c\r")
        pos = con.wait_for(b"sh> ", pos or 0)
        if pos is not None:
            con.type("ps\r")
        end = con.wait_for(b"sh> ", pos) if pos is not None else None
        out = con.buf[pos:end].decode(errors="replace") if end else ""
        check(end is not None and re.search(r"PID\s+PPID", out) is not None and " sh" in out,
              "the serial shell answers ps on the terminal")
        os.kill(con.pid, signal.SIGINT)
        back = con.wait_for(PROMPT, end or len(con.buf), 30)
        if back is not None:
            con.type("q\r")
        gone = False
        deadline = time.monotonic() + 30
        while back is not None and time.monotonic() < deadline:
            con.pump(0.3)
            if os.waitpid(con.pid, os.WNOHANG)[0]:
                gone = True
                break
        check(back is not None and gone, "SIGINT: the debugger prompt; q ends Bochs")
    finally:
        con.close()
        with open(os.path.join(logs, "bochs-shell.out"), "wb") as f:
            f.write(con.buf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
