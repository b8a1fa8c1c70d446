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
. "$(dirname "$0")/lib.sh"
bench_test_init test_processes

# strace 6.1 -f of forkexec.c (gcc -static): fork, write, exit; wait; fork,
# execve of a static program that calls exit_group(0); wait.
log=test/bench/fixtures/forkexec.log
bench_ok "the bench run exits 0" -p 1 -j 2 -m "split shared" -e int80 -o "$tmp/out" "$log"
csv=$tmp/out/forkexec.csv
for m in split shared; do
    replay_clean "$m"
done

field() { csv_field "$csv" "$@"; }
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
