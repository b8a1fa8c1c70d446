#!/bin/sh
# test_report.sh - self-contained test of tools/bench-report.py.
#
# Writes a small fake serial log (modes split and shared, entries int80 and
# sysenter, CR LF line endings, unrelated kernel lines and another trace's
# rows mixed in), runs the tool into a temporary directory and checks its
# outputs; then checks that README's and docs/benchmarking.md's bench tables
# equal bench/results/ (tools/bench-readme.py). Prints TAP (`ok N - name` /
# `not ok N - name`); exits non-zero if any check failed. Needs python3;
# gnuplot for the SVG checks (skipped, with a note, if it is not installed).
set -u
. "$(dirname "$0")/lib.sh"
bench_test_init test_report
tool=${BENCH_REPORT:-$root/tools/bench-report.py}  # override to test another copy

have_gnuplot=1
command -v gnuplot >/dev/null 2>&1 || have_gnuplot=0

# The fake log (test/bench/fixtures/report-serial.txt). Per mode/entry:
# read 10, openat 6, close 4, rt_sigaction 3 (skipped): ALL = 23 records,
# 20 calls. split's rows carry measured TLB
# fills (10 kernel 4K, 1 kernel 4M, 3 + 3 trampoline, 4 user per call);
# shared's are in the older 18-field format (no fills: the model assumes).
sed 's/$/\r/' test/bench/fixtures/report-serial.txt > "$tmp/serial.log"
grep -v '^row,tiny\|^floor,tiny\|^unit,tiny' "$tmp/serial.log" > "$tmp/norows.log"
# The same log with a QEMU that counted a rep movsd of 19 dwords as 1 tick.
sed 's/^unit,tiny,split,rep_movsd,19,20/unit,tiny,split,rep_movsd,19,1/' "$tmp/serial.log" > "$tmp/badunit.log"

out=$tmp/out
python3 "$tool" --trace tiny --unit instructions --outdir "$out" --meta qemu=8.2 \
    --meta commit=test "$tmp/serial.log" > "$tmp/stdout" 2> "$tmp/stderr"
rc=$?
if [ "$have_gnuplot" = 1 ]; then
    check "the tool exits 0" [ "$rc" -eq 0 ]
else
    check "the tool exits 2 without gnuplot" [ "$rc" -eq 2 ]
fi
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/stderr"  # why, as TAP comments
if [ "$have_gnuplot" = 1 ]; then
    check "no warnings on stderr" [ ! -s "$tmp/stderr" ]
else
    check "only the gnuplot error on stderr" \
        eval '[ "$(wc -l < "$tmp/stderr")" -eq 1 ] && grep -q "gnuplot not found" "$tmp/stderr"'
fi

csv=$out/tiny.csv
want='mode,entry,syscall,op,count,skipped,min,p50,p90,p99,p999,max,unit,calls,cr3_writes_per_call,pages_walked_per_call,bytes_copied_per_call,faults_per_call,fills_kernel_4k_per_call,fills_kernel_4m_per_call,fills_tramp_per_call,fills_user_per_call,fills_model_per_call,fills_source,est_cycles'
check "the CSV header is exact" [ "$(head -n 1 "$csv" 2>/dev/null)" = "$want" ]
check "the CSV has 20 rows (2 modes x 2 entries x 5, no other trace)" \
    [ "$(tail -n +2 "$csv" 2>/dev/null | wc -l)" -eq 20 ]

# count of the ALL row == sum of the per-syscall counts, per mode/entry.
sums_ok() {
    awk -F, 'NR > 1 { k = $1 "/" $2; if ($3 == "ALL") all[k] = $5; else sum[k] += $5 }
             END { n = 0; for (k in all) { n++; if (all[k] != sum[k]) exit 1 }; exit n != 4 }' "$csv"
}
check "the ALL count equals the sum of the per-syscall counts" sums_ok

order_ok() {
    got=$(tail -n +2 "$csv" | cut -d, -f1-3 | tr '\n' ' ')
    want="split,int80,ALL split,int80,read split,int80,openat split,int80,close split,int80,rt_sigaction \
split,sysenter,ALL split,sysenter,read split,sysenter,openat split,sysenter,close split,sysenter,rt_sigaction \
shared,int80,ALL shared,int80,read shared,int80,openat shared,int80,close shared,int80,rt_sigaction \
shared,sysenter,ALL shared,sysenter,read shared,sysenter,openat shared,sysenter,close shared,sysenter,rt_sigaction "
    [ "$got" = "$want" ]
}
check "CSV rows in mode, entry, count order" order_ok

# split/sysenter ALL: 700 + 73 + 100 x 2 + 89 x (10 + 1 + 6 + 4) measured fills = 2842;
# shared/int80 ALL: no fills measured, no CR3 write: 647 + 610 = 1257.
check "est_cycles (model) of split/sysenter ALL charges the measured fills" \
    grep -qx 'split,sysenter,ALL,-,23,3,640,700,850,1250,3050,5050,instructions,20,2.00,1.50,100.00,0.50,10.00,1.00,6.00,4.00,21.00,measured,2842' "$csv"
check "est_cycles (model) of shared/int80 ALL (a row without fills)" \
    grep -qx 'shared,int80,ALL,-,23,3,597,647,797,1197,2997,4997,instructions,20,0.00,1.50,100.00,,,,,,0.00,assumed,1257' "$csv"
check "not-available percentiles are empty fields, per-call 0 for 0 calls" \
    grep -qx 'split,int80,rt_sigaction,SKIP,3,3,,,,,,,instructions,0,0.00,0.00,0.00,,0.00,0.00,0.00,0.00,0.00,measured,' "$csv"

# The replay prints 0 percentiles for a row without samples (replay/report.c
# print_row): such a row has no est_cycles either (issue 12: 610 / 73).
check "a row with no samples (all SKIP, 0 percentiles) has no est_cycles" \
    grep -qx 'shared,int80,rt_sigaction,SKIP,3,3,,,,,,,instructions,0,0.00,0.00,0.00,,,,,,0.00,assumed,' "$csv"

# What was not measured as traced: skipped names with their share, and per
# mode/entry the result-class mismatches, capped records and window errors
# (issue 12: these sat in the serial logs only).
not_measured_ok() {
    grep -q '^not measured as traced (of 23 records):$' "$tmp/stdout" &&
    grep -q '^  skipped, not replayed: 3 records (13.0%): rt_sigaction 3 (13.0%)$' "$tmp/stdout" &&
    grep -Eq '^  split/int80 +2 +5 +1$' "$tmp/stdout" &&
    grep -Eq '^  split/sysenter +2 +5 +0$' "$tmp/stdout" &&
    grep -Eq '^  shared/int80 +0 +0 +0$' "$tmp/stdout" &&
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["not_measured"]
assert (d["records"], d["skipped"], d["skipped_percent"]) == (23, 3, 13.0), d
assert d["skipped_names"] == [{"syscall": "rt_sigaction", "count": 3, "percent": 13.0}], d
r = {(x["mode"], x["entry"]): (x["result_class_differs"], x["capped"], x["window_errors"]) for x in d["runs"]}
assert r == {("split", "int80"): (2, 5, 1), ("split", "sysenter"): (2, 5, 0), ("shared", "int80"): (0, 0, 0)}, r
' "$out/tiny.json"
}
check "the table and the JSON say what was skipped (with shares), mismatched, capped" not_measured_ok

# A row's trailing faults field (demand-paging faults in its event window)
# becomes faults_per_call; a row without one (an older log) has none.
faults_ok() {
    python3 -c '
import json, sys
rows = {(x["mode"], x["entry"], x["syscall"]): x for x in json.load(open(sys.argv[1]))["rows"]}
assert rows[("split", "sysenter", "ALL")]["faults_per_call"] == 0.5, rows[("split", "sysenter", "ALL")]
assert rows[("split", "int80", "ALL")]["faults_per_call"] is None, rows[("split", "int80", "ALL")]
' "$out/tiny.json"
}
check "the faults field: faults_per_call in the JSON, empty for a log without it" faults_ok

json_ok() {
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["trace"] == "tiny" and d["unit"] == "instructions", d["trace"]
assert d["meta"] == {"qemu": "8.2", "commit": "test"}, d["meta"]
assert d["cpu"].startswith("QEMU TCG"), d["cpu"]
assert len(d["rows"]) == 20 and "formula" in d["cost_model"]
assert d["rows"][0]["p50"] == 650 and d["rows"][0]["cr3_writes_per_call"] == 2.0
f = {(x["mode"], x["entry"]): x for x in d["floors"]}
assert len(f) == 4, f
s = f[("split", "sysenter")]
assert (s["floor"], s["null_syscall"]) == (189, 226), s
assert s["floor_model_cycles"] == 73 + 200 + 89 * 3 + 189, s
assert s["null_model_cycles"] == 226 + 73 + 200 + 89 * 17, s
assert s["null_fills"] == {"kernel_4k": 5, "kernel_4m": 1, "tramp_kernel": 3, "tramp_user": 3,
                           "user": 5, "instrument": 1}, s
i = f[("split", "int80")]
assert [(p["va"], p["kind"]) for p in i["null_fill_pages"]] == [
    ("0x80000000", "kernel_4m"), ("0xc0108000", "kernel_4k")], i
assert f[("shared", "int80")]["null_model_cycles"] == 188 + 610, f
u = [(c["mode"], c["n"], c["ticks"], c["expected"]) for c in d["unit_checks"]]
assert u == [("split", 0, 1, 1), ("split", 19, 20, 20), ("shared", 0, 1, 1), ("shared", 19, 20, 20)], u
' "$1"
}
check "the JSON parses and holds rows, floors, meta, cpu, cost model, unit checks" json_ok "$out/tiny.json"

# The floor counts only what the mode does: shared writes no CR3, so its floor
# is the ring trip alone, and no null call may be cheaper than its own floor,
# in ticks or in modelled cycles (issue 11: shared reported 0.98).
floors_ok() {
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = {(x["mode"], x["entry"]): x for x in d["floors"]}
assert len(f) == 4, sorted(f)
for k, x in sorted(f.items()):
    for a, b in (("null_syscall", "floor"), ("null_model_cycles", "floor_model_cycles")):
        assert x[a] is not None and x[b] is not None and x[a] >= x[b], (k, a, x[a], b, x[b])
sh = f[("shared", "int80")]
assert (sh["floor"], sh["floor_model_cycles"]) == (150, 610 + 150), sh
' "$1"
}
check "no mode's null call is below its floor (ticks and model); shared's floor has no CR3 write" \
    floors_ok "$out/tiny.json"

report_ok() {
    grep -q '^trace tiny, unit instructions (TCG -icount shift=0: a tick is one executed instruction; a rep movs/stos counts once per iteration plus once;' "$tmp/stdout" &&
    grep -q 'split/sysenter' "$tmp/stdout" &&
    grep -q 'floor = ring trip + CR3 pair x writes/2 *= 185 + 4 x 2/2 = 189 instructions' "$tmp/stdout" &&
    grep -q 'floor = ring trip + CR3 pair x writes/2 *= 150 + 0 (no CR3 write in this mode) = 150 instructions' "$tmp/stdout" &&
    grep -q '^  split: N=0:1 N=19:20 ok$' "$tmp/stdout" &&
    grep -q '^  (model) overhead' "$tmp/stdout" &&
    grep -Eq '^ALL +- +23( +[0-9]+){4} +1\.00$' "$tmp/stdout"
}
check "the terminal report has the note, columns, ratio and floors" report_ok

if [ "$have_gnuplot" = 1 ]; then
    svg_ok() { head -c 100 "$out/tiny.svg" 2>/dev/null | grep -q '^<?xml\|^<svg'; }
    check "the SVG exists and starts with <?xml or <svg" svg_ok
    check "the gnuplot data and script are kept" [ -s "$out/tiny.dat" -a -s "$out/tiny.gp" ]
    check "the SVG title names the entry" grep -qs 'tiny: p50 with p99 whiskers (instructions), entry=sysenter' "$out/tiny.svg"
else
    for t in "the SVG exists" "the gnuplot data and script are kept" "the SVG title names the entry"; do
        skip "$t" "gnuplot not installed (Debian: gnuplot-nox)"
    done
fi

python3 "$tool" --quiet --trace tiny --unit instructions --outdir "$tmp/bad" "$tmp/badunit.log" \
    > /dev/null 2> "$tmp/bad.stderr"
check "a rep movsd that is not N + 1 ticks under -icount is reported" \
    grep -q 'split: rep_movsd of 19 dwords took 1 ticks, not 20' "$tmp/bad.stderr"

python3 "$tool" --quiet --trace tiny --unit cycles --outdir "$tmp/q" "$tmp/serial.log" > "$tmp/q.stdout" 2> /dev/null
rc=$?
check "--quiet --unit cycles prints nothing" [ ! -s "$tmp/q.stdout" ]
check "unit=cycles: est_cycles is the measured p50" \
    grep -q '^split,sysenter,ALL,.*,cycles,20,2.00,1.50,100.00,0.50,10.00,1.00,6.00,4.00,21.00,measured,700$' "$tmp/q/tiny.csv"

# split-global differs from split in est_cycles only through measured fills:
# identical ticks and fills give split-global 89 x (trampoline fills) less,
# and no trampoline fills give both the same figure (no constant in between).
global_ok() {
    for tramp in 3 0; do
        {
            echo "replay: begin trace=g mode=split records=1 names=1 passes=1 capped=0"
            for m in split split-global; do
                echo "row,g,$m,int80,ALL,-,1,0,200,200,200,200,200,200,1,2,0,0,5,1,$tramp,$tramp,4"
                echo "row,g,$m,int80,getppid,NULL,1,0,200,200,200,200,200,200,1,2,0,0,5,1,$tramp,$tramp,4"
            done
        } > "$tmp/g$tramp.log"
        python3 "$tool" --quiet --trace g --unit instructions --outdir "$tmp/g$tramp" "$tmp/g$tramp.log" \
            2> /dev/null
        a=$(grep '^split,int80,ALL' "$tmp/g$tramp/g.csv" | awk -F, '{ print $NF }')
        b=$(grep '^split-global,int80,ALL' "$tmp/g$tramp/g.csv" | awk -F, '{ print $NF }')
        [ -n "$a" ] && [ -n "$b" ] && [ $((a - b)) -eq $((89 * 2 * tramp)) ] || return 1
    done
}
check "split-global is cheaper than split only by its measured trampoline fills" global_ok

python3 "$tool" --trace tiny --unit instructions --outdir "$tmp/none" "$tmp/norows.log" \
    > "$tmp/none.stdout" 2> "$tmp/none.stderr"
rc=$?
check "a log without rows for the trace exits 1" [ "$rc" -eq 1 ]
check "... and names the log it read" grep -q "norows.log" "$tmp/none.stderr"

# gnuplot missing: exit 2 with a message (PATH holds only python3).
mkdir -p "$tmp/bin"
ln -s "$(python3 -c 'import sys; print(sys.executable)')" "$tmp/bin/python3"
PATH=$tmp/bin "$tmp/bin/python3" "$tool" --quiet --trace tiny --unit instructions \
    --outdir "$tmp/nognuplot" "$tmp/serial.log" > /dev/null 2> "$tmp/nognuplot.stderr"
rc=$?
check "without gnuplot: exit 2 and an error" \
    eval '[ "$rc" -eq 2 ] && grep -q "gnuplot not found" "$tmp/nognuplot.stderr"'

# README's and docs/benchmarking.md's bench tables are generated from the
# published results (tools/bench-readme.py, rewritten by make bench-publish):
# they must equal bench/results/ now, and an edited figure must be caught.
readme=$root/tools/bench-readme.py
check "README.md and docs/benchmarking.md bench tables equal bench/results/" \
    python3 "$readme" --results "$root/bench/results" --check "$root/README.md" "$root/docs/benchmarking.md"
sed '/<!-- bench:summary begin/,/<!-- bench:summary end/ s/| \([0-9][0-9]*\) (/| 1\1 (/' \
    "$root/README.md" > "$tmp/README.md"
check "... and a README whose bench table was edited by hand is refused" \
    eval '! cmp -s "$root/README.md" "$tmp/README.md" &&
          ! python3 "$readme" --results "$root/bench/results" --check "$tmp/README.md" 2> /dev/null'

# make bench-publish refuses what would publish figures that belong to no
# commit or to part of a run, before it touches anything (tools/bench-publish.sh).
publish=$root/tools/bench-publish.sh
refused() { # refused WHY RUN_DIR: exit 1, a message naming WHY, DEST left empty
    rm -rf "$tmp/dest"; mkdir -p "$tmp/dest"
    (cd "$root" && "$publish" "$2" "$tmp/dest") > /dev/null 2> "$tmp/publish.stderr"
    [ $? -eq 1 ] && grep -q "$1" "$tmp/publish.stderr" && [ -z "$(ls -A "$tmp/dest")" ]
}
mkdir -p "$tmp/run-none" "$tmp/run-part" "$tmp/run-dirty"
printf 'commit=abc1234\nmodes=split\nentries=int80 sysenter\ntraces=tiny\n' > "$tmp/run-part/run.txt"
printf 'commit=abc1234-dirty\nmodes=split split-global shared\nentries=int80 sysenter\ntraces=tiny\n' \
    > "$tmp/run-dirty/run.txt"
check "bench-publish: no run (no run.txt) is refused" refused "no complete run" "$tmp/run-none"
check "bench-publish: a run that left out modes is refused" refused "publish a run of every mode" "$tmp/run-part"
check "bench-publish: a run of a tree with uncommitted changes is refused" refused "uncommitted changes" "$tmp/run-dirty"

echo "1..$n"
[ "$failed" -eq 0 ]
