# boot.gdb - the session of docs/debugging.md §5 ("Code before paging:
# boot-symbols"), run by `make test` (test/run.sh job gdb-boot) against the
# high variant (variants/high/test.iso, its kernel.elf in the gdbinit): stop
# at _start at the physical load base, load .boot's symbols there, and stop
# again in boot code with EBP = the load base. GRUB puts this variant at
# 0x03e00000 on every boot (its relocatable tag; the kernel prints
# "boot: load base"). Its log, test-logs/gdb-boot.log, is what the
# transcript there is checked against.
set trace-commands on
set $base = 0x03e00000
p/x $base + ((unsigned)&_start - 0xc0100000)
hbreak *($base + ((unsigned)&_start - 0xc0100000))
continue
info registers eax ebx cr0
set $paging_stop = $base + ((unsigned)&bochsbreak_paging - 0xc0100000)
boot-symbols $base
x/2i $pc
info line *$pc
delete
hbreak *$paging_stop
continue
p/x $ebp
