#!/bin/sh
# test_inputs.sh - what make bench accepts as TRACE, and what it refuses
# before any boot (issue 12). Runs build/tools/strace2trace and
# tools/bench.sh -n (convert and pack only: no QEMU), each well under a
# second; the time-limit checks make one ISO and run a stand-in QEMU that
# hangs for the 1 s limit (a few seconds, no real boot). Prints TAP; exits
# non-zero if a check failed. Needs make -C tools (and make all for the ISO).
#
#   - nothing to replay (an empty file, a binary, only exit lines, a strace -c
#     summary): exit 1, a one-line reason, no output file, and bench.sh stops
#     before any ISO is made;
#   - --strict with a malformed line: exit 1 and no output file left;
#   - a strace -ff set given as a directory, as a glob (expanded by the shell
#     or not), and paths with spaces (as make splits them): one trace per set.
set -u
. "$(dirname "$0")/lib.sh"
bench_test_init test_inputs
need_s2t

# refused: exit 1, the reason on stderr, no output file
refused() { # refused FILE REASON-TEXT
    "$s2t" -q "$1" "$tmp/out.trc" 2> "$tmp/err"
    [ $? -eq 1 ] && [ ! -e "$tmp/out.trc" ] && grep -q "nothing to replay: $2" "$tmp/err"
}
: > "$tmp/empty.log"
head -c 4096 "$s2t" > "$tmp/binary.log"
printf '+++ exited with 0 +++\n' > "$tmp/exits.log"
# strace 6.1 -c output (cat /etc/hostname), cut
cat > "$tmp/summary.log" <<'LOG'
% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 33.88    0.000767          24        31        13 openat
 19.74    0.000447          22        20           close
------ ----------- ----------- --------- --------- ----------------
100.00    0.002264          19       118        14 total
LOG
check "an empty file is refused, no output" refused "$tmp/empty.log" "the input is empty"
check "a binary is refused, no output" refused "$tmp/binary.log" "no line is strace output"
check "a log of only exit lines is refused, no output" refused "$tmp/exits.log" "no system call lines"
check "a strace -c summary is refused, no output" refused "$tmp/summary.log" "it is only a strace -c summary"

printf 'close(3) = 0\nnot strace\n' > "$tmp/bad.log"
strict() {
    "$s2t" -q --strict "$tmp/bad.log" "$tmp/strict.trc" 2> /dev/null
    [ $? -eq 1 ] && [ ! -e "$tmp/strict.trc" ]
}
check "--strict with a malformed line: exit 1, no output file left" strict
check "... without --strict the same log converts" eval '"$s2t" -q "$tmp/bad.log" "$tmp/lax.trc" 2> /dev/null'

# bench.sh -n: converts and packs, boots nothing
bench_n() { BENCH_WORK=$tmp/work tools/bench.sh -n "$@" > "$tmp/bench.out" 2> "$tmp/bench.err"; }
no_boot() {
    ! bench_n "$tmp/summary.log" && grep -q "no boot" "$tmp/bench.err" &&
        ! ls "$tmp/work"/*.iso > /dev/null 2>&1
}
check "make bench on a summary-only log stops before any boot" no_boot

# a strace -ff set (strace 6.1: sh -c 'cat /etc/hostname | wc -c', cut)
ff="$tmp/my traces/ff"
mkdir -p "$ff"
printf '%s\n' 'execve("/usr/bin/sh", ["sh", "-c", "cat /etc/hostname | wc -c"], 0x7ffc8d1d5f50 /* 41 vars */) = 0' \
    'pipe2([3, 4], 0)                        = 0' 'vfork()                                 = 29345' \
    'wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 29346' 'exit_group(0) = ?' \
    '+++ exited with 0 +++' > "$ff/sh.log.29344"
printf '%s\n' 'close(3)                                = 0' 'dup2(4, 1)                              = 1' \
    'execve("/usr/bin/cat", ["cat", "/etc/hostname"], 0x55d6e8b9ec28 /* 41 vars */) = 0' \
    'write(1, "vm\n", 3)                     = 3' 'exit_group(0) = ?' '+++ exited with 0 +++' > "$ff/sh.log.29345"
printf '%s\n' 'read(0, "vm\n", 16384)                 = 3' 'write(1, "3\n", 2)                     = 2' \
    'exit_group(0) = ?' '+++ exited with 0 +++' > "$ff/sh.log.9999"
cp bench/traces/tiny.log "$tmp/my traces/my tiny.log"
one_set() { # the three files are one trace "sh" of 13 records, pid 9999's first
    grep -q '^bench: sh: 13 records written, .* (3 -ff files)$' "$tmp/bench.out" &&
        grep -q '^bench: batch 1: 1 traces' "$tmp/bench.out" &&
        [ "$(head -n 1 "$tmp/work/inputs" | cut -f2)" = "$ff/sh.log.9999" ]
}
check "a -ff set as a directory is one trace" eval 'bench_n "$ff" && one_set'
check "a -ff set as a glob (expanded by the shell) is one trace" eval 'bench_n "$ff"/sh.log.* && one_set'
check "a -ff set as a glob bench.sh expands is one trace" eval 'bench_n "$ff/sh.log.*" && one_set'
# make passes TRACE="$tmp/my traces/my tiny.log" split at the spaces
spaces() {
    # shellcheck disable=SC2086
    bench_n $tmp/my traces/my tiny.log && grep -q '^bench: my_tiny: 45 records written' "$tmp/bench.out"
}
check "a path with spaces, split into words as make does, is one trace" spaces
check "a path that does not exist is named" \
    eval '! bench_n "$tmp/nope.log" && grep -q "cannot read .*nope.log" "$tmp/bench.err"'

# The per-boot time limit scales with the work and is printed before any boot
# (issue 12: no fixed timeout a large trace can hit without a clear message).
limit_of() { # limit_of BENCH-ARGS...: the seconds bench.sh -n allows per boot
    bench_n "$@" && sed -n 's/^bench: trace .*: allowing up to \([0-9]*\) s per boot.*/\1/p' "$tmp/bench.out"
}
scales() {
    grep -q '^bench: trace tiny: 45 records x 1 passes (+2: fills, warm-up) x 1 entry paths: allowing up to [0-9]* s per boot' \
        "$tmp/bench.out" || return 1
    small=$(limit_of -p 1 -e int80 bench/traces/tiny.log) && big=$(limit_of -p 1 -e int80 bench/traces/ls-usr-bin.log) &&
        more=$(limit_of -p 20 -e "int80 sysenter" bench/traces/ls-usr-bin.log) &&
        [ "$small" -lt "$big" ] && [ "$big" -lt "$more" ]
}
check "the per-boot limit is printed and grows with records, passes and entry paths" \
    eval 'limit_of -p 1 -e int80 bench/traces/tiny.log > /dev/null && scales'
check "BENCH_BOOT_TIMEOUT replaces the per-boot limit" \
    eval '[ "$(BENCH_BOOT_TIMEOUT=7 limit_of -p 1 -e int80 bench/traces/tiny.log)" = 7 ]'
check "a BENCH_BOOT_TIMEOUT that is no number is refused" \
    eval '! BENCH_BOOT_TIMEOUT=soon bench_n bench/traces/tiny.log && grep -q "BENCH_BOOT_TIMEOUT must be" "$tmp/bench.err"'

# A boot that hits its limit says so: which trace, the limit, how to raise it.
# QEMU is a stand-in that never finishes (no real boot); the ISO is made as usual.
timed_out() {
    printf '#!/bin/sh\nexec sleep 60\n' > "$tmp/qemu-hangs"
    chmod +x "$tmp/qemu-hangs"
    BENCH_BOOT_TIMEOUT=1 QEMU=$tmp/qemu-hangs BENCH_WORK=$tmp/work \
        tools/bench.sh -p 1 -m split -e int80 -o "$tmp/out" bench/traces/tiny.log > "$tmp/bench.out" 2> "$tmp/bench.err"
    [ $? -eq 1 ] &&
        grep -q '^bench: TIMED OUT: aspace=split batch 1 (traces tiny) was stopped after its limit of 1 s per boot' "$tmp/bench.err" &&
        grep -q 'BENCH_BOOT_TIMEOUT=SECONDS' "$tmp/bench.err" && [ ! -e "$tmp/out/run.txt" ]
}
if [ -r "${BUILD:-build}/kernel.elf" ] && command -v grub-mkrescue > /dev/null 2>&1; then
    check "a boot past its limit fails with a message naming the trace, the limit and BENCH_BOOT_TIMEOUT" timed_out
else
    skip "a boot past its limit" "needs make all and grub-mkrescue"
fi

# The Linux peer likewise (its kernel cached in build/linux-peer; else skipped).
peer_timed_out() {
    LINUX_PEER_TIMEOUT=1 QEMU=$tmp/qemu-hangs tools/linux-peer.sh "$tmp/peer" 1 "$tmp/work/linux-traces/tiny.trc" \
        > "$tmp/peer.out" 2> "$tmp/peer.err"
    peer_rc=$?
    grep -q '^linux-peer: traces: tiny: 45 records x 1 passes (+2: fills, warm-up) x 2 entry paths: allowing up to 1 s per boot' \
        "$tmp/peer.out" && [ $peer_rc -eq 1 ] &&
        grep -q '^linux-peer: linux-pti FAILED: TIMED OUT: stopped after its limit of 1 s per boot .*LINUX_PEER_TIMEOUT=SECONDS' "$tmp/peer.err"
}
if [ -e build/linux-peer/vmlinuz ] && [ -x "$tmp/qemu-hangs" ] && [ -e "$tmp/work/linux-traces/tiny.trc" ]; then
    what="a Linux peer boot past its limit says so, with LINUX_PEER_TIMEOUT"
    if peer_timed_out; then
        ok "$what"
    elif [ $peer_rc -eq 3 ]; then             # a tool is missing (gcc -m32, cpio): it said which
        skip "$what" "$(tail -n 1 "$tmp/peer.err")"
    else
        not_ok "$what"
    fi
else
    skip "a Linux peer boot past its limit" "no kernel in build/linux-peer"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
