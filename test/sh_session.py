#!/usr/bin/env python3
"""sh_session.py ISO LOG - drive the serial shell of a split ISO, as a user would.

Boots ISO in QEMU (TCG) with COM1 on this script's pipes, waits for the
"sh> " prompt, types `ps`, `run hello` and `poweroff` one character at a time
(the 16550 receive FIFO holds 16 bytes, so the input is paced), and checks
what comes back. Then the control keys: arrow keys inside a command, Ctrl-C
at the prompt, Ctrl-C against a foreground program that blocks for good
(`child block`), Ctrl-D at an empty prompt. Everything QEMU printed goes to LOG.

One line per check: "PASS ..." or "FAIL ...". Exit status 0 only if every
check passed and QEMU exited with the pass status (poweroff(0) writes
EXIT_PASS to isa-debug-exit: serial_session.qemu_exit_status).
"""
import os
import re
import sys
import time

sys.dont_write_bytecode = True   # no test/__pycache__ from the import below
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serial_session import PROMPT, run  # noqa: E402  (the console driver and main())

TOTAL_TIMEOUT = 60.0     # seconds for the whole session


def ps_names(out):
    """The NAME column of each row of ps output in out."""
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


def session(con, deadline, check):
    """ps, run hello and the control keys, at the first prompt."""
    # ps: the table lists init and sh.
    start = con.size()
    con.type("ps\n")
    end = con.wait_for(PROMPT, start, deadline)
    check(end is not None, "ps: the prompt came back")
    out = con.text(start, end)
    names = ps_names(out)
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


if __name__ == "__main__":
    sys.exit(run(sys.argv, TOTAL_TIMEOUT, session))
