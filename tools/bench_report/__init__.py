"""bench_report - the pieces of tools/bench-report.py (its docstring says
what the tool reads and writes):

    parse.py      the serial log format: row/floor/unit/fills/fillpage and
                  `replay:` lines into a LogData; --ksym symbol names
    model.py      derived values: per-call figures, the cost model
                  (est_cycles, constants with their sources), floors, unit checks
    selection.py  one trace's rows and floors, derived and in output order;
                  consistency warnings; what was not measured as traced
    outputs.py    NAME.csv, NAME.json, and NAME.svg through gnuplot (.dat, .gp)
    report.py     the terminal report

This file holds what every piece shares: the diagnostics and the order of
modes and entries in every output. Standard library only.
"""

import sys

MODE_ORDER = ["split", "split-global", "shared", "linux-pti", "linux-nopti"]
OUR_MODES = ["split", "split-global", "shared"]
ENTRY_ORDER = ["int80", "sysenter"]


def warn(msg):
    """Print a warning on standard error."""
    print("bench-report: warning: " + msg, file=sys.stderr)


def fail(msg, status):
    """Print an error on standard error and exit with `status`."""
    print("bench-report: error: " + msg, file=sys.stderr)
    sys.exit(status)


def order_key(value, order):
    """Sort key: the position in `order`, then the others alphabetically."""
    return (order.index(value), "") if value in order else (len(order), value)
