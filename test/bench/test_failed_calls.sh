#!/bin/sh
# test_failed_calls.sh - failed calls are replayed as failures where that is
# cheap (issue 12), end to end: one boot (split, int80, one pass) of a trace
# of failed calls recorded with strace 6.1 (python3: os.read of "/", lseek on
# a pipe, fstat and close of fd 99, a 64 TiB mmap), plus one successful call
# of each kind. Checks that no record's result class differs from the trace's
# (replay: mismatches n=0), that nothing was capped, and that the failed mmap
# zero-filled nothing (the mmap row's max stays far below a 1,024-page fill,
# which costs millions of ticks). Needs make all and make -C tools; about 15 s.
# Prints TAP; exits non-zero if a check failed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_failed_calls.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$root" || exit 1
. test/bench/tap.sh

cat > "$tmp/failcalls.log" <<'LOG'
read(3, 0x555c9888d820, 4096)           = -1 EISDIR (Is a directory)
lseek(4, 0, SEEK_CUR)                   = -1 ESPIPE (Illegal seek)
newfstatat(99, "", 0x7ffea13a07a0, AT_EMPTY_PATH) = -1 EBADF (Bad file descriptor)
close(99)                               = -1 EBADF (Bad file descriptor)
mmap(NULL, 70368744177664, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0) = -1 ENOMEM (Cannot allocate memory)
ioctl(3, TCGETS, 0x7ffc3290d770)        = -1 ENOTTY (Inappropriate ioctl for device)
read(3, "\177ELF\2\1\1\3\0\0\0\0\0\0\0\0\3\0>\0\1\0\0\0\20t\2\0\0\0\0\0"..., 832) = 832
close(3)                                = 0
mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f1c2b7e2000
LOG
BENCH_WORK=$tmp/work tools/bench.sh -p 1 -j 1 -m split -e int80 -o "$tmp/out" "$tmp/failcalls.log" \
    > "$tmp/bench.out" 2>&1
check "the bench run exits 0" [ $? -eq 0 ] || sed 's/^/# /' "$tmp/bench.out" | tail -15
line=$(tr -d '\r' < "$tmp/work/split.1.log" 2>/dev/null | grep '^replay: mismatches ')
check "no record's result class differs from the trace's ($line)" \
    eval 'echo "$line" | grep -q " n=0 window=0$"'
check "nothing capped" eval 'tr -d "\r" < "$tmp/work/split.1.log" | grep -q "^replay: begin .* capped=0$"'
mmap_max=$(grep '^split,int80,mmap,' "$tmp/out/failcalls.csv" 2>/dev/null | cut -d, -f12)
check "the failed 64 TiB mmap zero-fills nothing (mmap max $mmap_max ticks < 100000)" \
    eval '[ -n "$mmap_max" ] && [ "$mmap_max" -lt 100000 ]'
echo "1..$n"
[ "$failed" -eq 0 ]
