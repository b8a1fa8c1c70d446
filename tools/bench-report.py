#!/usr/bin/env python3
"""bench-report.py - turn the serial logs of trace-replay runs into the
benchmark's outputs: NAME.csv, NAME.json, NAME.svg (+ NAME.dat, NAME.gp for
gnuplot) in --outdir, and a side-by-side report on standard output.

    tools/bench-report.py --trace NAME --unit instructions|cycles --outdir DIR
                          [--meta KEY=VALUE]... [--quiet] LOG...

Input: serial logs (CR LF allowed, other kernel output ignored). Only these
lines of the replay program are read (comma-separated, no spaces; -1 means
"not available"):

    replay: cpu=<text>
    replay: begin trace=<name> mode=<mode> records=<R> names=<K> passes=<N> capped=<C>
    replay: progress trace=<name> entry=<entry> pass=<i>/<N>
    replay: mismatches trace=<name> mode=<mode> entry=<entry> n=<X> window=<W>
    row,<trace>,<mode>,<entry>,<syscall>,<op>,<count>,<skipped>,<min>,<p50>,<p90>,<p99>,<p999>,<max>,<calls>,<cr3_writes>,<pages_walked>,<bytes_copied>[,<fills_kernel_4k>,<fills_kernel_4m>,<fills_tramp_kernel>,<fills_tramp_user>,<fills_user>[,<faults>]]
    floor,<trace>,<mode>,<entry>,<ring_trip>,<cr3_pair>,<null_syscall>,<null_cr3_writes>
    fills,<trace>,<mode>,<entry>,empty|null,<kernel_4k>,<kernel_4m>,<tramp_kernel>,<tramp_user>,<user>,<instrument>
    fillpage,<trace>,<mode>,<entry>,<0xVA>,<kind>
    unit,<trace>,<mode>,rep_movsd,<N>,<ticks>
    replay: end trace=<name> mode=<mode>

Percentiles are in ticks (the --unit); cr3_writes, pages_walked and
bytes_copied are totals over one pass of `calls` calls, and so are the fill
columns (TLB fills counted with Accessed bits in an untimed pass; "-" or
absent where the system cannot count them, as on Linux). A fills line gives
the fills of an empty bracket and of one null call, and fillpage lines list
that null call's pages (kind: 0 kernel 4 KiB, 1 kernel 4 MiB, 2 trampoline
through the kernel PD, 3 trampoline through the user PD, 4 user, 5 the
instrument's own). A floor's cr3_pair
times two CR3 writes (0 where the null call writes none); null_cr3_writes
is what one null call did, read from the kernel's counters. A unit line is
the ticks of one `rep movsd` of N dwords beyond the empty bracket: N + 1
under TCG -icount shift=0 (a warning here if not). A -1 in the log is an
empty CSV field and null in the JSON, and so are the percentiles of a row
with 0 calls. An unterminated last line (QEMU stopped mid-line) is ignored.
If the same (mode, entry, syscall) row or (mode, entry) floor appears twice,
the later one (by log order, then line order) is kept, with a warning.

The JSON holds trace, unit, meta (--meta), cpu, cost_model, rows (the CSV
columns), floors, unit_checks, runs (each begin line: log, mode, records, names,
passes, capped, mismatches and window errors per entry, and whether its end
line was seen), and not_measured: the skipped records by name with their share,
and per mode/entry the records replayed with another result class than the
trace's, capped, and the windows without one syscall (the terminal report
shows the same block).

est_cycles is a cost MODEL (constants below, with their sources) when the unit
is instructions (QEMU TCG -icount, where a tick is one executed instruction,
so a CR3 write or a TLB refill costs one tick or nothing); with unit=cycles it is the measured p50 and no model is applied.
docs/benchmarking.md explains both units.

Exit status: 0 done; 1 no rows for the trace (or a log could not be read);
2 gnuplot missing or failed (CSV and JSON are written by then), or usage.
Standard library only; gnuplot (Debian: gnuplot-nox) is run as a program.
"""

import argparse
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys

# ---------------------------------------------------------------------------
# Cost model (unit=instructions only). Everything derived from these is
# labelled "model": it is an estimate, not a measurement.
# ---------------------------------------------------------------------------

# Linux kernel documentation, Documentation/x86/pti.rst ("Overhead"): a CR3
# write is "of the order of a hundred cycles".
CR3_WRITE = 100
# One TLB refill (a 4 KiB page touched again after a flush): a bare-metal
# 32-bit measurement, salvois/kernel (demo/Sysenter.c).
TLB_REFILL = 89
# Hardware cost of the entry and exit instructions, x86.lol kernel-entry
# benchmark (Skylake in a VM): sysenter+sysexit, and int+iret.
SYSENTER_SYSEXIT = 73
INT_IRET = 610
# The TLB fills of a call are MEASURED (the fill columns: Accessed bits,
# docs/benchmarking.md). Which of them a mode pays for on hardware:
# split-global maps the trampoline with Global PTEs (CR4.PGE), which a CR3
# write does not flush (SDM Vol. 3A §4.10.2.4, §4.10.4.1), so its trampoline
# fills drop out; QEMU flushes Global entries too, so they are measured there
# and dropped here. Every other fill is paid.
GLOBAL_TRAMPOLINE_MODES = ("split-global",)
# Only for rows without measured fills (the Linux peer): the earlier
# assumption, pages walked + ASSUMED_REFILL_PAGES after the flushes of one
# call (kernel text, data and stack; user code and stack). Labelled
# fills_source = "assumed" in the CSV and JSON.
ASSUMED_REFILL_PAGES = 5
# The floor's refills: the fewest pages any CR3-switching round trip must
# refill after its writes, whatever the kernel does in between. After the
# entry write, the instruction after `mov cr3` (trampoline text); after the
# exit write, that text again, the entry stack that `iretd` pops its frame
# from (int80 only: sysexit reads no memory), and the user's code page on
# return. In split-global the trampoline's PTEs are Global (CR4.PGE; SDM Vol.
# 3A §4.10.2.4, §4.10.4.1: a CR3 write keeps Global entries), so only the
# user's code page is left. 0 in a mode without CR3 writes.
FLOOR_REFILL_PAGES = {("split", "int80"): 4, ("split", "sysenter"): 3,
                      ("split-global", "int80"): 1, ("split-global", "sysenter"): 1}

ENTRY_COST = {"sysenter": SYSENTER_SYSEXIT, "int80": INT_IRET}

# CR3 writes per call assumed for a row whose cr3_writes is -1 (a floor line
# carries the null call's measured count): 2 where user and kernel have
# different page tables.
MODE_CR3_WRITES = {"split": 2, "split-global": 2, "linux-pti": 2,
                   "shared": 0, "linux-nopti": 0}

COST_MODEL_SOURCES = {
    "CR3_WRITE": "Linux kernel documentation, Documentation/x86/pti.rst: "
                 "a CR3 write is 'of the order of a hundred cycles'",
    "TLB_REFILL": "bare-metal 32-bit measurement, salvois/kernel (demo/Sysenter.c)",
    "SYSENTER_SYSEXIT": "x86.lol kernel-entry benchmark (Skylake in a VM)",
    "INT_IRET": "x86.lol kernel-entry benchmark (Skylake in a VM)",
}

# ---------------------------------------------------------------------------
# Output layout.
# ---------------------------------------------------------------------------

MODE_ORDER = ["split", "split-global", "shared", "linux-pti", "linux-nopti"]
OUR_MODES = ["split", "split-global", "shared"]
ENTRY_ORDER = ["int80", "sysenter"]
MODE_COLOURS = {"split": "#d62728", "split-global": "#ff7f0e", "shared": "#1f77b4",
                "linux-pti": "#2ca02c", "linux-nopti": "#7f7f7f"}

CSV_COLUMNS = ["mode", "entry", "syscall", "op", "count", "skipped", "min", "p50",
               "p90", "p99", "p999", "max", "unit", "calls", "cr3_writes_per_call",
               "pages_walked_per_call", "bytes_copied_per_call", "faults_per_call",
               "fills_kernel_4k_per_call", "fills_kernel_4m_per_call", "fills_tramp_per_call",
               "fills_user_per_call", "fills_model_per_call", "fills_source", "est_cycles"]
FILL_FIELDS = ["fills_kernel_4k", "fills_kernel_4m", "fills_tramp_kernel", "fills_tramp_user",
               "fills_user"]
ROW_FIELDS = ["trace", "mode", "entry", "syscall", "op", "count", "skipped", "min",
              "p50", "p90", "p99", "p999", "max", "calls", "cr3_writes",
              "pages_walked", "bytes_copied"] + FILL_FIELDS + ["faults"]
ROW_OPTIONAL = len(FILL_FIELDS) + 1   # trailing fields a row may lack (older logs): -1
ROW_INTS = ROW_FIELDS[5:]
FILLS_FIELDS = ["trace", "mode", "entry", "what", "kernel_4k", "kernel_4m", "tramp_kernel",
                "tramp_user", "user", "instrument"]
FILLS_INTS = FILLS_FIELDS[4:]
FILL_KINDS = ["kernel_4k", "kernel_4m", "tramp_kernel", "tramp_user", "user", "instrument"]
PERCENTILES = ("min", "p50", "p90", "p99", "p999", "max")
FLOOR_FIELDS = ["trace", "mode", "entry", "ring_trip", "cr3_pair", "null_syscall",
                "null_cr3_writes"]
FLOOR_INTS = FLOOR_FIELDS[3:]
UNIT_FIELDS = ["trace", "mode", "check", "n", "ticks"]
UNIT_INTS = UNIT_FIELDS[3:]
PER_CALL = [("cr3_writes", "cr3_writes_per_call"),
            ("pages_walked", "pages_walked_per_call"),
            ("bytes_copied", "bytes_copied_per_call"),
            ("faults", "faults_per_call")]   # demand-paging faults in the call's window

PLOT_TOP = 12    # syscalls in the SVG, besides ALL
TABLE_TOP = 20   # syscalls in the terminal table, besides ALL
LOG_RATIO = 50   # log-scale y in the SVG when max/min exceeds this
ICOUNT_NOTE = ("(TCG -icount shift=0: a tick is one executed instruction; a rep movs/stos "
               "counts once per iteration plus once; a CR3 write is one tick and TLB refills "
               "cost nothing in this unit; see est_cycles)")

TRACE_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")
KEYVAL_RE = re.compile(r"(\w[\w-]*)=(\S*)")


def warn(msg):
    """Print a warning on standard error."""
    print("bench-report: warning: " + msg, file=sys.stderr)


def fail(msg, status):
    """Print an error on standard error and exit with `status`."""
    print("bench-report: error: " + msg, file=sys.stderr)
    sys.exit(status)


# ---------------------------------------------------------------------------
# Parsing.
# ---------------------------------------------------------------------------

def parse_int(text):
    """An unsigned decimal integer or -1, which "-" also means (None if it is
    neither)."""
    if text in ("-1", "-"):
        return -1
    return int(text) if text.isdigit() else None


def parse_record(line, fields, int_fields, optional=0):
    """Split a `row,...` or `floor,...` line into a dict, or return None (with
    the reason as a string) if the field count or a number is wrong. The last
    `optional` fields, or the last of them, may be missing (then -1)."""
    parts = line.split(",")
    if optional and len(fields) + 1 - optional <= len(parts) < len(fields) + 1:
        parts += ["-1"] * (len(fields) + 1 - len(parts))
    if len(parts) != len(fields) + 1:
        return None, "%d fields, want %d" % (len(parts), len(fields) + 1)
    rec = dict(zip(fields, parts[1:]))
    for name in int_fields:
        value = parse_int(rec[name])
        if value is None:
            return None, "%s=%r is not a number" % (name, rec[name])
        rec[name] = value
    return rec, None


class LogData:
    """Everything the logs hold about the replay runs, for every trace."""

    def __init__(self):
        self.rows = {}      # (trace, mode, entry, syscall) -> row dict
        self.floors = {}    # (trace, mode, entry) -> floor dict
        self.units = {}     # (trace, mode, check, n) -> unit dict
        self.fills = {}     # (trace, mode, entry, what) -> fills dict
        self.fill_pages = {}  # (trace, mode, entry) -> [(va, kind)] of the null call
        self.cpus = {}      # trace -> [cpu strings, in order seen, distinct]
        self.runs = []      # begin lines: dicts with log, trace, mode, ... ended
        self.traces = []    # trace names with rows, in order seen

    def add_row(self, rec, where):
        """Store a row, replacing (with a warning) an earlier one."""
        key = (rec["trace"], rec["mode"], rec["entry"], rec["syscall"])
        if key in self.rows:
            warn("%s: row %s/%s/%s of trace %s seen again; the later one is used"
                 % (where, key[1], key[2], key[3], key[0]))
        self.rows[key] = rec
        if rec["trace"] not in self.traces:
            self.traces.append(rec["trace"])

    def add_floor(self, rec, where):
        """Store a floor line, replacing (with a warning) an earlier one."""
        key = (rec["trace"], rec["mode"], rec["entry"])
        if key in self.floors:
            warn("%s: floor %s/%s of trace %s seen again; the later one is used"
                 % (where, key[1], key[2], key[0]))
        self.floors[key] = rec

    def add_unit(self, rec):
        """Store a unit line (a later one replaces an earlier one)."""
        self.units[(rec["trace"], rec["mode"], rec["check"], rec["n"])] = rec

    def add_cpu(self, trace, cpu):
        """Remember the cpu= line that preceded a run of `trace`."""
        seen = self.cpus.setdefault(trace, [])
        if cpu not in seen:
            seen.append(cpu)


def parse_replay_line(data, state, body):
    """Handle one `replay: ...` line: cpu, begin, mismatches and end are kept
    (for the JSON's runs), anything else (progress, errors) is ignored."""
    if body.startswith("cpu="):
        state["cpu"] = body[4:].strip()
        return
    word, _, rest = body.partition(" ")
    attrs = dict(KEYVAL_RE.findall(rest))
    if word == "begin":
        run = {"log": state["path"], "trace": attrs.get("trace"),
               "mode": attrs.get("mode"), "ended": False, "mismatches": {}, "window": {}}
        for key in ("records", "names", "passes", "capped"):
            run[key] = parse_int(attrs.get(key, ""))
        data.runs.append(run)
        state["open"][(run["trace"], run["mode"])] = run
        if state["cpu"] is not None and run["trace"]:
            data.add_cpu(run["trace"], state["cpu"])
    elif word == "mismatches":
        run = state["open"].get((attrs.get("trace"), attrs.get("mode")))
        if run is not None:
            run["mismatches"][attrs.get("entry", "?")] = parse_int(attrs.get("n", ""))
            run["window"][attrs.get("entry", "?")] = parse_int(attrs.get("window", ""))
    elif word == "end":
        run = state["open"].pop((attrs.get("trace"), attrs.get("mode")), None)
        if run is not None:
            run["ended"] = True


def parse_log(data, path):
    """Read one serial log into `data`. Returns the number of row lines (of
    any trace)."""
    state = {"path": path, "cpu": None, "open": {}}
    nrows = 0
    with open(path, "r", encoding="utf-8", errors="replace", newline="") as f:
        text = f.read()
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1].startswith(("row,", "floor,", "unit,")):
        # No line end after it: QEMU stopped while it was being printed.
        warn("%s:%d: unterminated last line ignored" % (path, len(lines)))
        lines[-1] = ""
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        where = "%s:%d" % (path, lineno)
        if line.startswith("row,"):
            rec, why = parse_record(line, ROW_FIELDS, ROW_INTS, ROW_OPTIONAL)
            if rec is None:
                warn("%s: malformed row line ignored (%s)" % (where, why))
                continue
            data.add_row(rec, where)
            if state["cpu"] is not None and rec["trace"] not in data.cpus:
                data.add_cpu(rec["trace"], state["cpu"])  # rows without a begin line
            nrows += 1
        elif line.startswith("floor,"):
            rec, why = parse_record(line, FLOOR_FIELDS, FLOOR_INTS)
            if rec is None:
                warn("%s: malformed floor line ignored (%s)" % (where, why))
                continue
            data.add_floor(rec, where)
        elif line.startswith("unit,"):
            rec, why = parse_record(line, UNIT_FIELDS, UNIT_INTS)
            if rec is None:
                warn("%s: malformed unit line ignored (%s)" % (where, why))
                continue
            data.add_unit(rec)
        elif line.startswith("fills,"):
            rec, why = parse_record(line, FILLS_FIELDS, FILLS_INTS)
            if rec is None:
                warn("%s: malformed fills line ignored (%s)" % (where, why))
                continue
            data.fills[(rec["trace"], rec["mode"], rec["entry"], rec["what"])] = rec
            if rec["what"] == "null":
                data.fill_pages[(rec["trace"], rec["mode"], rec["entry"])] = []
        elif line.startswith("fillpage,"):
            parts = line.split(",")
            try:
                va, kind = int(parts[4], 16), int(parts[5])
            except (IndexError, ValueError):
                warn("%s: malformed fillpage line ignored" % where)
                continue
            data.fill_pages.setdefault(tuple(parts[1:4]), []).append((va, kind))
        elif line.startswith("replay: "):
            parse_replay_line(data, state, line[len("replay: "):])
    for trace, mode in state["open"]:
        warn("%s: run of trace %s mode %s has no end line (QEMU stopped early?)"
             % (path, trace, mode))
    return nrows


# ---------------------------------------------------------------------------
# Derived values and the cost model.
# ---------------------------------------------------------------------------

def avail(value):
    """The value, or None if the log said -1 (not available)."""
    return None if value is None or value < 0 else value


def round_half_up(x):
    """Round to the nearest integer, halves up (not banker's rounding)."""
    return int(math.floor(x + 0.5))


def per_call(total, calls):
    """total / calls; 0 when calls is 0; None when either is not available."""
    total, calls = avail(total), avail(calls)
    if total is None or calls is None:
        return None
    return total / calls if calls else 0.0


def model_fills(mode, fills):
    """TLB fills per call the model charges, from measured fills per call
    {kernel_4k, kernel_4m, tramp_kernel, tramp_user, user}: all of them, less
    the trampoline's in a mode whose trampoline PTEs are Global."""
    paid = fills["kernel_4k"] + fills["kernel_4m"] + fills["user"]
    if mode not in GLOBAL_TRAMPOLINE_MODES:
        paid += fills["tramp_kernel"] + fills["tramp_user"]
    return paid


def assumed_fills(cr3_per_call, pages_walked_per_call):
    """Fills per call where none were measured (the Linux peer): none
    without a CR3 write, else pages walked + ASSUMED_REFILL_PAGES."""
    if not cr3_per_call:
        return 0.0
    return (pages_walked_per_call or 0.0) + ASSUMED_REFILL_PAGES


def model_cycles(mode, entry, ticks, cr3_per_call, fills):
    """Modelled cycles of one call: the ticks (instructions, one cycle each)
    plus the entry's hardware cost, the CR3 writes and `fills` TLB fills
    (model_fills or assumed_fills). None if the ticks or the entry's cost are
    unknown."""
    if avail(ticks) is None or entry not in ENTRY_COST:
        return None
    if cr3_per_call is None:
        cr3_per_call = MODE_CR3_WRITES.get(mode, 0)
    return round_half_up(ticks + ENTRY_COST[entry] + CR3_WRITE * cr3_per_call
                         + TLB_REFILL * fills)


def row_fills(rec):
    """Measured fills per call of a log row, {kind: value}, or None if the
    row has none."""
    if any(avail(rec[f]) is None for f in FILL_FIELDS) or avail(rec["calls"]) is None:
        return None
    return {f[len("fills_"):]: per_call(rec[f], rec["calls"]) for f in FILL_FIELDS}


def derive_row(rec, unit):
    """A row of the CSV/JSON (dict keyed by CSV_COLUMNS) from a log row."""
    out = {"mode": rec["mode"], "entry": rec["entry"], "syscall": rec["syscall"],
           "op": rec["op"], "unit": unit}
    for name in ("count", "skipped", "calls") + PERCENTILES:
        out[name] = avail(rec[name])
    if not out["calls"]:
        # Percentiles of no sample do not exist, whatever the line printed.
        out.update(dict.fromkeys(PERCENTILES))
    for total, name in PER_CALL:
        value = per_call(rec[total], rec["calls"])
        out[name] = None if value is None else round(value, 2)
    fills = row_fills(rec)
    cr3 = per_call(rec["cr3_writes"], rec["calls"])
    if fills is not None:
        paid = model_fills(rec["mode"], fills)
        out["fills_source"] = "measured"
    else:
        paid = assumed_fills(cr3 if cr3 is not None else MODE_CR3_WRITES.get(rec["mode"], 0),
                             per_call(rec["pages_walked"], rec["calls"]))
        out["fills_source"] = "assumed"
    for name, value in (("fills_kernel_4k_per_call", fills and fills["kernel_4k"]),
                        ("fills_kernel_4m_per_call", fills and fills["kernel_4m"]),
                        ("fills_tramp_per_call",
                         fills and fills["tramp_kernel"] + fills["tramp_user"]),
                        ("fills_user_per_call", fills and fills["user"]),
                        ("fills_model_per_call", paid)):
        out[name] = None if value is None else round(value, 2)
    # est_cycles: the measured p50 in cycles, else the model (which uses the
    # unrounded per-call values).
    # A row without samples (all SKIP) has no p50, so no est_cycles either:
    # the replay prints 0 percentiles for it, out["p50"] is None by now.
    if unit == "cycles":
        out["est_cycles"] = out["p50"]
    else:
        out["est_cycles"] = model_cycles(rec["mode"], rec["entry"], out["p50"], cr3, paid)
    return out


def ratio(a, b):
    """a / b, or None if either is missing or b is 0."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def floor_refill_pages(mode, entry, cr3_writes):
    """Pages the floor refills (model): FLOOR_REFILL_PAGES, 0 without CR3 writes."""
    return FLOOR_REFILL_PAGES.get((mode, entry), 0) if cr3_writes else 0


def fills_object(rec):
    """A fills line as a JSON object {kind: count}, or None."""
    if rec is None:
        return None
    return {k: avail(rec[k]) for k in FILL_KINDS}


def derive_floor(rec, unit, fills=None):
    """The JSON floor object of one mode and entry. The floor counts only
    what the mode does: the ring trip, plus the timed CR3 pair scaled to the
    null call's measured CR3 writes (none in `shared`); in the model, those
    writes and the floor's refills (FLOOR_REFILL_PAGES). `fills`: the fills
    lines of this mode and entry ({"empty": rec, "null": rec} or fewer) and
    the null call's pages ("pages": [{va, kind}]); the null call's model
    charges its measured fills (assumed_fills where there are none)."""
    fills = fills or {}
    ring, pair, null = avail(rec["ring_trip"]), avail(rec["cr3_pair"]), avail(rec["null_syscall"])
    writes = avail(rec["null_cr3_writes"])
    floor = None
    if ring is not None and writes is not None and (pair is not None or writes == 0):
        floor = ring + (round_half_up(pair * writes / 2) if writes else 0)
    out = {"mode": rec["mode"], "entry": rec["entry"], "ring_trip": ring, "cr3_pair": pair,
           "null_cr3_writes": writes, "floor": floor, "null_syscall": null, "overhead": None,
           "floor_refill_pages": None, "floor_model_cycles": None, "null_model_cycles": None,
           "overhead_model": None, "null_fills": fills_object(fills.get("null")),
           "empty_fills": fills_object(fills.get("empty")), "null_fills_model": None,
           "null_fill_pages": fills.get("pages")}
    over = ratio(null, floor)
    out["overhead"] = None if over is None else round(over, 4)
    if unit == "instructions":
        entry_cost = ENTRY_COST.get(rec["entry"])
        pages = floor_refill_pages(rec["mode"], rec["entry"], writes)
        if floor is not None and entry_cost is not None:
            out["floor_refill_pages"] = pages
            out["floor_model_cycles"] = entry_cost + CR3_WRITE * writes + TLB_REFILL * pages + floor
        nf = out["null_fills"]
        if nf is not None and None not in nf.values():
            paid = model_fills(rec["mode"], nf)
        else:
            paid = assumed_fills(writes if writes is not None else
                                 MODE_CR3_WRITES.get(rec["mode"], 0), 0.0)
        out["null_fills_model"] = paid
        out["null_model_cycles"] = model_cycles(rec["mode"], rec["entry"], null, writes, paid)
        over = ratio(out["null_model_cycles"], out["floor_model_cycles"])
        out["overhead_model"] = None if over is None else round(over, 4)
    for what, a, b in (("", null, floor),
                       (" (model)", out["null_model_cycles"], out["floor_model_cycles"])):
        if a is not None and b is not None and a < b:
            warn("%s/%s: the null call%s (%d) is below its floor (%d)"
                 % (rec["mode"], rec["entry"], what, a, b))
    return out


def derive_units(units, trace, unit):
    """The JSON unit_checks of one trace: per mode and N, the ticks measured
    and, under unit=instructions, the N + 1 expected (warning if they differ)."""
    out = []
    for (t, mode, check, n), rec in sorted(
            units.items(), key=lambda kv: (order_key(kv[0][1], MODE_ORDER), kv[0][2], kv[0][3])):
        if t != trace:
            continue
        expected = n + 1 if unit == "instructions" and check == "rep_movsd" else None
        item = {"mode": mode, "check": check, "n": n, "ticks": avail(rec["ticks"]),
                "expected": expected}
        if expected is not None and item["ticks"] != expected:
            warn("%s: %s of %d dwords took %s ticks, not %d: under -icount shift=0 a tick "
                 "should be one executed instruction, with a rep counted once per iteration "
                 "plus once (a different QEMU?)" % (mode, check, n, item["ticks"], expected))
        out.append(item)
    return out


def cost_model(unit):
    """The cost model for the JSON: constants, sources and formulas as text."""
    model = {"label": "model", "applied": unit == "instructions",
             "CR3_WRITE_cycles": CR3_WRITE, "TLB_REFILL_cycles": TLB_REFILL,
             "SYSENTER_SYSEXIT_cycles": SYSENTER_SYSEXIT, "INT_IRET_cycles": INT_IRET,
             "GLOBAL_TRAMPOLINE_MODES": list(GLOBAL_TRAMPOLINE_MODES),
             "ASSUMED_REFILL_PAGES": ASSUMED_REFILL_PAGES,
             "FLOOR_REFILL_PAGES": {"%s/%s" % k: v for k, v in FLOOR_REFILL_PAGES.items()},
             "sources": COST_MODEL_SOURCES}
    if unit == "cycles":
        model["formula"] = ("est_cycles = p50 as measured (unit=cycles: no model applied); "
                            "the floors' model fields are null")
        return model
    model["formula"] = (
        "est_cycles (model) = p50 (instructions, taken at one cycle each) + entry cost "
        "(SYSENTER_SYSEXIT = 73 for sysenter, INT_IRET = 610 for int80) + CR3_WRITE * "
        "cr3_writes_per_call + TLB_REFILL * fills_model_per_call, rounded half up; per-call "
        "values unrounded")
    model["fills_model_per_call"] = (
        "measured (fills_source = measured): fills_kernel_4k + fills_kernel_4m + fills_user "
        "+ fills_tramp, less fills_tramp in split-global, whose Global trampoline PTEs "
        "survive a CR3 write on hardware (QEMU flushes them, so they are measured). "
        "assumed (no fill columns, the Linux peer): 0 if cr3_writes_per_call == 0, else "
        "pages_walked_per_call + ASSUMED_REFILL_PAGES. A row value of -1 (not available): "
        "cr3 writes per call default to 2 (split, split-global, linux-pti) or 0 (shared, "
        "linux-nopti), pages walked to 0")
    model["floor"] = ("ring_trip + cr3_pair * null_cr3_writes / 2 (ticks): only the CR3 writes "
                      "the mode's null call does, none in shared")
    model["floor_model_cycles"] = ("entry cost + CR3_WRITE * null_cr3_writes + TLB_REFILL * "
                                   "FLOOR_REFILL_PAGES[mode/entry] (0 without CR3 writes) + floor")
    model["null_model_cycles"] = (
        "est_cycles formula on null_syscall with the null call's measured CR3 writes and "
        "its measured fills (null_fills, charged as fills_model_per_call is)")
    model["overhead_model"] = "null_model_cycles / floor_model_cycles"
    return model


# ---------------------------------------------------------------------------
# Selection and ordering.
# ---------------------------------------------------------------------------

def order_key(value, order):
    """Sort key: the position in `order`, then the others alphabetically."""
    return (order.index(value), "") if value in order else (len(order), value)


def syscall_key(row):
    """Sort key for rows of one mode/entry: ALL, then by count down, then name."""
    return (row["syscall"] != "ALL", -(row["count"] or 0), row["syscall"])


def sorted_rows(rows):
    """Rows in output order: mode, entry, syscall."""
    return sorted(rows, key=lambda r: (order_key(r["mode"], MODE_ORDER),
                                       order_key(r["entry"], ENTRY_ORDER), syscall_key(r)))


def columns_present(rows):
    """(mode, entry) pairs that have rows, in output order."""
    pairs = {(r["mode"], r["entry"]) for r in rows}
    return sorted(pairs, key=lambda p: (order_key(p[0], MODE_ORDER), order_key(p[1], ENTRY_ORDER)))


def preferred_entry(rows):
    """sysenter if every one of our modes present has sysenter rows, else
    int80 (else whatever entry there is)."""
    pairs = {(r["mode"], r["entry"]) for r in rows}
    ours = {m for m, _ in pairs if m in OUR_MODES}
    entries = sorted({e for _, e in pairs}, key=lambda e: order_key(e, ENTRY_ORDER))
    if "sysenter" in entries and all((m, "sysenter") in pairs for m in ours):
        return "sysenter"
    if "int80" in entries:
        return "int80"
    return entries[0] if entries else "sysenter"


def syscalls_by_count(rows, limit):
    """[(syscall, op, count)]: ALL, then the `limit` syscalls with the most
    records (the largest count any mode reports), ties by name."""
    info = {}
    for r in rows:
        name, count = r["syscall"], r["count"] or 0
        if name not in info or count > info[name][1]:
            info[name] = (r["op"], count)
    names = sorted((n for n in info if n != "ALL"), key=lambda n: (-info[n][1], n))[:limit]
    if "ALL" in info:
        names.insert(0, "ALL")
    return [(n, info[n][0], info[n][1]) for n in names]


def lookup(rows):
    """{(mode, entry, syscall): row}."""
    return {(r["mode"], r["entry"], r["syscall"]): r for r in rows}


def check_consistency(rows):
    """Warn about rows whose counts disagree: calls != count - skipped, or an
    ALL count that is not the sum of the per-syscall counts."""
    sums = {}
    for r in rows:
        if None not in (r["count"], r["skipped"], r["calls"]) \
                and r["calls"] != r["count"] - r["skipped"]:
            warn("%s/%s %s: calls %d != count %d - skipped %d" % (
                r["mode"], r["entry"], r["syscall"], r["calls"], r["count"], r["skipped"]))
        if r["syscall"] != "ALL":
            key = (r["mode"], r["entry"])
            sums[key] = sums.get(key, 0) + (r["count"] or 0)
    for r in rows:
        key = (r["mode"], r["entry"])
        if r["syscall"] == "ALL" and key in sums and r["count"] != sums[key]:
            warn("%s/%s: ALL count %s != %d, the sum of the per-syscall counts"
                 % (key[0], key[1], r["count"], sums[key]))


# ---------------------------------------------------------------------------
# CSV and JSON.
# ---------------------------------------------------------------------------

def csv_value(name, value):
    """A CSV field: empty if not available, 2 decimals for per-call values."""
    if value is None:
        return ""
    if name.endswith("_per_call"):
        return "%.2f" % value
    return str(value)


def write_csv(path, rows):
    """NAME.csv: the header, then one line per row."""
    with open(path, "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(CSV_COLUMNS)
        for r in rows:
            out.writerow([csv_value(c, r[c]) for c in CSV_COLUMNS])


def write_json(path, doc):
    """NAME.json, indented, with a final newline."""
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


# ---------------------------------------------------------------------------
# The SVG, through gnuplot.
# ---------------------------------------------------------------------------

def gp_quote(text):
    """A gnuplot single-quoted string ('' inside stands for one quote)."""
    return "'" + text.replace("'", "''") + "'"


def plot_values(rows, entry):
    """(syscalls, modes, {(mode, syscall): (p50, p99, est_cycles)}) for the
    plot: the rows of one entry, syscalls with a p50 in some mode (not the
    skipped ones)."""
    chosen = [r for r in rows if r["entry"] == entry]
    modes = [m for m, _ in columns_present(chosen)]
    names = [n for n, _, _ in syscalls_by_count([r for r in chosen if r["p50"] is not None],
                                                PLOT_TOP)]
    table = lookup(chosen)
    values = {}
    for m in modes:
        for n in names:
            r = table.get((m, entry, n))
            if r is not None and r["p50"] is not None:
                values[(m, n)] = (r["p50"], r["p99"] if r["p99"] is not None else r["p50"],
                                  r["est_cycles"])
    return names, modes, values


def use_log_scale(values):
    """True if the plotted values span more than LOG_RATIO."""
    positive = [v for triple in values.values() for v in triple if v is not None and v > 0]
    return bool(positive) and max(positive) / min(positive) > LOG_RATIO


def write_plot_data(path, names, modes, values, log):
    """NAME.dat: one line per syscall; per mode p50, ylow (= p50), yhigh (=
    p99), est_cycles."""
    with open(path, "w") as f:
        f.write("# syscall" + "".join(" %s_p50 %s_low %s_p99 %s_est" % (m, m, m, m)
                                      for m in modes) + "\n")
        for n in names:
            cells = []
            for m in modes:
                p50, p99, est = values.get((m, n), (None, None, None))
                if p50 is None or (log and p50 <= 0):
                    cells += ["NaN"] * 3
                else:
                    cells += [str(p50), str(p50), str(max(p99, p50))]
                cells.append("NaN" if est is None or (log and est <= 0) else str(est))
            f.write(" ".join(['"%s"' % n] + cells) + "\n")


def write_plot_script(path, trace, unit, entry, modes, log):
    """NAME.gp, relative to its own directory: cd DIR && gnuplot NAME.gp."""
    title = "%s: p50 with p99 whiskers (%s), entry=%s" % (trace, unit, entry)
    est_label = "est_cycles (model)" if unit == "instructions" else "est_cycles (measured p50)"
    lines = [
        "# Re-plot: run `gnuplot %s` in this directory (paths are relative)."
        % os.path.basename(path),
        "# Written by tools/bench-report.py from %s.dat." % trace,
        "set terminal svg size 1200,1000 dynamic enhanced font 'sans,10'",
        "set output %s" % gp_quote(trace + ".svg"),
        "set multiplot layout 2,1",
        "set title %s noenhanced" % gp_quote(title),
        "set style data histogram",
        "set style histogram errorbars gap 2 lw 1",
        "set style fill solid 0.8 border -1",
        "set boxwidth 0.9",
        "set xtics rotate by -30 nomirror noenhanced",
        "set key outside top center horizontal noenhanced",
        "set grid ytics",
        "set ylabel %s" % gp_quote("%s per call (p50 bar, p99 whisker)" % unit),
    ]
    lines += ["set logscale y", "set yrange [*:*]"] if log else ["set yrange [0:*]"]
    parts = []
    for i, m in enumerate(modes):
        col = 2 + 4 * i
        using = "%d:%d:%d" % (col, col + 1, col + 2) + (":xtic(1)" if i == 0 else "")
        source = gp_quote(trace + ".dat") if i == 0 else "''"
        colour = " lc rgb %s" % gp_quote(MODE_COLOURS[m]) if m in MODE_COLOURS else ""
        parts.append("%s using %s title %s%s" % (source, using, gp_quote(m), colour))
    lines.append("plot " + ", \\\n     ".join(parts))
    # Second panel: est_cycles by mode, where the modes differ as hardware would.
    lines += ["set title %s noenhanced" % gp_quote("%s: %s, entry=%s" % (trace, est_label, entry)),
              "set style histogram clustered gap 2",
              "set ylabel %s" % gp_quote("%s per call" % est_label)]
    parts = []
    for i, m in enumerate(modes):
        col = 5 + 4 * i
        using = "%d" % col + (":xtic(1)" if i == 0 else "")
        source = gp_quote(trace + ".dat") if i == 0 else "''"
        colour = " lc rgb %s" % gp_quote(MODE_COLOURS[m]) if m in MODE_COLOURS else ""
        parts.append("%s using %s title %s%s" % (source, using, gp_quote(m), colour))
    lines.append("plot " + ", \\\n     ".join(parts))
    lines.append("unset multiplot")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def run_gnuplot(outdir, script, svg):
    """Run gnuplot on `script` in `outdir`; exit 2 if it is missing or fails."""
    gnuplot = shutil.which("gnuplot")
    if gnuplot is None:
        fail("gnuplot not found on PATH; cannot write %s (Debian: apt-get install "
             "gnuplot-nox). The CSV and JSON were written." % svg, 2)
    try:
        proc = subprocess.run([gnuplot, os.path.basename(script)], cwd=outdir,
                              capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        fail("gnuplot %s: %s" % (script, e), 2)
    for line in proc.stderr.splitlines():
        print("gnuplot: " + line, file=sys.stderr)
    if proc.returncode != 0:
        fail("gnuplot %s exited with status %d; %s not written" % (script, proc.returncode, svg), 2)
    if not os.path.isfile(svg) or os.path.getsize(svg) == 0:
        fail("gnuplot %s left no %s" % (script, svg), 2)


def write_svg(outdir, trace, unit, rows):
    """NAME.dat, NAME.gp and, through gnuplot, NAME.svg (of the preferred entry)."""
    entry = preferred_entry(rows)
    names, modes, values = plot_values(rows, entry)
    if not values:
        fail("nothing to plot: no row of entry %s has a p50; %s.svg not written"
             % (entry, trace), 2)
    log = use_log_scale(values)
    base = os.path.join(outdir, trace)
    write_plot_data(base + ".dat", names, modes, values, log)
    write_plot_script(base + ".gp", trace, unit, entry, modes, log)
    run_gnuplot(outdir, base + ".gp", base + ".svg")


# ---------------------------------------------------------------------------
# Terminal report.
# ---------------------------------------------------------------------------

def fmt(value, decimals=None):
    """A table cell: '-' if missing, else the number."""
    if value is None:
        return "-"
    return "%.*f" % (decimals, value) if decimals is not None else str(value)


def format_table(header, body, left=1):
    """Lines of an aligned table: the first `left` columns left-aligned, the
    others right-aligned, two spaces apart."""
    widths = [max(len(row[i]) for row in [header] + body) for i in range(len(header))]
    lines = []
    for row in [header] + body:
        cells = [c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    return lines


def p50_table(rows, entry):
    """The side-by-side p50 table: ALL, then the top syscalls by count."""
    cols = columns_present(rows)
    table = lookup(rows)
    modes = {m for m, _ in cols}
    header = ["syscall", "op", "count"] + ["%s/%s" % c for c in cols] + ["split/shared"]
    if "linux-pti" in modes:
        header.append("split/linux-pti")
    body = []
    for name, op, count in syscalls_by_count(rows, TABLE_TOP):
        p50 = {c: table[(c[0], c[1], name)]["p50"] for c in cols if (c[0], c[1], name) in table}
        line = [name, op, fmt(count)] + [fmt(p50.get(c)) for c in cols]
        split = p50.get(("split", entry))
        line.append(fmt(ratio(split, p50.get(("shared", entry))), 2))
        if "linux-pti" in modes:
            line.append(fmt(ratio(split, p50.get(("linux-pti", entry))), 2))
        body.append(line)
    return format_table(header, body, left=2)


def fault_table(rows, entry):
    """Rows whose calls took demand-paging faults (brk growth touched by the
    replay): faults and CR3 writes per call, per mode, at `entry`. Empty if
    no row has any."""
    body = []
    for r in rows:
        if r["entry"] == entry and r["syscall"] != "ALL" and (r.get("faults_per_call") or 0) > 0:
            body.append([r["syscall"], r["mode"], fmt(r["faults_per_call"], 2),
                         fmt(r["cr3_writes_per_call"], 2), fmt(r["p50"])])
    if not body:
        return []
    header = ["syscall", "mode", "faults/call", "cr3_writes/call", "p50 (call alone)"]
    return (["demand-paging faults at entry=%s (the touches after the call, inside its event "
             "window; p50 times the call alone):" % entry] + format_table(header, body, left=2))


def est_table(rows, unit):
    """Ticks and est_cycles of the ALL row side by side, with the measured
    fills per call behind the model: one line per mode and entry."""
    table = lookup(rows)
    label = "est_cycles (model)" if unit == "instructions" else "est_cycles (measured)"
    header = ["mode/entry", "p50 (%s)" % unit, label, "fills: kernel 4K", "4M", "tramp",
              "user", "charged"]
    body = []
    for m, e in columns_present(rows):
        r = table.get((m, e, "ALL"))
        if r is None:
            continue
        charged = fmt(r["fills_model_per_call"], 2)
        if r["fills_source"] != "measured":
            charged += " (assumed)"
        body.append(["%s/%s" % (m, e), fmt(r["p50"]), fmt(r["est_cycles"]),
                     fmt(r["fills_kernel_4k_per_call"], 2), fmt(r["fills_kernel_4m_per_call"], 2),
                     fmt(r["fills_tramp_per_call"], 2), fmt(r["fills_user_per_call"], 2), charged])
    return (["syscall=ALL, p50 and %s side by side; TLB fills per call (measured, "
             "Accessed bits; split-global is not charged its Global trampoline's):" % label]
            + format_table(header, body))


def floor_lines(floor, unit):
    """The floor block of one mode and entry."""
    f = floor
    head = "%s/%s:" % (f["mode"], f["entry"])
    if f["floor"] is not None and f["null_cr3_writes"]:
        floor_text = "%d + %d x %d/2 = %d %s" % (f["ring_trip"], f["cr3_pair"],
                                                 f["null_cr3_writes"], f["floor"], unit)
    elif f["floor"] is not None:
        floor_text = "%d + 0 (no CR3 write in this mode) = %d %s" % (f["ring_trip"], f["floor"], unit)
    else:
        floor_text = "- (ring trip and CR3 pair not measured in this mode)"
    pairs = [("floor = ring trip + CR3 pair x writes/2", floor_text),
             ("null syscall", "%s %s" % (fmt(f["null_syscall"]), unit)),
             ("overhead = null_syscall / floor", fmt(f["overhead"], 2))]
    if unit == "instructions":
        entry_cost = ENTRY_COST.get(f["entry"])
        if f["floor_model_cycles"] is not None:
            model_floor = "%d + %d x %d + %d x %d + %d = %d cycles" % (
                entry_cost, f["null_cr3_writes"], CR3_WRITE, f["floor_refill_pages"], TLB_REFILL,
                f["floor"], f["floor_model_cycles"])
        else:
            model_floor = "-"
        nf, ef = f.get("null_fills"), f.get("empty_fills")
        if nf is not None:
            pairs.append(("null call's TLB fills (measured)", "kernel 4K %s, 4M %s, trampoline "
                          "%s + %s, user %s; charged %s (empty bracket: %s)" % (
                              fmt(nf["kernel_4k"]), fmt(nf["kernel_4m"]), fmt(nf["tramp_kernel"]),
                              fmt(nf["tramp_user"]), fmt(nf["user"]), fmt(f["null_fills_model"]),
                              "-" if ef is None else sum(v or 0 for k, v in ef.items()
                                                         if k != "instrument"))))
        pairs += [("(model) floor = entry + CR3 writes + refills + floor", model_floor),
                  ("(model) null syscall", "%s cycles" % fmt(f["null_model_cycles"])),
                  ("(model) overhead = null_syscall / floor", fmt(f["overhead_model"], 2))]
    width = max(len(k) for k, _ in pairs)
    return [head] + ["  %s = %s" % (k.ljust(width), v) for k, v in pairs]


def unit_lines(checks, unit):
    """The unit check: ticks of `rep movsd` of N dwords, per mode."""
    if not checks:
        return []
    modes = sorted({c["mode"] for c in checks}, key=lambda m: order_key(m, MODE_ORDER))
    lines = ["unit check: ticks of one `rep movsd` of N dwords beyond the empty bracket"
             + (" (want N + 1 under -icount)" if unit == "instructions" else "") + ":"]
    for m in modes:
        mine = [c for c in checks if c["mode"] == m]
        cells = " ".join("N=%d:%s" % (c["n"], fmt(c["ticks"])) for c in mine)
        verdict = ""
        if unit == "instructions":
            verdict = " ok" if all(c["ticks"] == c["expected"] for c in mine) else " MISMATCH"
        lines.append("  %s: %s%s" % (m, cells, verdict))
    return lines


def percent(part, whole):
    """part as a percentage of whole, one decimal; None if whole is 0 or missing."""
    if part is None or not whole:
        return None
    return round(100.0 * part / whole, 1)


def not_measured(rows, runs):
    """What the replay did not measure as the program did it, for the JSON's
    not_measured object: the records of the trace; the skipped ones (OP_SKIP:
    no replay) in total and by syscall name, with their share of the records;
    and per run (mode, entry) the records replayed with another result class
    than the trace's (a failed call that succeeded, or the reverse), the
    records replayed at a capped size, and the event windows that did not hold
    exactly one system call (the replay's mismatches n=, begin capped= and
    mismatches window= fields; None where the log lacks them)."""
    records = max([r["count"] or 0 for r in rows if r["syscall"] == "ALL"] or [0])
    skipped = {}
    for r in rows:
        if r["syscall"] != "ALL" and r["skipped"]:
            skipped[r["syscall"]] = max(skipped.get(r["syscall"], 0), r["skipped"])
    names = sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0]))
    nskip = sum(skipped.values())
    per_run = []
    for run in runs:
        entries = sorted(set(run["mismatches"]) | set(run.get("window", {})),
                         key=lambda e: order_key(e, ENTRY_ORDER))
        for e in entries:
            per_run.append({"mode": run["mode"], "entry": e,
                            "result_class_differs": run["mismatches"].get(e),
                            "capped": run.get("capped"),
                            "window_errors": run.get("window", {}).get(e)})
    per_run.sort(key=lambda x: (order_key(x["mode"], MODE_ORDER), order_key(x["entry"], ENTRY_ORDER)))
    return {"records": records, "skipped": nskip, "skipped_percent": percent(nskip, records),
            "skipped_names": [{"syscall": n, "count": c, "percent": percent(c, records)}
                              for n, c in names],
            "runs": per_run}


def not_measured_lines(nm):
    """The terminal block of not_measured(): skipped names with their share,
    and per mode/entry the result-class, capped and window counts."""
    lines = ["not measured as traced (of %d records):" % nm["records"]]
    skipped = ", ".join("%s %d (%s%%)" % (x["syscall"], x["count"], fmt(x["percent"], 1))
                        for x in nm["skipped_names"])
    lines.append("  skipped, not replayed: %d records (%s%%)%s" % (
        nm["skipped"], fmt(nm["skipped_percent"], 1), ": " + skipped if skipped else ""))
    if nm["runs"]:
        header = ["  mode/entry", "result class differs from the trace", "capped",
                  "windows without one syscall"]
        body = [["  %s/%s" % (x["mode"], x["entry"]), fmt(x["result_class_differs"]),
                 fmt(x["capped"]), fmt(x["window_errors"])] for x in nm["runs"]]
        lines += format_table(header, body)
    else:
        lines.append("  (no replay mismatches lines in the logs: result classes, capped sizes and "
                     "windows unknown)")
    return lines


def report_lines(trace, unit, cpu, rows, floors, entry, checks=(), nm=None):
    """The whole terminal report."""
    head = "trace %s, unit %s" % (trace, unit)
    lines = [head + (" " + ICOUNT_NOTE if unit == "instructions" else " (measured)")]
    if cpu is not None:
        lines.append("cpu: %s" % cpu)
    lines.append("p50 per mode/entry; ratios of p50 at entry=%s" % entry)
    lines += p50_table(rows, entry)
    if nm is not None:
        lines.append("")
        lines += not_measured_lines(nm)
    faults = fault_table(rows, entry)
    if faults:
        lines.append("")
        lines += faults
    lines.append("")
    lines += est_table(rows, unit)
    if floors:
        lines.append("")
        lines.append("floors (%s):" % unit)
        for f in floors:
            lines += floor_lines(f, unit)
    if checks:
        lines.append("")
        lines += unit_lines(checks, unit)
    return lines


# ---------------------------------------------------------------------------
# Main.
# ---------------------------------------------------------------------------

def meta_pair(text):
    """argparse type for --meta: KEY=VALUE -> (KEY, VALUE)."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError("want KEY=VALUE, got %r" % text)
    return key, value


def trace_name(text):
    """argparse type for --trace: a name usable as a file name."""
    if not TRACE_NAME_RE.match(text):
        raise argparse.ArgumentTypeError("bad trace name %r (want [A-Za-z0-9_.+-])" % text)
    return text


def parse_args(argv):
    """The command line."""
    p = argparse.ArgumentParser(
        description="Turn the serial logs of trace-replay runs into NAME.csv, NAME.json, "
                    "NAME.svg and a terminal report (docs/benchmarking.md).")
    p.add_argument("--trace", required=True, type=trace_name, metavar="NAME",
                   help="the trace to report (rows of other traces are ignored)")
    p.add_argument("--unit", required=True, choices=["instructions", "cycles"],
                   help="what a tick is: instructions (TCG -icount) or cycles (KVM)")
    p.add_argument("--outdir", required=True, metavar="DIR", help="where the outputs go")
    p.add_argument("--meta", type=meta_pair, action="append", default=[], metavar="KEY=VALUE",
                   help="recorded in the JSON's meta object (repeat for more)")
    p.add_argument("--quiet", action="store_true", help="no report on standard output")
    p.add_argument("--ksym", metavar="FILE",
                   help="kernel.sym (nm -n): name the kernel pages of the null call's fills")
    p.add_argument("logs", nargs="+", metavar="LOG", help="serial logs of replay runs")
    return p.parse_args(argv)


def read_logs(paths):
    """Parse every log; exit 1 if one cannot be read. Returns the data and
    [(path, row lines)]."""
    data = LogData()
    read = []
    for path in paths:
        try:
            read.append((path, parse_log(data, path)))
        except OSError as e:
            fail("cannot read %s: %s" % (path, e.strerror or e), 1)
    return data, read


KSYMS = []   # [(address, name)] sorted, from --ksym (kernel.sym)


def load_ksyms(path):
    """Read `nm -n` style lines (ADDRESS NAME) into KSYMS; warn if unreadable."""
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2:
                    try:
                        KSYMS.append((int(parts[0], 16), parts[1]))
                    except ValueError:
                        pass
    except OSError as e:
        warn("cannot read --ksym %s: %s" % (path, e.strerror or e))
    KSYMS.sort()


def ksyms(va, kind):
    """The kernel symbols inside the 4 KiB page at `va` (a kernel-window or
    trampoline page): at most 4 names, or the symbol the page starts in; None
    for other kinds or without --ksym."""
    if not KSYMS or FILL_KINDS[kind] not in ("kernel_4k", "tramp_kernel", "tramp_user"):
        return None
    inside = [n for a, n in KSYMS if va <= a < va + 4096 and not n.startswith("__")]
    before = [n for a, n in KSYMS if a < va]
    names = ([before[-1] + " (cont.)"] if before and (not inside or
             not any(a == va for a, _ in KSYMS)) else []) + inside
    return ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")


def select_trace(data, trace, unit):
    """(rows, floors, cpu, runs, unit checks) of one trace, derived and ordered."""
    rows = sorted_rows([derive_row(r, unit) for k, r in data.rows.items() if k[0] == trace])
    floors = []
    for k, f in data.floors.items():
        if k[0] != trace:
            continue
        fills = {w: data.fills[k + (w,)] for w in ("empty", "null") if k + (w,) in data.fills}
        if k in data.fill_pages:
            fills["pages"] = [{"va": "0x%08x" % va, "kind": FILL_KINDS[kind]
                               if 0 <= kind < len(FILL_KINDS) else str(kind),
                               "symbol": ksyms(va, kind)} for va, kind in data.fill_pages[k]]
        floors.append(derive_floor(f, unit, fills))
    floors.sort(key=lambda f: (order_key(f["mode"], MODE_ORDER), order_key(f["entry"], ENTRY_ORDER)))
    cpus = data.cpus.get(trace, [])
    if len(cpus) > 1:
        warn("runs of trace %s name %d different CPUs; the JSON keeps the first: %s"
             % (trace, len(cpus), cpus[0]))
    runs = [{k: v for k, v in r.items() if k != "trace"} for r in data.runs if r["trace"] == trace]
    return rows, floors, (cpus[0] if cpus else None), runs, derive_units(data.units, trace, unit)


def main(argv):
    """Parse the logs, write the outputs, print the report."""
    args = parse_args(argv)
    if args.ksym:
        load_ksyms(args.ksym)
    data, read = read_logs(args.logs)
    rows, floors, cpu, runs, checks = select_trace(data, args.trace, args.unit)
    if not rows:
        logs = ", ".join("%s (%d row lines)" % r for r in read)
        others = ", ".join(data.traces) if data.traces else "none"
        fail("no rows for trace %s; logs read: %s; traces with rows: %s"
             % (args.trace, logs, others), 1)
    check_consistency(rows)
    nm = not_measured(rows, runs)
    os.makedirs(args.outdir, exist_ok=True)
    base = os.path.join(args.outdir, args.trace)
    write_csv(base + ".csv", rows)
    write_json(base + ".json", {
        "trace": args.trace, "unit": args.unit, "meta": dict(args.meta), "cpu": cpu,
        "cost_model": cost_model(args.unit), "rows": rows, "floors": floors,
        "unit_checks": checks, "runs": runs, "not_measured": nm})
    entry = preferred_entry(rows)
    if not args.quiet:
        print("\n".join(report_lines(args.trace, args.unit, cpu, rows, floors, entry, checks, nm)))
    write_svg(args.outdir, args.trace, args.unit, rows)
    if not args.quiet:
        print("\nwrote %s.csv, %s.json, %s.svg (%s.dat, %s.gp) in %s"
              % ((args.trace,) * 5 + (args.outdir,)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
