#!/bin/sh
# pathtrace.sh OUTDIR - `make pathtrace` end to end (split: getppid and
# close via int80 and sysenter).
#
# Checks what docs/benchmarking.md ("Path trace") promises:
#   - make pathtrace exits 0: report.py's own checks passed (the traced empty
#     bracket holds as many instructions as the guest's rdtsc read; so does
#     the traced call; the call less the timer overhead equals the guest's
#     p50 of 1001 calls);
#   - getppid takes the trampoline fast path (harness, user stub, trampoline
#     entry, fast path, trampoline exit; no C, no frame copy); close(-1)
#     takes the general path (trampoline entry, handler, trampoline exit:
#     no trap_from_user, syscall_dispatch or trap_return) with no frame
#     copy;
#   - the table's total equals the benchmark's own figure: the replay's
#     floor null_syscall p50 for the same call (tools/bench.sh on
#     bench/traces/tiny.log, split, one pass);
#   - two CR3 writes, three epochs, and a non-empty page list in each;
#   - the kernel-side TLB fills afill() counts for the same call (through the
#     instrument's gate) are exactly the pages traced between the two CR3
#     writes: 2 for getppid (the hot data line and the trampoline text), as
#     many as traced for close(-1) (report.py fails on a mismatch; here the
#     line is also required, with the fast path's figure);
#   - the common handlers' code is on the hot text page (KERNEL_HOT_TEXT,
#     src/kernel/types.h): close(-1) loads the general path's 6 kernel-side
#     translations and no more, and a 1-byte write to /dev/null (int80)
#     fetches code from no kernel text page but that one (non-DEBUG builds:
#     DEBUG=1 adds its checks' code elsewhere);
#   - bad input (an unknown SYSCALL=, ENTRY= or ASPACE=) gets a clear error,
#     exit status non-zero, and boots nothing (no ISO, no QEMU left running).
# Takes about 55 s on a lightly loaded 2-core host (six boots under TCG).
# Prints TAP; exit status 1 if anything failed.
set -u
out=$1
BUILD=${BUILD:-build}
. "$(dirname "$0")/tap.sh"
rm -rf "$out"
mkdir -p "$out"

# The benchmark's own p50 for the null call (replay floor), split, both entries.
BENCH_WORK=$out/bench tools/bench.sh -a tcg -p 1 -j 1 -m split -o "$out/bench/results" bench/traces/tiny.log \
    > "$out/bench.out" 2>&1 || { not_ok "tools/bench.sh on tiny.log (see $out/bench.out)"; }
floor() { tr -d '\r' < "$out/bench/split.1.log" 2>/dev/null | awk -F, -v e="$1" '$1 == "floor" && $4 == e { print $7 }'; }

# trace SYSCALL ENTRY PATH SEGMENT...: run make pathtrace (the report's own
# checks decide its exit status) into $t; then each SEGMENT of PATH (the
# fast or the general path) must have ticks and instructions.
trace() {
    t=$out/$1-$2.out
    if make --no-print-directory pathtrace SYSCALL=$1 ENTRY=$2 ASPACE=split BUILD="$BUILD" > "$t" 2>&1; then
        ok "make pathtrace SYSCALL=$1 ENTRY=$2 ASPACE=split exits 0 (bracket counts = the guest's rdtsc, total = p50)"
    else
        not_ok "make pathtrace SYSCALL=$1 ENTRY=$2 ASPACE=split exits 0 (see $t)"
        sed 's/^/# /' "$t" | tail -8
    fi
    _sc=$1 _e=$2 _path=$3
    shift 3
    _list=$(printf '%s, ' "$@")
    check "$_sc/$_e: the $_path path's segments have ticks (${_list%, })" has_segments "$t" "$@"
}
# segments FILE SEGMENT...: each named segment has ticks and instructions.
has_segments() {
    f=$1; shift; missing=''
    for s in "$@"; do
        grep -Eq "^  $s +[1-9][0-9]* +[1-9]" "$f" || missing="$missing [$s]"
    done
    [ -z "$missing" ] || { echo "# missing:$missing"; return 1; }
}
epochs() { grep -q 'CR3 writes: 2;' "$1" && test "$(grep -cE '^  epoch [0-2]: .*: [1-9][0-9]* pages' "$1")" -eq 3; }

# The null call takes the trampoline's fast path: no C, no frame.
for e in int80 sysenter; do
    trace getppid $e fast 'harness' 'user stub' 'trampoline entry' 'fast path' 'trampoline exit'
    check "getppid/$e: no kernel C and no frame copy on the fast path" \
        sh -c "! grep -Eq '^  (C entry|dispatch|frame copy in|frame copy out) ' '$t'"
    total=$(sed -n 's/^  total *\([0-9]*\) .*/\1/p' "$t")
    want=$(floor $e)
    check "getppid/$e: the total ($total) equals the replay's floor null_syscall p50 ($want)" \
        test -n "$total" -a "$total" = "$want"
    check "getppid/$e: 2 CR3 writes, 3 epochs, each with pages" epochs "$t"
    # DEBUG=1 runs tramp_fast_check on the fast path: its pages are the call's then, as counted and traced.
    if grep -q tramp_fast_check "$BUILD/pathtrace/getppid-$e-split.txt"; then
        check "getppid/$e (DEBUG=1): measured kernel-side fills = the translations traced between the CR3 writes" \
            grep -qE 'kernel side ([0-9]+) \(.*\) = the \1 translations traced between the CR3 writes: ok' "$t"
    else
        check "getppid/$e: measured kernel-side fills = the traced kernel epoch: 1 x 4 KiB (hot data) + 1 trampoline text" \
            grep -q 'kernel side 2 (1 x 4 KiB + 0 x 4 MiB + 1 trampoline) = the 2 translations traced between the CR3 writes: ok' "$t"
    fi
    check "getppid/$e: the listing has every traced instruction" \
        sh -c "test \$(grep -cE '^ *[0-9]+ [0-9a-f]{8} ' '$BUILD/pathtrace/getppid-$e-split.txt') -ge $total"
done

# A general call (close of fd -1: -EBADF) goes from the trampoline straight
# to its handler through syscall_table[] and back (docs/trampoline.md §3b):
# no C entry, dispatch or exit of the slow path; its frame stays on the
# entry stack (no copy unless the process gives up the CPU).
for e in int80 sysenter; do
    trace close $e general 'harness' 'user stub' 'trampoline entry' 'handler' 'trampoline exit'
    # (DEBUG=1 builds run syscall_check_entry and syscall_check_exit, which
    # the table counts as C entry and exit: look for the functions.)
    check "close/$e: no slow-path C (trap_from_user, syscall_dispatch, trap_return) and no frame copy" \
        sh -c "! grep -Eq '^ *[0-9]+ [0-9a-f]{8} (trap_from_user|syscall_dispatch|trap_return|syscall_finish_slow)[+ ]' '$BUILD/pathtrace/close-$e-split.txt' &&
               grep -Eq '^ *[0-9]+ [0-9a-f]{8} sc_close ' '$BUILD/pathtrace/close-$e-split.txt' &&
               ! grep -Eq '^  (dispatch|frame copy in|frame copy out) ' '$t'"
    check "close/$e: 2 CR3 writes, 3 epochs, each with pages" epochs "$t"
    check "close/$e: measured kernel-side fills = the translations traced between the CR3 writes" \
        grep -qE 'kernel side ([0-9]+) \(.*\) = the \1 translations traced between the CR3 writes: ok' "$t"
    # DEBUG=1 runs syscall_check_entry/exit (debug_checks.c, off the hot page).
    if ! grep -q syscall_check_entry "$BUILD/pathtrace/close-$e-split.txt"; then
        check "close/$e: 6 kernel-side translations (hot text with sys_close, hot data, kernel stack, 3 trampoline)" \
            grep -q 'kernel side 6 (2 x 4 KiB + 1 x 4 MiB + 3 trampoline) = the 6 translations' "$t"
    fi
done

# kernel_text_pages FILE: the kernel text pages (0xc0...) fetched from
# between the two CR3 writes, as the report lists them (epoch 1).
kernel_text_pages() {
    awk '/^  epoch 1:/ { on = 1; next } /^  epoch 2:/ { on = 0 } on && $1 ~ /^c0/ && $2 ~ /x/' "$1" | wc -l
}

# A general call with a copy-in: write 1 byte to /dev/null (the replay's
# writes go to the same sink, dev.c).
trace write int80 general 'harness' 'user stub' 'trampoline entry' 'handler' 'trampoline exit'
check "write/int80: 2 CR3 writes, 3 epochs, each with pages" epochs "$t"
check "write/int80: measured kernel-side fills = the translations traced between the CR3 writes" \
    grep -qE 'kernel side ([0-9]+) \(.*\) = the \1 translations traced between the CR3 writes: ok' "$t"
if ! grep -q syscall_check_entry "$BUILD/pathtrace/write-int80-split.txt"; then
    pages=$(kernel_text_pages "$t")
    check "write/int80: its code is on the hot text page alone (kernel text pages fetched: $pages)" test "$pages" -eq 1
    # Its data too: the process, its descriptors and open file and the
    # sink's page are reached through the direct map (direct_alias, defs.h).
    check "write/int80: 6 kernel-side translations, as close(-1): its data is in the kernel stack's 4 MiB page" \
        grep -q 'kernel side 6 (2 x 4 KiB + 1 x 4 MiB + 3 trampoline) = the 6 translations' "$t"
fi

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
