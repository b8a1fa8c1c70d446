#!/bin/sh
# pathtrace.sh OUTDIR - `make pathtrace` end to end (getppid, split, int80 and sysenter).
#
# Checks what docs/benchmarking.md ("Path trace") promises:
#   - make pathtrace exits 0 for getppid via int80 and via sysenter in split:
#     report.py's own checks passed (the traced empty bracket holds as many
#     instructions as the guest's rdtsc read; so does the traced call; the
#     call less the timer overhead equals the guest's p50 of 1001 calls);
#   - every segment (harness, user stub, trampoline entry, frame copy in,
#     C entry, dispatch, handler, exit, frame copy out, trampoline exit) has
#     ticks, and each frame copy is one `rep movsd` of 19 dwords = 20 ticks;
#   - the table's total equals the benchmark's own figure: the replay's
#     floor null_syscall p50 for the same call (scripts/bench.sh on
#     bench/traces/tiny.log, split, one pass);
#   - two CR3 writes, three epochs, and a non-empty page list in each;
#   - bad input (an unknown SYSCALL=, ENTRY= or ASPACE=) gets a clear error,
#     exit status non-zero, and boots nothing (no ISO, no QEMU left running).
# Takes about 35 s on a lightly loaded 2-core host (three boots under TCG).
# Prints TAP; exit status 1 if anything failed.
set -u
out=$1
BUILD=${BUILD:-build}
. "$(dirname "$0")/tap.sh"
rm -rf "$out"
mkdir -p "$out"

# The benchmark's own p50 for the null call (replay floor), split, both entries.
BENCH_WORK=$out/bench scripts/bench.sh -a tcg -p 1 -j 1 -m split -o "$out/bench/results" bench/traces/tiny.log \
    > "$out/bench.out" 2>&1 || { not_ok "scripts/bench.sh on tiny.log (see $out/bench.out)"; }
floor() { tr -d '\r' < "$out/bench/split.1.log" 2>/dev/null | awk -F, -v e="$1" '$1 == "floor" && $4 == e { print $7 }'; }

for e in int80 sysenter; do
    t=$out/$e.out
    if make --no-print-directory pathtrace SYSCALL=getppid ENTRY=$e ASPACE=split BUILD="$BUILD" > "$t" 2>&1; then
        ok "make pathtrace SYSCALL=getppid ENTRY=$e ASPACE=split exits 0 (bracket counts = the guest's rdtsc, total = p50)"
    else
        not_ok "make pathtrace SYSCALL=getppid ENTRY=$e ASPACE=split exits 0 (see $t)"
        sed 's/^/# /' "$t" | tail -8
    fi
    missing=''
    for s in 'harness' 'user stub' 'trampoline entry' 'frame copy in' 'C entry' 'dispatch' 'handler' 'exit' \
             'frame copy out' 'trampoline exit'; do
        grep -Eq "^  $s +[1-9][0-9]* +[1-9]" "$t" || missing="$missing [$s]"
    done
    check "$e: every segment has ticks${missing:+ (missing:$missing)}" test -z "$missing"
    check "$e: each frame copy is 20 ticks, 1 instruction (rep movsd of 19 dwords: N + 1)" \
        sh -c "grep -Eq '^  frame copy in +20 +1 ' '$t' && grep -Eq '^  frame copy out +20 +1 ' '$t'"
    total=$(sed -n 's/^  total *\([0-9]*\) .*/\1/p' "$t")
    want=$(floor $e)
    check "$e: the total ($total) equals the replay's floor null_syscall p50 ($want)" \
        test -n "$total" -a "$total" = "$want"
    check "$e: 2 CR3 writes, 3 epochs, each with pages" \
        sh -c "grep -q 'CR3 writes: 2;' '$t' && test \$(grep -cE '^  epoch [0-2]: .*: [1-9][0-9]* pages' '$t') -eq 3"
    check "$e: the listing has every traced instruction" \
        sh -c "test \$(grep -cE '^ *[0-9]+ [0-9a-f]{8} ' '$BUILD/pathtrace/getppid-$e-split.txt') -gt 200"
done

# Bad input: a clear error, nothing booted.
for bad in "SYSCALL=bogus" "ENTRY=syscall" "ASPACE=flat"; do
    t=$out/bad.out
    rm -f "$BUILD"/pathtrace/*bogus* "$BUILD"/pathtrace/*syscall-split* "$BUILD"/pathtrace/*flat*
    if make --no-print-directory pathtrace $bad BUILD="$BUILD" > "$t" 2>&1; then
        not_ok "make pathtrace $bad is refused"
    else
        key=${bad%%=*}
        check "make pathtrace $bad is refused with 'unknown $key', nothing booted" \
            sh -c "grep -q 'unknown $key' '$t' && ! ls '$BUILD'/pathtrace/ | grep -Eq 'bogus|syscall-split|flat'"
    fi
done

echo "1..$n"
[ $failed -eq 0 ]
