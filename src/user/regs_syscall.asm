; regs_syscall.asm - run one syscall with every register set from a table
; and record every register after it.
;
; C contract:
;   void regs_syscall(const struct regs *in, struct regs *out)
;   struct regs { eax, ebx, ecx, edx, esi, edi, ebp, esp, eflags, ds, es, fs, gs,
;                 esp_before }   (14 uint32_t)
;   in->esp and in->esp_before are ignored; out->esp is ESP right after the
;   int 0x80 and out->esp_before is ESP right before it; they must match.
; The segment fields of *out hold the 16-bit selectors, zero-extended.
; Stack at entry: [esp] return, [esp+4] in, [esp+8] out (+16 after the
; four callee-saved pushes).

%include "regs.inc"
%include "cdecl.inc"

global regs_syscall
section .bss
out_ptr: resd 1
section .text
regs_syscall:
    PUSH_REGS ebp, ebx, esi, edi
    mov eax, [esp + 24]             ; out
    mov [out_ptr], eax
    mov [eax + R_ESP_BEFORE], esp
    mov eax, [esp + 20]             ; in
    push dword [eax + R_EFLAGS]
    mov ebx, [eax + R_ES]
    mov es, ebx
    mov ebx, [eax + R_FS]
    mov fs, ebx
    mov ebx, [eax + R_GS]
    mov gs, ebx
    mov ebx, [eax + R_EBX]
    mov ecx, [eax + R_ECX]
    mov edx, [eax + R_EDX]
    mov esi, [eax + R_ESI]
    mov edi, [eax + R_EDI]
    mov ebp, [eax + R_EBP]
    mov eax, [eax + R_EAX]
    popfd
    int 0x80
    pushfd
    push eax
    mov eax, [out_ptr]
    pop dword [eax + R_EAX]
    pop dword [eax + R_EFLAGS]
    mov [eax + R_EBX], ebx
    mov [eax + R_ECX], ecx
    mov [eax + R_EDX], edx
    mov [eax + R_ESI], esi
    mov [eax + R_EDI], edi
    mov [eax + R_EBP], ebp
    mov [eax + R_ESP], esp
    mov ebx, ds
    mov [eax + R_DS], ebx
    mov ebx, es
    mov [eax + R_ES], ebx
    mov ebx, fs
    mov [eax + R_FS], ebx
    mov ebx, gs
    mov [eax + R_GS], ebx
    cld
    mov ebx, ds
    mov es, ebx
    POP_REGS ebp, ebx, esi, edi
    ret

; long sysenter_with_esp(long nr, long a1, long a2, long a3, uint32_t esp)
;   sysenter (ABI: sysenter.asm) with ECX (the user ESP the kernel reads
;   arguments 4 and 5 from, at ECX + SYSENTER_ARG4_OFFSET, and returns
;   with) set to esp; the real ESP waits in a static and is reloaded after
;   sysexit. Stack after the three pushes: +16 nr, +20 a1, +24 a2, +28 a3,
;   +32 esp.
global sysenter_with_esp
section .bss
saved_esp: resd 1
section .text
sysenter_with_esp:
    PUSH_REGS ebx, esi, edi
    LOAD_ARGS 16, eax, ebx, esi, edi ; nr, a1, a2, a3
    LOAD_ARGS 32, ecx               ; esp
    mov [saved_esp], esp
    mov edx, .back
    sysenter
.back:
    mov esp, [saved_esp]
    POP_REGS ebx, esi, edi
    ret
