#!/bin/sh
# irqoff.sh ISO KERNEL.elf - boot ISO under -icount shift=0,sleep=off (an
# idle guest jumps to its next timer: the run is deterministic) with the
# interrupt-latency plugin (tools/irqoff-plugin.c, build/irqoff.so) and print
# its report: the longest runs of kernel instructions with IF = 0, grouped by
# the last user instruction before them, each run's first and last kernel
# address resolved to a function (docs/security.md, "Interrupt latency").
# QEMU, QEMU_MEM (256), BUILD (build), IRQOFF_TIMEOUT (seconds, 900) from
# the environment. Exit status: QEMU's.
set -eu
iso=$1 elf=$2
build=${BUILD:-build}
qemu=${QEMU:-qemu-system-i386}
window=$(nm "$elf" | awk '$3 == "irq_window" { print $1 }')
boot_end=$(nm "$elf" | awk '$3 == "scheduler_run" { print $1 }')
idle=$(objdump -d --no-show-raw-insn "$elf" |
       awk '/<scheduler_run>:/ { f = 1; next } f && /^$/ { exit } f && /\thlt/ { sub(":", "", $1); print $1; exit }')
[ -n "$window" ] && [ -n "$idle" ] && [ -n "$boot_end" ] || { echo "irqoff.sh: irq_window or scheduler_run's hlt not in $elf" >&2; exit 2; }
window=$(printf '%#x' $((0x$window + 1)))   # the window's nop
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
timeout "${IRQOFF_TIMEOUT:-900}" "$qemu" -accel tcg -icount shift=0,sleep=off -m "${QEMU_MEM:-256}" -no-reboot -display none \
    -cdrom "$iso" -serial "file:${IRQOFF_SERIAL:-/dev/null}" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -plugin "$build/irqoff.so,window=$window,idle=0x$idle,boot_end=0x$boot_end,profile=1" 2>"$out" || rc=$?
grep '^irqoff:' "$out" | while read -r tag a b c d e rest; do
    case $a in
    profile) # the functions sampled in the group's longest run, most often first
        printf 'irqoff:   in %s:' "$b"
        echo "$c $d $e $rest" | tr ' ' '\n' | grep '^0x' | addr2line -f -e "$elf" | awk 'NR % 2' |
            sort | uniq -c | sort -rn | head -4 | awk '{ printf " %s(%d)", $2, $1 } END { print "" }'
        continue ;;
    esac
    case $d in
    0x*) printf '%s %s %s %s %s %s  %s .. %s\n' "$tag" "$a" "$b" "$c" "$d" "$e" \
             "$(addr2line -f -e "$elf" "$d" | head -1)" "$(addr2line -f -e "$elf" "$e" | head -1)" ;;
    *) printf '%s %s %s %s %s %s\n' "$tag" "$a" "$b" "$c" "$d" "$e" ;;
    esac
done
exit $rc
