; tables.asm - the data the CPU reads while a user CR3 is loaded.
;
; C-visible contract (all at trampoline link addresses, filled in by desc.c):
;   uint64_t tramp_gdt[GDT_ENTRIES]       GDT (null, kcode, kdata, ucode, udata, TSS)
;   uint64_t tramp_idt[IDT_VECTORS]       IDT, one interrupt gate per vector
;   struct tss tramp_tss                  104-byte 32-bit TSS (SDM Vol. 3A §7.2.1)
;   uint32_t tramp_kernel_cr3             physical address of the kernel PD
;   uint32_t tramp_kstack_top             top of the current process's kernel
;                                         stack (a direct-map VA); the entry
;                                         code copies each frame below it
;   uint32_t tramp_switches_cr3             1: switch CR3 on entry and exit (split
;                                         modes); 0: aspace=shared, the kernel is
;                                         mapped in the user PD already
;   uint32_t tramp_fast_answer[NR_SYSCALLS] kernel VA of the answer word of each
;                                         fast-path call, 0: slow path (fastpath.h)
;   uint32_t tramp_int80_route[NR_SYSCALLS]    where int 0x80 goes for a number
;   uint32_t tramp_sysenter_route[NR_SYSCALLS] below tramp_fast_limit: the
;                                         general path, or the fast path for
;                                         this boot's aspace (fastpath.c)
;   uint32_t tramp_fast_limit             NR_SYSCALLS, or 0 while the current
;                                         process may have slow work pending (no
;                                         call is below it: all take the slow path)
;   tramp_entry_stack_top                 one past the entry stack; TSS.esp0
;
; Layout: .trampoline.data is one page; .trampoline.stack is the one-page
; entry stack. In user PDs the data page is mapped read-only, the stack page
; read-write, both supervisor-only (paging.c). Both are PROGBITS so they are
; part of the loaded image and their frames are known.

%include "memlayout.inc"
%include "entry/trapframe.inc"
%include "syscall_nr.inc"     ; NR_SYSCALLS

global tramp_gdt, tramp_idt, tramp_tss, tramp_kernel_cr3, tramp_kstack_top, tramp_switches_cr3
global tramp_entry_stack, tramp_entry_stack_top, tramp_fast_answer, tramp_fast_limit
global tramp_int80_route, tramp_sysenter_route

TSS_SIZE equ 104

section .trampoline.data progbits alloc noexec write align=4096
align 8
tramp_gdt:          times GDT_ENTRIES dq 0
align 8
tramp_idt:          times IDT_VECTORS dq 0
align 8
tramp_tss:          times TSS_SIZE db 0
align 4
tramp_kernel_cr3:   dd 0
tramp_kstack_top:   dd 0
tramp_switches_cr3:   dd 1                ; 0 in aspace=shared: no CR3 write on entry/exit
tramp_fast_limit:   dd 0                ; fastpath.c keeps it
tramp_fast_answer:  times NR_SYSCALLS dd 0
tramp_int80_route:    times NR_SYSCALLS dd 0 ; fastpath_init fills both
tramp_sysenter_route: times NR_SYSCALLS dd 0

section .trampoline.stack progbits alloc noexec write align=4096
tramp_entry_stack:  times ENTRY_STACK_SIZE db 0
tramp_entry_stack_top:
