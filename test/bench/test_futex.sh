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
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_futex.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$root" || exit 1
. test/bench/tap.sh

# strace 6.1 -f of threads.c (gcc -O2 -static -pthread): two workers
# alternate 4 times under a mutex and a condvar; main joins both.
cat > "$tmp/threads.log" <<'LOG'
1012  execve("./thr2", ["./thr2"], 0x7ffe8bf457a8 /* 41 vars */) = 0
1012  brk(NULL)                         = 0x13a5f000
1012  brk(0x13a5fd40)                   = 0x13a5fd40
1012  arch_prctl(ARCH_SET_FS, 0x13a5f3c0) = 0
1012  set_tid_address(0x13a5f690)       = 1012
1012  set_robust_list(0x13a5f6a0, 24)   = 0
1012  rseq(0x13a5fce0, 0x20, 0, 0x53053053) = 0
1012  prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0
1012  readlink("/proc/self/exe", "/tmp/rec/thr2", 4096) = 13
1012  getrandom("\xe4\x0f\x97\x85\xd3\x46\x0c\x28", 8, GRND_NONBLOCK) = 8
1012  brk(NULL)                         = 0x13a5fd40
1012  brk(0x13a80d40)                   = 0x13a80d40
1012  brk(0x13a81000)                   = 0x13a81000
1012  mprotect(0x4b7000, 16384, PROT_READ) = 0
1012  rt_sigaction(SIGRT_1, {sa_handler=0x45b3d0, sa_mask=[], sa_flags=SA_RESTORER|SA_ONSTACK|SA_RESTART|SA_SIGINFO, sa_restorer=0x44ca50}, NULL, 8) = 0
1012  rt_sigprocmask(SIG_UNBLOCK, [RTMIN RT_1], NULL, 8) = 0
1012  mmap(NULL, 8392704, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK, -1, 0) = 0x7fdbd7542000
1012  mprotect(0x7fdbd7543000, 8388608, PROT_READ|PROT_WRITE) = 0
1012  rt_sigprocmask(SIG_BLOCK, ~[], [], 8) = 0
1012  clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7fdbd7d42990, parent_tid=0x7fdbd7d42990, exit_signal=0, stack=0x7fdbd7542000, stack_size=0x800300, tls=0x7fdbd7d426c0} => {parent_tid=[1015]}, 88) = 1015
1015  rseq(0x7fdbd7d42fe0, 0x20, 0, 0x53053053 <unfinished ...>
1012  rt_sigprocmask(SIG_SETMASK, [],  <unfinished ...>
1015  <... rseq resumed>)               = 0
1012  <... rt_sigprocmask resumed>NULL, 8) = 0
1015  set_robust_list(0x7fdbd7d429a0, 24 <unfinished ...>
1012  mmap(NULL, 8392704, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK, -1, 0 <unfinished ...>
1015  <... set_robust_list resumed>)    = 0
1012  <... mmap resumed>)               = 0x7fdbd6d41000
1015  rt_sigprocmask(SIG_SETMASK, [],  <unfinished ...>
1012  mprotect(0x7fdbd6d42000, 8388608, PROT_READ|PROT_WRITE <unfinished ...>
1015  <... rt_sigprocmask resumed>NULL, 8) = 0
1012  <... mprotect resumed>)           = 0
1015  futex(0x4bd368, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY <unfinished ...>
1012  rt_sigprocmask(SIG_BLOCK, ~[], [], 8) = 0
1012  clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7fdbd7541990, parent_tid=0x7fdbd7541990, exit_signal=0, stack=0x7fdbd6d41000, stack_size=0x800300, tls=0x7fdbd75416c0} => {parent_tid=[1016]}, 88) = 1016
1016  rseq(0x7fdbd7541fe0, 0x20, 0, 0x53053053 <unfinished ...>
1012  rt_sigprocmask(SIG_SETMASK, [],  <unfinished ...>
1016  <... rseq resumed>)               = 0
1012  <... rt_sigprocmask resumed>NULL, 8) = 0
1016  set_robust_list(0x7fdbd75419a0, 24 <unfinished ...>
1012  futex(0x7fdbd7d42990, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 1015, NULL, FUTEX_BITSET_MATCH_ANY <unfinished ...>
1016  <... set_robust_list resumed>)    = 0
1016  rt_sigprocmask(SIG_SETMASK, [], NULL, 8) = 0
1016  futex(0x4bd368, FUTEX_WAKE_PRIVATE, 2147483647) = 1
1015  <... futex resumed>)              = 0
1015  futex(0x4bd380, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>
1016  futex(0x4bd380, FUTEX_WAKE_PRIVATE, 1) = 1
1015  <... futex resumed>)              = 0
1015  futex(0x4bd380, FUTEX_WAKE_PRIVATE, 1) = 0
1015  futex(0x4bd36c, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY <unfinished ...>
1016  futex(0x4bd36c, FUTEX_WAKE_PRIVATE, 2147483647) = 1
1015  <... futex resumed>)              = 0
1015  futex(0x4bd380, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>
1016  futex(0x4bd380, FUTEX_WAKE_PRIVATE, 1) = 1
1015  <... futex resumed>)              = 0
1015  futex(0x4bd380, FUTEX_WAKE_PRIVATE, 1) = 0
1015  futex(0x4bd368, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY <unfinished ...>
1016  futex(0x4bd368, FUTEX_WAKE_PRIVATE, 2147483647) = 1
1016  futex(0x4bd36c, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY <unfinished ...>
1015  <... futex resumed>)              = 0
1015  futex(0x4bd36c, FUTEX_WAKE_PRIVATE, 2147483647 <unfinished ...>
1016  <... futex resumed>)              = 0
1015  <... futex resumed>)              = 1
1016  futex(0x4bd380, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>
1015  futex(0x4bd380, FUTEX_WAKE_PRIVATE, 1 <unfinished ...>
1016  <... futex resumed>)              = 0
1015  <... futex resumed>)              = 1
1016  futex(0x4bd380, FUTEX_WAKE_PRIVATE, 1) = 0
1016  rt_sigprocmask(SIG_BLOCK, ~[RT_1], NULL, 8) = 0
1016  madvise(0x7fdbd6d41000, 8372224, MADV_DONTNEED) = 0
1016  exit(0)                           = ?
1016  +++ exited with 0 +++
1015  rt_sigprocmask(SIG_BLOCK, ~[RT_1], NULL, 8) = 0
1015  madvise(0x7fdbd7542000, 8372224, MADV_DONTNEED) = 0
1015  exit(0)                           = ?
1012  <... futex resumed>)              = 0
1015  +++ exited with 0 +++
1012  exit_group(0)                     = ?
1012  +++ exited with 0 +++
LOG
out=$(build/tools/strace2trace "$tmp/threads.log" "$tmp/threads.trc" 2>&1)
pairs=$(echo "$out" | sed -n 's/^strace2trace: \([0-9]*\) blocked futex waits paired.*/\1/p')
check "the converter pairs 7 blocked waits with their wakes (${pairs:-none})" [ "${pairs:-0}" -eq 7 ]

BENCH_WORK=$tmp/work tools/bench.sh -p 1 -j 2 -m "split shared" -e int80 -o "$tmp/out" "$tmp/threads.log" \
    > "$tmp/bench.out" 2>&1
check "the bench run exits 0 (no deadlock)" [ $? -eq 0 ] || sed 's/^/# /' "$tmp/bench.out" | tail -15
csv=$tmp/out/threads.csv
for m in split shared; do
    line=$(tr -d '\r' < "$tmp/work/$m.1.log" 2>/dev/null | grep '^replay: mismatches ')
    check "$m: no result class differs, every window holds its calls ($line)" \
        eval 'echo "$line" | grep -q " n=0 window=0$"'
done

# field $1 of the $2/int80 row of syscall $3 in the CSV (14 = calls measured, 5 = count, 8 = p50)
field() { grep "^$2,int80,$3," "$csv" 2>/dev/null | cut -d, -f"$1"; }
for m in split shared; do
    for name in futex clone3 exit; do
        count=$(field 5 "$m" "$name") calls=$(field 14 "$m" "$name") p50=$(field 8 "$m" "$name")
        check "$m: every $name record measured ($calls of $count), p50 $p50 > 0" \
            eval '[ -n "$count" ] && [ "$calls" = "$count" ] && [ "${p50:-0}" -gt 0 ]'
    done
done
echo "1..$n"
[ "$failed" -eq 0 ]
