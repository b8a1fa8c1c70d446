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
;   uint32_t tramp_switch_cr3             1: switch CR3 on entry and exit (split
;                                         modes); 0: aspace=shared, the kernel is
;                                         mapped in the user PD already
;   tramp_entry_stack_top                 one past the entry stack; TSS.esp0
;
; Layout: .trampoline.data is one page; .trampoline.stack is the one-page
; entry stack. In user PDs the data page is mapped read-only, the stack page
; read-write, both supervisor-only (paging.c). Both are PROGBITS so they are
; part of the loaded image and their frames are known.

%include "memlayout.inc"
%include "trapframe.inc"

global tramp_gdt, tramp_idt, tramp_tss, tramp_kernel_cr3, tramp_kstack_top, tramp_switch_cr3
global tramp_entry_stack, tramp_entry_stack_top

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
tramp_switch_cr3:   dd 1                ; 0 in aspace=shared: no CR3 write on entry/exit

section .trampoline.stack progbits alloc noexec write align=4096
tramp_entry_stack:  times ENTRY_STACK_SIZE db 0
tramp_entry_stack_top:
