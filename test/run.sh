#!/usr/bin/env bash
# run.sh - the whole test suite, as `make test` runs it (after building).
#
#   1. build checks: C/NASM layout agreement, the QEMU command lines'
#      isa-debug-exit port, grub-file lint of every kernel, a header comment
#      on every public kernel function (tools/check-comments.py)
#   2. host unit tests: cmocka, built with ASan/UBSan
#   3. QEMU (TCG): the test ISO of every relocation variant, KTAP on COM1,
#      verdict through isa-debug-exit (QEMU_EXIT_PASS = pass; 0 and 1 never
#      count; the statuses come from $BUILD/gen/qemu_exit.sh, which the
#      Makefile derives from EXIT_* in src/kernel/x86/platform.h)
#   4. QEMU: the panic self-test (must exit QEMU_EXIT_PANIC with a symbolized dump)
#   5. GDB: batch sessions against QEMU's gdbstub (test/gdb/selftest.py,
#      and docs/debugging.md's sessions, walkthrough.gdb, segv.gdb and
#      boot.gdb, whose logs its transcripts are checked against; not in a
#      DEBUG=1 run)
#   6. Bochs: a scripted debugger session (test/bochs/session.sh), and the
#      Bochs test subset (bochs-suite.iso, tools/mkiso.sh entry 11: what
#      depends on the CPU model), judged from its COM1 text
#   7. QEMU: the demo ISO, and the serial shell driven through COM1
#   8. make bench on the tiny bundled trace in every mode x entry (counts in
#      the CSV = counts in the trace; CSV, JSON and SVG), and the report
#      tool's own tests, what it accepts and refuses as TRACE, fresh strace
#      logs of make -j2, a pipeline and threads (test/bench/test_fresh_logs.sh:
#      >= 95% of records replayed), failed calls replayed as failures, one
#      replay process per traced process (test/bench/test_processes.sh),
#      concurrent processes and futex pairs (test/bench/test_futex.sh), and
#      `make pathtrace` (test/bench/pathtrace.sh: the
#      per-segment trace of getppid adds up to the benchmark's p50)
#   9. QEMU under the interrupt-latency plugin (tools/irqoff.sh, irqoff.iso:
#      the long calls and a short fuzz): no stretch with interrupts off
#      longer than IRQOFF_BOUND instructions
#  10. the docs still match the tree and this run's logs (tools/check-docs.sh)
# Every boot and session is a background job, JOBS at a time (default: the
# number of CPUs), longest first; the checks then read their logs in the
# order above. Each stage prints its job's wall time; the end lists every
# failure again with its log, the wall time of every job, and the total.
# Environment: BUILD, QEMU, QEMU_FLAGS, VARIANTS, MODES, DEBUG_ISO, JOBS,
# BOOT_TIMEOUT (seconds per QEMU or Bochs run, default 300).
# The last line is "N passed, N failed"; the exit status is 0 only if N failed is 0.
set -u
cd "$(dirname "$0")/.."
. test/lib.sh

BUILD=${BUILD:-build}
export BUILD       # test/bench/smoke.sh and tools/bench.sh read it
QEMU=${QEMU:-qemu-system-i386}
QEMU_FLAGS=${QEMU_FLAGS:--accel tcg -m 256M -no-reboot -display none}
VARIANTS=${VARIANTS:-low min16 high top}
MODES=${MODES:-}
JOBS=${JOBS:-$(nproc)}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}
LOGS=$BUILD/test-logs
# QEMU_EXIT_PASS, QEMU_EXIT_FAIL, QEMU_EXIT_PANIC (33, 35, 37)
[ -r "$BUILD/gen/qemu_exit.sh" ] || { echo "run.sh: $BUILD/gen/qemu_exit.sh missing (make all makes it)"; exit 1; }
. "$BUILD/gen/qemu_exit.sh"
JOBDIR=$LOGS/jobs
rm -rf "$JOBDIR"
mkdir -p "$LOGS" "$JOBDIR"
find "$LOGS" -maxdepth 1 -type f -delete   # no check may read an earlier run's log
T0=$(date +%s.%N)

# ---------------------------------------------------------------- the jobs
# qemu_boot ISO LOG: boot ISO with isa-debug-exit, COM1 into LOG; exits
# with QEMU's status (QEMU_EXIT_PASS, _FAIL a test failed, _PANIC, 0 reset
# or triple fault, 124 timed out).
qemu_boot() {
    [ -r "$1" ] || { echo "missing $1 (make test builds it)"; return 2; }
    timeout "$BOOT_TIMEOUT" $QEMU $QEMU_FLAGS -cdrom "$1" -serial "file:$2" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04
}

# gdb_session SCRIPT NAME PORT_OFFSET [ISO [ELF]]: SCRIPT (test/gdb/) in a
# batch GDB against QEMU's gdbstub, ISO (default gdbtest.iso, in $BUILD)
# booted for it alone, GDB given ELF (in $BUILD; default kernel.elf) as the
# kernel; GDB's output in $LOGS/NAME.log, COM1 in $LOGS/NAME-serial.log.
gdb_session() {
    local port=$(( ($$ % 2000) + 27000 + $3 )) qemu_pid i
    sed "s/localhost:[0-9]*/localhost:$port/; s#$BUILD/kernel.elf#$BUILD/${5:-kernel.elf}#g" "$BUILD/gdbinit" \
        > "$LOGS/$2.gdbinit"
    timeout "$BOOT_TIMEOUT" $QEMU $QEMU_FLAGS -cdrom "$BUILD/${4:-gdbtest.iso}" -serial "file:$LOGS/$2-serial.log" \
        -S -gdb "tcp::$port" &
    qemu_pid=$!
    # GDB does not retry its connection: wait (at most 10 s) for the stub.
    for i in $(seq 100); do
        if command -v ss > /dev/null; then
            [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ] && break
        elif [ "$i" -ge 10 ]; then
            break
        fi
        sleep 0.1
    done
    timeout "$BOOT_TIMEOUT" gdb -q -batch -x "$LOGS/$2.gdbinit" -x "test/gdb/$1" > "$LOGS/$2.log" 2>&1
    local rc=$?
    kill "$qemu_pid" 2>/dev/null
    wait "$qemu_pid" 2>/dev/null
    [ $? -eq 124 ] && return 124      # QEMU ran out of time under GDB: say so
    return $rc
}

# bochs_suite: the Bochs test subset; COM1 in bochs-com1.log, port 0xE9 on stdout.
bochs_suite() {
    [ -r "$BUILD/bochs-suite.iso" ] || { echo "missing $BUILD/bochs-suite.iso (make test builds it)"; return 2; }
    tools/bochsrc.sh "$BUILD/bochs-suite.iso" "$LOGS/bochs-com1.log" "$LOGS/bochs.log" > "$LOGS/bochsrc"
    rm -f "$LOGS/bochs-com1.log"
    timeout "$BOOT_TIMEOUT" bochs -q -f "$LOGS/bochsrc" -rc test/bochs/boot.rc > "$LOGS/bochs-stdout.log" 2>&1
}

# The DEBUG=1 build: when it is the low variant already (make DEBUG=1 test),
# that boot covers it.
debug_is_low=0
if [ -n "${DEBUG_ISO:-}" ] && [ "$DEBUG_ISO" -ef "$BUILD/variants/low/test.iso" ] && [[ " $VARIANTS " == *" low "* ]]; then
    debug_is_low=1
fi

echo "== build checks"
LOG=$BUILD
for stamp in "$BUILD"/layout-*.ok; do
    pass "$(cat "$stamp")"
done
# Every public kernel function has a header comment (tools/check-comments.py): one line.
comments_out=$(python3 tools/check-comments.py src/kernel 2>&1)
comments_rc=$?
check "${comments_out:-comments: tools/check-comments.py printed nothing}" [ "$comments_rc" -eq 0 ]
# The QEMU command lines spell the isa-debug-exit port the kernel writes
# (power.c): each must be DEBUG_EXIT_PORT of src/kernel/x86/platform.h.
debug_exit_ports_agree() {
    local port n=0 bad=0 where value
    port=$(awk '$1 == "#define" && $2 == "DEBUG_EXIT_PORT" { print $3 }' src/kernel/x86/platform.h)
    [ -n "$port" ] || { echo "  no DEBUG_EXIT_PORT in src/kernel/x86/platform.h"; return 1; }
    while read -r where value; do
        n=$((n + 1))
        [ $((value)) -eq $((port)) ] || { echo "  $where: iobase=$value, DEBUG_EXIT_PORT is $port"; bad=1; }
    done < <(grep -rnoE 'isa-debug-exit,iobase=0x[0-9A-Fa-f]+' Makefile test tools docs README.md |
             sed 's/:isa-debug-exit,iobase=/ /')
    [ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
}
check "every isa-debug-exit iobase in the Makefile, tools, tests and docs is DEBUG_EXIT_PORT (platform.h)" \
    debug_exit_ports_agree
for v in $VARIANTS; do
    check "grub-file --is-x86-multiboot2 accepts the $v kernel (lint only)" \
        grub-file --is-x86-multiboot2 "$BUILD/variants/$v/kernel.elf"
done

# Longest first, so that the last job to start is a short one.
echo "== starting the boots and sessions, $JOBS at a time (logs in $LOGS, job output in $JOBDIR)"
job bench-smoke sh -c 'timeout "$1" test/bench/smoke.sh "$2/bench-smoke" bench/traces/tiny.log > "$2/bench-smoke.tap" 2>&1' \
    - $((BOOT_TIMEOUT * 2)) "$LOGS"
[ -n "${DEBUG_ISO:-}" ] && [ "$debug_is_low" -eq 0 ] && job qemu-debug qemu_boot "$DEBUG_ISO" "$LOGS/qemu-debug.log"
for v in $VARIANTS; do
    job "qemu-$v" qemu_boot "$BUILD/variants/$v/test.iso" "$LOGS/qemu-$v.log"
done
for m in $MODES; do
    job "qemu-mode-$m" qemu_boot "$BUILD/modes/$m/test.iso" "$LOGS/qemu-mode-$m.log"
done
job load-session sh -c 'python3 test/load_session.py "$1/split.iso" "$2/load-session.log" > "$2/load-session.results" 2>&1' \
    - "$BUILD" "$LOGS"
job unit sh -c 'make -s -C test/unit run > "$1/unit.log" 2>&1' - "$LOGS"
job bochs-suite bochs_suite
job gdb gdb_session selftest.py gdb 0
# docs/debugging.md's sessions, whose transcripts describe the normal build
# (a DEBUG=1 build steps through its checks and names its own modules):
# not in `make DEBUG=1 test`.
doc_sessions=1
[ "$debug_is_low" -eq 1 ] && doc_sessions=0
rm -f "$LOGS/gdb-walkthrough.log" "$LOGS/gdb-segv.log" "$LOGS/gdb-boot.log"   # no stale log is checked
if [ "$doc_sessions" -eq 1 ]; then
    job gdb-walkthrough gdb_session walkthrough.gdb gdb-walkthrough 1
    job gdb-segv gdb_session segv.gdb gdb-segv 2 demo.iso
    case " $VARIANTS " in
    *" high "*) job gdb-boot gdb_session boot.gdb gdb-boot 3 variants/high/test.iso variants/high/kernel.elf ;;
    esac
fi
job bochs-session sh -c 'test/bochs/session.sh "$1" "$2" > "$2/bochs-session.results" 2>&1' - "$BUILD" "$LOGS"
job qemu-badelf qemu_boot "$BUILD/badelf.iso" "$LOGS/qemu-badelf.log"
job qemu-panic qemu_boot "$BUILD/panic.iso" "$LOGS/qemu-panic.log"
job qemu-demo qemu_boot "$BUILD/demo.iso" "$LOGS/qemu-demo.log"
job sh-session sh -c 'python3 test/sh_session.py "$1/split.iso" "$2/sh-session.log" > "$2/sh-session.results" 2>&1' \
    - "$BUILD" "$LOGS"
job bench-report sh -c 'test/bench/test_report.sh > "$1/bench-report.tap" 2>&1' - "$LOGS"
job bench-inputs sh -c 'test/bench/test_inputs.sh > "$1/bench-inputs.tap" 2>&1' - "$LOGS"
job bench-fresh-logs sh -c 'test/bench/test_fresh_logs.sh > "$1/bench-fresh-logs.tap" 2>&1' - "$LOGS"
job bench-failed-calls sh -c 'timeout "$1" test/bench/test_failed_calls.sh > "$2/bench-failed-calls.tap" 2>&1' \
    - "$BOOT_TIMEOUT" "$LOGS"
job irqoff sh -c 'IRQOFF_SERIAL="$2/irqoff-serial.log" IRQOFF_TIMEOUT="$1" tools/irqoff.sh "$3/irqoff.iso" "$3/kernel.elf" \
    > "$2/irqoff.report" 2>&1' - "$BOOT_TIMEOUT" "$LOGS" "$BUILD"
job pathtrace sh -c 'timeout "$1" test/bench/pathtrace.sh "$2/pathtrace" > "$2/pathtrace.tap" 2>&1' \
    - "$BOOT_TIMEOUT" "$LOGS"
job bench-processes sh -c 'timeout "$1" test/bench/test_processes.sh > "$2/bench-processes.tap" 2>&1' \
    - "$BOOT_TIMEOUT" "$LOGS"
job bench-futex sh -c 'timeout "$1" test/bench/test_futex.sh > "$2/bench-futex.tap" 2>&1' \
    - "$BOOT_TIMEOUT" "$LOGS"

# ---------------------------------------------------------------- the checks
# stage NAME TITLE LOG: wait for job NAME, print the stage header with its
# wall time; sets RC (its exit status) and LOG (named by every failure).
stage() {
    STAGE_JOB=$1
    collect "$1"
    LOG=$3
    echo "== $2  [$(job_wall "$1") s; log: $LOG]"
}

# boot_status WHAT WANT: the stage's QEMU exit status must be WANT; a
# timeout or a missing ISO says so.
boot_status() {
    if timed_out "$RC" "$BOOT_TIMEOUT" "$1"; then
        return
    elif [ "$RC" -eq 2 ] && grep -q '^missing ' "$JOBDIR/$STAGE_JOB.out"; then
        fail "$1: $(grep '^missing ' "$JOBDIR/$STAGE_JOB.out")"
    else
        check "$1: exit status $2 from isa-debug-exit (got $RC; log: $LOG)" [ "$RC" -eq "$2" ]
    fi
}
hex() { printf '%d' "$1"; }
strip_cr() { tr -d '\r' < "$1"; }

stage unit "host unit tests (cmocka, ASan/UBSan)" "$LOGS/unit.log"
unit_pass=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$LOG" | awk '{ s += $1 } END { print s + 0 }')
unit_fail=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$LOG" | awk '{ s += $1 } END { print s + 0 }')
PASSED=$((PASSED + unit_pass))
FAILED=$((FAILED + unit_fail))
grep -E '^\[  (FAILED|ERROR) +\]' "$LOG" | sed 's/^/  /'
while IFS= read -r line; do                 # each failed test once, by name
    FAIL_LINES+=("FAIL unit: $line  (log: $LOG)")
done < <(grep -E '^\[  (FAILED|ERROR) +\] ' "$LOG" | grep -vE '\] [0-9]+ test' | sort -u)
echo "  cmocka: $unit_pass passed, $unit_fail failed (log: $LOG)"
if [ "$RC" -ne 0 ] && [ "$unit_fail" -eq 0 ]; then
    fail "unit tests did not build or crashed"
fi

for v in $VARIANTS; do
    stage "qemu-$v" "QEMU (TCG): the test suite, relocation variant $v" "$LOGS/qemu-$v.log"
    base=$(strip_cr "$LOG" 2>/dev/null | sed -n 's/^boot: load base \(0x[0-9a-f]*\).*/\1/p' | head -n 1)
    echo "  $v: GRUB loaded the kernel at ${base:-?}, QEMU exit status $RC"
    boot_status "$v" "$QEMU_EXIT_PASS"
    ktap_count "$LOG" "$v"
    if [ -n "$base" ]; then
        b=$(hex "$base")
        case $v in
        low)   check "low: loaded below 16 MiB" [ "$b" -lt $((0x1000000)) ] ;;
        min16) check "min16: loaded at or above 16 MiB" [ "$b" -ge $((0x1000000)) ] ;;
        high)  check "high: 2 MiB aligned, inside [16 MiB, 64 MiB)" \
                   [ "$b" -ge $((0x1000000)) -a "$b" -lt $((0x4000000)) -a $((b % 0x200000)) -eq 0 ] ;;
        top)   check "top: loaded in the upper half of RAM" [ "$b" -ge $((0x8000000)) ] ;;
        esac
    else
        fail "$v: the kernel never printed its load base"
    fi
    if [ "$v" = low ] && [ "$debug_is_low" -eq 1 ]; then
        echo "  low is the DEBUG=1 build (trampoline checks at every entry and exit, audit on every change)"
        check "debug: no panic" bash -c "! grep -q 'KERNEL PANIC' '$LOG'"
    fi
done

for m in $MODES; do
    stage "qemu-mode-$m" "QEMU: the test suite under aspace=$m" "$LOGS/qemu-mode-$m.log"
    boot_status "aspace=$m" "$QEMU_EXIT_PASS"
    check "aspace=$m: the kernel ran in that mode" grep -q "^boot: aspace=$m" <(strip_cr "$LOG")
    ktap_count "$LOG" "aspace=$m"
done

if [ -n "${DEBUG_ISO:-}" ] && [ "$debug_is_low" -eq 0 ]; then
    stage qemu-debug "QEMU: the DEBUG=1 build (trampoline checks at every entry and exit, audit on every change)" \
        "$LOGS/qemu-debug.log"
    boot_status "debug" "$QEMU_EXIT_PASS"
    check "debug: no panic" bash -c "! grep -q 'KERNEL PANIC' '$LOG'"
    ktap_count "$LOG" "debug"
fi

stage qemu-badelf "QEMU: the loader refuses hostile modules (test/mkbadelf.c, menu entry 7)" "$LOGS/qemu-badelf.log"
boot_status "badelf" "$QEMU_EXIT_PASS"
ktap_count "$LOG" "badelf"
while read -r verdict name size bytes why; do
    check "badelf: $name refused: $why" grep -qF "module $name: rejected: $why" <(strip_cr "$LOG")
done < "$BUILD/mkbadelf.log"

stage qemu-panic "QEMU: kernel panic path" "$LOGS/qemu-panic.log"
boot_status "panic ($QEMU_EXIT_PANIC = EXIT_PANIC, not $QEMU_EXIT_PASS)" "$QEMU_EXIT_PANIC"
check "panic: message and register dump" grep -q "KERNEL PANIC: exception in kernel mode: #PF" "$LOG"
check "panic: symbolized EIP" grep -qE "^eip 0x[0-9a-f]{8} <kmain\+0x[0-9a-f]+>" <(strip_cr "$LOG")
check "panic: faulting CR3 and CR2 reported" grep -qE "cr2 00400000 cr3 [0-9a-f]{8} at the trap" "$LOG"

stage gdb "GDB: scripted session against QEMU's gdbstub (make debug / make gdb)" "$LOGS/gdb.log"
timed_out "$RC" "$BOOT_TIMEOUT" "gdb" || true
count_results "$LOG" gdb
check "gdb: the scripted session ran all 17 checks" [ "$RESULTS_COUNTED" -eq 17 ]

if [ "$doc_sessions" -eq 1 ]; then
    stage gdb-walkthrough "GDB: docs/debugging.md's walkthrough (test/gdb/walkthrough.gdb)" "$LOGS/gdb-walkthrough.log"
    timed_out "$RC" "$BOOT_TIMEOUT" "gdb walkthrough" || true
    check "gdb walkthrough: GDB exited 0" [ "$RC" -eq 0 ]
    check "gdb walkthrough: stopped at the fast path with the user CR3" \
        grep -qE "^Breakpoint 1, tramp_fast_int80 \(\)" "$LOG"
    check "gdb walkthrough: stepped into the kernel CR3 and back to the user's" \
        sh -c 'grep -q "CR3 now 0x[0-9a-f]* (kernel)" "$1" && [ "$(grep -c "CR3 now 0x[0-9a-f]* (user)" "$1")" -ge 2 ]' - "$LOG"
    check "gdb walkthrough: reached sys_write through tramp_syscall_call" \
        grep -qE "^#1  0x[0-9a-f]+ in tramp_syscall_call \(\)" "$LOG"

    stage gdb-segv "GDB: docs/debugging.md's faulting program (test/gdb/segv.gdb, demo.iso)" "$LOGS/gdb-segv.log"
    timed_out "$RC" "$BOOT_TIMEOUT" "gdb segv session" || true
    check "gdb segv session: GDB exited 0" [ "$RC" -eq 0 ]
    check "gdb segv session: stopped in proc_kill_by_trap with segv's #PF frame on the entry stack" \
        sh -c 'grep -q "^Breakpoint 1, proc_kill_by_trap (tf=0xfff02" "$1" && grep -q "vector = 0xe, err = 0x4, eip = 0x" "$1"' - "$LOG"
    check "gdb segv session: CR2 is kernel_load_base, unmapped in segv's PD" \
        sh -c 'grep -A1 -F "+p \$cr2 == (unsigned)&kernel_load_base" "$1" | grep -q "= 1$" && grep -qE "\(user PD, pid [0-9]+ segv\)" "$1"' - "$LOG"

    case " $VARIANTS " in
    *" high "*)
        stage gdb-boot "GDB: docs/debugging.md's code before paging (test/gdb/boot.gdb, the high variant)" "$LOGS/gdb-boot.log"
        timed_out "$RC" "$BOOT_TIMEOUT" "gdb boot session" || true
        check "gdb boot session: GDB exited 0" [ "$RC" -eq 0 ]
        check "gdb boot session: stopped at _start at the load base, paging off, multiboot2 magic in EAX" \
            sh -c 'grep -q "^Breakpoint 1, 0x03e00050 in" "$1" && grep -qE "^eax +0x36d76289" "$1" && grep -qE "^cr0 +0x[0-9a-f]+ +\[ ET PE \]" "$1"' - "$LOG"
        check "gdb boot session: boot-symbols give boot.asm's lines and EBP = the load base in boot code" \
            sh -c 'grep -q "of \"src/kernel/boot/boot.asm\" starts at address 0x3e00050 <_start>" "$1" && grep -q "^\$[0-9]* = 0x3e00000$" "$1"' - "$LOG"
        ;;
    esac
fi

stage bochs-session "Bochs: scripted debugger session (test/bochs/session.sh)" "$LOGS/bochs-session.results"
count_results "$LOG" "bochs debugger"
check "bochs debugger: all 15 checks ran (Bochs output: $LOGS/bochs-session.out)" [ "$RESULTS_COUNTED" -eq 15 ]

stage qemu-demo "QEMU: make run-demo (init runs the demo programs, then powers off)" "$LOGS/qemu-demo.log"
boot_status "demo: init powered off cleanly" "$QEMU_EXIT_PASS"
check "demo: hello ran" grep -q "hello from user mode" "$LOG"
check "demo: segv was killed by #PF at the kernel's address" grep -q "killed pid [0-9]* (segv): #PF page fault (vector 14) .* cr2 0xc0" "$LOG"
check "demo: faults de was killed by #DE" grep -q "(faults): #DE divide error" "$LOG"

stage sh-session "QEMU: the serial shell, driven through COM1 (test/sh_session.py)" "$LOGS/sh-session.results"
count_results "$LOG" sh
check "sh: the session reported its checks (console: $LOGS/sh-session.log)" grep -q '^PASS' "$LOG"

stage bochs-suite "Bochs: the Bochs test subset (bochs-suite.iso)" "$LOGS/bochs-com1.log"
if ! timed_out "$RC" "$BOOT_TIMEOUT" "bochs"; then
    echo "  bochs exit status $RC (1 is its normal power-off status; the text decides)"
fi
if [ -r "$LOG" ]; then
    ktap_count "$LOG" "bochs"
    check "bochs: kernel reported no failures" grep -qE "^# ktap totals: [0-9]+ passed, 0 failed" <(strip_cr "$LOG")
else
    fail "bochs: no COM1 log (Bochs's own output: $LOGS/bochs-stdout.log $JOBDIR/bochs-suite.out)"
fi
LOG=$LOGS/bochs-stdout.log
check "bochs: same text on port 0xE9" grep -q "# ktap totals" "$LOG"

stage load-session "QEMU: the shell under load (test/load_session.py: stress & while ps answers)" \
    "$LOGS/load-session.results"
count_results "$LOG" load
check "load: the session reported its checks (console: $LOGS/load-session.log)" grep -q '^PASS' "$LOG"

# tap_count FILE PREFIX: count "ok N" / "not ok N" lines of a TAP file.
tap_count() {
    local line
    while IFS= read -r line; do
        echo "  $line"
        case $line in
        "ok "[0-9]*) PASSED=$((PASSED + 1)) ;;
        "not ok "[0-9]*) record_fail "$2: $line" ;;
        esac
    done < "$1"
    check "$2: the TAP plan was reached" grep -qE '^1\.\.[0-9]+' "$1"
}

stage bench-report "the report tool (test/bench/test_report.sh)" "$LOGS/bench-report.tap"
tap_count "$LOG" "bench-report"

stage bench-inputs "what make bench takes as TRACE, and refuses before any boot (test/bench/test_inputs.sh)" \
    "$LOGS/bench-inputs.tap"
tap_count "$LOG" "bench-inputs"

stage bench-fresh-logs "fresh strace logs of make -j2, a pipeline and two threads: >= 95% replayed (test/bench/test_fresh_logs.sh)" \
    "$LOGS/bench-fresh-logs.tap"
tap_count "$LOG" "bench-fresh-logs"

stage bench-failed-calls "failed calls replayed as failures (test/bench/test_failed_calls.sh)" \
    "$LOGS/bench-failed-calls.tap"
timed_out "$RC" "$BOOT_TIMEOUT" "bench failed calls" || true
tap_count "$LOG" "bench-failed-calls"

stage bench-processes "one replay process per traced process: fork, exit, wait, exec measured (test/bench/test_processes.sh)" \
    "$LOGS/bench-processes.tap"
timed_out "$RC" "$BOOT_TIMEOUT" "bench processes" || true
tap_count "$LOG" "bench-processes"

stage bench-futex "concurrent traced processes, futex wait/wake pairs replayed for real (test/bench/test_futex.sh)" \
    "$LOGS/bench-futex.tap"
timed_out "$RC" "$BOOT_TIMEOUT" "bench futex" || true
tap_count "$LOG" "bench-futex"

stage bench-smoke "make bench ACCEL=tcg on bench/traces/tiny.log (test/bench/smoke.sh)" "$LOGS/bench-smoke.tap"
timed_out "$RC" $((BOOT_TIMEOUT * 2)) "bench smoke" || true
tap_count "$LOG" "bench smoke"

stage pathtrace "make pathtrace: getppid traced per segment, total = the benchmark's p50 (test/bench/pathtrace.sh)" \
    "$LOGS/pathtrace.tap"
timed_out "$RC" "$BOOT_TIMEOUT" "pathtrace" || true
tap_count "$LOG" "pathtrace"

# The longest stretch of kernel instructions with interrupts off, boot
# aside, under -icount shift=0: deterministic, a property of where the
# preempt points are (docs/security.md "Interrupt latency" quotes it).
IRQOFF_BOUND=50000
stage irqoff "QEMU under tools/irqoff.sh: the long calls keep interrupts off at most $IRQOFF_BOUND instructions" \
    "$LOGS/irqoff.report"
if ! timed_out "$RC" "$BOOT_TIMEOUT" "irqoff"; then
    check "irqoff: every test in the boot passed (exit status $RC; COM1: $LOGS/irqoff-serial.log)" [ "$RC" -eq "$QEMU_EXIT_PASS" ]
    worst=$(awk '$1 == "irqoff:" && $2 ~ /^0x/ && $3 > m { m = $3 } END { print m + 0 }' "$LOG")
    check "irqoff: the report lists the calls' runs" grep -qE '^irqoff: +0x[0-9a-f]+ +[0-9]+' "$LOG"
    check "irqoff: longest run with interrupts off $worst instructions <= $IRQOFF_BOUND (by call: $LOG)" \
        test "$worst" -gt 0 -a "$worst" -le "$IRQOFF_BOUND"
fi

# After the boots: the transcripts in the docs are checked against this run's logs.
echo "== docs: every quoted FILE:LINE, constant count and transcript still matches (tools/check-docs.sh)"
LOG=$LOGS/check-docs.log
readelf -lW "$BUILD/kernel.elf" > "$LOGS/readelf-kernel.txt" 2>&1
# A reduced run (fewer VARIANTS or MODES) lacks some logs: those transcripts are skipped.
missing_ok=''
[ "$VARIANTS" = "low min16 high top" ] || missing_ok=1
[ "$doc_sessions" -eq 1 ] || missing_ok=1      # no docs/debugging.md sessions in a DEBUG=1 run
MISSING_OK=$missing_ok tools/check-docs.sh "$BUILD" > "$LOG" 2>&1
docs_rc=$?
while IFS= read -r line; do
    case $line in
    note:*) echo "  $line" ;;
    *) if [ "$docs_rc" -eq 0 ]; then pass "$line"; else fail "docs: $line"; fi ;;
    esac
done < "$LOG"
[ "$docs_rc" -eq 0 ] || [ -s "$LOG" ] || fail "docs: tools/check-docs.sh failed without saying why"

list_failures
echo
echo "== wall time per job ($JOBS at a time), longest first"
job_table "$T0"
echo "  total wall time: $(awk -v t0="$T0" -v t1="$(date +%s.%N)" 'BEGIN { printf "%.1f", t1 - t0 }') s"
echo
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
