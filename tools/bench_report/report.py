"""report.py - the terminal report: p50 side by side, what was not measured,
demand-paging faults, est_cycles with the fills behind it, floors and the
unit check."""

from . import MODE_ORDER, order_key
from .model import CR3_WRITE, ENTRY_COST, TLB_REFILL, ratio
from .selection import columns_present, lookup, syscalls_by_count

TABLE_TOP = 20   # syscalls in the terminal table, besides ALL
ICOUNT_NOTE = ("(TCG -icount shift=0: a tick is one executed instruction; a rep movs/stos "
               "counts once per iteration plus once; a CR3 write is one tick and TLB refills "
               "cost nothing in this unit; see est_cycles)")


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
