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

; INT80_CALL nr, first: save the callee-saved registers the ABI uses, load
; EAX = nr and EBX, ECX, EDX, ESI, EDI from the stack arguments at
; [esp + first] (counted after the three pushes), int 0x80, restore, return.
%macro INT80_CALL 2
    PUSH_REGS ebx, esi, edi
    mov eax, %1
    LOAD_ARGS %2, ebx, ecx, edx, esi, edi
    int 0x80
    POP_REGS ebx, esi, edi
    ret
%endmacro

; SYSCALL name, number: long name(a1, a2, a3, a4, a5)
%macro SYSCALL 2
global $%1
$%1:
    INT80_CALL %2, 16
%endmacro

; One stub per row of uapi/syscalls.def: `SYSCALL name, SYS_name` lines the
; Makefile generates into $(BUILD)/gen/syscall_stubs.inc.
%include "syscall_stubs.inc"

; long syscall_raw(long nr, long a1, long a2, long a3, long a4, long a5)
global syscall_raw
syscall_raw:
    INT80_CALL [esp + 16], 20
