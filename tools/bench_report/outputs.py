"""outputs.py - the files: NAME.csv, NAME.json, and NAME.svg through gnuplot
(with NAME.dat and NAME.gp, which re-plot it)."""

import csv
import json
import os
import shutil
import subprocess
import sys

from . import fail
from .selection import columns_present, lookup, preferred_entry, syscalls_by_count

MODE_COLOURS = {"split": "#d62728", "split-global": "#ff7f0e", "shared": "#1f77b4",
                "linux-pti": "#2ca02c", "linux-nopti": "#7f7f7f"}
CSV_COLUMNS = ["mode", "entry", "syscall", "op", "count", "skipped", "min", "p50",
               "p90", "p99", "p999", "max", "unit", "calls", "cr3_writes_per_call",
               "pages_walked_per_call", "bytes_copied_per_call", "faults_per_call",
               "fills_kernel_4k_per_call", "fills_kernel_4m_per_call", "fills_tramp_per_call",
               "fills_user_per_call", "fills_model_per_call", "fills_source", "est_cycles"]

PLOT_TOP = 12    # syscalls in the SVG, besides ALL
LOG_RATIO = 50   # log-scale y in the SVG when max/min exceeds this


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
