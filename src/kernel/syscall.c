/*
 * syscall.c - system call dispatch (ABI in uapi/syscall.h). Arguments come
 * from the trap frame registers; user memory is reached only through
 * uaccess.h. The calls of one subsystem live with it: processes in proc.c
 * and loader.c, memory in vm.c, IPC in ipc.c, files (read and write too) in
 * file.c.
 */
#include "defs.h"
#include "kevents.h"
#include "afill.h"
#include "proc.h"
#include "uaccess.h"
#include "uapi/errno.h"
#include "uapi/syscall.h"

static long sys_sysinfo(uint32_t out)
{
    struct sysinfo info = {
        .load_base = kernel_load_base,
        .frames_total = kernel_frames.total,
        .frames_free = kernel_frames.free,
        .pid = (unsigned)current->pid,
        .kernel_var = (unsigned)(uintptr_t)&kernel_load_base,
        .nprocs = proc_count_alive(),
        .proc_limit = NPROC,
        .ticks = timer_ticks(),
        .features = (sysenter_available ? SYSINFO_SYSENTER : 0) | (uint32_t)aspace_mode << 8,
    };
    return copy_to_user(current->pd, out, &info, sizeof(info));
}

/*
 * sys_poweroff - power the machine off (QEMU test runs: exit status 33, or
 * 35 if @failed != 0). Only init and the programs init spawned itself (its
 * SPECs: the shell, the demo programs) may: any other process, orphans
 * adopted by init and boot processes included, gets -EPERM and the machine
 * keeps running. docs/security.md, "Who may power off".
 */
static long sys_poweroff(uint32_t failed)
{
    if (current != initproc && !current->may_poweroff)
        return -EPERM;
    kprintf("poweroff requested by pid %d\n", current->pid);
    power_off(failed ? EXIT_FAIL : EXIT_PASS);
}

/* Arguments each call takes (uapi/syscalls.def), for the sysenter ABI (only
 * arg 3 costs a copy-in: it waits on the user stack). A row numbered 0 or
 * NR_SYSCALLS and up stops the build here; two rows with one number stop
 * it at their two cases below. */
#define SYSCALL(nr, name, nargs, class, desc) \
    _Static_assert((nr) >= 1 && (nr) < NR_SYSCALLS && (nargs) <= 5, #name ": number or nargs out of range");
#include "uapi/syscalls.def"
#undef SYSCALL
#define SYSCALL(nr, name, nargs, class, desc) [nr] = (nargs),
static const uint8_t nargs[NR_SYSCALLS] = {
#include "uapi/syscalls.def"
};
#undef SYSCALL

/*
 * syscall_dispatch - run the call in @tf->eax and put its result in
 * @tf->eax. Arguments: int 0x80 passes EBX, ECX, EDX, ESI, EDI; sysenter
 * (ECX and EDX carry the return ESP and EIP) passes EBX, EBP, the word at
 * the user's ESP (copied in only for calls with three or more arguments:
 * -EFAULT if it cannot be read), ESI, EDI. Each case loads only the
 * registers its call uses, straight from the frame. @tf is where the frame
 * was at entry; the result goes to current->tf, where it is now.
 */
KERNEL_HOT_TEXT void syscall_dispatch(struct trapframe *tf)
{
    kev_syscalls++;
    uint32_t nr = tf->eax;
    uint32_t b = tf->ecx, c = tf->edx;
    if (tf->vector == SYSENTER_VECTOR) {
        b = tf->ebp, c = 0;
        if (nr < NR_SYSCALLS && nargs[nr] >= 3 &&
            copy_from_user(current->pd, &c, tf->user_esp, sizeof(uint32_t)) < 0) {
            tf->eax = (uint32_t)-EFAULT;
            return;
        }
    }
/* a, d, e: read from the frame only by the cases that use them */
#define a (tf->ebx)
#define d (tf->esi)
#define e (tf->edi)
    long r;
    /* -Wswitch-enum: a row of uapi/syscalls.def without a case stops the build. */
#pragma GCC diagnostic push
#pragma GCC diagnostic error "-Wswitch-enum"
    switch ((enum sysno)nr) {
    case SYS_exit:      proc_exit(W_EXITCODE(a));
    case SYS_write:     r = sys_write((int)a, b, c); break;
    case SYS_getpid:    r = current->pid; break;
    case SYS_yield:     proc_yield(); r = 0; break;
    case SYS_nop:       r = 0; break;
    case SYS_sysinfo:   r = sys_sysinfo(a); break;
    case SYS_read:      r = sys_read((int)a, b, c); break;
    case SYS_spawn:     r = sys_spawn(a, b); break;
    case SYS_wait:      r = sys_wait((int)a, b); break;
    case SYS_getppid:   r = current->parent ? current->parent->pid : 0; break;
    case SYS_kill:      r = sys_kill((int)a); break;
    case SYS_brk:       r = sys_brk(a); break;
    case SYS_map:       r = sys_map(a, b, c); break;
    case SYS_unmap:     r = sys_unmap(a, b); break;
    case SYS_fork:      r = sys_fork(); break;
    case SYS_shm_grant: r = sys_shm_grant((int)a, b, c); break;
    case SYS_shm_map:   r = sys_shm_map((int)a, b); break;
    case SYS_ipc_send:  r = sys_ipc_send((int)a, b, c); break;
    case SYS_ipc_recv:  r = sys_ipc_recv((int)a, b, c, d); break;
    case SYS_ipc_call:  r = sys_ipc_call((int)a, b, c, d, e); break;
    case SYS_ipc_reply: r = sys_ipc_reply((int)a, b, c); break;
    case SYS_ps:        r = sys_ps(a, b); break;
    case SYS_modules:   r = sys_modules(a, b); break;
    case SYS_poweroff:  r = sys_poweroff(a); break;
    case SYS_ticks:     r = (long)timer_ticks(); break;
    case SYS_open:      r = sys_open(a, b); break;
    case SYS_close:     r = sys_close((int)a); break;
    case SYS_lseek:     r = sys_lseek((int)a, (int32_t)b, (int)c); break;
    case SYS_stat:      r = sys_stat(a, b); break;
    case SYS_fstat:     r = sys_fstat((int)a, b); break;
    case SYS_dup:       r = sys_dup((int)a); break;
    case SYS_pipe:      r = sys_pipe(a); break;
    case SYS_kevents:   r = sys_kevents(a); break;
    case SYS_cr3_pair:  r = sys_cr3_pair(a); break;
    case SYS_setfg:     r = sys_setfg((int)a); break;
    case SYS_afill:     r = sys_afill(a, b); break;
    case SYS_protect:   r = sys_protect(a, b, c); break;
    default:            r = -ENOSYS; break;
    }
#pragma GCC diagnostic pop
#undef a
#undef d
#undef e
    current->tf->eax = (uint32_t)r; /* not tf: a call that slept has had its frame moved (proc.c) */
}
