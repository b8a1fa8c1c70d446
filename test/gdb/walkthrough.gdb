# walkthrough.gdb - the session of docs/debugging.md §1 ("Catching the first
# system call") and its general-path example, run by `make test` (test/run.sh
# job gdb-walkthrough) against gdbtest.iso (`hello` alone), after
# $BUILD/gdbinit. Its log, test-logs/gdb-walkthrough.log, is what the
# transcripts there are checked against (tools/check-docs.sh); copy them from
# it when the path changes. Steps: hello's first call (getpid) from the fast
# path's first instruction through both CR3 writes, then its first general
# call (write) at the general path's entry and in sys_write.
set trace-commands on
switch-symbols hello
hbreak tramp_fast_int80
continue
info registers cr3
kcr3
p $eax
x/5wx $esp
bt 2
x/3i tramp_syscall_entry
set $kpd = *(unsigned *)&tramp_kernel_cr3
while $cr3 != $kpd
stepi
x/i $pc
end
kcr3
while $cr3 == $kpd
stepi
x/i $pc
end
kcr3
p $eax
delete
hbreak tramp_syscall_general
continue
p $eax
p $ebx
x/5wx $esp
delete
hbreak sys_write
continue
p $esp
p/x *(struct trapframe *)((unsigned)&tramp_entry_stack_top - 76)
bt 2
x/2wx $esp
