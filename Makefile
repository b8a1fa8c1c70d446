# Makefile - split: an i686 kernel with split address spaces and a trampoline page.
#
# `make help` lists the targets (from the `## ` comments below).
# DEBUG=1 builds into build-debug/ with the debug checks compiled in.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:
.SECONDARY:

DEBUG   ?= 0
BUILD   := $(if $(filter 1,$(DEBUG)),build-debug,build)
export BUILD    # scripts (bench.sh, test/run.sh) and tools/Makefile use the same directory
# The built user programs (the ISO's modules): modules/ for the normal build;
# a DEBUG=1 build links its own copies under build-debug/ (the same programs:
# DEBUG only changes the kernel) instead of relinking modules/ under a
# normal build that may be running.
MODDIR  := $(if $(filter 1,$(DEBUG)),$(BUILD)/modules,modules)
export MODDIR   # tools/bench.sh, tools/pathtrace/pathtrace.sh
QEMU    := qemu-system-i386
QEMU_MEM := 256M
QEMU_FLAGS := -accel tcg -m $(QEMU_MEM) -no-reboot -display none
GDBPORT ?= $(shell expr `id -u` % 5000 + 25000)

CC      := gcc
LD      := ld
NASM    := nasm
# -fno-asynchronous-unwind-tables: the CFI goes to .debug_frame (GDB finds
# arguments and frames with it) instead of an .eh_frame the link scripts drop.
CFLAGS_COMMON := -m32 -std=gnu11 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -nostdlib \
                 -O2 -g -Wall -Wextra -Werror -fno-omit-frame-pointer -mgeneral-regs-only \
                 -fno-asynchronous-unwind-tables
# -Isrc: src/lib/ holds the freestanding code compiled into both the kernel
# and the user runtime (#include "lib/fmt.h").
KCFLAGS := $(CFLAGS_COMMON) -Isrc/kernel -Isrc -DDEBUG_CHECKS=$(DEBUG)
KNASMFLAGS := -DDEBUG_CHECKS=$(DEBUG)
UCFLAGS := $(CFLAGS_COMMON) -Isrc/user/lib -Isrc/kernel -Isrc
NASMFLAGS := -f elf32 -g -F dwarf -I src/kernel/ -I src/user/lib/ -I $(BUILD)/gen/
LDFLAGS := -m elf_i386 --no-dynamic-linker -z noexecstack

# ---------------------------------------------------------------- kernel
KERNEL_C   := $(wildcard src/kernel/*/*.c) $(wildcard src/lib/*.c)
KERNEL_ASM := src/kernel/boot/boot.asm src/kernel/proc/swtch.asm $(wildcard src/trampoline/*.asm)
KOBJS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(KERNEL_C)) \
         $(patsubst src/%.asm,$(BUILD)/obj/%.o,$(KERNEL_ASM))
LAYOUT_PAIRS  := memlayout multiboot2 trapframe syscall regs platform
LAYOUT_STAMPS := $(patsubst %,$(BUILD)/layout-%.ok,$(LAYOUT_PAIRS))
# The system call table, and what the Makefile generates from it (below).
SYSCALLS_DEF := src/kernel/uapi/syscalls.def
SYSCALL_GEN := $(BUILD)/gen/syscall_nr.inc $(BUILD)/gen/syscall_stubs.inc
# $(call layout,NAME): the value of NAME in memlayout.h (or uapi/layout.h), for
# addresses the Makefile itself needs.
LAYOUT_H := src/kernel/memlayout.h src/kernel/uapi/layout.h
layout = $(shell printf '\043include "memlayout.h"\n%s\n' $(1) | cpp -P -undef -Isrc/kernel -)

# Relocation variants: multiboot2 relocatable-tag values (mb2_header.asm).
# Each one is a full kernel and test ISO; `make test` boots them all.
VARIANTS := low min16 high top
RELOC_low   :=
RELOC_min16 := -DRELOC_MIN_ADDR=0x01000000 -DRELOC_PREFERENCE=1
RELOC_high  := -DRELOC_MIN_ADDR=0x01000000 -DRELOC_MAX_ADDR=0x04000000 -DRELOC_ALIGN=0x200000 -DRELOC_PREFERENCE=2
RELOC_top   := -DRELOC_PREFERENCE=2

# tools/check-layout.sh C-HEADER NASM-TWIN STAMP compares each pair both ways;
# LAYOUT_PAIR_name is the pair (the stamp also depends on what they include).
LAYOUT_PAIR_memlayout  := src/kernel/memlayout.h src/kernel/memlayout.inc
LAYOUT_PAIR_multiboot2 := src/kernel/boot/multiboot2.h src/kernel/boot/multiboot2.inc
LAYOUT_PAIR_platform   := src/kernel/x86/platform.h src/kernel/x86/platform.inc
LAYOUT_PAIR_regs       := src/user/lib/regs.h src/user/lib/regs.inc
LAYOUT_PAIR_trapframe  := src/kernel/entry/trapframe.h src/kernel/entry/trapframe.inc
# uapi/syscall.h's C-only constants are listed in syscall_abi.inc ("; [C only list]").
LAYOUT_PAIR_syscall    := src/kernel/uapi/syscall.h $(BUILD)/gen/syscall_nr.inc
$(foreach p,$(LAYOUT_PAIRS),$(eval $(BUILD)/layout-$(p).ok: $(LAYOUT_PAIR_$(p))))
$(BUILD)/layout-memlayout.ok: $(LAYOUT_H)
$(BUILD)/layout-syscall.ok: $(SYSCALLS_DEF)
$(BUILD)/layout-%.ok: tools/check-layout.sh
	@mkdir -p $(@D)
	@tools/check-layout.sh $(LAYOUT_PAIR_$*) $@

# QEMU's exit status for each EXIT_* verdict of x86/platform.h, as shell
# assignments (QEMU_EXIT_PASS=33 ...) for every script that judges a boot;
# tools/qemu-exit.sh fails, naming platform.h's line, on an ambiguous one.
QEMU_EXIT_SH := $(BUILD)/gen/qemu_exit.sh
$(QEMU_EXIT_SH): src/kernel/x86/platform.h tools/qemu-exit.sh
	@mkdir -p $(@D)
	@tools/qemu-exit.sh $< > $@

# The system call table (uapi/syscalls.def) for NASM: SYS_* and NR_SYSCALLS
# (rows + 1, as uapi/syscall.h counts) followed by syscall_abi.inc, and one
# `SYSCALL name, SYS_name` line per call for the stubs in syscall.asm.
syscall_rows = awk -F'[(,]' '/^SYSCALL\(/ { gsub(/[ \t]/, ""); print $$2, $$3 }' $(SYSCALLS_DEF)
$(BUILD)/gen/syscall_nr.inc: $(SYSCALLS_DEF) src/user/lib/syscall_abi.inc
	@mkdir -p $(@D)
	{ echo '; generated by the Makefile from $(SYSCALLS_DEF) and syscall_abi.inc: do not edit'; \
	  $(syscall_rows) | awk '{ printf "%%define SYS_%-10s %d\n", $$2, $$1; n++ } END { printf "%%define NR_SYSCALLS   %d\n", n + 1 }'; \
	  cat src/user/lib/syscall_abi.inc; } > $@
$(BUILD)/gen/syscall_stubs.inc: $(SYSCALLS_DEF)
	@mkdir -p $(@D)
	{ echo '; generated by the Makefile from $(SYSCALLS_DEF): do not edit'; \
	  $(syscall_rows) | awk '{ print "SYSCALL " $$2 ", SYS_" $$2 }'; } > $@
# README's table of system calls, and the table's own checks (nargs against
# each description and ulib.h prototype); make test checks README again.
$(BUILD)/readme-syscalls.ok: $(SYSCALLS_DEF) tools/syscall-table.py src/user/lib/ulib.h README.md
	@mkdir -p $(@D)
	tools/syscall-table.py --write README.md
	@touch $@

$(BUILD)/obj/%.o: src/%.c | $(LAYOUT_STAMPS)
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@
# NASM 2.16.01's -MD lists no %include file (only the source): -M first.
$(BUILD)/obj/%.o: src/%.asm | $(LAYOUT_STAMPS) $(SYSCALL_GEN)
	@mkdir -p $(@D)
	@$(NASM) $(NASMFLAGS) $(KNASMFLAGS) -M -MP -MT $@ -MF $(@:.o=.d) $<
	$(NASM) $(NASMFLAGS) $(KNASMFLAGS) $< -o $@

$(BUILD)/kernel.ld: link/kernel.ld $(LAYOUT_H)
	@mkdir -p $(@D)
	cpp -P -undef -x c -Isrc/kernel -DDEBUG_CHECKS=$(DEBUG) $< -o $@
$(BUILD)/user.ld: src/user/user.ld src/kernel/uapi/layout.h
	@mkdir -p $(@D)
	cpp -P -undef -x c -Isrc/kernel $< -o $@

$(BUILD)/%/mb2_header.o: src/kernel/boot/mb2_header.asm src/kernel/memlayout.inc src/kernel/boot/multiboot2.inc
	@mkdir -p $(@D)
	$(NASM) $(NASMFLAGS) $(RELOC_$(notdir $*)) $< -o $@

$(BUILD)/%/kernel.elf: $(BUILD)/%/mb2_header.o $(KOBJS) $(BUILD)/kernel.ld
	$(LD) $(LDFLAGS) -T $(BUILD)/kernel.ld -o $@ $(filter %.o,$^)

# kernel.sym: "ADDRESS NAME" per text/data symbol (ksyms.c and Bochs ldsym read it)
$(BUILD)/%/kernel.sym: $(BUILD)/%/kernel.elf
	nm -n $< | awk 'NF == 3 && $$2 ~ /^[TtDdBbRr]$$/ { print $$1, $$3 }' > $@

$(BUILD)/kernel.elf: $(BUILD)/variants/low/kernel.elf
	cp $< $@
$(BUILD)/kernel.sym: $(BUILD)/variants/low/kernel.sym
	cp $< $@
$(BUILD)/kernel.asm: $(BUILD)/kernel.elf
	objdump -d -S -M intel $< > $@

# ---------------------------------------------------------------- user programs
USER_PROGS := init sh hello copydemo segv faults child usertests test_uaccess test_regs bench test_hostile fuzz stress replay test_files test_latency exit0
ULIB := $(BUILD)/user/lib/crt0.o $(BUILD)/user/lib/syscall.o $(BUILD)/user/lib/ulib.o \
        $(BUILD)/user/lib/ktap.o $(BUILD)/user/lib/malloc.o $(BUILD)/user/lib/turn.o \
        $(BUILD)/user/lib/sysenter.o $(patsubst src/lib/%.c,$(BUILD)/user/shared/%.o,$(wildcard src/lib/*.c))
USER_PROGS += pathtrace
BAD_MODULES := $(MODDIR)/notelf.bin $(MODDIR)/truncated.elf $(MODDIR)/trampva.elf
# Linked at the kernel's own link address: legal in a split address space.
ODD_MODULES := $(MODDIR)/kernelva.elf
MODULES := $(patsubst %,$(MODDIR)/%.elf,$(USER_PROGS)) $(BAD_MODULES) $(ODD_MODULES) $(BUILD)/bad-modules.stamp

$(BUILD)/user/%.o: src/user/%.c | $(LAYOUT_STAMPS)
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -MMD -MP -c $< -o $@
# src/lib/: the same sources as the kernel's, compiled for user programs.
$(BUILD)/user/shared/%.o: src/lib/%.c | $(LAYOUT_STAMPS)
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/user/%.o: src/user/%.asm | $(LAYOUT_STAMPS) $(SYSCALL_GEN)
	@mkdir -p $(@D)
	@$(NASM) $(NASMFLAGS) -M -MP -MT $@ -MF $(@:.o=.d) $<
	$(NASM) $(NASMFLAGS) $< -o $@

$(MODDIR)/%.elf: $(BUILD)/user/%.o $(ULIB) $(BUILD)/user.ld
	@mkdir -p $(@D)
	$(LD) $(LDFLAGS) -T $(BUILD)/user.ld -o $@ $(filter %.o,$^)
$(MODDIR)/test_regs.elf: $(BUILD)/user/regs_syscall.o
# test_hostile: main in test_hostile.c, its scenarios by concern in src/user/hostile/.
$(MODDIR)/test_hostile.elf: $(BUILD)/user/hostile_asm.o $(patsubst src/user/%.c,$(BUILD)/user/%.o,$(wildcard src/user/hostile/*.c))
# The portable replay core: every file of src/user/replay/ (tools/linux-peer.sh
# builds the same files for the Linux peer).
$(MODDIR)/replay.elf: $(patsubst src/user/%.c,$(BUILD)/user/%.o,$(wildcard src/user/replay/*.c))

# Hostile boot modules, one per ELF validation rule (test/mkbadelf.c): the
# host tool checks each against src/kernel/proc/elf.c before the ISO gets it.
HOSTCC ?= cc
$(BUILD)/mkbadelf: test/mkbadelf.c test/elf_bytes.h src/kernel/proc/elf.c src/kernel/proc/elf.h src/kernel/memlayout.h src/kernel/uapi/errno.h
	@mkdir -p $(@D)
	$(HOSTCC) -std=gnu11 -O2 -Wall -Wextra -Werror -DHOST_TEST -Isrc/kernel -o $@ test/mkbadelf.c src/kernel/proc/elf.c
$(BUILD)/bad-modules.stamp: $(BUILD)/mkbadelf $(MODDIR)/hello.elf
	$(BUILD)/mkbadelf $(MODDIR)/hello.elf $(MODDIR) > $(BUILD)/mkbadelf.log
	@touch $@

# NAME.sym: "ADDRESS NAME" lines for Bochs's ldsym, like kernel.sym
$(MODDIR)/%.sym: $(MODDIR)/%.elf
	nm -n $< | awk 'NF == 3 && $$2 ~ /^[TtDdBbRr]$$/ { print $$1, $$3 }' > $@

# Modules the loader must refuse (expect=reject in the test menu entry).
$(MODDIR)/notelf.bin:
	@mkdir -p $(@D)
	printf 'this is not an ELF file\n' > $@
$(MODDIR)/truncated.elf: $(MODDIR)/hello.elf
	head -c 200 $< > $@
$(MODDIR)/trampva.elf: $(BUILD)/user/hello.o $(ULIB) $(LAYOUT_H)
	$(LD) $(LDFLAGS) -e _start -Ttext=$(call layout,TRAMPOLINE_BASE) -o $@ $(filter %.o,$^)
$(MODDIR)/kernelva.elf: $(BUILD)/user/hello.o $(ULIB) $(LAYOUT_H)
	$(LD) $(LDFLAGS) -e _start -Ttext=$(call layout,KERNEL_VIRT_BASE) -o $@ $(filter %.o,$^)

# ---------------------------------------------------------------- ISOs
# One ISO per GRUB menu default (tools/mkiso.sh's last argument: the menu
# entry booted), all from the low variant's kernel and every module.
ISO_ENTRY_split      := 0
ISO_ENTRY_panic      := 2
ISO_ENTRY_gdbtest    := 4
ISO_ENTRY_bochstest  := 5
ISO_ENTRY_bochs-suite := 11
ISO_ENTRY_badelf     := 7
ISO_ENTRY_demo       := 3
ISO_ENTRY_irqoff     := 12
ISO_NAMES := $(patsubst ISO_ENTRY_%,%,$(filter ISO_ENTRY_%,$(.VARIABLES)))
$(patsubst %,$(BUILD)/%.iso,$(ISO_NAMES)): $(BUILD)/%.iso: $(BUILD)/kernel.elf $(BUILD)/kernel.sym $(MODULES) tools/mkiso.sh
	tools/mkiso.sh $@ $(BUILD)/kernel.elf $(BUILD)/kernel.sym $(MODDIR) $(ISO_ENTRY_$*)
$(BUILD)/variants/%/test.iso: $(BUILD)/variants/%/kernel.elf $(BUILD)/variants/%/kernel.sym $(MODULES) tools/mkiso.sh
	tools/mkiso.sh $@ $(BUILD)/variants/$*/kernel.elf $(BUILD)/variants/$*/kernel.sym $(MODDIR) 1

# Address-space modes: the test suite again under each non-default mode.
MODES := split-global shared
$(BUILD)/modes/%/test.iso: $(BUILD)/kernel.elf $(BUILD)/kernel.sym $(MODULES) tools/mkiso.sh
	KERNEL_ARGS="aspace=$*" KERNELVA_EXPECT=$(if $(filter shared,$*),reject,) \
	    tools/mkiso.sh $@ $(BUILD)/kernel.elf $(BUILD)/kernel.sym $(MODDIR) 1

TEST_ISOS := $(patsubst %,$(BUILD)/modes/%/test.iso,$(MODES)) $(patsubst %,$(BUILD)/variants/%/test.iso,$(VARIANTS)) $(BUILD)/panic.iso $(BUILD)/demo.iso $(BUILD)/gdbtest.iso $(BUILD)/gdbinit $(BUILD)/bochstest.iso $(BUILD)/bochs-suite.iso $(BUILD)/badelf.iso $(BUILD)/irqoff.iso

# ---------------------------------------------------------------- targets
.PHONY: FORCE all iso run run-demo debug gdb bochs bochs-files bench bench-publish microbench fuzz test unit clean help deps debug-build

deps:
	@tools/deps.sh

MODULE_SYMS := $(patsubst %,$(MODDIR)/%.sym,$(USER_PROGS))

all: $(BUILD)/kernel.elf $(BUILD)/kernel.sym $(BUILD)/kernel.asm $(MODULES) $(MODULE_SYMS) $(BUILD)/split.iso $(BUILD)/readme-syscalls.ok $(QEMU_EXIT_SH) ## build the kernel, kernel.sym, kernel.asm, the modules and the ISO

iso: $(BUILD)/split.iso ## build the bootable GRUB 2 ISO (build/split.iso)

run: deps all ## boot the ISO in QEMU (TCG) into the serial shell (sh) on this terminal; Ctrl-A X quits
	@echo "booting $(BUILD)/split.iso into sh (serial on this terminal; type help; Ctrl-A X quits)"
	$(QEMU) $(QEMU_FLAGS) -cdrom $(BUILD)/split.iso -serial mon:stdio

run-demo: deps all $(BUILD)/demo.iso ## run the demo programs (hello, copydemo, segv, faults) and power off
	$(QEMU) $(QEMU_FLAGS) -cdrom $(BUILD)/demo.iso -serial mon:stdio

# Regenerated every time, so `make gdb GDBPORT=N` takes effect.
$(BUILD)/gdbinit: tools/gdb/gdbinit.in FORCE
	@mkdir -p $(@D)
	sed -e 's|@GDBPORT@|$(GDBPORT)|' -e 's|@BUILD@|$(BUILD)|g' -e 's|@MODDIR@|$(MODDIR)|' \
	    -e 's|@KERNEL_VIRT_BASE@|$(call layout,KERNEL_VIRT_BASE)|' -e 's|@TRAMPOLINE_BASE@|$(call layout,TRAMPOLINE_BASE)|' \
	    -e 's|@USER_LINK_BASE@|$(shell printf '0x%x' $(call layout,USER_LINK_BASE))|' $< > $@

debug: deps all $(BUILD)/gdbinit ## boot the ISO in QEMU paused, gdbstub on GDBPORT; then `make gdb` elsewhere
	@echo "*** QEMU paused, gdbstub on tcp::$(GDBPORT). In another terminal: make gdb"
	$(QEMU) $(QEMU_FLAGS) -cdrom $(BUILD)/split.iso -serial mon:stdio -S -gdb tcp::$(GDBPORT)

gdb: $(BUILD)/gdbinit ## attach GDB to `make debug`: kernel, trampoline and user symbols, helper commands
	gdb -q -x $(BUILD)/gdbinit

# make bochs BOCHSBREAK=paging,cr3,user: the shell ISO with bochsbreak= on
# its kernel command line (docs/debugging.md), COM1 on this terminal.
BOCHSBREAK ?=
bochs-files: all ## (for bochs) the shell ISO with BOCHSBREAK, the bochsrc and the debugger's start commands in $(BUILD)/bochs
	@mkdir -p $(BUILD)/bochs
	KERNEL_ARGS="$(if $(BOCHSBREAK),bochsbreak=$(BOCHSBREAK))" \
	    tools/mkiso.sh $(BUILD)/bochs/split.iso $(BUILD)/kernel.elf $(BUILD)/kernel.sym $(MODDIR) 0
	tools/bochsrc.sh $(BUILD)/bochs/split.iso term $(BUILD)/bochs/bochs.log > $(BUILD)/bochs/bochsrc
	printf 'ldsym global "%s"\n' $(BUILD)/kernel.sym > $(BUILD)/bochs/init.rc

bochs: deps bochs-files ## boot the shell in Bochs with its debugger, COM1 on this terminal; BOCHSBREAK=paging,cr3,user stops there
	@echo "*** Bochs debugger, kernel symbols loaded. 'c' runs; the shell then uses this terminal (Ctrl-C goes to it)."
	@echo "*** Back to the debugger: a magic breakpoint (BOCHSBREAK=, BOCHS_BREAK()), or kill -INT the bochs process."
	bochs -q -f $(BUILD)/bochs/bochsrc -rc $(BUILD)/bochs/init.rc

BENCH_MODES := split split-global shared
$(BUILD)/bench/micro-%.iso: $(BUILD)/kernel.elf $(BUILD)/kernel.sym $(MODULES) tools/mkiso.sh
	KERNEL_ARGS="aspace=$*" tools/mkiso.sh $@ $(BUILD)/kernel.elf $(BUILD)/kernel.sym $(MODDIR) 6

microbench: deps all $(patsubst %,$(BUILD)/bench/micro-%.iso,$(BENCH_MODES)) ## boundary microbenchmarks (null call, IPC, spawn) per aspace mode, -icount (build/bench/micro.txt)
	@for m in $(BENCH_MODES); do \
	    echo "microbench: aspace=$$m ..."; \
	    $(QEMU) $(QEMU_FLAGS) -icount shift=0 -cdrom $(BUILD)/bench/micro-$$m.iso -serial file:$(BUILD)/bench/micro-$$m.log \
	        -device isa-debug-exit,iobase=0xf4,iosize=0x04; rc=$$?; \
	    . $(QEMU_EXIT_SH); test $$rc -eq $$QEMU_EXIT_PASS || { echo "microbench: aspace=$$m failed (QEMU exit $$rc)"; exit 1; }; \
	done
	@tools/bench-table.sh $(BUILD)/bench micro- $(BENCH_MODES) | tee $(BUILD)/bench/micro.txt

# make bench TRACE="a.log b.log" ACCEL=tcg|kvm PASSES=10 PEER=linux BENCH_OUT=dir
TRACE ?= $(sort $(wildcard bench/traces/*.log))
ACCEL ?= tcg
PASSES ?= 10
PEER ?=
BENCH_OUT ?= $(BUILD)/bench/results
bench: deps all ## replay strace logs (TRACE=, default bench/traces/*.log) in every mode x entry; ACCEL=tcg|kvm PEER=linux; CSV/JSON/SVG in build/bench/results
	$(MAKE) -C tools
	tools/bench.sh -a $(ACCEL) -p $(PASSES) -o $(BENCH_OUT) $(if $(filter linux,$(PEER)),-l) $(TRACE)
	@if [ "$(ACCEL)" = tcg ]; then echo "bench: per segment, next to the floors above (make pathtrace: TCG ticks, aspace=split): the null call (getppid, the trampoline's fast path) and a general call (close(-1): the trampoline, syscall_table[nr] and the trampoline's exit)"; \
	    for c in getppid close; do for e in int80 sysenter; do \
	    BUILD=$(BUILD) QEMU="$(QEMU)" PATHTRACE_BRIEF=1 tools/pathtrace/pathtrace.sh $$c $$e split $(BUILD)/pathtrace || exit 1; done; done; \
	else echo "bench: the null call's segment table is in TCG ticks under aspace=split: make pathtrace"; fi

# make pathtrace SYSCALL=getppid|getpid|nop|close|fstat|write ENTRY=int80|sysenter ASPACE=split|split-global|shared
SYSCALL ?= getppid
ENTRY ?= int80
ASPACE ?= split
$(BUILD)/pathtrace/pathtrace.so: tools/pathtrace/plugin.c src/user/lib/pathtrace.h tools/qemu-plugin-v1.h
	@mkdir -p $(@D)
	$(HOSTCC) -shared -fPIC -O2 -Wall -Wextra -Werror -fvisibility=hidden -Isrc/user/lib -o $@ $<
# The interrupt-latency plugin (docs/security.md, "Interrupt latency"); make test builds it.
$(BUILD)/irqoff.so: tools/irqoff-plugin.c tools/qemu-plugin-v1.h $(LAYOUT_H)
	@mkdir -p $(@D)
	$(HOSTCC) -shared -fPIC -O2 -Wall -Wextra -Werror -Isrc/kernel -o $@ $<
.PHONY: pathtrace
pathtrace: deps all $(BUILD)/pathtrace/pathtrace.so ## one call traced per instruction: SYSCALL=getppid|getpid|nop|close|fstat|write ENTRY=int80|sysenter ASPACE=split|...; segment table, pages per CR3 epoch
	BUILD=$(BUILD) QEMU="$(QEMU)" tools/pathtrace/pathtrace.sh "$(SYSCALL)" "$(ENTRY)" "$(ASPACE)" $(BUILD)/pathtrace

# make bench also prints the null call's path per segment (make pathtrace) next to the floor.
bench: $(BUILD)/pathtrace/pathtrace.so
bench-publish: ## copy the last make bench run (BENCH_OUT) into bench/results/, stamped; regenerate README's bench table
	tools/bench-publish.sh $(BENCH_OUT) bench/results

SEED ?= 1
N ?= 1000000
fuzz: deps all ## long syscall fuzz: make fuzz N=1000000 SEED=1 (KTAP; frames and audit checked after)
	FUZZ_ARGS="$(SEED) $(N)" tools/mkiso.sh $(BUILD)/fuzz.iso $(BUILD)/kernel.elf $(BUILD)/kernel.sym $(MODDIR) 8
	$(QEMU) $(QEMU_FLAGS) -cdrom $(BUILD)/fuzz.iso -serial file:$(BUILD)/fuzz.log \
	    -device isa-debug-exit,iobase=0xf4,iosize=0x04; rc=$$?; \
	tr -d '\r' < $(BUILD)/fuzz.log | grep -E '^ *(ok|not ok|#)'; \
	. $(QEMU_EXIT_SH); echo "fuzz: QEMU exit status $$rc ($$QEMU_EXIT_PASS = every check passed)"; test $$rc -eq $$QEMU_EXIT_PASS

unit: ## build and run the host unit tests (cmocka, ASan/UBSan)
	$(MAKE) -C test/unit run

debug-build: ## build the DEBUG=1 kernel's test ISO (build-debug/variants/low/test.iso)
	$(MAKE) DEBUG=1 build-debug/variants/low/test.iso

test: deps all $(TEST_ISOS) debug-build $(BUILD)/irqoff.so ## everything: unit tests, QEMU suites (4 relocation variants, modes, debug build), GDB, Bochs, bench smoke
	$(MAKE) -C tools
	BUILD=$(BUILD) DEBUG_ISO=build-debug/variants/low/test.iso QEMU="$(QEMU)" QEMU_FLAGS="$(QEMU_FLAGS)" \
	    VARIANTS="$(VARIANTS)" MODES="$(MODES)" test/run.sh

clean: ## remove build outputs
	rm -rf build build-debug modules/*.elf modules/*.bin modules/*.sym

help: ## list the targets
	@awk 'BEGIN { FS = ":.*## " } /^[a-zA-Z_-]+:.*## / { printf "  %-10s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

FORCE:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
