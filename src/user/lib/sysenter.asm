; sysenter.asm - the fast syscall path (kernel side: tramp_sysenter_entry).
;
; C contract: long sysenter_call(long nr, long a1, long a2, long a3, long a4, long a5)
;   The same call as syscall_raw() (int 0x80), entered with SYSENTER instead.
;   ABI (uapi/syscall.h SYSENTER_ARG4_OFFSET): EAX = nr, EBX = a1, ESI = a2,
;   EDI = a3; ECX = our ESP (the kernel returns with it), EDX = the return
;   EIP; a4 and a5 stay where our caller put them, at [ECX + 32] and
;   [ECX + 36], and the kernel reads them only for the calls that take four
;   or five arguments. The kernel gives back EAX; ECX, EDX and the
;   arithmetic flags are ours to lose (cdecl: a call preserves neither),
;   EBX, ESI, EDI, EBP, ESP and DF, NT, AC come back as they were.
; Stack at the sysenter (ESP = ECX): [esp] saved edi, +4 esi, +8 ebx,
; +12 return address, +16 nr, +20 a1, +24 a2, +28 a3, +32 a4, +36 a5.
; Nothing writes the user stack meanwhile (interrupts and traps from ring 3
; go to the kernel's stack), so the pops find the saved registers again.
; Two registers fewer than int 0x80 can carry arguments (SYSEXIT takes ESP
; and EIP from ECX and EDX), so the two rarely used ones wait in memory
; rather than a third callee-saved register being pushed on every call.

%include "syscall_nr.inc"        ; SYSENTER_ARG4_OFFSET (syscall_abi.inc)
%include "cdecl.inc"

global sysenter_call
section .text
sysenter_call:
    PUSH_REGS ebx, esi, edi
    LOAD_ARGS 16, eax, ebx, esi, edi ; nr, a1, a2, a3
%if 16 + 4 * 4 != SYSENTER_ARG4_OFFSET
  %error "sysenter_call's stack does not put a4 at SYSENTER_ARG4_OFFSET"
%endif
    mov ecx, esp                    ; our ESP after sysexit; a4, a5 above it
    mov edx, .back
    sysenter
.back:
    POP_REGS ebx, esi, edi
    ret
