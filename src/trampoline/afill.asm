; afill.asm - the TLB-fill instrument's gate: `int AFILL_VECTOR` (0x83, DPL 3).
;
; The trace replay brackets each record with two afill() readouts
; (docs/benchmarking.md "TLB fills, measured"). The count is exact only if
; the readout itself loads no translation that a measured call could also
; load. The general path (tramp_common, trap_from_user,
; syscall_dispatch, the kernel stack, .bss) would: so the readout has this
; gate of its own, and between its two CR3 writes it touches only the
; instrument's pages, which afill.c counts apart (AFILL_INSTR) and never
; charges:
;   - this page (.trampoline.afill, mapped in every PD like the rest of the
;     trampoline: the instruction after each CR3 write is fetched here);
;   - its stack and data below (.afill.bss, kernel window, own pages);
;   - afill.c's code (.afill.text) and the window through which it reads
;     page tables and writes the copy-out (AFILL_WINDOW_BASE, memlayout.h).
; Everything else it reads, it reads with the user CR3 still loaded: the
; IDT/GDT/TSS and the entry stack (which every entry from ring 3 touches in
; the user PD too), tramp_kernel_cr3, tramp_switches_cr3, tramp_fast_limit.
;
; C-visible contract
;   tramp_afill_entry   the gate of vector AFILL_VECTOR (desc.c). User
;       ABI as int 0x80: EAX = SYS_afill, EBX = out, ECX = pages; EAX comes
;       back with sys_afill's result, every other register as it was. With
;       another EAX, or while the current process may have slow work pending
;       (tramp_fast_limit = 0, fastpath.h), the call goes down the general
;       path exactly as `int 0x80` with the same registers would.
;   long afill_entry(uint32_t user_cr3, uaddr_t out, uaddr_t pages)
;       [C, afill.c] called on afill_stack, kernel CR3 loaded (or, in
;       aspace=shared, the user's still), interrupts off; counts the call and
;       its CR3 writes in kevents itself.
;   afill_stack, afill_stack_top   the gate's stack (AFILL_STACK_SIZE bytes)
;   afill_kpd                      the kernel PD's physical address, for
;                                  afill.c (a copy of kernel_cr3 on the
;                                  instrument's own page)
; The gate never writes CR3 in aspace=shared (tramp_switches_cr3 = 0), like
; every other entry.

%include "memlayout.inc"
%include "entry/trapframe.inc"
%include "syscall_nr.inc"      ; SYS_afill, AFILL_VECTOR

%define AFILL_STACK_SIZE PAGE_SIZE
%define AFILL_SAVED_ESP (afill_stack_top - 4)   ; the entry stack's ESP, while C runs
%define AFILL_SAVED_CR3 (afill_stack_top - 8)   ; the user CR3, while C runs

extern tramp_kernel_cr3, tramp_switches_cr3, tramp_fast_limit, tramp_common, afill_entry
global tramp_afill_entry, afill_stack, afill_stack_top, afill_kpd

section .trampoline.afill progbits alloc exec nowrite align=4096

; Entry stack: the CPU's five words (eip, cs, eflags, esp, ss). IF is off
; (an interrupt gate) until the iretd. DS is still the user's: SS-relative
; accesses until DS is ours.
tramp_afill_entry:
    cmp eax, SYS_afill
    jne .general
    cmp dword [ss:tramp_fast_limit], 0
    je .general
    push ecx
    push edx
    push ds
    push es
    mov edx, KERNEL_DS              ; loaded with the user CR3: the GDT read goes
    mov ds, edx                     ; through the user PD, as at every entry
    mov es, edx
    cld
    mov eax, cr3                    ; the user PD
    cmp dword [tramp_switches_cr3], 0
    je .switched                    ; aspace=shared: the kernel is mapped already
    mov edx, [tramp_kernel_cr3]
    mov cr3, edx
.switched:
    mov edx, esp                    ; the entry stack: not touched again until the user CR3 is back
    mov esp, afill_stack_top
    push edx                        ; AFILL_SAVED_ESP
    push eax                        ; AFILL_SAVED_CR3 (C may reuse its argument slots)
    push ecx                        ; arg 3: pages
    push ebx                        ; arg 2: out
    push eax                        ; arg 1: the user CR3
    call afill_entry
    mov ecx, [AFILL_SAVED_CR3]
    mov esp, [AFILL_SAVED_ESP]      ; the entry stack again: no access until the CR3 write
    mov edx, cr3
    cmp edx, ecx
    je .back                        ; aspace=shared
    mov cr3, ecx
.back:
    pop es
    pop ds
    pop edx
    pop ecx
    iretd
.general:
    push dword 0                    ; error code
    push dword SYSCALL_VECTOR       ; the frame of an `int 0x80`
    jmp tramp_common

section .afill.bss nobits alloc noexec write align=4096
afill_stack:        resb AFILL_STACK_SIZE
afill_stack_top:
afill_kpd:          resd 1
