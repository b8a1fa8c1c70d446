#!/bin/sh
# qemu-exit.sh PLATFORM_H - print, as shell assignments, the QEMU exit status
# of each verdict the kernel writes to isa-debug-exit (EXIT_NAME in
# src/kernel/x86/platform.h): QEMU_EXIT_NAME=(code << 1) | 1, e.g.
# QEMU_EXIT_PASS=33. The Makefile writes the output to $(BUILD)/gen/qemu_exit.sh,
# which every script that judges a boot sources (test/run.sh, tools/bench.sh,
# tools/linux-peer.sh, tools/pathtrace/pathtrace.sh, the Makefile's fuzz and
# microbench recipes, test/*_session.py through test/qemu_exit.py).
#
# Fails (exit 1, "FILE:LINE: why" on stderr, nothing on stdout) when a status
# is no 8-bit exit status (a process's status is its low 8 bits), is 0 or 1
# (QEMU's own exits), 124 (timeout(1)'s) or above 125 (the shell's), or
# equals another's: a boot's verdict must be unambiguous. Exit 2: usage, or
# no EXIT_PASS in the file.
set -u
[ $# -eq 1 ] && [ -r "$1" ] || { echo "usage: qemu-exit.sh PLATFORM_H" >&2; exit 2; }
out="# generated from $1 by tools/qemu-exit.sh: do not edit
# QEMU's exit status for each EXIT_* verdict: (code << 1) | 1"
bad=0 seen=' '
# "LINE NAME VALUE" for each #define EXIT_NAME VALUE
defs=$(awk '$1 == "#define" && $2 ~ /^EXIT_[A-Z0-9_]+$/ { print NR, substr($2, 6), $3 }' "$1")
while read -r line name value; do
    [ -n "$line" ] || continue
    status=$(( (value << 1) | 1 ))
    if [ "$status" -le 1 ] || [ "$status" -eq 124 ] || [ "$status" -gt 125 ]; then
        echo "$1:$line: EXIT_$name $value gives QEMU exit status $status: not a status a boot can report (2..123, 125)" >&2
        bad=1
    fi
    case $seen in
    *" $status "*)
        echo "$1:$line: EXIT_$name $value gives QEMU exit status $status, as another EXIT_* does" >&2
        bad=1 ;;
    esac
    seen="$seen$status "
    out="$out
QEMU_EXIT_$name=$status"
done <<EOF
$defs
EOF
case $out in
*QEMU_EXIT_PASS=*) ;;
*) echo "$1: no #define EXIT_PASS" >&2; exit 2 ;;
esac
[ "$bad" -eq 0 ] || exit 1
printf '%s\n' "$out"
