#!/bin/sh
# pathtrace.sh SYSCALL ENTRY ASPACE OUTDIR - one system call, traced (make pathtrace).
#
# Boots the pathtrace entry (10) of tools/mkiso.sh under QEMU TCG with
# -icount shift=0,sleep=off (as tools/bench.sh) and the plugin
# $BUILD/pathtrace/pathtrace.so; the guest (src/user/pathtrace.c) times
# SYSCALL through ENTRY 1001 times and then traces it; tools/pathtrace/report.py
# prints the segment table and the pages per CR3 epoch, and writes the
# instruction listing to OUTDIR/SYSCALL-ENTRY-ASPACE.txt.
#   SYSCALL: a name of src/user/pathtrace.c calls[]; ENTRY: int80 | sysenter;
#   ASPACE: split | split-global | shared.
# Needs: make all and the plugin (the Makefile's pathtrace target does both).
# Environment: BUILD (default build), QEMU (qemu-system-i386), PATHTRACE_TIMEOUT
# (seconds, default 120: QEMU is killed after it), PATHTRACE_BRIEF=1 (the
# table and a page count per epoch, no page list: what make bench prints).
# Exit status: 0, or 1 with the reason on stderr (bad input boots nothing).
set -eu
[ $# -eq 4 ] || { echo "usage: $0 SYSCALL int80|sysenter split|split-global|shared OUTDIR" >&2; exit 1; }
sc=$1 entry=$2 aspace=$3 out=$4
BUILD=${BUILD:-build}
# QEMU_EXIT_PASS: the guest's "finished" status, derived from x86/platform.h (Makefile)
[ -r "$BUILD/gen/qemu_exit.sh" ] || { echo "pathtrace: $BUILD/gen/qemu_exit.sh missing (make all makes it)" >&2; exit 1; }
. "$BUILD/gen/qemu_exit.sh"
QEMU=${QEMU:-qemu-system-i386}
timeout_s=${PATHTRACE_TIMEOUT:-120}

# The call names: the guest's own table, read from its source.
calls=$(sed -n 's/^static const char \*const calls\[\] = { \(.*\) };/\1/p' src/user/pathtrace.c | tr -d '",')
[ -n "$calls" ] || { echo "pathtrace: cannot read the call names from src/user/pathtrace.c" >&2; exit 1; }
case " $calls " in *" $sc "*) ;; *) echo "pathtrace: unknown SYSCALL '$sc' (one of: $calls)" >&2; exit 1 ;; esac
case $entry in int80|sysenter) ;; *) echo "pathtrace: unknown ENTRY '$entry' (int80, sysenter)" >&2; exit 1 ;; esac
case $aspace in split|split-global|shared) ;; *) echo "pathtrace: unknown ASPACE '$aspace' (split, split-global, shared)" >&2; exit 1 ;; esac
for f in "$BUILD/kernel.elf" "$BUILD/kernel.sym" "${MODDIR:-modules}/pathtrace.elf" "$BUILD/pathtrace/pathtrace.so"; do
    [ -r "$f" ] || { echo "pathtrace: $f is missing (run make pathtrace)" >&2; exit 1; }
done

mkdir -p "$out"
name=$sc-$entry-$aspace
iso=$out/$name.iso log=$out/$name.log trace=$out/$name.trace
PATHTRACE_ARGS="$sc $entry" KERNEL_ARGS="aspace=$aspace" \
    tools/mkiso.sh "$iso" "$BUILD/kernel.elf" "$BUILD/kernel.sym" "${MODDIR:-modules}" 10
rm -f "$log" "$trace"
set +e
timeout "$timeout_s" "$QEMU" -accel tcg -icount shift=0,sleep=off -m 256M -no-reboot -display none \
    -cdrom "$iso" -serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -plugin "$BUILD/pathtrace/pathtrace.so,out=$trace"
rc=$?
set -e
if [ $rc -ne "$QEMU_EXIT_PASS" ]; then
    [ $rc -eq 124 ] && echo "pathtrace: QEMU killed after ${timeout_s} s" >&2
    echo "pathtrace: the boot failed (QEMU exit $rc, $QEMU_EXIT_PASS = the guest finished); last lines of $log:" >&2
    tr -d '\r' < "$log" 2>/dev/null | tail -10 >&2
    exit 1
fi
python3 tools/pathtrace/report.py --trace "$trace" --log "$log" --kernel "$BUILD/kernel.elf" \
    --user "${MODDIR:-modules}/pathtrace.elf" --listing "$out/$name.txt" ${PATHTRACE_BRIEF:+--brief}
