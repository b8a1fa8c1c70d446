; syscall.asm - user syscall stubs (ABI: src/kernel/uapi/syscall.h).
;
; Contract: cdecl functions; each loads EAX = number and EBX, ECX, EDX, ESI,
; EDI = its first five stack arguments, executes int 0x80, and returns EAX.
; EBX, ESI and EDI are callee-saved in cdecl, so the stub saves them.
; Stack at the int: [esp] saved edi, +4 esi, +8 ebx, +12 return address,
; +16 argument 1 ...

%include "syscall_nr.inc"        ; generated: uapi/syscalls.def, syscall_abi.inc

section .text

; SYSCALL name, number: long name(a1, a2, a3, a4, a5)
%macro SYSCALL 2
global $%1
$%1:
    push ebx
    push esi
    push edi
    mov eax, %2
    mov ebx, [esp + 16]
    mov ecx, [esp + 20]
    mov edx, [esp + 24]
    mov esi, [esp + 28]
    mov edi, [esp + 32]
    int 0x80
    pop edi
    pop esi
    pop ebx
    ret
%endmacro

; One stub per row of uapi/syscalls.def: `SYSCALL name, SYS_name` lines the
; Makefile generates into $(BUILD)/gen/syscall_stubs.inc.
%include "syscall_stubs.inc"

; long syscall_raw(long nr, long a1, long a2, long a3, long a4, long a5)
global syscall_raw
syscall_raw:
    push ebx
    push esi
    push edi
    mov eax, [esp + 16]
    mov ebx, [esp + 20]
    mov ecx, [esp + 24]
    mov edx, [esp + 28]
    mov esi, [esp + 32]
    mov edi, [esp + 36]
    int 0x80
    pop edi
    pop esi
    pop ebx
    ret

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
