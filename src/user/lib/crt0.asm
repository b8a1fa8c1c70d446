; crt0.asm - user program entry.
;
; Contract: the kernel starts _start with ESP pointing at argc, then argv
; (char **), with the argv array and strings above (src/kernel/proc/loader.c).
; Calls int main(int argc, char **argv) on a 16-byte aligned stack, then
; exit(main's return value). If the kernel starts us with EAX =
; BOCHSBREAK_USER_MAGIC (kernel command line bochsbreak=user, first process
; only), the Bochs magic breakpoint fires before anything else runs.

%include "syscall_nr.inc"

extern main, exit
global _start

section .text.start progbits alloc exec nowrite
_start:
    cmp eax, BOCHSBREAK_USER_MAGIC
    jne .run
    xchg bx, bx                 ; bochsbreak=user: the first user instructions
.run:
    xor ebp, ebp                ; end of the frame-pointer chain
    mov eax, [esp]              ; argc
    mov ecx, [esp + 4]          ; argv
    and esp, -16
    sub esp, 8
    push ecx
    push eax
    call main
    push eax
    call exit
.hang:
    jmp .hang
