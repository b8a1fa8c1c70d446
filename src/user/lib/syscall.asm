; syscall.asm - user syscall stubs (ABI: src/kernel/uapi/syscall.h).
;
; Contract: cdecl functions; each loads EAX = number and EBX, ECX, EDX, ESI,
; EDI = its first five stack arguments, executes int 0x80, and returns EAX.
; EBX, ESI and EDI are callee-saved in cdecl, so the stub saves them.
; Stack at the int: [esp] saved edi, +4 esi, +8 ebx, +12 return address,
; +16 argument 1 ...

%include "syscall_nr.inc"        ; generated: uapi/syscalls.def, syscall_abi.inc
%include "cdecl.inc"

section .text

; SYSCALL name, nr[, first]: long name(a1, a2, a3, a4, a5). Saves the
; callee-saved registers the ABI uses, loads EAX = nr and EBX, ECX, EDX, ESI,
; EDI from the stack arguments from [esp + first] on (counted after the three
; pushes; default 16, argument 1), int 0x80, restores, returns EAX.
%macro SYSCALL 2-3 16
global $%1
$%1:
    PUSH_REGS ebx, esi, edi
    mov eax, %2
    LOAD_ARGS %3, ebx, ecx, edx, esi, edi
    int 0x80
    POP_REGS ebx, esi, edi
    ret
%endmacro

; One stub per row of uapi/syscalls.def: `SYSCALL name, SYS_name` lines the
; Makefile generates into $(BUILD)/gen/syscall_stubs.inc.
%include "syscall_stubs.inc"

; long syscall_raw(long nr, long a1, long a2, long a3, long a4, long a5):
; the number is argument 1, a1..a5 follow it.
SYSCALL syscall_raw, [esp + 16], 20

; long afill_gate(struct afill *out, unsigned *pages): afill() through the
; TLB-fill instrument's own gate, `int AFILL_VECTOR` (uapi/syscall.h,
; trampoline/afill.asm), which touches no kernel page but the instrument's.
global afill_gate
afill_gate:
    push ebx
    mov eax, SYS_afill
    mov ebx, [esp + 8]
    mov ecx, [esp + 12]
    int AFILL_VECTOR
    pop ebx
    ret
