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

The work is done by the bench_report package beside this script (parse,
model, selection, outputs, report: tools/bench_report/__init__.py lists them).

Exit status: 0 done; 1 no rows for the trace (or a log could not be read);
2 gnuplot missing or failed (CSV and JSON are written by then), or usage.
Standard library only; gnuplot (Debian: gnuplot-nox) is run as a program.
"""

import argparse
import os
import re
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_report.model import cost_model  # noqa: E402 (after the path)
from bench_report.outputs import write_csv, write_json, write_svg  # noqa: E402
from bench_report.parse import load_ksyms, read_logs  # noqa: E402
from bench_report.report import report_lines  # noqa: E402
from bench_report.selection import (check_consistency, not_measured,  # noqa: E402
                                    preferred_entry, select_trace)
from bench_report import fail  # noqa: E402

TRACE_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")


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
