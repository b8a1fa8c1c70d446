; swtch.asm - kernel context switch.
;
; C contract: void swtch(struct context **old, struct context *new)
;   Pushes the callee-saved registers (EBP, EBX, ESI, EDI) on the current
;   kernel stack, stores that stack pointer in *old, loads ESP = new and pops
;   the same registers from there, then returns to new->eip.
; Stack at entry: [esp] return EIP, [esp+4] old, [esp+8] new.
; Saved context layout (low to high), = struct context in proc.h:
;   edi, esi, ebx, ebp, eip

global swtch
section .text
swtch:
    mov eax, [esp + 4]
    mov edx, [esp + 8]
    push ebp
    push ebx
    push esi
    push edi
    mov [eax], esp
    mov esp, edx
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret
