#!/bin/sh
# test_failed_calls.sh - failed calls are replayed as failures where that is
# cheap (issue 12), end to end: one boot (split, int80, one pass) of a trace
# of failed calls recorded with strace 6.1 (test/bench/fixtures/failcalls.log: (python3: os.read of "/", lseek on
# a pipe, fstat and close of fd 99, a 64 TiB mmap), plus one successful call
# of each kind. Checks that no record's result class differs from the trace's
# (replay: mismatches n=0), that nothing was capped, and that the failed mmap
# zero-filled nothing (the mmap row's max stays far below a 1,024-page fill,
# which costs millions of ticks). Needs make all and make -C tools; about 15 s.
# Prints TAP; exits non-zero if a check failed.
set -u
. "$(dirname "$0")/lib.sh"
bench_test_init test_failed_calls

bench_ok "the bench run exits 0" -p 1 -j 1 -m split -e int80 -o "$tmp/out" test/bench/fixtures/failcalls.log
replay_clean split "no record's result class differs from the trace's"
check "nothing capped" eval 'tr -d "\r" < "$tmp/work/split.1.log" | grep -q "^replay: begin .* capped=0$"'
mmap_max=$(csv_field "$tmp/out/failcalls.csv" 12 split mmap)
check "the failed 64 TiB mmap zero-fills nothing (mmap max $mmap_max ticks < 100000)" \
    eval '[ -n "$mmap_max" ] && [ "$mmap_max" -lt 100000 ]'
echo "1..$n"
[ "$failed" -eq 0 ]
