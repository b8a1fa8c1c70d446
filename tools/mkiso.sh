#!/bin/sh
# mkiso.sh OUT.iso KERNEL.elf KERNEL.sym MODULE_DIR DEFAULT_ENTRY
#
# Builds a GRUB 2 (i386-pc) rescue ISO with grub-mkrescue. The menu has the
# same entries in every ISO; DEFAULT_ENTRY (0-12) picks the one booted
# without a keypress:
#   0  shell: init starts sh on COM1 (make run)
#   1  test:  `test` on the kernel command line, KTAP on COM1 (make test)
#   2  panic: a deliberate kernel fault (tests the panic path)
#   3  demo:  init runs the demo programs one by one, then powers off (make run-demo)
#   4  gdb:   hello alone, for the scripted GDB session (test/gdb/selftest.py)
#   5  bochs: hello alone with bochsbreak=user, for the scripted Bochs session
#   6  bench: the boundary microbenchmarks (make microbench)
#   7  badelf: the loader refuses hostile modules (make test)
#   8  fuzz:  the syscall fuzzer alone; FUZZ_ARGS="SEED N" (make fuzz)
#   9  replay: the trace replay alone (make bench; tools/bench.sh)
#  10  pathtrace: one call timed, then traced (make pathtrace);
#      PATHTRACE_ARGS="SYSCALL ENTRY" is its argument list
#  11  bochs-suite: a slim test suite for Bochs (make test): boot, paging,
#      the trampoline, faults, copy-in/out, registers, CR3 counts
#  12  irqoff: the long calls (usertests long_calls_bounded and a few more)
#      and a short fuzz run, for the interrupt-latency check (make test runs
#      it under tools/irqoff.sh; docs/security.md "Interrupt latency")
# Environment: KERNEL_ARGS are added to the kernel command line of the shell
# and test entries (e.g. aspace=shared, bochsbreak=user), KERNELVA_EXPECT to
# kernelva's (shared mode refuses it).
# TRACE_DIR: every NAME.trc in it becomes a boot module NAME (nostart) in
# the replay entry; REPLAY_ARGS is the replay module's argument list.
# Module command lines are "NAME [ARGS] [nostart] [expect=...]": nostart
# modules wait for spawn(); expect= is for the test harness (src/kernel/harness/ktest.c).
set -eu
out=$1 kernel=$2 sym=$3 mods=$4 default=$5
mkdir -p "$(dirname "$out")"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub" "$stage/modules"
cp "$kernel" "$stage/boot/kernel.elf"
cp "$sym" "$stage/boot/kernel.sym"
cp "$mods"/*.elf "$mods"/*.bin "$stage/modules/"

# Traces for the replay entry: modules named after their files.
traces=''
if [ -n "${TRACE_DIR:-}" ]; then
    mkdir -p "$stage/traces"
    for t in "$TRACE_DIR"/*.trc; do
        [ -e "$t" ] || continue
        cp "$t" "$stage/traces/"
        n=$(basename "$t" .trc)
        traces="$traces
    module2 /traces/$n.trc $n nostart"
    done
fi

# Every program, available to spawn() but not started at boot.
library='
    module2 /modules/sh.elf sh nostart
    module2 /modules/hello.elf hello nostart
    module2 /modules/copydemo.elf copydemo nostart
    module2 /modules/segv.elf segv nostart
    module2 /modules/faults.elf faults nostart
    module2 /modules/child.elf child nostart
    module2 /modules/usertests.elf usertests nostart
    module2 /modules/stress.elf stress nostart'
test_modules='
    module2 /modules/init.elf init
    module2 /modules/hello.elf hello
    module2 /modules/copydemo.elf copydemo
    module2 /modules/segv.elf segv expect=fault:14
    module2 /modules/segv.elf segv directmap expect=fault:14
    module2 /modules/faults.elf faults ud expect=fault:6
    module2 /modules/faults.elf faults de expect=fault:0
    module2 /modules/faults.elf faults gp expect=fault:13
    module2 /modules/test_uaccess.elf test_uaccess
    module2 /modules/test_regs.elf test_regs
    module2 /modules/usertests.elf usertests
    module2 /modules/test_files.elf test_files
    module2 /modules/child.elf child nostart
    module2 /modules/notelf.bin notelf expect=reject
    module2 /modules/truncated.elf truncated expect=reject
    module2 /modules/trampva.elf trampva expect=reject
    module2 /modules/kernelva.elf kernelva'"${KERNELVA_EXPECT:+ expect=$KERNELVA_EXPECT}"'
    module2 /modules/test_hostile.elf test_hostile
    module2 /modules/fuzz.elf fuzz
    module2 /modules/test_latency.elf test_latency'

# Bochs emulates ~20x slower than QEMU TCG: under it, only what depends on
# the CPU model (boot, paging, the trampoline's CR3 switches and register
# handling, faults, copy-in/out); the rest of the suite runs under QEMU.
bochs_modules='
    module2 /modules/init.elf init
    module2 /modules/hello.elf hello
    module2 /modules/segv.elf segv expect=fault:14
    module2 /modules/faults.elf faults gp expect=fault:13
    module2 /modules/faults.elf faults ud expect=fault:6
    module2 /modules/test_uaccess.elf test_uaccess
    module2 /modules/test_regs.elf test_regs
    module2 /modules/usertests.elf usertests getpid_getppid spawn_wait_exit_status fork_copies_memory map_unmap_valid unmap_then_touch_faults kevents_and_calibration
    module2 /modules/child.elf child nostart
    module2 /modules/trampva.elf trampva expect=reject
    module2 /modules/kernelva.elf kernelva
    module2 /modules/test_hostile.elf test_hostile'

# One module per ELF validation rule, written by test/mkbadelf.c.
bad_modules='
    module2 /modules/bad_magic.elf bad_magic expect=reject
    module2 /modules/bad_class.elf bad_class expect=reject
    module2 /modules/bad_endian.elf bad_endian expect=reject
    module2 /modules/bad_version.elf bad_version expect=reject
    module2 /modules/bad_type.elf bad_type expect=reject
    module2 /modules/bad_machine.elf bad_machine expect=reject
    module2 /modules/bad_phentsize.elf bad_phentsize expect=reject
    module2 /modules/bad_phnum0.elf bad_phnum0 expect=reject
    module2 /modules/bad_phnum_ffff.elf bad_phnum_ffff expect=reject
    module2 /modules/bad_phnum17.elf bad_phnum17 expect=reject
    module2 /modules/bad_phoff_end.elf bad_phoff_end expect=reject
    module2 /modules/bad_phoff_wrap.elf bad_phoff_wrap expect=reject
    module2 /modules/bad_filesz.elf bad_filesz expect=reject
    module2 /modules/bad_offset_end.elf bad_offset_end expect=reject
    module2 /modules/bad_offset_wrap.elf bad_offset_wrap expect=reject
    module2 /modules/bad_memsz_max.elf bad_memsz_max expect=reject
    module2 /modules/bad_vaddr0.elf bad_vaddr0 expect=reject
    module2 /modules/bad_trampoline.elf bad_trampoline expect=reject
    module2 /modules/bad_overlap.elf bad_overlap expect=reject
    module2 /modules/bad_many_loads.elf bad_many_loads expect=reject
    module2 /modules/bad_interp.elf bad_interp expect=reject
    module2 /modules/bad_no_load.elf bad_no_load expect=reject
    module2 /modules/bad_entry.elf bad_entry expect=reject
    module2 /modules/bad_empty.elf bad_empty expect=reject
    module2 /modules/bad_trunc100.elf bad_trunc100 expect=reject'

cat > "$stage/boot/grub/grub.cfg" <<CFG
# generated by tools/mkiso.sh
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
set default=$default

menuentry "split: serial shell" {
    multiboot2 /boot/kernel.elf${KERNEL_ARGS:+ $KERNEL_ARGS}
    module2 /boot/kernel.sym kernel.sym
    module2 /modules/init.elf init sh$library
    boot
}
menuentry "split: test suite (KTAP on COM1)" {
    multiboot2 /boot/kernel.elf test${KERNEL_ARGS:+ $KERNEL_ARGS}
    module2 /boot/kernel.sym kernel.sym$test_modules
    boot
}
menuentry "split: panic self-test" {
    multiboot2 /boot/kernel.elf test panictest
    module2 /boot/kernel.sym kernel.sym
    boot
}
menuentry "split: demo programs, then power off" {
    multiboot2 /boot/kernel.elf
    module2 /boot/kernel.sym kernel.sym
    module2 /modules/init.elf init hello copydemo segv segv,directmap faults,ud faults,de$library
    boot
}
menuentry "split: debugger self-test (hello alone)" {
    multiboot2 /boot/kernel.elf
    module2 /boot/kernel.sym kernel.sym
    module2 /modules/hello.elf hello
    boot
}
menuentry "split: Bochs debugger self-test (bochsbreak=user, hello alone)" {
    multiboot2 /boot/kernel.elf bochsbreak=user
    module2 /boot/kernel.sym kernel.sym
    module2 /modules/hello.elf hello
    boot
}
menuentry "split: boundary microbenchmarks (make microbench)" {
    multiboot2 /boot/kernel.elf${KERNEL_ARGS:+ $KERNEL_ARGS}
    module2 /boot/kernel.sym kernel.sym
    module2 /modules/bench.elf bench
    module2 /modules/child.elf child nostart
    boot
}
menuentry "split: the loader refuses hostile modules (KTAP on COM1)" {
    multiboot2 /boot/kernel.elf test
    module2 /boot/kernel.sym kernel.sym
    module2 /modules/hello.elf hello$bad_modules
    boot
}
menuentry "split: fuzzer (make fuzz)" {
    multiboot2 /boot/kernel.elf test
    module2 /boot/kernel.sym kernel.sym
    module2 /modules/init.elf init
    module2 /modules/fuzz.elf fuzz ${FUZZ_ARGS:-1 50000}
    module2 /modules/child.elf child nostart
    boot
}
menuentry "split: trace replay benchmark (make bench)" {
    multiboot2 /boot/kernel.elf${KERNEL_ARGS:+ $KERNEL_ARGS}
    module2 /boot/kernel.sym kernel.sym
    module2 /modules/replay.elf replay ${REPLAY_ARGS:-}$traces
    module2 /modules/exit0.elf exit0 nostart
    boot
}
menuentry "split: one call traced (make pathtrace)" {
    multiboot2 /boot/kernel.elf${KERNEL_ARGS:+ $KERNEL_ARGS}
    module2 /boot/kernel.sym kernel.sym
    module2 /modules/pathtrace.elf pathtrace ${PATHTRACE_ARGS:-getppid int80}
    boot
}

menuentry "split: Bochs test subset (KTAP on COM1)" {
    multiboot2 /boot/kernel.elf test
    module2 /boot/kernel.sym kernel.sym$bochs_modules
    boot
}
menuentry "split: interrupt-latency check (tools/irqoff.sh)" {
    multiboot2 /boot/kernel.elf test${KERNEL_ARGS:+ $KERNEL_ARGS}
    module2 /boot/kernel.sym kernel.sym
    module2 /modules/init.elf init
    module2 /modules/usertests.elf usertests long_calls_bounded brk_shrink_over_holes map_unmap_valid fork_copies_memory shm_between_processes afill_gate_exact
    module2 /modules/fuzz.elf fuzz ${FUZZ_ARGS:-1 3000}
    module2 /modules/child.elf child nostart
    boot
}
CFG
grub-mkrescue -o "$out" "$stage" >/dev/null 2>&1 || { grub-mkrescue -o "$out" "$stage"; exit 1; }
