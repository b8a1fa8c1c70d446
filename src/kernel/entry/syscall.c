/*
 * syscall.c - system call dispatch (ABI in uapi/syscall.h). Arguments come
 * from the trap frame registers; user memory is reached only through
 * uaccess.h. The calls of one subsystem live with it: processes in
 * proc/proc.c and proc/loader.c, memory in mm/mem_syscalls.c, IPC in
 * ipc/ipc.c, files (read and write too) in fs/file_syscalls.c.
 */
#include "defs.h"
#include "bench/kevents.h"
#include "bench/afill.h"
#include "proc/proc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"
#include "uapi/syscall.h"
#include "x86/platform.h"

/* sys_sysinfo - sysinfo(out): struct sysinfo (uapi/syscall.h: load base,
 * frames in 4 KiB pages, pids, timer ticks, features) to user @out.
 * Returns 0; -EFAULT if sizeof(struct sysinfo) bytes at @out are not
 * writable user memory (nothing written). */
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
 * keeps running. Does not return when allowed (power_off). docs/security.md,
 * "Who may power off".
 */
static long sys_poweroff(uint32_t failed)
{
    if (current != initproc && !current->may_poweroff)
        return -EPERM;
    kprintf("poweroff requested by pid %d\n", current->pid);
    power_off(failed ? EXIT_FAIL : EXIT_PASS);
}

/* Arguments each call takes (uapi/syscalls.def), for the sysenter ABI (only
 * args 4 and 5 cost a copy-in: they wait on the user stack). A row numbered 0 or
 * NR_SYSCALLS and up stops the build here. */
#define SYSCALL(nr, name, nargs, class, desc) \
    _Static_assert((nr) >= 1 && (nr) < NR_SYSCALLS && (nargs) <= 5, #name ": number or nargs out of range");
#include "uapi/syscalls.def"
#undef SYSCALL

/* The hot read-only data of the general path (.rodata.hot, link/kernel.ld:
 * on the page of .text.hot, so that the call through the table touches no
 * page of its own). Read by the trampoline (entry.asm) with the kernel CR3. */
#define HOT_RODATA __attribute__((section(".rodata.hot")))

#define SYSCALL(nr, name, nargs, class, desc) [nr] = (nargs),
HOT_RODATA const uint8_t syscall_nargs[NR_SYSCALLS] = {
#include "uapi/syscalls.def"
};
#undef SYSCALL

/*
 * The handlers, one per row of uapi/syscalls.def, all of one type
 * (syscall_fn, defs.h): the five argument registers in ABI order, as
 * words; each passes on the ones its call takes. Most compile to a jump to
 * the sys_ function. A row without its SC() here stops the build at the
 * table below ("sc_NAME undeclared").
 */
#define UNUSED __attribute__((unused))
#define SC(name) \
    static KERNEL_HOT_TEXT long sc_##name(UNUSED uint32_t a, UNUSED uint32_t b, UNUSED uint32_t c, \
                                          UNUSED uint32_t d, UNUSED uint32_t e)
SC(exit)      { proc_exit(W_EXITCODE(a)); }
SC(write)     { return sys_write((int)a, b, c); }
SC(getpid)    { return current->pid; }
SC(yield)     { proc_yield(); return 0; }
SC(nop)       { return 0; }
SC(sysinfo)   { return sys_sysinfo(a); }
SC(read)      { return sys_read((int)a, b, c); }
SC(spawn)     { return sys_spawn(a, b); }
SC(wait)      { return sys_wait((int)a, b); }
SC(getppid)   { return current->parent ? current->parent->pid : 0; }
SC(kill)      { return sys_kill((int)a); }
SC(brk)       { return sys_brk(a); }
SC(map)       { return sys_map(a, b, c); }
SC(unmap)     { return sys_unmap(a, b); }
SC(fork)      { return sys_fork(); }
SC(shm_grant) { return sys_shm_grant((int)a, b, c); }
SC(shm_map)   { return sys_shm_map((int)a, b); }
SC(ipc_send)  { return sys_ipc_send((int)a, b, c); }
SC(ipc_recv)  { return sys_ipc_recv((int)a, b, c, d); }
SC(ipc_call)  { return sys_ipc_call((int)a, b, c, d, e); }
SC(ipc_reply) { return sys_ipc_reply((int)a, b, c); }
SC(ps)        { return sys_ps(a, b); }
SC(modules)   { return sys_modules(a, b); }
SC(poweroff)  { return sys_poweroff(a); }
SC(ticks)     { return (long)timer_ticks(); }
SC(open)      { return sys_open(a, b); }
SC(close)     { return sys_close((int)a); }
SC(lseek)     { return sys_lseek((int)a, (int32_t)b, (int)c); }
SC(stat)      { return sys_stat(a, b); }
SC(fstat)     { return sys_fstat((int)a, b); }
SC(dup)       { return sys_dup((int)a); }
SC(pipe)      { return sys_pipe(a); }
SC(kevents)   { return sys_kevents(a); }
SC(cr3_pair)  { return sys_cr3_pair(a); }
SC(setfg)     { return sys_setfg((int)a); }
SC(afill)     { return sys_afill(a, b); }
SC(protect)   { return sys_protect(a, b, c); }
SC(futex)     { return sys_futex(a, b, c); }
SC(enosys)    { return -ENOSYS; } /* number 0, and the table's only gap-filler */

/* syscall_table[nr]: the handler of call nr; 0 (no call) answers -ENOSYS.
 * The trampoline indexes it with any number below tramp_fast_limit. */
#define SYSCALL(nr, name, nargs, class, desc) [nr] = sc_##name,
HOT_RODATA syscall_fn *const syscall_table[NR_SYSCALLS] = {
    [0] = sc_enosys,
#include "uapi/syscalls.def"
};
#undef SYSCALL

/*
 * sysenter_stack_args - the sysenter ABI's arguments 4 and 5 of call @nr
 * (< NR_SYSCALLS), the words at @user_esp + SYSENTER_ARG4_OFFSET and 4
 * bytes above (uapi/syscall.h; @user_esp is the ECX the user came in with),
 * into *@d and *@e: read with fetch_user_word (uaccess.h: copy_from_user's
 * rules and counts, one walk, no calls), and only as many as the call takes
 * (syscall_nargs[]); the others are left as they are. Returns 0, or
 * -EFAULT if a word cannot be read or its address would wrap past 4 GiB.
 */
static inline long sysenter_stack_args(uint32_t nr, uint32_t user_esp, uint32_t *d, uint32_t *e)
{
    if (user_esp > UINT32_MAX - SYSENTER_ARG4_OFFSET - 2 * sizeof(uint32_t))
        return -EFAULT;
    uaddr_t at = user_esp + SYSENTER_ARG4_OFFSET;
    if (fetch_user_word(current->pd, at, d) < 0)
        return -EFAULT;
    if (syscall_nargs[nr] >= 5 && fetch_user_word(current->pd, at + sizeof(uint32_t), e) < 0)
        return -EFAULT;
    return 0;
}

/*
 * syscall_sysenter_args45 - in syscall_sysenter_table[] for each call with
 * four or five arguments (the sysenter ABI leaves them on the user stack;
 * the trampoline passes 0 for both): reads them (sysenter_stack_args) from
 * the user's ESP as the frame holds it (user_esp, on the entry stack) and
 * calls syscall_table[EAX] with @a, @b, @c and them. Returns the handler's
 * result, or -EFAULT (no handler runs) if they cannot be read.
 */
KERNEL_HOT_TEXT long syscall_sysenter_args45(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
    const struct trapframe *tf = TRAMP_ENTRY_FRAME;
    if (sysenter_stack_args(tf->eax, tf->user_esp, &d, &e) < 0)
        return -EFAULT;
    return syscall_table[tf->eax](a, b, c, d, e);
}

/* syscall_sysenter_table[nr]: the sysenter general path's table: the
 * handler itself for a call with up to three arguments (all in registers),
 * else syscall_sysenter_args45, which copies arguments 4 and 5 in first. */
#define SYSCALL(nr, name, nargs, class, desc) [nr] = (nargs) >= 4 ? syscall_sysenter_args45 : sc_##name,
HOT_RODATA syscall_fn *const syscall_sysenter_table[NR_SYSCALLS] = {
    [0] = sc_enosys,
#include "uapi/syscalls.def"
};
#undef SYSCALL

/*
 * syscall_dispatch - the slow path's dispatch (trap_from_user): run the
 * call in @tf->eax and put its result in the frame's EAX. Arguments: int
 * 0x80 passes EBX, ECX, EDX, ESI, EDI; sysenter (ECX and EDX carry the
 * return ESP and EIP) passes EBX, ESI, EDI and the two words at the user's
 * ESP + SYSENTER_ARG4_OFFSET (copied in only for calls with four or five
 * arguments: -EFAULT if they cannot be read). A number out of range gets
 * -ENOSYS. @tf is where the frame was at entry; the result goes to
 * current->tf, where it is now.
 */
KERNEL_HOT_TEXT void syscall_dispatch(struct trapframe *tf)
{
    kev_syscalls++;
    uint32_t nr = tf->eax;
    uint32_t b = tf->ecx, c = tf->edx, d = tf->esi, e = tf->edi;
    long r;
    if (nr >= NR_SYSCALLS) {
        r = -ENOSYS;
    } else {
        if (tf->vector == SYSENTER_VECTOR) {
            b = tf->esi, c = tf->edi, d = 0, e = 0;
            if (syscall_nargs[nr] >= 4 && sysenter_stack_args(nr, tf->user_esp, &d, &e) < 0) {
                tf->eax = (uint32_t)-EFAULT;
                return;
            }
        }
        r = syscall_table[nr](tf->ebx, b, c, d, e);
    }
    current->tf->eax = (uint32_t)r; /* not tf: a call that slept has had its frame moved (proc.c) */
}
