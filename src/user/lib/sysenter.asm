; sysenter.asm - the fast syscall path (kernel side: tramp_sysenter_entry).
;
; C contract: long sysenter_call(long nr, long a1, long a2, long a3, long a4, long a5)
;   The same call as syscall_raw() (int 0x80), entered with SYSENTER instead.
;   ABI: EAX = nr, EBX = a1, EBP = a2, [ECX] = a3, ESI = a4, EDI = a5;
;   ECX = our ESP (the kernel returns with it), EDX = the return EIP.
;   The kernel gives back EAX; ECX, EDX and the arithmetic flags are ours
;   to lose (cdecl: a call preserves neither), EBX, ESI, EDI, EBP, ESP and
;   DF, NT, AC come back as they were.
; Stack at the sysenter: [esp] saved edi, +4 esi, +8 ebx, +12 ebp,
; +16 return address, +20 nr, +24 a1, +28 a2, +32 a3, +36 a4, +40 a5.
; ECX points at a3 where the caller put it (cdecl: the argument slots are
; ours), so no copy is pushed: the kernel comes back with ESP = ECX, 32
; bytes above the saved registers, and one `sub` finds them again (nothing
; writes the user stack meanwhile: interrupts and traps from ring 3 go to
; the kernel's stack).

%include "cdecl.inc"

%define A3_OFFSET 32                ; a3's slot, from ESP after the four pushes

global sysenter_call
section .text
sysenter_call:
    PUSH_REGS ebp, ebx, esi, edi
    LOAD_ARGS 20, eax, ebx, ebp     ; nr, a1, a2
    LOAD_ARGS 36, esi, edi          ; a4, a5
    lea ecx, [esp + A3_OFFSET]      ; [ECX] = a3, in place; our ESP after sysexit
    mov edx, .back
    sysenter
.back:
    sub esp, A3_OFFSET
    POP_REGS ebp, ebx, esi, edi
    ret
