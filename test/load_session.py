#!/usr/bin/env python3
"""load_session.py ISO LOG - the shell stays responsive under load (test/sh_session.py's way).

Boots ISO (the shell ISO, menu entry 0, with `stress` among its modules) in
QEMU (TCG) with COM1 on this script's pipes, and at the "sh> " prompt:

  free          the free-frame count before the load
  stress &      the load test (src/user/stress.c) in the background: as many
                workers as the process table holds doing IPC ping-pong,
                fork/exit/wait and map/unmap, plus a memory hog that maps
                until -ENOMEM
  ps            twice during the load (about 1.5 s and 4 s after): the
                prompt must come back within PS_TIMEOUT seconds and the
                table must list the stress processes; the time from the
                typed newline to the prompt is printed
  ps            every POLL_EVERY seconds until no stress row is left (at
                most STRESS_TIMEOUT seconds); the shell reaps stress and
                reports "[done] [pid N exited with status 0]"
  free          the same free-frame count as before
  poweroff      QEMU exits with the pass status (EXIT_PASS)

stress's own KTAP lines must all be "ok" and its summary is echoed here.
Everything QEMU printed goes to LOG. One line per check: "PASS ..." or
"FAIL ..."; "INFO ..." lines carry the figures. Exit status 0 only if every
check passed.
"""
import os
import re
import sys
import time

sys.dont_write_bytecode = True   # no test/__pycache__ from the import below
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serial_session import PROMPT, run  # noqa: E402  (the console driver and main())

TOTAL_TIMEOUT = 180.0    # seconds for the whole session
CMD_TIMEOUT = 20.0       # a command without load: the prompt comes back within this
PS_TIMEOUT = 10.0        # ps during the load: the prompt comes back within this
STRESS_TIMEOUT = 60.0    # stress must be gone this long after the first poll
POLL_EVERY = 2.0
MIN_STRESS_ROWS = 10     # ps during the load lists at least this many stress processes

FREE_RE = re.compile(r"frames: (\d+) free of (\d+) .*?, (\d+) processes")


def ps_rows(text):
    """(pid, ppid, state, pages, name) of each row of ps output in text."""
    rows = []
    for line in text.splitlines():
        f = line.split()
        if len(f) == 5 and f[0].isdigit() and f[1].isdigit() and f[3].isdigit():
            rows.append((int(f[0]), int(f[1]), f[2], int(f[3]), f[4]))
    return rows


def session(con, deadline, check):
    """free, stress & and ps under the load, at the first prompt."""
    def info(what):
        print("INFO " + what, flush=True)

    def command(line, timeout):
        """Type line; (output up to the next prompt or None, seconds from the
        typed newline to the prompt)."""
        start = con.size()
        con.type(line)
        t0 = time.monotonic()
        con.type("\n")
        end = con.wait_for(PROMPT, start, min(deadline, t0 + timeout))
        dt = time.monotonic() - t0
        return (con.text(start, end) if end is not None else None), dt

    def free():
        out, _ = command("free", CMD_TIMEOUT)
        m = FREE_RE.search(out or "")
        return (int(m.group(1)), int(m.group(3))) if m else (None, None)

    frames0, procs0 = free()
    check(frames0 is not None, "free before the load: %s frames free, %s processes" % (frames0, procs0))

    stress_start = con.size()   # stress may print before the shell's next prompt
    out, _ = command("stress &", CMD_TIMEOUT)
    m = re.search(r"\[pid (\d+)\]", out or "")
    check(m is not None, "stress &: the shell started it in the background")
    spid = int(m.group(1)) if m else None

    # ps during the load.
    latencies = []
    for n, pause in ((1, 1.5), (2, 2.5)):
        time.sleep(pause)
        out, dt = command("ps", PS_TIMEOUT)
        check(out is not None, "ps #%d during the load: the prompt came back within %.0f s (%.2f s)"
              % (n, PS_TIMEOUT, dt))
        rows = ps_rows(out or "")
        nst = sum(1 for r in rows if r[4] == "stress")
        check(nst >= MIN_STRESS_ROWS, "ps #%d during the load: %d stress processes listed (of %d rows)"
              % (n, nst, len(rows)))
        if rows:
            info("ps #%d: %d rows; largest process %d pages (the hog, when it holds memory)"
                 % (n, len(rows), max(r[3] for r in rows)))
        if out is not None:
            latencies.append(dt)
    if latencies:
        info("ps latency during the load: %s s (newline typed -> prompt back)"
             % ", ".join("%.2f" % d for d in latencies))

    # Until stress is gone.
    gone, polls, worst = False, 0, 0.0
    t_end = time.monotonic() + STRESS_TIMEOUT
    while time.monotonic() < t_end:
        time.sleep(POLL_EVERY)
        out, dt = command("ps", PS_TIMEOUT)
        polls += 1
        if out is None:
            break
        worst = max(worst, dt)
        if not any(r[4] == "stress" for r in ps_rows(out)):
            gone = True
            break
    check(gone, "stress and all its processes finished within %.0f s (%d polls with ps, slowest %.2f s)"
          % (STRESS_TIMEOUT, polls, worst))

    text = con.text(stress_start)
    done = re.search(r"\[done\] \[pid %s exited with status (-?\d+)" % spid, text) if spid else None
    check(done is not None and done.group(1) == "0",
          "the shell reaped stress: exit status %s" % (done.group(1) if done else "not reported"))
    # (a line of stress's may follow a prompt: "sh>     ok 2 ...")
    ktap = re.findall(r"(not ok|ok) \d+ (stress_\w+)", text)
    check(len(ktap) == 7 and all(v == "ok" for v, _ in ktap),
          "stress: 7 KTAP results, all ok (%s)" % (", ".join("%s %s" % r for r in ktap) or "none"))
    for line in text.splitlines():
        if "# stress:" in line:
            info(line[line.index("# stress:"):])

    frames1, procs1 = free()
    check(frames1 is not None and frames1 == frames0,
          "free after the load: %s frames free, as before (%s)" % (frames1, frames0))
    check(procs1 == procs0, "free after the load: %s processes, as before (%s)" % (procs1, procs0))



if __name__ == "__main__":
    sys.exit(run(sys.argv, TOTAL_TIMEOUT, session))
