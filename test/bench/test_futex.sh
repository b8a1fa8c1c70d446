#!/bin/sh
# test_futex.sh - futex wait/wake pairs and concurrent traced processes
# (issue 12), end to end: `make bench` (split and shared, int80, one pass)
# of a real `strace -f` log of a static program with two threads that take
# turns through a mutex and a condition variable (4 rounds each), joined by
# main. Checks that the converter pairs the waits that blocked with their
# wakes, that the replay runs them (three processes concurrently, records in
# trace order, the waits really sleeping until their wakes) without a
# deadlock, that no record's result class differed and every event window
# held its system calls (replay: mismatches n=0 window=0), and that every
# futex, clone3 and exit record was measured. Needs make all and make -C
# tools; about 40 s. Prints TAP; exits non-zero if a check failed.
set -u
. "$(dirname "$0")/lib.sh"
bench_test_init test_futex
need_s2t

# strace 6.1 -f of threads.c (gcc -O2 -static -pthread): two workers
# alternate 4 times under a mutex and a condvar; main joins both.
log=test/bench/fixtures/threads.log
out=$("$s2t" "$log" "$tmp/threads.trc" 2>&1)
pairs=$(echo "$out" | sed -n 's/^strace2trace: \([0-9]*\) blocked futex waits paired.*/\1/p')
check "the converter pairs 7 blocked waits with their wakes (${pairs:-none})" [ "${pairs:-0}" -eq 7 ]

bench_ok "the bench run exits 0 (no deadlock)" -p 1 -j 2 -m "split shared" -e int80 -o "$tmp/out" "$log"
csv=$tmp/out/threads.csv
for m in split shared; do
    replay_clean "$m"
done

for m in split shared; do
    for name in futex clone3 exit; do
        count=$(csv_field "$csv" 5 "$m" "$name") calls=$(csv_field "$csv" 14 "$m" "$name")
        p50=$(csv_field "$csv" 8 "$m" "$name")
        check "$m: every $name record measured ($calls of $count), p50 $p50 > 0" \
            eval '[ -n "$count" ] && [ "$calls" = "$count" ] && [ "${p50:-0}" -gt 0 ]'
    done
done
echo "1..$n"
[ "$failed" -eq 0 ]
