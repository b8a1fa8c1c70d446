#!/bin/sh
# test_fresh_logs.sh - the converter on logs recorded now, on this machine,
# of the multi-process programs issue 12 names: a `make -j2` build of a
# three-file C program, a shell pipeline, and a program with two threads.
# Each is recorded with `strace -f -ttt -T` (as tools/record-trace.sh
# does), converted by build/tools/strace2trace, and judged by its summary:
#
#   - the share of records replayed (not OP_SKIP) is at least 95%
#     (issue 12's "done when");
#   - the log converts with no malformed line and no call left unfinished;
#   - the processes are there: FORK, EXIT, WAIT and EXEC records for the
#     build and the pipeline, FORK and EXIT for the threads.
#
# Host only, a few seconds; no QEMU. Where ptrace is not allowed (a
# container without CAP_SYS_PTRACE), every check is a TAP SKIP naming
# strace's error. Prints TAP; exits non-zero if a check failed.
set -u
. "$(dirname "$0")/lib.sh"
bench_test_init test_fresh_logs
need_s2t
command -v strace > /dev/null || { echo "Bail out! strace missing (tools/deps.sh installs it)"; exit 1; }

# The programs to record.
mkdir -p "$tmp/build"
printf 'int a(void) { return 1; }\n' > "$tmp/build/a.c"
printf 'int b(void) { return 2; }\n' > "$tmp/build/b.c"
printf 'int a(void); int b(void);\nint main(void) { return a() + b() - 3; }\n' > "$tmp/build/m.c"
printf 'prog: a.o b.o m.o\n\t$(CC) -o $@ a.o b.o m.o\n%%.o: %%.c\n\t$(CC) -c -O1 $<\n' > "$tmp/build/Makefile"
cat > "$tmp/threads.c" <<'C'
#include <pthread.h>
#include <unistd.h>
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int turn;
static void *worker(void *arg)
{
    for (int i = 0; i < 20; i++) {
        pthread_mutex_lock(&lock);
        while (turn != 1)
            pthread_cond_wait(&cond, &lock);
        turn = 0;
        pthread_cond_signal(&cond);
        pthread_mutex_unlock(&lock);
    }
    return arg;
}
int main(void)
{
    pthread_t t;
    pthread_create(&t, 0, worker, 0);
    for (int i = 0; i < 20; i++) {
        pthread_mutex_lock(&lock);
        turn = 1;
        pthread_cond_signal(&cond);
        while (turn != 0)
            pthread_cond_wait(&cond, &lock);
        pthread_mutex_unlock(&lock);
    }
    pthread_join(t, 0);
    return write(1, "", 0);
}
C
if ! gcc -O1 -pthread -o "$tmp/threads" "$tmp/threads.c" 2> "$tmp/cc.err"; then
    echo "Bail out! gcc -pthread failed: $(head -1 "$tmp/cc.err")"
    exit 1
fi

# record NAME DIR CMD...: strace -f -ttt -T -o $tmp/NAME.log, run in DIR.
record() {
    _name=$1 _dir=$2
    shift 2
    (cd "$_dir" && env -i PATH=/usr/bin:/bin LC_ALL=C CC=gcc \
        strace -f -ttt -T -o "$tmp/$_name.log" "$@" > /dev/null 2> "$tmp/$_name.err")
}

# judge NAME OPS...: convert NAME.log and check the summary; OPS are the
# per-op counts that must be non-zero.
judge() {
    _name=$1
    shift
    if ! "$s2t" "$tmp/$_name.log" "$tmp/$_name.trc" > "$tmp/$_name.sum" 2>&1; then
        not_ok "$_name: strace2trace converts the fresh log ($(tail -1 "$tmp/$_name.sum"))"
        return
    fi
    ok "$_name: strace2trace converts the fresh log"
    _total=$(sed -n 's/.*: \([0-9]*\) records written.*/\1/p' "$tmp/$_name.sum")
    _skipped=$(sed -n 's/^ *skipped: \([0-9]*\) records.*/\1/p' "$tmp/$_name.sum")
    _skipped=${_skipped:-0}
    if [ -n "$_total" ] && [ "$_total" -gt 0 ] && [ $((_skipped * 100)) -le $((_total * 5)) ]; then
        ok "$_name: $((_total - _skipped)) of $_total records replayed with their traffic (>= 95%)"
        grep -E '^ *skipped:|futex waits paired' "$tmp/$_name.sum" | sed 's/^ */# /'
    else
        not_ok "$_name: records replayed: $_skipped of ${_total:-?} skipped (> 5%)"
        sed 's/^/# /' "$tmp/$_name.sum"
    fi
    check "$_name: no malformed line, no call left unfinished" \
        grep -q ' 0 never resumed).* 0 malformed$' "$tmp/$_name.sum"
    for _op in "$@"; do
        _count=$(sed -n "s/^ *per op:.* $_op \\([0-9]*\\).*/\\1/p" "$tmp/$_name.sum")
        if [ "${_count:-0}" -gt 0 ]; then
            ok "$_name: $_count $_op records"
        else
            not_ok "$_name: no $_op record"
            sed 's/^/# /' "$tmp/$_name.sum"
        fi
    done
}

# Can this machine ptrace at all?
if ! strace -f -o /dev/null true 2> "$tmp/probe.err"; then
    why=$(head -1 "$tmp/probe.err")
    for what in "make -j2" pipeline threads; do
        skip "$what: a fresh strace log" "strace cannot trace here: $why"
    done
    echo "1..$n"
    exit 0
fi

record make-j2 "$tmp/build" make -j2
judge make-j2 FORK EXIT WAIT EXEC
record pipeline "$tmp" sh -c 'ls /usr/bin | sort -r | head -5 | wc -l'
judge pipeline FORK EXIT WAIT EXEC
record threads "$tmp" "$tmp/threads"
judge threads FORK EXIT

echo "1..$n"
[ "$failed" -eq 0 ]
