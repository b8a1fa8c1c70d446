; crt0.asm - user program entry.
;
; Contract: the kernel starts _start with ESP pointing at argc, then argv
; (char **), with the argv array and strings above (src/kernel/loader.c).
; Calls int main(int argc, char **argv) on a 16-byte aligned stack, then
; exit(main's return value).

extern main, exit
global _start

section .text.start progbits alloc exec nowrite
_start:
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
