#!/bin/sh
# test_processes.sh - one replay process per traced process (issue 12), end
# to end: `make bench` (split and shared, int80, one pass; two boots side
# by side) of a real `strace -f` log of a small static program that forks a
# child that writes and exits, waits for it, forks a child that execs a
# program that only exits, and waits for that one. Checks that the fork,
# exit, wait and exec rows are measured (every record has a sample, p50 > 0),
# that no record's result class differed and every event window held its
# system calls (replay: mismatches n=0 window=0), and the CR3 writes the
# process model makes visible: a fork writes CR3 more often in split (its
# entry and exit) than in shared (only when the timer reschedules during the
# copy: the scheduler reloads CR3 in shared); an exit window (exit, switch,
# the parent's return) writes CR3 in both modes, split no fewer; a wait
# writes CR3 more often in split. Needs make all and make -C tools; about
# 30 s. Prints TAP; exits non-zero if a check failed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_processes.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$root" || exit 1
. test/bench/tap.sh

# strace 6.1 -f of forkexec.c (gcc -static): fork, write, exit; wait; fork,
# execve of a static program that calls exit_group(0); wait.
cat > "$tmp/forkexec.log" <<'LOG'
17179 execve("./forkexec", ["./forkexec"], 0x7ffd482b2c08 /* 41 vars */) = 0
17179 brk(NULL)                         = 0x5b39000
17179 brk(0x5b39d00)                    = 0x5b39d00
17179 arch_prctl(ARCH_SET_FS, 0x5b39380) = 0
17179 set_tid_address(0x5b39650)        = 17179
17179 set_robust_list(0x5b39660, 24)    = 0
17179 rseq(0x5b39ca0, 0x20, 0, 0x53053053) = 0
17179 prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0
17179 readlink("/proc/self/exe", "/tmp/rec/forkexec", 4096) = 17
17179 getrandom("\x13\x14\x1d\x54\x45\xb1\xfa\x0c", 8, GRND_NONBLOCK) = 8
17179 brk(NULL)                         = 0x5b39d00
17179 brk(0x5b5ad00)                    = 0x5b5ad00
17179 brk(0x5b5b000)                    = 0x5b5b000
17179 mprotect(0x4a2000, 16384, PROT_READ) = 0
17179 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x5b39650) = 17180
17180 set_robust_list(0x5b39660, 24 <unfinished ...>
17179 wait4(17180,  <unfinished ...>
17180 <... set_robust_list resumed>)    = 0
17180 write(1, "child\n", 6)            = 6
17180 exit_group(0)                     = ?
17180 +++ exited with 0 +++
17179 <... wait4 resumed>NULL, 0, NULL) = 17180
17179 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=17180, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---
17179 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x5b39650) = 17181
17179 wait4(17181,  <unfinished ...>
17181 set_robust_list(0x5b39660, 24)    = 0
17181 execve("/tmp/rec/exit0", ["exit0", "arg"], 0x7fff8d1c2018 /* 41 vars */) = 0
17181 exit_group(0)                     = ?
17181 +++ exited with 0 +++
17179 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 17181
17179 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=17181, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---
17179 exit_group(0)                     = ?
17179 +++ exited with 0 +++
LOG
BENCH_WORK=$tmp/work tools/bench.sh -p 1 -j 2 -m "split shared" -e int80 -o "$tmp/out" "$tmp/forkexec.log" \
    > "$tmp/bench.out" 2>&1
check "the bench run exits 0" [ $? -eq 0 ] || sed 's/^/# /' "$tmp/bench.out" | tail -15
csv=$tmp/out/forkexec.csv
for m in split shared; do
    line=$(tr -d '\r' < "$tmp/work/$m.1.log" 2>/dev/null | grep '^replay: mismatches ')
    check "$m: no result class differs, every window holds its calls ($line)" \
        eval 'echo "$line" | grep -q " n=0 window=0$"'
done

# field $1 of the $2/int80 row of syscall $3 in the CSV (14 = calls measured,
# 5 = count, 8 = p50, 15 = CR3 writes per call)
field() { grep "^$2,int80,$3," "$csv" 2>/dev/null | cut -d, -f"$1"; }
for m in split shared; do
    for s in clone:FORK exit_group:EXIT wait4:WAIT execve:EXEC; do
        name=${s%:*} op=${s#*:}
        row=$(grep "^$m,int80,$name,$op," "$csv" 2>/dev/null)
        count=$(field 5 "$m" "$name") calls=$(field 14 "$m" "$name") p50=$(field 8 "$m" "$name")
        check "$m: $name is $op, every record measured ($calls of $count), p50 $p50 > 0" \
            eval '[ -n "$row" ] && [ "$calls" = "$count" ] && [ "${p50:-0}" -gt 0 ]'
    done
done
# CR3 writes per call, as integers x100
w() { field 15 "$1" "$2" | tr -d . | sed 's/^0*\([0-9]\)/\1/'; }
fs=$(w split clone) fh=$(w shared clone)
check "fork: split writes CR3 more often ($fs/100 per call) than shared ($fh/100)" \
    eval '[ -n "$fh" ] && [ "${fs:-0}" -gt "$fh" ]'
es=$(w split exit_group) eh=$(w shared exit_group)
check "exit: both modes write CR3 in the window (split $es/100, shared $eh/100 per call), split no fewer" \
    eval '[ "${eh:-0}" -gt 0 ] && [ "${es:-0}" -ge "${eh:-0}" ]'
ws=$(w split wait4) wh=$(w shared wait4)
check "wait: split writes CR3 more often ($ws/100 per call) than shared ($wh/100)" \
    eval '[ -n "$wh" ] && [ "${ws:-0}" -gt "$wh" ]'
echo "1..$n"
[ "$failed" -eq 0 ]
