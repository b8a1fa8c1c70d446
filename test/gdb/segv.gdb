# segv.gdb - the session of docs/debugging.md §3 ("Why did a user program
# fault?"), run by `make test` (test/run.sh job gdb-segv) against demo.iso
# after $BUILD/gdbinit: stop where the kernel kills `segv`, look at its
# frame, its page directory and the faulting instruction. Its log,
# test-logs/gdb-segv.log, is what the transcript there is checked against.
set trace-commands on
break proc_kill_by_trap
continue
p/x *tf
p/x $cr2
procs
ptdump current->pd
switch-symbols segv
info line *tf->eip
list *tf->eip
set trust-readonly-sections on
x/i tf->eip
p $cr2 == (unsigned)&kernel_load_base
ptdump
