#!/usr/bin/env bash
# session.sh BUILD LOGDIR - a scripted Bochs debugger session on the
# bochstest ISO (hello alone, kernel command line bochsbreak=user).
#   1. continue to the magic breakpoint at the first user instruction;
#   2. `creg` and `info tab`: only user pages in [0x1000, 0xFFF00000) and the
#      trampoline window; `page` shows the user pages U and the trampoline S;
#   3. `page` on the kernel's link address: not mapped;
#   4. continue into the trampoline (syscall entry; then, that breakpoint
#      deleted, to the general path past the CR3 switch, where it calls the
#      handler: a fast-path call such as getpid never reaches
#      tramp_syscall_call, hello's write does):
#      `creg` shows the kernel PD and `info tab` the kernel's layout;
#   5. quit.
# Then test/bochs/shell.py: `make bochs` itself (BOCHSBREAK=, COM1 on the
# terminal, the shell usable), on a pseudo-terminal.
# Prints PASS/FAIL lines; Bochs's own exit status is not used.
set -u
BUILD=$1 LOGS=$2
# The addresses checked below, from their one source (memlayout.h, which
# includes uapi/layout.h; the selector from trapframe.h), like the Makefile's
# $(call layout,NAME).
layout() { printf '#include "memlayout.h"\n%s\n' "$1" | cpp -P -undef -Isrc/kernel - | tr -d ' '; }
user_base=$(($(layout USER_BASE))) tramp=$(($(layout TRAMPOLINE_BASE))) kvirt=$(($(layout KERNEL_VIRT_BASE)))
dmap=$(($(layout DIRECT_MAP_BASE))) dmap_end=$(($(layout DIRECT_MAP_BASE) + $(layout DIRECT_MAP_SIZE) - 1))
user_cs=$(awk '$1 == "#define" && $2 == "USER_CS" { print $3 }' src/kernel/entry/trapframe.h)
b16() { printf '0x%016x' "$1"; }   # Bochs prints linear addresses with 16 digits
sym() { awk -v n="$1" '$2 == n { print "0x" $1 }' "$BUILD/kernel.sym"; }
entry=$(sym tramp_syscall_entry)
switched=$(sym tramp_syscall_call)
tools/bochsrc.sh "$BUILD/bochstest.iso" "$LOGS/bochs-session-com1.log" "$LOGS/bochs-session.log" \
    > "$LOGS/bochsrc-session"
cat > "$LOGS/bochs-session.rc" <<RC
ldsym global "$BUILD/kernel.sym"
ldsym "${MODDIR:-modules}/hello.sym"
c
creg
info tab
page $(printf '0x%x' $user_base)
page $(printf '0x%x' $tramp)
page $(printf '0x%x' $kvirt)
lb $entry
c
d 1
lb $switched
c
creg
info tab
quit
RC
out=$LOGS/bochs-session.out
timeout 300 bochs -q -f "$LOGS/bochsrc-session" -rc "$LOGS/bochs-session.rc" > "$out" 2>&1

ok() { if "$@"; then echo "PASS $what"; else echo "FAIL $what"; fi; }
kernel_pd=$(tr -d '\r' < "$LOGS/bochs-session-com1.log" | sed -n 's/^paging: kernel PD \(0x[0-9a-f]*\).*/\1/p')
# The debugger output, split at the breakpoints.
awk '/Magic breakpoint/ { part = 1 } /Breakpoint 1,/ { part = 2 } /Breakpoint 2,/ { part = 3 } { print > (FILENAME ".part" part) }' "$out"
user=$out.part1 kernel=$out.part3

ucs=$(printf '%04x' $((user_cs))) ustart=$(b16 $user_base)
what="magic breakpoint at the first user instruction (CS $ucs, in _start)"
ok grep -qE "$ucs:${ustart:2:13}[0-9a-f]{3}" "$user"      # in the first 4 KiB of the text
user_cr3=$(sed -n 's/^CR3=\(0x[0-9a-f]*\).*/\1/p' "$user" | head -n 1)
what="creg: the user CR3 ($user_cr3) is not the kernel PD ($kernel_pd)"
ok [ -n "$user_cr3" ] && [ $((user_cr3)) -ne $((kernel_pd)) ]
# info tab lines: 0xSTART-0xEND -> ...
maps=$(grep -E '^0x[0-9a-f]+-0x[0-9a-f]+ ->' "$user")
bad=""
while read -r range _; do
    [ -n "$range" ] || continue
    s=$((${range%%-*})) e=$((${range##*-}))
    if ! { [ $s -ge $user_base ] && [ $e -lt $tramp ] || [ $s -ge $tramp ]; }; then
        bad="$bad $range"
    fi
done <<< "$maps"
what="info tab (user CR3): only [$(printf '0x%X, 0x%X' $user_base $tramp)) and the trampoline window"
ok [ -n "$maps" ] && [ -z "$bad" ]
what="info tab (user CR3): the trampoline window is mapped"
ok grep -qE "^$(b16 $tramp)-" <<< "$maps"
page_has() { grep -A1 -E "PTE:.* $1 [RW] P" "$user" | grep -q "linear page $2"; }
what="page $(printf '0x%x' $user_base): a user page (PTE U)"
ok page_has U "$(b16 $user_base)"
what="page $(printf '0x%x' $tramp): the trampoline is supervisor-only (PTE S)"
ok page_has S "$(b16 $tramp)"
what="page $(printf '0x%x' $kvirt): the kernel's link address is not mapped in the user PD"
ok grep -q "physical address not available for linear $(b16 $kvirt)" "$user"
what="breakpoint at tramp_syscall_entry hit"
ok grep -q '(tramp_syscall_entry+0)' "$out"
kcr3=$(sed -n 's/^CR3=\(0x[0-9a-f]*\).*/\1/p' "$kernel" | head -n 1)
what="after the CR3 switch, creg shows the kernel PD ($kcr3 = $kernel_pd)"
ok [ -n "$kcr3" ] && [ $((kcr3)) -eq $((kernel_pd)) ]
what="after the CR3 switch, info tab shows the direct map, the kernel image and the trampoline"
ok grep -qE "^$(b16 $dmap)-$(b16 $dmap_end)" "$kernel" && grep -qE "^$(b16 $kvirt)-" "$kernel" && grep -qE "^$(b16 $tramp)-" "$kernel"

python3 test/bochs/shell.py "$BUILD" "$LOGS"
