; sysenter.asm - the fast syscall path (kernel side: trampoline_sysenter_entry).
;
; C contract: long sysenter_call(long nr, long a1, long a2, long a3, long a4, long a5)
;   The same call as syscall_raw() (int 0x80), entered with SYSENTER instead.
;   ABI: EAX = nr, EBX = a1, EBP = a2, [ECX] = a3, ESI = a4, EDI = a5;
;   ECX = our ESP (the kernel returns with it), EDX = the return EIP.
;   The kernel gives back EAX; ECX and EDX are ours again after sysexit.
; Stack at the sysenter: [esp] a3, +4 saved edi, +8 esi, +12 ebx, +16 ebp,
; +20 return address, +24 nr, +28 a1, ...

%include "cdecl.inc"

global sysenter_call
section .text
sysenter_call:
    PUSH_REGS ebp, ebx, esi, edi
    LOAD_ARGS 20, eax, ebx, ebp     ; nr, a1, a2
    LOAD_ARGS 36, esi, edi          ; a4, a5
    push dword [esp + 32]       ; a3, where the kernel looks for it
    mov ecx, esp
    mov edx, .back
    sysenter
.back:
    add esp, 4
    POP_REGS ebp, ebx, esi, edi
    ret
