; entry.asm - the trampoline: every way into and out of ring 3.
;
; Linked at TRAMPOLINE_BASE (section .trampoline.text, link/kernel.ld) and
; mapped, supervisor-only, in the kernel PD and in every user PD: these are
; the only instructions that run while a user CR3 is loaded at CPL 0.
;
; C-visible contract
;   tramp_vectors[256]  (in .rodata) address of the stub for each IDT
;                            vector; desc.c builds the IDT from it.
;   void trap_from_user(struct trapframe *tf, uint32_t cr3_at_entry)
;       [C, noreturn] every trap from ring 3 but the system calls of the
;       fast and general paths (below); called on the current process's kernel stack (from
;       tramp_kstack_top - TRAPFRAME_SIZE down), kernel CR3 loaded; tf is
;       still on the entry stack (ENTRY_FRAME), where it stays until the
;       process gives up the CPU (proc.c switch_to_scheduler moves it);
;       cr3_at_entry is the user CR3 the CPU came in with (debug builds).
;   void trap_from_kernel(struct trapframe *tf, uint32_t cr3) [C, returns]
;       called on the interrupted kernel stack with the CR3 found at the trap;
;       no stack switch (tf->user_esp and tf->user_ss are not in the frame).
;   void tramp_iret_to_user(const struct trapframe *tf, uint32_t cr3)
;       [noreturn] copies *tf to the entry stack unless it is there already,
;       loads cr3, restores every register from the frame and irets. Called
;       with the kernel CR3.
;   void tramp_sysexit_to_user(const struct trapframe *tf, uint32_t cr3)
;       [noreturn] the same, ending in sysexit, for frames from the sysenter
;       path (ECX and EDX come back as the user's return ESP and EIP).
;   tramp_sysenter_entry   IA32_SYSENTER_EIP points here. EAX =
;       SYSENTER_RING_TRIP sysexits at once (the benchmark's calibration trip).
;       IA32_SYSENTER_ESP is tramp_entry_stack_top - 8 (desc.c).
;   vector RING_TRIP_VECTOR (0x81, DPL 3): its stub is a bare iretd.
;   uint32_t tramp_cr3_pair(uint32_t user_cr3, uint32_t kernel_cr3)
;   uint32_t tramp_tsc_pair(uint32_t user_cr3, uint32_t kernel_cr3)
;       TSC ticks across two CR3 writes (and across none), for SYS_cr3_pair.
;   Every CR3 write here increments kev_cr3_writes (kevents.h).
;   The fast path (fastpath.h): int 0x80 and sysenter with EAX a call whose
;       tramp_fast_answer[] entry is set, below tramp_fast_limit, are answered
;       here: kernel CR3, count, read one word, user CR3, return. No frame,
;       no C (DEBUG builds call tramp_fast_check on the entry stack).
;   The general path (docs/trampoline.md §3b): every other call below
;       tramp_fast_limit builds the frame, loads the kernel CR3 and calls
;       syscall_table[nr] (sysenter: syscall_sysenter_table[nr]) from the
;       kernel stack with the five argument words (cdecl); back here with
;       EAX = the result, it tests tramp_fast_limit once: non-zero, the
;       result goes into the frame and the frame out by iretd / sysexit;
;       0 (slow work), syscall_finish_slow(result) [C, noreturn] finishes.
;       DEBUG builds call syscall_check_entry(cr3) and syscall_check_exit().
;
; Stack layouts (addresses grow up; see docs/trampoline.md)
;   On entry from ring 3 the CPU switches to TSS.ss0:esp0 = the entry stack
;   (tramp_entry_stack_top) and pushes user ss, esp, eflags, cs, eip, then
;   for some vectors an error code; the stub pushes 0 when the CPU does not,
;   and the vector number. tramp_common then pushes EAX..EDI (pushad)
;   and DS, ES, FS, GS, which completes a struct trapframe of TRAPFRAME_SIZE
;   bytes whose first byte is at tramp_entry_stack_top - TRAPFRAME_SIZE.

%include "memlayout.inc"
%include "entry/trapframe.inc"

%ifndef DEBUG_CHECKS
%define DEBUG_CHECKS 0
%endif

extern trap_from_user, trap_from_kernel, kev_cr3_writes
extern tramp_kernel_cr3, tramp_kstack_top, tramp_entry_stack_top, tramp_switches_cr3
extern tramp_fast_answer, tramp_fast_limit, kev_syscalls, fast_user_pd, tramp_fast_check
extern tramp_int80_route, tramp_sysenter_route
extern tramp_afill_entry
extern syscall_table, syscall_sysenter_table, syscall_finish_slow
extern syscall_check_entry, syscall_check_exit
global tramp_vectors, tramp_common, tramp_iret_to_user
global tramp_syscall_entry, tramp_cr3_switched, tramp_restore_iret, tramp_restore_iret_end
global tramp_syscall_return
global tramp_sysenter_entry, tramp_sysenter_end
global tramp_sysexit_to_user, tramp_sysexit_window, tramp_sysexit_end, tramp_sysenter_return
global tramp_cr3_pair, tramp_tsc_pair, tramp_fast_int80, tramp_fast_sysenter
global tramp_fast_int80_shared, tramp_fast_sysenter_shared
global tramp_syscall_slow, tramp_syscall_general, tramp_sysenter_general
global tramp_syscall_general_shared, tramp_sysenter_general_shared
global tramp_syscall_call, tramp_sysenter_call

; Vectors for which the CPU pushes an error code (SDM Vol. 3A §6.15).
%define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

; SWITCH_TO_KERNEL_CR3 [scratch]: load the kernel page directory and count
; the write (kevents.h). Clobbers scratch (default EAX). Runs with the user
; CR3; reads only trampoline data until the CR3 write.
%macro SWITCH_TO_KERNEL_CR3 0-1 eax
    mov %1, [tramp_kernel_cr3]
    mov cr3, %1
    inc dword [kev_cr3_writes]
%endmacro

; SWITCH_TO_USER_CR3 reg: load the user page directory held in reg. After
; this only trampoline pages are mapped.
%macro SWITCH_TO_USER_CR3 1
    mov cr3, %1
%endmacro

; ENTRY_FRAME: where the frame of an entry from ring 3 lies, and stays
; while its process runs (proc.h TRAMP_ENTRY_FRAME). The frame is copied to
; the process's kernel stack only when the process gives up the CPU
; (switch_to_scheduler, proc.c), and back here on its way out.
%define ENTRY_FRAME (tramp_entry_stack_top - TRAPFRAME_SIZE)

; LEAVE_FOR_USER_CR3 next: the common start of both ways out. Takes the
; C arguments (tf, cr3); unless tf is already ENTRY_FRAME, copies *tf
; there; ESP ends at ENTRY_FRAME; loads the user CR3 unless aspace=shared,
; and falls into `next`.
%macro LEAVE_FOR_USER_CR3 1
    mov ebx, [esp + 8]
    mov esi, [esp + 4]
    mov esp, ENTRY_FRAME
    cmp esi, esp
    je %%in_place
    mov edi, esp
    mov ecx, TRAPFRAME_SIZE / 4
    cld
    rep movsd
%%in_place:
    cmp dword [tramp_switches_cr3], 0
    je %1
    inc dword [kev_cr3_writes]      ; counted while the kernel PD still maps it
    SWITCH_TO_USER_CR3 ebx
%endmacro

; POP_DS_ES_AND_GPRS: pop ES, DS and EDI..EAX of a struct trapframe whose
; ES slot is at ESP, leaving ESP at its vector slot.
%macro POP_DS_ES_AND_GPRS 0
    pop es
    pop ds
    popad
%endmacro

; POP_SEGMENTS_AND_GPRS: pop GS, FS, ES, DS and EDI..EAX of a struct
; trapframe at ESP, leaving ESP at its vector slot.
%macro POP_SEGMENTS_AND_GPRS 0
    pop gs
    pop fs
    POP_DS_ES_AND_GPRS
%endmacro

; RESTORE_REGS: pop the registers of a struct trapframe at ESP, leaving
; ESP at the hardware part (eip, cs, eflags, esp, ss).
%macro RESTORE_REGS 0
    POP_SEGMENTS_AND_GPRS
    add esp, 8                      ; vector, error code
%endmacro

; RESTORE_REGS_AND_IRET: pop a struct trapframe at ESP and return.
%macro RESTORE_REGS_AND_IRET 0
    RESTORE_REGS
    iretd
%endmacro


; The general system call path (docs/trampoline.md "The general path"):
; every call the fast path does not answer, while the current process has
; no slow work pending (tramp_fast_limit != 0), goes from the vector stub or
; the sysenter entry straight to its handler through syscall_table[]
; (syscall.c), with its five arguments pushed from the live registers, and
; back: no trap_from_user, no syscall_dispatch, no trap_return. The macros
; below are its steps, shared by the int 0x80 and sysenter entries (the first, by tramp_common too).

; SAVE_SEGMENTS_LOAD_KERNEL_DS: complete the frame with DS, ES, FS, GS
; (one `push sreg` each: the upper 16 bits of each slot are the frame's
; padding, which nothing reads; trapframe.h) and load KERNEL_DS into DS
; and ES. FS and GS keep the user's selectors: no kernel code uses them,
; and the way out reloads all four from the frame. Clobbers scratch
; (default EAX).
%macro SAVE_SEGMENTS_LOAD_KERNEL_DS 0-1 eax
    push ds
    push es
    push fs
    push gs
    mov %1, KERNEL_DS               ; the user's DS may be null or odd: load
    mov ds, %1                      ; ours before the first memory access
    mov es, %1
%endmacro

; SWITCH_TO_KERNEL_CR3_FOR_SYSCALL split: the entry's CR3 write (split =
; 1: aspace=split, split-global; split = 0, aspace=shared: none; the
; entry's route table picks the copy, so no mode test runs) and the call's
; count; then the process's kernel stack, below the slot its frame moves
; to if it sleeps (proc.c). DEBUG builds run the entry checks
; (syscall_check_entry, debug_checks.c) with the CR3 the CPU came in with.
; Clobbers EBP (saved in the frame: pushad), so that EAX, the number,
; survives to index the handler table; ESP ends on the kernel stack.
%macro SWITCH_TO_KERNEL_CR3_FOR_SYSCALL 1
  %if DEBUG_CHECKS
    mov ebp, cr3
    push ebp                        ; [ENTRY_FRAME - 4]: the user CR3, for the check
  %endif
  %if %1
    SWITCH_TO_KERNEL_CR3 ebp
  %endif
    inc dword [kev_syscalls]
    mov esp, [tramp_kstack_top]
    sub esp, TRAPFRAME_SIZE
  %if DEBUG_CHECKS
    pushad
    push dword [ENTRY_FRAME - 4]
    call syscall_check_entry
    add esp, 4
    popad
  %endif
%endmacro

; SWITCH_TO_USER_CR3_AFTER_SYSCALL split: EAX = the handler's result. If
; the process now has slow work (tramp_fast_limit == 0: a kill, a frame
; moved off the entry stack because it slept, a TF to restore), C finishes
; the call (tramp_syscall_finish_slow). Else store the result in the
; frame, which is still on the entry stack as the entry left it, move ESP
; to its ES slot and (split = 1) load the user CR3 (fast_user_pd,
; counted). Must be followed by POP_DS_ES_AND_GPRS: GS and FS are still
; the user's (no kernel code loads them, and an interrupt in the handler
; restores them with the rest of its frame), so they are not popped.
%macro SWITCH_TO_USER_CR3_AFTER_SYSCALL 1
    cmp dword [tramp_fast_limit], 0
    je tramp_syscall_finish_slow
    mov [ENTRY_FRAME + TF_EAX], eax
  %if DEBUG_CHECKS
    call syscall_check_exit
  %endif
    mov esp, ENTRY_FRAME + TF_ES
  %if %1
    mov eax, [fast_user_pd]
    inc dword [kev_cr3_writes]      ; counted while the kernel PD still maps it
    SWITCH_TO_USER_CR3 eax
  %endif
%endmacro

; INT80_GENERAL_ENTRY split: the general path from int 0x80 up to the
; handler call: the frame (the CPU's five words are on the entry stack),
; the number kept in EAX, the kernel CR3 (split = 1) and stack.
%macro INT80_GENERAL_ENTRY 1
    push dword 0                    ; error code
    push dword SYSCALL_VECTOR
    cld                             ; DF is the user's until now
    pushad
    SAVE_SEGMENTS_LOAD_KERNEL_DS ebp ; the frame is complete: ENTRY_FRAME; EAX: the number
    SWITCH_TO_KERNEL_CR3_FOR_SYSCALL %1
%endmacro

; INT80_GENERAL_CALL split: call the handler, kernel CR3 and stack loaded,
; with its five arguments still in the registers the user passed them in,
; and come back to the entry stack and (split = 1) the user CR3.
%macro INT80_GENERAL_CALL 1
    push edi                        ; the handler's five arguments (cdecl)
    push esi
    push edx
    push ecx
    push ebx
    call [syscall_table + eax * 4]  ; syscall.c: EAX = the result
    SWITCH_TO_USER_CR3_AFTER_SYSCALL %1
%endmacro

; FAST_DEBUG_CHECK: DEBUG builds: the entry and exit invariants, in C
; (tramp_fast_check, fastpath.c), on the entry stack with the kernel CR3;
; ECX holds the CR3 the CPU came in with. Preserves every register, and
; with save_flags = 1 EFLAGS too (its `cld`: the sysenter fast path returns
; with the flags it runs with; int 0x80's iretd restores the CPU's copy).
%macro FAST_DEBUG_CHECK 1
  %if DEBUG_CHECKS
    %if %1
    pushfd
    %endif
    push ds
    push es
    pushad
    mov eax, KERNEL_DS
    mov ds, eax
    mov es, eax
    cld
    push ecx
    call tramp_fast_check
    add esp, 4
    popad
    pop es
    pop ds
    %if %1
    popfd
    %endif
  %endif
%endmacro

; FAST_ANSWER tail, save_flags, split: the body of the fast path, one copy
; per entry and address-space kind (the entry's route table, fastpath.c,
; picks the copy for this boot's aspace: no mode test on the path). In:
; EAX = a fast call's number, user CR3 loaded, EDX (and ECX in DEBUG
; builds) saved by the caller. Out: EAX = the answer; EDX, ECX clobbered;
; then `tail` (a macro: the register pops and the way back to ring 3).
; save_flags: FAST_DEBUG_CHECK's. split = 1 (aspace=split, split-global):
; load the kernel CR3, count it and the exit's write (one add: IF is off,
; nothing reads the count in between, and the counter is mapped only under
; the kernel PD), and load the user CR3 again after the answer; split = 0
; (aspace=shared): no CR3 write, as on the slow path. The call is counted
; either way. The kernel side touches four pages: this text, trampoline
; data, the entry stack and the hot data line (.data.hot).
%macro FAST_ANSWER 3
  %if DEBUG_CHECKS
    mov ecx, cr3
  %endif
    mov edx, [ss:tramp_fast_answer + eax * 4]
  %if %3
    mov eax, [ss:tramp_kernel_cr3]
    mov cr3, eax
    add dword [ss:kev_cr3_writes], 2
  %endif
    inc dword [ss:kev_syscalls]
    FAST_DEBUG_CHECK %2
    mov eax, [ss:edx]
  %if %3
    mov edx, [ss:fast_user_pd]
    mov cr3, edx
  %endif
    %1
%endmacro

; FAST_INT80_TAIL: the fast path's way back from int 0x80: the iret
; returns to exactly the state the CPU saved (EFLAGS, CS, SS as ring 3 had
; them).
%macro FAST_INT80_TAIL 0
  %if DEBUG_CHECKS
    pop ecx
  %endif
    pop edx
    iretd
%endmacro

; FAST_INT80: the fast path from int 0x80 (tramp_fast_int80: split modes;
; tramp_fast_int80_shared: aspace=shared), inline in vector 0x80's stub.
; Entry stack: the CPU's five words (eip, cs, eflags, esp, ss), then EDX
; (and ECX in DEBUG builds). The DEBUG check need not keep EFLAGS (its
; `cld`): the iretd restores the CPU's copy.
%macro FAST_INT80 0
tramp_fast_int80:
    push edx
  %if DEBUG_CHECKS
    push ecx
  %endif
    FAST_ANSWER FAST_INT80_TAIL, 0, 1
tramp_fast_int80_shared:
    push edx
  %if DEBUG_CHECKS
    push ecx
  %endif
    FAST_ANSWER FAST_INT80_TAIL, 0, 0
%endmacro

; FAST_SYSEXIT_TAIL: the fast path's way back from sysenter. EDX = the
; return EIP again, ECX is still the return ESP. No popfd: EFLAGS is the
; user's as sysenter left it (IF off; TF off, else slow work was pending),
; and the fast path changes only its arithmetic flags, which the sysenter
; ABI does not keep (src/user/lib/sysenter.asm); NT, AC, DF are untouched
; (the DEBUG check saves its own). `sti`'s one-instruction shadow covers
; sysexit.
%macro FAST_SYSEXIT_TAIL 0
  %if DEBUG_CHECKS
    pop ecx
  %endif
    pop edx
    sti
    sysexit
%endmacro

section .trampoline.text progbits alloc exec nowrite align=4096

; One stub per IDT vector, each the same shape; vector 0x80's
; (tramp_syscall_entry) is below, with the general path it falls into.
%assign v 0
%rep IDT_VECTORS
  %if v != SYSCALL_VECTOR
vector_ %+ v:
    %if v == RING_TRIP_VECTOR
    iretd                           ; the calibration ring trip: no CR3 write, no C
    %else
      %if !HAS_ERROR_CODE(v)
    push dword 0
      %endif
    push dword v
    jmp tramp_common
    %endif
  %endif
%assign v v+1
%endrep

tramp_common:
    cld                             ; DF is the user's until now
    pushad
    SAVE_SEGMENTS_LOAD_KERNEL_DS    ; the frame is complete (ENTRY_FRAME from ring 3)
    xor eax, eax
    mov fs, eax
    mov gs, eax
    test byte [esp + TF_CS], 3
    jz tramp_from_kernel

%if DEBUG_CHECKS
    mov ebx, cr3                    ; the user CR3, for the checks in C (else EBX is unused)
%endif
    cmp dword [tramp_switches_cr3], 0 ; aspace=shared: the kernel is mapped already
    je tramp_cr3_switched
    SWITCH_TO_KERNEL_CR3
tramp_cr3_switched:
    mov eax, esp                    ; the frame stays on the entry stack
    mov esp, [tramp_kstack_top]     ; C runs on the process's kernel stack,
    sub esp, TRAPFRAME_SIZE         ; below the slot its frame moves to if it sleeps
    push ebx                        ; arg 2: CR3 at entry
    push eax                        ; arg 1: the frame (ENTRY_FRAME)
    call trap_from_user             ; does not return
    ud2

tramp_from_kernel:
    ; A trap at CPL 0, on the stack that was in use. Normally the kernel CR3
    ; is loaded already; the exception is a fault on the way out below
    ; (after SWITCH_TO_USER_CR3), so check before running any C, and pass
    ; the CR3 seen at the trap to C for the report.
    mov eax, esp                    ; struct trapframe *
    mov ebx, cr3
    push ebx                        ; arg 2: CR3 at the trap
    push eax                        ; arg 1: the frame
    cmp ebx, [tramp_kernel_cr3]
    je .cr3_ok
    SWITCH_TO_KERNEL_CR3
.cr3_ok:
    call trap_from_kernel
    add esp, 8
    ; Go back with the CR3 we found (EBX survives the C call): a trap that
    ; returns into the trampoline's own user-CR3 window (a #DB from EFLAGS.TF
    ; after sysenter) must find that CR3 again.
    mov eax, cr3
    cmp eax, ebx
    je .same_cr3
    inc dword [kev_cr3_writes]
    mov cr3, ebx
.same_cr3:
    RESTORE_REGS_AND_IRET

; int 0x80 (vector SYSCALL_VECTOR). User ABI (src/user/lib/syscall.asm):
; EAX = number, EBX, ECX, EDX, ESI, EDI = arguments 1-5; EAX = result.
; A number at or above tramp_fast_limit (a bad number, or slow work
; pending: the limit is 0 then) takes the stub's old way, tramp_common and
; trap_from_user; any other goes where tramp_int80_route[nr] says
; (fastpath.c): a fast call (fastpath.h) to tramp_fast_int80 (split modes)
; or tramp_fast_int80_shared, every other call to the general path of this
; boot's aspace: tramp_syscall_general (split modes), right below, or
; tramp_syscall_general_shared.
tramp_syscall_entry:
    cmp eax, [ss:tramp_fast_limit]
    jae tramp_syscall_slow
    jmp [ss:tramp_int80_route + eax * 4] ; the next line, or another path
tramp_syscall_general:
    INT80_GENERAL_ENTRY 1           ; entry stack: the CPU's eip, cs, eflags, esp, ss
tramp_syscall_call:            ; kernel CR3, kernel stack: call the handler
    INT80_GENERAL_CALL 1
tramp_syscall_return:          ; the general path's pops: the exit window starts here
    POP_DS_ES_AND_GPRS
    add esp, 8                      ; vector, error code
    iretd
tramp_restore_iret:            ; also the end of tramp_iret_to_user
    RESTORE_REGS_AND_IRET
tramp_restore_iret_end:
tramp_syscall_slow:
    push dword 0
    push dword SYSCALL_VECTOR
    jmp tramp_common
    FAST_INT80                      ; not at tramp_restore_iret_end: GDB names an address by one symbol
tramp_syscall_general_shared:  ; aspace=shared: no CR3 write
    INT80_GENERAL_ENTRY 0
    INT80_GENERAL_CALL 0
    jmp tramp_syscall_return        ; its pops are the exit window trap.c knows

; The general path's way out when the process has slow work (see
; SWITCH_TO_USER_CR3_AFTER_SYSCALL): EAX = the handler's result; on the
; kernel stack, kernel CR3 loaded.
tramp_syscall_finish_slow:
    push eax
    call syscall_finish_slow        ; trap.c; does not return
    ud2

; SYSENTER_FRAME_AFTER_PUSHFD: after SYSENTER and a `pushfd` (the user's
; EFLAGS, IF off, into the frame's slot: the SYSENTER_ESP MSR set ESP 8
; bytes below the user_esp/user_ss slots), build the rest of the frame an
; `int 0x80` from ring 3 leaves (SS, ESP, CS, EIP, error code 0, vector
; SYSENTER_VECTOR) from ECX (the user's ESP) and EDX (the user's EIP).
%macro SYSENTER_FRAME_AFTER_PUSHFD 0
    mov [esp + 4], ecx              ; user esp
    mov dword [esp + 8], USER_DS    ; user ss
    push dword USER_CS              ; cs
    push edx                        ; eip
    push dword 0                    ; error code
    push dword SYSENTER_VECTOR
%endmacro

; SYSENTER_GENERAL_ENTRY split: the general path from sysenter up to the
; handler call. It runs C with the user's EFLAGS as SYSENTER left them (IF
; off), so that its way out needs no popfd: TF is clear here (else slow
; work was pending: the entry's first compare), AC and ID mean nothing at
; CPL 0 (SDM Vol. 3A §6.15, #AC only at CPL 3), and C changes only the
; arithmetic flags, which the sysenter ABI does not keep. DF (C needs it
; clear) and NT (a kernel iret would be a task return) must be clear: one
; test sends a call with either set down the slow path, whose popfd loads
; clean flags. The number stays in EAX.
%macro SYSENTER_GENERAL_ENTRY 1
    pushfd                          ; the user's EFLAGS (IF off), into the frame's slot
    test dword [esp], EFLAGS_NT | EFLAGS_DF
    jnz tramp_sysenter_slow_frame   ; the slow path's frame, after this pushfd
    SYSENTER_FRAME_AFTER_PUSHFD
    pushad
    SAVE_SEGMENTS_LOAD_KERNEL_DS ebp ; EAX: the number
    SWITCH_TO_KERNEL_CR3_FOR_SYSCALL %1
%endmacro

; SYSENTER_GENERAL_CALL split: call the handler through
; syscall_sysenter_table with arguments 1-3 from EBX, ESI, EDI, and come
; back to the entry stack and (split = 1) the user CR3.
%macro SYSENTER_GENERAL_CALL 1
    push dword 0                    ; arg 5 } wait on the user stack: syscall_sysenter_table
    push dword 0                    ; arg 4 } sends the
    push edi                        ; arg 3   calls that take them to
    push esi                        ; arg 2   syscall_sysenter_args45, which
    push ebx                        ; arg 1   copies them in
    call [syscall_sysenter_table + eax * 4]
    SWITCH_TO_USER_CR3_AFTER_SYSCALL %1
%endmacro

; SYSENTER (Intel SDM Vol. 2B "SYSENTER"; MSRs written once by desc.c:
; CS = KERNEL_CS, SS = KERNEL_CS + 8, EIP = here, ESP = 8 bytes below
; tramp_entry_stack_top, so that the pushfd below lands where a frame's
; EFLAGS goes, under the user_esp and user_ss slots). The CPU clears IF, VM
; and RF, but not TF, NT, AC or DF.
; User ABI (src/user/lib/sysenter.asm, uapi/syscall.h): EAX = number,
; EBX, ESI, EDI = args 1-3, args 4 and 5 at [ECX + SYSENTER_ARG4_OFFSET];
; ECX = the ESP and EDX = the EIP to return to. The frame has the shape an `int 0x80` from
; ring 3 leaves (vector SYSENTER_VECTOR), EFLAGS as pushfd saw it (IF off).
; Only SS-relative accesses until DS is loaded: DS is still the user's.
tramp_sysenter_entry:
    ; A user TF: SYSENTER leaves TF set, and the single-step trap of an
    ; instruction that began with TF set comes after it (SDM Vol. 3B
    ; §17.3.1.4), so the #DB arrives here, before this first compare:
    ; trap.c resumes us with TF clear and tramp_fast_limit 0.
    cmp eax, [ss:tramp_fast_limit]
    jae tramp_sysenter_slow    ; also the calibration ring trip (EAX = ~0)
    jmp [ss:tramp_sysenter_route + eax * 4] ; the next line, or a fast path
tramp_sysenter_general:
    SYSENTER_GENERAL_ENTRY 1
tramp_sysenter_call:           ; kernel CR3, kernel stack: call the handler
    SYSENTER_GENERAL_CALL 1
; The general path's way out: EFLAGS is still the user's (see above), so
; no popfd; SYSEXIT takes ESP from ECX, so ESP may stay at the vector slot.
tramp_sysenter_return:         ; also the start of the exit window (trap.c)
    POP_DS_ES_AND_GPRS              ; ECX, EDX: the return ESP and EIP
    sti                             ; its shadow covers sysexit
    sysexit
; The way out by SYSEXIT (CS = KERNEL_CS + 16, SS = KERNEL_CS + 24, both
; RPL 3; EIP = EDX, ESP = ECX), for frames from the sysenter path with
; EFLAGS.TF clear (else trap_return irets: the popfd would single-step the
; kernel). The frame's ECX and EDX are the return ESP and EIP (sysenter put
; them there; trap_return copies user_esp and eip in) and its EFLAGS has IF
; off: `sti; sysexit`, STI's one-instruction interrupt shadow keeps
; interrupts off until we are back in ring 3.
tramp_sysexit_window:          ; also the end of tramp_sysexit_to_user
    POP_SEGMENTS_AND_GPRS           ; ECX, EDX: the return ESP and EIP
    add esp, TF_EFLAGS - TF_VECTOR  ; vector, error code, eip, cs
    popfd                           ; the user's EFLAGS, IF still off
    sti
    sysexit
tramp_sysexit_end:
tramp_fast_sysenter:           ; entry stack (SYSENTER_ESP = top - 8): EDX (, ECX)
    push edx
  %if DEBUG_CHECKS
    push ecx
  %endif
    FAST_ANSWER FAST_SYSEXIT_TAIL, 1, 1
tramp_fast_sysenter_shared:
    push edx
  %if DEBUG_CHECKS
    push ecx
  %endif
    FAST_ANSWER FAST_SYSEXIT_TAIL, 1, 0
tramp_sysenter_slow:           ; the same frame as the general path, then C
    cmp eax, SYSENTER_RING_TRIP     ; the calibration ring trip (docs/benchmarking.md):
    je tramp_sysenter_ring_trip ; off the path of the real calls
    pushfd                          ; the user's EFLAGS (IF off), into the frame's slot
tramp_sysenter_slow_frame:     ; also from the general path (NT or DF set), EFLAGS pushed
    SYSENTER_FRAME_AFTER_PUSHFD
    push dword 0x2
    popfd                           ; kernel EFLAGS: TF, NT, AC, DF off (only popfd or iret clears NT)
    jmp tramp_common
tramp_sysenter_ring_trip:      ; ECX, EDX: the user's ESP and EIP already
    sti                             ; its shadow covers sysexit
    sysexit
tramp_sysenter_general_shared: ; aspace=shared: no CR3 write
    SYSENTER_GENERAL_ENTRY 0
    SYSENTER_GENERAL_CALL 0
    jmp tramp_sysenter_return       ; its pops are the exit window trap.c knows
tramp_sysenter_end:

; void tramp_iret_to_user(const struct trapframe *tf, uint32_t cr3)
tramp_iret_to_user:
    LEAVE_FOR_USER_CR3 tramp_restore_iret
    jmp tramp_restore_iret

; void tramp_sysexit_to_user(const struct trapframe *tf, uint32_t cr3)
; trap_return uses it only when the frame's EFLAGS has TF clear; it has put
; the return ESP and EIP in the frame's ECX and EDX and cleared its IF.
tramp_sysexit_to_user:
    LEAVE_FOR_USER_CR3 tramp_sysexit_window
    jmp tramp_sysexit_window

; TSC_AROUND writes: the body of tramp_cr3_pair (writes = 1) and
; tramp_tsc_pair (writes = 0): the TSC ticks across `mov cr3, user_cr3;
; mov cr3, kernel_cr3`, or across nothing, with interrupts off. Lives here
; because nothing but trampoline pages is mapped between the two writes: no
; stack or data access happens there. Called with the kernel CR3 by
; sys_cr3_pair (kevents.c), which counts the writes.
; Stack: [esp+4] user_cr3, [esp+8] kernel_cr3 (cdecl); EBX, ESI, EDI saved.
%macro TSC_AROUND 1
    push ebx
    push esi
    push edi
    pushfd
    cli
    mov esi, [esp + 20]
    mov edi, [esp + 24]
    lfence
    rdtsc
    mov ebx, eax
  %if %1
    mov cr3, esi
    mov cr3, edi
  %endif
    lfence
    rdtsc
    sub eax, ebx
    popfd
    pop edi
    pop esi
    pop ebx
    ret
%endmacro

; uint32_t tramp_cr3_pair(uint32_t user_cr3, uint32_t kernel_cr3)
tramp_cr3_pair:
    TSC_AROUND 1

; uint32_t tramp_tsc_pair(uint32_t user_cr3, uint32_t kernel_cr3): the timer's own overhead
tramp_tsc_pair:
    TSC_AROUND 0

section .rodata
align 4
tramp_vectors:
%assign v 0
%rep IDT_VECTORS
  %if v == AFILL_VECTOR
    dd tramp_afill_entry       ; the TLB-fill instrument's gate (afill.asm)
  %elif v == SYSCALL_VECTOR
    dd tramp_syscall_entry
  %else
    dd vector_ %+ v
  %endif
%assign v v+1
%endrep
