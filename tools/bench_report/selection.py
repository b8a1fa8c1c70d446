"""selection.py - one trace's rows, floors, runs and unit checks out of the
LogData, derived (model.py) and in output order; the consistency warnings and
what the replay did not measure as traced."""

from . import ENTRY_ORDER, MODE_ORDER, OUR_MODES, order_key, warn
from .model import derive_floor, derive_row, derive_units
from .parse import FILL_KINDS, ksyms


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
