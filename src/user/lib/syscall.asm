; syscall.asm - user syscall stubs (ABI: src/kernel/uapi/syscall.h).
;
; Contract: cdecl functions; each loads EAX = number and EBX, ECX, EDX, ESI,
; EDI = its first five stack arguments, executes int 0x80, and returns EAX.
; EBX, ESI and EDI are callee-saved in cdecl, so the stub saves them.
; Stack at the int: [esp] saved edi, +4 esi, +8 ebx, +12 return address,
; +16 argument 1 ...

%include "syscall_nr.inc"

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

SYSCALL exit, SYS_exit
SYSCALL write, SYS_write
SYSCALL getpid, SYS_getpid
SYSCALL yield, SYS_yield
SYSCALL nop, SYS_nop
SYSCALL sysinfo, SYS_sysinfo
SYSCALL read, SYS_read
SYSCALL spawn, SYS_spawn
SYSCALL wait, SYS_wait
SYSCALL getppid, SYS_getppid
SYSCALL kill, SYS_kill
SYSCALL brk, SYS_brk
SYSCALL map, SYS_map
SYSCALL unmap, SYS_unmap
SYSCALL fork, SYS_fork
SYSCALL shm_grant, SYS_shm_grant
SYSCALL shm_map, SYS_shm_map
SYSCALL ipc_send, SYS_ipc_send
SYSCALL ipc_recv, SYS_ipc_recv
SYSCALL ipc_call, SYS_ipc_call
SYSCALL ipc_reply, SYS_ipc_reply
SYSCALL ps, SYS_ps
SYSCALL modules, SYS_modules
SYSCALL poweroff, SYS_poweroff
SYSCALL ticks, SYS_ticks
SYSCALL open, SYS_open
SYSCALL close, SYS_close
SYSCALL lseek, SYS_lseek
SYSCALL stat, SYS_stat
SYSCALL fstat, SYS_fstat
SYSCALL dup, SYS_dup
SYSCALL pipe, SYS_pipe
SYSCALL kevents, SYS_kevents
SYSCALL cr3_pair, SYS_cr3_pair
SYSCALL setfg, SYS_setfg
SYSCALL afill, SYS_afill

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
