"""parse.py - the serial logs of trace-replay runs (the format is in
tools/bench-report.py's docstring) into a LogData; kernel.sym for --ksym."""

import re

from . import fail, warn

# Fields of each line kind, after its first word; ints are parsed, -1 or "-"
# meaning not available.
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

KEYVAL_RE = re.compile(r"(\w[\w-]*)=(\S*)")


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
