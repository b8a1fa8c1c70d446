"""model.py - the values derived from the log's rows, floors and unit lines:
per-call figures and, under unit=instructions, the cost model (est_cycles),
its constants with their sources."""

import math

from . import MODE_ORDER, order_key, warn
from .parse import FILL_FIELDS, FILL_KINDS, PERCENTILES

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

PER_CALL = [("cr3_writes", "cr3_writes_per_call"),
            ("pages_walked", "pages_walked_per_call"),
            ("bytes_copied", "bytes_copied_per_call"),
            ("faults", "faults_per_call")]   # demand-paging faults in the call's window


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
