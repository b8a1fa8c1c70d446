; hostile_asm.asm - the instructions test_hostile needs exactly as written:
; syscalls with every register (DS and EFLAGS included) set from a table,
; syscalls with a hostile ESP, and one-instruction functions that must kill
; the process that runs them (test_hostile runs each in a forked child).
;
; C contracts (cdecl):
;   void hx_regs_syscall(const struct hregs *in, struct hregs *out)
;       struct hregs { eax, ebx, ecx, edx, esi, edi, ebp, esp, eflags,
;                      ds, es, fs, gs, esp_before }   (14 uint32_t)
;       Loads DS, ES, FS, GS, EBX..EBP, EAX and EFLAGS from *in (in->esp and
;       in->esp_before are ignored), executes int 0x80, and records every
;       register right after it in *out: out->esp is ESP after the int,
;       out->esp_before ESP before it (they must match). Segment fields hold
;       the 16-bit selectors zero-extended. Every load and store between
;       the `pop ds` and the restore goes through SS (push/pop), so a null
;       or odd DS is fine. Afterwards DS, ES, FS, GS = SS and EFLAGS = 0x202.
;   void hx_regs_sysenter(const struct hregs *in, struct hregs *out)
;       the same around a sysenter (ECX = ESP, EDX = the return EIP: in->ecx
;       and in->edx are not used; out has them as the kernel returned them).
;   long hx_syscall_esp(long nr, uint32_t esp, uint32_t *esp_after)
;       int 0x80 with EAX = nr and ESP = esp (no stack use around it; the
;       real ESP waits in EBP); *esp_after = ESP right after the int.
;   void hx_tf_syscall(long nr, long a1, long a2, long a3)
;       sets EFLAGS.TF with popfd, then int 0x80 (EAX = nr, EBX, ECX, EDX =
;       a1..a3). The single-step trap comes after the first instruction
;       back in ring 3 and kills the process (#DB, vector 1). If it ever
;       returns, TF is cleared first.
;   uint32_t hx_tf_ring_trip(void)  the sysenter calibration ring trip with
;                                   EFLAGS.TF set; EFLAGS after it
;   void hx_read(uint32_t addr)     mov eax, [addr]
;   void hx_write(uint32_t addr)    mov dword [addr], 0x5A5A5A5A
;   void hx_exec(uint32_t addr)     call addr
;   void hx_<insn>(void)            one privileged or faulting instruction
;   const uint32_t hx_int_table[256]   hx_int_table[n]: a function running
;                                      `int n` (two-byte form CD nn)
;   void hx_lcall(uint32_t selector)   call far selector:0. Used with an LDT
;                                   call gate to KERNEL_CS:hx_ring0_probe,
;                                   which (if the CPU ever lets it run) reads
;                                   CR0 at CPL 0 and returns with retf.
;   void hx_fpu_load(int32_t v)     fninit; fild v: leaves v in ST(0)
;   int32_t hx_fpu_store(void)      fistp: pops ST(0) as an integer (0x80000000
;                                   "integer indefinite" if ST(0) is empty)

%include "regs.inc"
%include "syscall_nr.inc"          ; SYSENTER_RING_TRIP, SYS_nop
%include "entry/trapframe.inc"           ; selectors, EFLAGS_*, MSR_SYSENTER_CS
%include "x86/platform.inc"            ; COM1, DEBUG_EXIT_PORT

%define CLEAN_EFLAGS (EFLAGS_IF | EFLAGS_RSVD1)

section .text

; REGS_AROUND entry: the body of hx_regs_syscall (entry = 0: int 0x80) and
; hx_regs_sysenter (entry = 1: sysenter with ECX = ESP and EDX = the
; return EIP, the sysenter ABI, src/user/lib/sysenter.asm; in->ecx and
; in->edx are overwritten by those, and come back as the kernel left them).
%macro REGS_AROUND 1
    push ebp
    push ebx
    push esi
    push edi
    ; S = ESP here; [S + 20] = in, [S + 24] = out
    mov eax, [esp + 20]
    push dword [eax + R_EFLAGS]
    push dword [eax + R_EAX]
    push dword [eax + R_EBP]
    push dword [eax + R_EDI]
    push dword [eax + R_ESI]
    push dword [eax + R_EDX]
    push dword [eax + R_ECX]
    push dword [eax + R_EBX]
    push dword [eax + R_GS]
    push dword [eax + R_FS]
    push dword [eax + R_ES]
    push dword [eax + R_DS]
    pop ds                          ; from here on, no DS-relative access
    pop es
    pop fs
    pop gs
    pop ebx
    pop ecx
    pop edx
    pop esi
    pop edi
    pop ebp
    pop eax
    popfd                           ; ESP = S again
  %if %1
    mov ecx, esp                    ; movs: EFLAGS stays as popfd set it
    mov edx, %%back
    sysenter
%%back:
  %else
    int 0x80
  %endif
    pushfd                          ; S - 4
    push eax                        ; S - 8
    push ebx
    push ecx
    push edx
    push esi
    push edi
    push ebp                        ; S - 32
    lea eax, [esp + 32]
    push eax                        ; S - 36: ESP right after the int
    mov eax, ds
    push eax                        ; S - 40
    mov eax, es
    push eax
    mov eax, fs
    push eax
    mov eax, gs
    push eax                        ; S - 52
    push dword CLEAN_EFLAGS         ; no TF/NT/AC/DF from here on
    popfd
    mov eax, ss
    mov ds, eax
    mov es, eax
    mov fs, eax
    mov gs, eax
    mov ebx, [esp + 52 + 24]        ; out
    pop dword [ebx + R_GS]
    pop dword [ebx + R_FS]
    pop dword [ebx + R_ES]
    pop dword [ebx + R_DS]
    pop dword [ebx + R_ESP]
    pop dword [ebx + R_EBP]
    pop dword [ebx + R_EDI]
    pop dword [ebx + R_ESI]
    pop dword [ebx + R_EDX]
    pop dword [ebx + R_ECX]
    pop dword [ebx + R_EBX]
    pop dword [ebx + R_EAX]
    pop dword [ebx + R_EFLAGS]
    mov [ebx + R_ESP_BEFORE], esp   ; = S
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret
%endmacro

global hx_regs_syscall, hx_regs_sysenter
hx_regs_syscall:
    REGS_AROUND 0
hx_regs_sysenter:
    REGS_AROUND 1

global hx_syscall_esp
hx_syscall_esp:
    push ebp
    push ebx
    mov ebp, esp                    ; [ebp + 12] nr, [+16] esp, [+20] esp_after
    mov eax, [ebp + 12]
    mov esp, [ebp + 16]
    int 0x80
    mov ecx, esp
    mov esp, ebp
    mov edx, [ebp + 20]
    mov [edx], ecx
    pop ebx
    pop ebp
    ret

global hx_tf_syscall
hx_tf_syscall:
    push ebx
    mov eax, [esp + 8]
    mov ebx, [esp + 12]
    mov ecx, [esp + 16]
    mov edx, [esp + 20]
    pushfd
    or dword [esp], EFLAGS_TF
    popfd                           ; the trap comes one instruction later...
    int 0x80                        ; ...but INT clears TF for its handler
    nop                             ; #DB after this one
    pushfd
    and dword [esp], ~EFLAGS_TF
    popfd
    pop ebx
    ret

global hx_read, hx_write, hx_exec
hx_read:
    mov eax, [esp + 4]
    mov eax, [eax]
    ret
hx_write:
    mov eax, [esp + 4]
    mov dword [eax], 0x5A5A5A5A
    ret
hx_exec:
    mov eax, [esp + 4]
    call eax
    ret

; ONE name, instructions...: a function that runs them, then returns.
%macro ONE 1-*
global hx_%1
hx_%1:
%rep %0 - 1
%rotate 1
    %1
%endrep
    ret
%endmacro

ONE ud2, ud2
ONE hlt, hlt
ONE cli, cli
ONE sti, sti
ONE in, {mov dx, COM1}, {in al, dx}
ONE out, {mov dx, DEBUG_EXIT_PORT}, {xor eax, eax}, {out dx, al}   ; isa-debug-exit: QEMU exit 1 (never a pass) if it got through
ONE lgdt, {sub esp, 8}, {sgdt [esp]}, {lgdt [esp]}, {add esp, 8}
ONE lidt, {sub esp, 8}, {sidt [esp]}, {lidt [esp]}, {add esp, 8}
ONE mov_cr3, {mov eax, cr3}, {mov cr3, eax}
ONE read_cr0, {mov eax, cr0}
ONE mov_dr7, {xor eax, eax}, {mov dr7, eax}
ONE rdmsr, {mov ecx, 0x10}, rdmsr
ONE wrmsr, {mov ecx, MSR_SYSENTER_CS}, {xor eax, eax}, {xor edx, edx}, wrmsr
ONE invlpg, {invlpg [0x1000]}
ONE clts, clts
ONE ltr, {mov eax, TSS_SEL}, {ltr ax}
ONE lldt, {xor eax, eax}, {lldt ax}
ONE wbinvd, wbinvd
ONE load_kernel_ds, {mov eax, KERNEL_DS}, {mov ds, eax}
ONE load_ldt_selector, {mov eax, 0x27}, {mov ds, eax}
ONE load_kernel_ss, {mov eax, KERNEL_DS}, {mov ss, eax}
ONE far_jmp_kernel_cs, {jmp KERNEL_CS:hx_hlt}
ONE iret_to_kernel_cs, {pushfd}, {push dword KERNEL_CS}, {push dword hx_hlt}, iretd
ONE int3_cc, int3
ONE into, {mov al, 0x7F}, {add al, 1}, into          ; OF = 1
ONE bound, {push dword 10}, {push dword 0}, {mov eax, 20}, {bound eax, [esp]}, {add esp, 8}
; sysenter is a real entry now: with ECX = EDX = 0 the kernel runs the call
; (nop) and sysexits to EIP 0 with ESP 0, where the process dies by #PF.
; EFLAGS.TF across sysenter: the CPU single-steps the first instruction of
; the kernel's sysenter entry (with the user CR3 still loaded); the kernel
; must resume it, finish the call, and only the #DB after the return to
; ring 3 kills us (vector 1).
;
; SYSENTER_WITH_TF back: sysenter (EAX as the caller set it) with EFLAGS.TF
; set, the kernel's sysexit to label `back` with ESP as it is here.
%macro SYSENTER_WITH_TF 1
    mov edx, %1
    mov ecx, esp                    ; ESP after the popfd below
    pushfd
    or dword [esp], EFLAGS_TF
    popfd
    sysenter
%endmacro
global hx_tf_sysenter
hx_tf_sysenter:
    mov eax, SYS_nop
    SYSENTER_WITH_TF .back
.back:
    nop
    ret

; uint32_t hx_tf_ring_trip(void): the sysenter calibration ring trip (EAX =
; SYSENTER_RING_TRIP) with EFLAGS.TF set. The #DB at the kernel's entry is
; taken and resumed with TF clear; the trip sysexits with the kernel's
; EFLAGS, so TF does not come back (trap.c). Returns EFLAGS right after the
; trip (a TF that did come back would kill us at the first instruction).
global hx_tf_ring_trip
hx_tf_ring_trip:
    mov eax, SYSENTER_RING_TRIP
    SYSENTER_WITH_TF .back
.back:
    pushfd
    pop eax
    ret

global hx_sysenter
hx_sysenter:
    mov eax, SYS_nop
    xor ecx, ecx
    xor edx, edx
    sysenter
ONE syscall, {db 0x0F, 0x05}

global hx_lcall, hx_ring0_probe
hx_lcall:
    mov eax, [esp + 4]
    sub esp, 8
    mov dword [esp], 0
    mov [esp + 4], eax
    call far [esp]
    add esp, 8
    ret
hx_ring0_probe:
    mov eax, cr0                    ; #GP at CPL 3
    retf

global hx_fpu_load, hx_fpu_store
hx_fpu_load:
    fninit
    fild dword [esp + 4]
    ret
hx_fpu_store:
    push eax
    fistp dword [esp]
    pop eax
    ret

; hx_int_<n>: `int n` for every n (the two-byte encoding, CD nn).
%assign n 0
%rep 256
hx_int_ %+ n:
    int n
    ret
%assign n n + 1
%endrep

section .rodata
align 4
global hx_int_table
hx_int_table:
%assign n 0
%rep 256
    dd hx_int_ %+ n
%assign n n + 1
%endrep
