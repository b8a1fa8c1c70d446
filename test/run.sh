#!/usr/bin/env bash
# run.sh - the whole test suite, as `make test` runs it (after building).
#
#   1. build checks: C/NASM layout agreement, grub-file lint of every kernel
#   2. host unit tests: cmocka, built with ASan/UBSan
#   3. QEMU (TCG): the test ISO of every relocation variant, KTAP on COM1,
#      verdict through isa-debug-exit (33 = pass; 0 and 1 never count)
#   4. QEMU: the panic self-test (must exit 37 with a symbolized dump)
#   5. GDB: a batch session against QEMU's gdbstub (test/gdb/selftest.py)
#   6. Bochs: the same test ISO, judged from its COM1 text, and a scripted
#      debugger session (test/bochs/session.sh)
#   7. QEMU: the demo ISO, and the serial shell driven through COM1
#   8. make bench on the tiny bundled trace in every mode x entry (counts in
#      the CSV = counts in the trace; CSV, JSON and SVG), and the report
#      tool's own tests
# The last line is "N passed, N failed"; the exit status is 0 only if N failed is 0.
set -u
cd "$(dirname "$0")/.."
. test/lib.sh

BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-i386}
QEMU_FLAGS=${QEMU_FLAGS:--accel tcg -m 256M -no-reboot -display none}
VARIANTS=${VARIANTS:-low min16 high top}
LOGS=$BUILD/test-logs
mkdir -p "$LOGS"

# qemu_boot ISO LOG: boot ISO with isa-debug-exit; prints QEMU's exit status.
qemu_boot() {
    timeout 120 $QEMU $QEMU_FLAGS -cdrom "$1" -serial "file:$2" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 >/dev/null 2>&1
    echo $?
}

hex() { printf '%d' "$1"; }

# Bochs takes about a minute for the full test ISO: start it now, on the
# second core, and collect its result at the end.
bochs_log=$LOGS/bochs-com1.log
rm -f "$bochs_log"
scripts/bochsrc.sh "$BUILD/variants/low/test.iso" "$bochs_log" "$LOGS/bochs.log" > "$LOGS/bochsrc"
timeout 300 bochs -q -f "$LOGS/bochsrc" -rc test/bochs/boot.rc > "$LOGS/bochs-stdout.log" 2>&1 &
bochs_pid=$!

# The benchmark smoke run boots three ISOs one after another (-icount is
# slow to boot): start it now too, and collect it at the end.
test/bench/smoke.sh "$LOGS/bench-smoke" bench/traces/tiny.log > "$LOGS/bench-smoke.tap" 2>&1 &
bench_pid=$!

echo "== build checks"
for stamp in "$BUILD"/layout-*.ok; do
    pass "$(cat "$stamp")"
done
for v in $VARIANTS; do
    check "grub-file --is-x86-multiboot2 accepts the $v kernel (lint only)" \
        grub-file --is-x86-multiboot2 "$BUILD/variants/$v/kernel.elf"
done

echo "== host unit tests (cmocka, ASan/UBSan)"
make -s -C test/unit run > "$LOGS/unit.log" 2>&1
unit_rc=$?
unit_pass=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$LOGS/unit.log" | awk '{ s += $1 } END { print s + 0 }')
unit_fail=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$LOGS/unit.log" | awk '{ s += $1 } END { print s + 0 }')
PASSED=$((PASSED + unit_pass))
FAILED=$((FAILED + unit_fail))
grep -E '^\[  (FAILED|ERROR) +\]' "$LOGS/unit.log" | sed 's/^/  /'
echo "  cmocka: $unit_pass passed, $unit_fail failed (log: $LOGS/unit.log)"
if [ "$unit_rc" -ne 0 ] && [ "$unit_fail" -eq 0 ]; then
    fail "unit tests did not build or crashed (see $LOGS/unit.log)"
fi

echo "== QEMU (TCG): test suite on every relocation variant"
for v in $VARIANTS; do
    log=$LOGS/qemu-$v.log
    rc=$(qemu_boot "$BUILD/variants/$v/test.iso" "$log")
    base=$(tr -d '\r' < "$log" | sed -n 's/^boot: load base \(0x[0-9a-f]*\).*/\1/p' | head -n 1)
    echo "  $v: GRUB loaded the kernel at ${base:-?}, QEMU exit status $rc"
    check "$v: exit status 33 from isa-debug-exit (got $rc)" [ "$rc" -eq 33 ]
    ktap_count "$log" "$v"
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
done

for m in ${MODES:-}; do
    echo "== QEMU: the test suite under aspace=$m"
    log=$LOGS/qemu-mode-$m.log
    rc=$(qemu_boot "$BUILD/modes/$m/test.iso" "$log")
    check "aspace=$m: exit status 33 (got $rc)" [ "$rc" -eq 33 ]
    check "aspace=$m: the kernel ran in that mode" grep -q "^boot: aspace=$m" <(tr -d '\r' < "$log")
    ktap_count "$log" "aspace=$m"
done

if [ -n "${DEBUG_ISO:-}" ]; then
    echo "== QEMU: the DEBUG=1 build (trampoline checks at every entry and exit, audit on every change)"
    log=$LOGS/qemu-debug.log
    rc=$(qemu_boot "$DEBUG_ISO" "$log")
    check "debug: exit status 33 (got $rc)" [ "$rc" -eq 33 ]
    check "debug: no panic" bash -c "! grep -q 'KERNEL PANIC' '$log'"
    ktap_count "$log" "debug"
fi

echo "== QEMU: the loader refuses hostile modules (test/mkbadelf.c, menu entry 7)"
log=$LOGS/qemu-badelf.log
rc=$(qemu_boot "$BUILD/badelf.iso" "$log")
check "badelf: exit status 33 from isa-debug-exit (got $rc)" [ "$rc" -eq 33 ]
ktap_count "$log" "badelf"
while read -r verdict name size bytes why; do
    check "badelf: $name refused: $why" grep -qF "module $name: rejected: $why" <(tr -d '\r' < "$log")
done < "$BUILD/mkbadelf.log"

echo "== QEMU: kernel panic path"
log=$LOGS/qemu-panic.log
rc=$(qemu_boot "$BUILD/panic.iso" "$log")
check "panic: exit status 37 (EXIT_PANIC), not 33 (got $rc)" [ "$rc" -eq 37 ]
check "panic: message and register dump" grep -q "KERNEL PANIC: exception in kernel mode: #PF" "$log"
check "panic: symbolized EIP" grep -qE "^eip 0x[0-9a-f]{8} <kmain\+0x[0-9a-f]+>" <(tr -d '\r' < "$log")
check "panic: faulting CR3 and CR2 reported" grep -qE "cr2 00400000 cr3 [0-9a-f]{8} at the trap" "$log"

echo "== GDB: scripted session against QEMU's gdbstub (make debug / make gdb)"
port=$(( ($$ % 2000) + 27000 ))
sed "s/localhost:[0-9]*/localhost:$port/" "$BUILD/gdbinit" > "$LOGS/gdbinit"
timeout 120 $QEMU $QEMU_FLAGS -cdrom "$BUILD/gdbtest.iso" -serial "file:$LOGS/gdb-serial.log" \
    -S -gdb "tcp::$port" >/dev/null 2>&1 &
qemu_pid=$!
sleep 0.5
timeout 120 gdb -q -batch -x "$LOGS/gdbinit" -x test/gdb/selftest.py > "$LOGS/gdb.log" 2>&1
kill "$qemu_pid" 2>/dev/null
wait "$qemu_pid" 2>/dev/null
gdb_pass=$(grep -c '^PASS ' "$LOGS/gdb.log")
gdb_fail=$(grep -c '^FAIL ' "$LOGS/gdb.log")
grep -E '^(PASS|FAIL) ' "$LOGS/gdb.log" | sed 's/^/  gdb: /'
PASSED=$((PASSED + gdb_pass))
FAILED=$((FAILED + gdb_fail))
check "gdb: the scripted session ran all 17 checks (log: $LOGS/gdb.log)" [ $((gdb_pass + gdb_fail)) -eq 17 ]

echo "== Bochs: scripted debugger session (test/bochs/session.sh)"
test/bochs/session.sh "$BUILD" "$LOGS" > "$LOGS/bochs-session.results" 2>&1
sed 's/^/  bochs debugger: /' "$LOGS/bochs-session.results"
PASSED=$((PASSED + $(grep -c '^PASS ' "$LOGS/bochs-session.results")))
FAILED=$((FAILED + $(grep -c '^FAIL ' "$LOGS/bochs-session.results")))
check "bochs debugger: all 15 checks ran" [ "$(grep -cE '^(PASS|FAIL) ' "$LOGS/bochs-session.results")" -eq 15 ]

echo "== QEMU: make run-demo (init runs the demo programs, then powers off)"
log=$LOGS/qemu-demo.log
rc=$(qemu_boot "$BUILD/demo.iso" "$log")
check "demo: init powered off cleanly (exit 33, got $rc)" [ "$rc" -eq 33 ]
check "demo: hello ran" grep -q "hello from user mode" "$log"
check "demo: segv was killed by #PF at the kernel's address" grep -q "killed pid [0-9]* (segv): #PF page fault (vector 14) .* cr2 0xc0" "$log"
check "demo: faults de was killed by #DE" grep -q "(faults): #DE divide error" "$log"

echo "== QEMU: the serial shell, driven through COM1 (test/sh_session.py)"
if python3 test/sh_session.py "$BUILD/split.iso" "$LOGS/sh-session.log" > "$LOGS/sh-session.results" 2>&1; then
    :
fi
sed 's/^/  sh: /' "$LOGS/sh-session.results"
PASSED=$((PASSED + $(grep -c '^PASS' "$LOGS/sh-session.results")))
FAILED=$((FAILED + $(grep -c '^FAIL' "$LOGS/sh-session.results")))
check "sh: the session reported its checks" grep -q '^PASS' "$LOGS/sh-session.results"

echo "== Bochs: the same test ISO (started at the beginning)"
wait "$bochs_pid"
echo "  bochs exit status $? (1 is its normal power-off status; the text decides)"
ktap_count "$bochs_log" "bochs"
check "bochs: kernel reported no failures" grep -qE "^# ktap totals: [0-9]+ passed, 0 failed" <(tr -d '\r' < "$bochs_log")
check "bochs: same text on port 0xE9" grep -q "# ktap totals" "$LOGS/bochs-stdout.log"

echo "== QEMU: the shell under load (test/load_session.py: stress & while ps answers)"
python3 test/load_session.py "$BUILD/split.iso" "$LOGS/load-session.log" > "$LOGS/load-session.results" 2>&1
sed 's/^/  load: /' "$LOGS/load-session.results"
PASSED=$((PASSED + $(grep -c '^PASS' "$LOGS/load-session.results")))
FAILED=$((FAILED + $(grep -c '^FAIL' "$LOGS/load-session.results")))
check "load: the session reported its checks" grep -q '^PASS' "$LOGS/load-session.results"

# tap_count FILE PREFIX: count "ok N" / "not ok N" lines of a TAP file.
tap_count() {
    sed 's/^/  /' "$1"
    PASSED=$((PASSED + $(grep -cE '^ok [0-9]+' "$1")))
    FAILED=$((FAILED + $(grep -cE '^not ok [0-9]+' "$1")))
    check "$2: the TAP plan was reached" grep -qE '^1\.\.[0-9]+' "$1"
}

echo "== the report tool (test/bench/test_report.sh)"
test/bench/test_report.sh > "$LOGS/bench-report.tap" 2>&1
tap_count "$LOGS/bench-report.tap" "bench-report"

echo "== make bench ACCEL=tcg on bench/traces/tiny.log (test/bench/smoke.sh, started at the beginning)"
wait "$bench_pid"
tap_count "$LOGS/bench-smoke.tap" "bench smoke"

echo
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
