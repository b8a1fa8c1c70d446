#!/bin/sh
# smoke.sh OUTDIR TRACE.log - `make bench` end to end on a small trace.
#
# Runs scripts/bench.sh (ACCEL=tcg, one measured pass, one boot at a time)
# on TRACE.log into OUTDIR, then checks what a user would rely on:
#   - every mode (split, split-global, shared) x entry (int80, sysenter) has
#     rows, and every row's count equals the records of that syscall name in
#     the trace (strace2trace --dump), with ALL equal to the record total;
#   - every mode x entry has a floor with a ring trip, a CR3 pair and a null
#     syscall;
#   - no record's result class differed from the trace's, and every record's
#     event window held exactly one system call (replay: mismatches n=0 window=0);
#   - the JSON parses and holds the same rows; the SVG is an SVG.
# Prints TAP (ok N - ... / not ok N - ...); exit status 1 if anything failed.
set -u
out=$1 log=$2
name=$(basename "$log"); name=${name%.*}
BUILD=${BUILD:-build}
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

rm -rf "$out"
mkdir -p "$out"
if BENCH_WORK=$out/work scripts/bench.sh -a tcg -p 1 -j 1 -o "$out" "$log" > "$out/bench.out" 2>&1; then
    ok "make bench ACCEL=tcg on $name exits 0"
else
    not_ok "make bench ACCEL=tcg on $name exits 0 (see $out/bench.out)"
    sed 's/^/# /' "$out/bench.out" | tail -20
fi
csv=$out/$name.csv

# Expected counts: "NAME COUNT" per syscall name, and the total.
"$BUILD/tools/strace2trace" -q "$log" "$out/expect.trc"
"$BUILD/tools/strace2trace" --dump "$out/expect.trc" |
    awk '!/^#/ { c[$3]++; total++ } END { for (k in c) print k, c[k]; print "ALL", total }' |
    sort > "$out/expect.counts"

check "the CSV header is the documented one" \
    test "$(head -1 "$csv" 2>/dev/null | cut -d, -f1-13)" = "mode,entry,syscall,op,count,skipped,min,p50,p90,p99,p999,max,unit"
for m in split split-global shared; do
    for e in int80 sysenter; do
        awk -F, -v m="$m" -v e="$e" '$1 == m && $2 == e { print $3, $5 }' "$csv" 2>/dev/null | sort > "$out/got.counts"
        check "$m/$e: per-syscall counts in the CSV equal the trace's ($(wc -l < "$out/expect.counts") names)" \
            cmp -s "$out/expect.counts" "$out/got.counts"
        check "$m/$e: unit is instructions and p50 of ALL is positive" \
            awk -F, -v m="$m" -v e="$e" '$1 == m && $2 == e && $3 == "ALL" { f = ($13 == "instructions" && $8 > 0) } END { exit !f }' "$csv"
        check "$m/$e: floor measured (ring trip, CR3 pair, null syscall)" \
            python3 -c "import json,sys; d=json.load(open('$out/$name.json')); sys.exit(not any(f['mode']=='$m' and f['entry']=='$e' and f['ring_trip'] is not None and f['cr3_pair'] is not None and f['null_syscall'] for f in d['floors']))"
    done
done
cat "$out"/work/*.log 2>/dev/null | tr -d '\r' | grep '^replay: mismatches' > "$out/mismatches"
all_clean() { [ "$(wc -l < "$1")" -eq 6 ] && ! grep -qv ' n=0 window=0$' "$1"; }
check "every replay matched the trace's result classes, one syscall per event window (6 runs)" \
    all_clean "$out/mismatches"
check "the JSON parses and has as many rows as the CSV, with metadata" \
    python3 -c "import json,sys; d=json.load(open('$out/$name.json')); n=sum(1 for _ in open('$csv'))-1; sys.exit(not (len(d['rows'])==n and d['meta'].get('accelerator')=='tcg' and d['meta'].get('kernel_commit')))"
check "the SVG is an SVG made by gnuplot" grep -q '<svg' "$out/$name.svg"
check "the terminal table shows the split/shared ratio and the floor" \
    sh -c "grep -q 'split/shared' '$out/bench.out' && grep -q 'floor = ring trip + CR3 pair' '$out/bench.out'"
echo "1..$n"
[ "$failed" -eq 0 ]
