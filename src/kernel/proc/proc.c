/*
 * proc.c - the process table and a process's life: allocation, exit,
 * wait, kill and fork (which shares every open file with the child), and
 * ps. The scheduler, sleep/wakeup and the run queue are in sched.c.
 *
 * One CPU, and the kernel runs with interrupts off (interrupt gates clear
 * IF; only the idle loop, ring 3 and preempt.c's windows run with IF = 1),
 * so no locks (sched.c says when a process gives up the CPU). A process
 * enters ring 3 only through trap_return() and leaves it only through the
 * trampoline.
 */
#include "defs.h"
#include "entry/fastpath.h"
#include "bench/kevents.h"       /* write_cr3: counted */
#include "lib/kstring.h"
#include "memlayout.h"
#include "proc/proc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"
#include "x86/x86.h"

struct proc *initproc;
static struct proc proc_slots[NPROC];
struct proc *procs;                 /* proc_slots through the direct map (proc.h) */

void proc_table_init(void)
{
    procs = direct_alias(proc_slots);
}
static int next_pid = 1;

/* The first switch to a new process lands here: a kill() that came before
 * it ever ran ends it now, before its first user instruction. */
static void enter_user_first_time(void)
{
    if (current->killed)
        proc_exit(STATUS_KILLED);
    trap_return(current);
}

/*
 * proc_alloc - take a free slot (state EMBRYO), give it the next pid and a
 * one-frame kernel stack holding an empty trap frame and a context whose
 * first swtch() lands in enter_user_first_time(). The caller fills in the
 * address space and the frame, then proc_make_runnable(). Returns the
 * process; NULL with *@err = -EAGAIN (no free slot) or -ENOMEM (no frame).
 */
struct proc *proc_alloc(int *err)
{
    struct proc *p = NULL;
    for (uint32_t i = 0; i < NPROC && !p; i++)
        if (procs[i].state == P_UNUSED)
            p = &procs[i];
    if (!p) {
        *err = -EAGAIN;
        return NULL;
    }
    paddr_t kstack;
    if (frame_alloc(&kernel_frames, &kstack) < 0) {
        *err = -ENOMEM;
        return NULL;
    }
    memset(p, 0, sizeof(*p));
    p->state = P_EMBRYO;
    p->pid = next_pid++;
    p->kstack = kstack;
    p->kstack_top = (uintptr_t)phys_to_virt(kstack) + KSTACK_SIZE;
    p->tf = (struct trapframe *)(p->kstack_top - TRAPFRAME_SIZE);
    memset(p->tf, 0, TRAPFRAME_SIZE);
    p->context = (struct context *)((uintptr_t)p->tf - sizeof(struct context));
    memset(p->context, 0, sizeof(struct context));
    p->context->eip = (uint32_t)(uintptr_t)enter_user_first_time;
    p->fault_vector = -1;
    return p;
}

/*
 * proc_free - give back what proc_alloc() took: close any open file left
 * (an EMBRYO may hold the console's), free the kernel stack frame, mark the
 * slot UNUSED. @p: an EMBRYO that never ran, or a reaped ZOMBIE (its
 * address space already destroyed by proc_exit()). No return value.
 */
void proc_free(struct proc *p)
{
    files_close_all(p); /* none left after exit; an embryo may have the console's */
    frame_free(&kernel_frames, p->kstack);
    p->state = P_UNUSED;
}

/* proc_slot - table slot @i, 0 <= @i < NPROC (unchecked), whatever its
 * state (the harness and the console's ps walk the table with it). */
struct proc *proc_slot(uint32_t i)
{
    return &procs[i];
}

/* proc_find - the live process (neither UNUSED nor ZOMBIE) with pid @pid;
 * NULL if none. */
struct proc *proc_find(int pid)
{
    for (uint32_t i = 0; i < NPROC; i++)
        if (procs[i].pid == pid && procs[i].state != P_UNUSED && procs[i].state != P_ZOMBIE)
            return &procs[i];
    return NULL;
}

/* proc_count_alive - how many slots hold a live process (neither UNUSED
 * nor ZOMBIE; EMBRYOs count). */
uint32_t proc_count_alive(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < NPROC; i++)
        if (procs[i].state != P_UNUSED && procs[i].state != P_ZOMBIE)
            n++;
    return n;
}

/* reap - a ZOMBIE nobody will wait() for any more: free its slot. */
static void reap(struct proc *p)
{
    proc_free(p);
}

/* Hand @child to init (or to nobody, which reaps it when it exits). */
static void reparent(struct proc *child)
{
    child->parent = initproc && initproc->state != P_ZOMBIE ? initproc : NULL;
    if (child->state == P_ZOMBIE) {
        if (child->parent)
            proc_wakeup(child->parent);
        else
            reap(child);
    }
}

/*
 * proc_exit - end the current process with @status (what its parent's
 * wait() gets: W_EXITCODE(code), STATUS_KILLED or STATUS_FAULT(vector)):
 * close its files (a pipe's other end sees EOF / -EPIPE), destroy its
 * address space, wake its IPC partners, drop its shared-memory grants,
 * give its children to init, wake its parent, and switch away as a ZOMBIE.
 * Never returns (panics if the zombie is ever scheduled again).
 */
void proc_exit(int status)
{
    struct proc *p = current;
    p->exit_status = status;
    files_close_all(p); /* first: a pipe's reader sees end of file, its writer -EPIPE */
    if (read_cr3() == p->pd)
        write_cr3(kernel_cr3); /* aspace=shared runs the kernel on the user PD */
    uvm_destroy(&kernel_frames, p->pd);
    p->pd = 0;
    ipc_exit(p);
    shm_exit(p);
    futex_exit(p);
    if (p == initproc)
        initproc = NULL;
    for (uint32_t i = 0; i < NPROC; i++)
        if (procs[i].state != P_UNUSED && procs[i].parent == p)
            reparent(&procs[i]);
    harness_process_ended(p);
    p->state = P_ZOMBIE;
    if (p->parent)
        proc_wakeup(p->parent);
    proc_switch_to_scheduler();
    panic("zombie pid %d was scheduled", p->pid);
}

/* proc_kill_by_trap - end the current process because of the exception in
 * @tf, which ring 3 caused and nothing could repair: log the vector, error
 * code, EIP (and CR2 with the #PF error bits), then proc_exit() with
 * STATUS_FAULT(vector). Never returns. */
void proc_kill_by_trap(const struct trapframe *tf)
{
    struct proc *p = current;
    kprintf("killed pid %d (%s): %s (vector %u) err %p eip %p", p->pid, p->name,
            trap_name(tf->vector), tf->vector, (void *)tf->err, (void *)tf->eip);
    if (tf->vector == VEC_PF) {
        uint32_t cr2 = read_cr2();
        kprintf(" cr2 %p (%s %s, %s)", (void *)cr2, tf->err & PF_ERR_W ? "write" : "read",
                tf->err & PF_ERR_P ? "protection" : "not present", tf->err & PF_ERR_U ? "user" : "kernel");
    }
    kprintf("\n");
    p->fault_vector = (int)tf->vector;
    proc_exit(STATUS_FAULT((int)tf->vector));
}

/*
 * sys_wait - wait(pid, status): block until child @pid (-1: any child) is a
 * ZOMBIE, copy its exit status (an int) to user @status_out unless that is
 * 0, and reap it. Returns the child's pid; -EFAULT @status_out not a
 * writable user int (checked before anything is reaped); -ECHILD no such
 * child, or the caller was killed while it waited. init with @pid -1 and
 * no child sleeps instead: orphans are handed to it.
 */
long sys_wait(int pid, uaddr_t status_out)
{
    if (status_out && user_range_ok(current->pd, status_out, sizeof(int), true) < 0)
        return -EFAULT;
    for (;;) {
        bool have_child = false;
        for (uint32_t i = 0; i < NPROC; i++) {
            struct proc *c = &procs[i];
            if (c->state == P_UNUSED || c->parent != current || (pid != -1 && c->pid != pid))
                continue;
            have_child = true;
            if (c->state != P_ZOMBIE)
                continue;
            int cpid = c->pid, status = c->exit_status;
            if (status_out && copy_to_user(current->pd, status_out, &status, sizeof(status)) < 0)
                return -EFAULT;
            reap(c);
            return cpid;
        }
        /* init waits for orphans it has not been given yet: it sleeps. */
        if (!have_child && !(current == initproc && pid == -1))
            return -ECHILD;
        proc_sleep(current);
        if (current->killed)
            return -ECHILD; /* trap_from_user ends the process */
    }
}

/*
 * sys_kill - mark child @pid killed. It ends (STATUS_KILLED) at the latest
 * when it next leaves the kernel: on its way back from a trap
 * (trap_from_user), or before its first user instruction if it has not run
 * yet (enter_user_first_time). A sleeping child is woken; every blocking
 * loop returns when it sees `killed`, and proc_sleep() does not sleep for
 * a killed process. Returns 0, -ESRCH (no such live process) or -EPERM
 * (not the caller's child).
 */
long sys_kill(int pid)
{
    struct proc *p = proc_find(pid);
    if (!p)
        return -ESRCH;
    if (p->parent != current)
        return -EPERM;
    proc_kill(p);
    return 0;
}

/* proc_kill - the one kill path, once permission is checked (sys_kill; the
 * console's Ctrl-C, console.c): mark @p killed and wake it if it sleeps. It
 * ends (STATUS_KILLED) on its way to user mode, before its first user
 * instruction if it has not run yet; long calls stop at their next
 * preempt point (preempt.c). */
void proc_kill(struct proc *p)
{
    p->killed = true;
    fastpath_slow_work();
    if (p->state == P_SLEEPING)
        proc_make_runnable(p);
}

/*
 * sys_fork - fork(): a child with a copy of every user page of the caller
 * (PTE_SHARED pages shared, not copied), its heap bounds, its open files
 * (shared, files_fork) and its trap frame with EAX = 0. Returns the
 * child's pid to the parent; -EAGAIN process table full (or the caller was
 * killed during the copy: never seen, it ends on its way out), -ENOMEM out
 * of frames. On an error everything allocated is freed again.
 */
long sys_fork(void)
{
    int err;
    struct proc *child = proc_alloc(&err);
    if (!child)
        return err;
    long r = paging_new_user_pd(&child->pd);
    if (r == 0)
        r = uvm_clone(&kernel_frames, current->pd, child->pd);
    if (r < 0) {
        if (child->pd)
            uvm_destroy(&kernel_frames, child->pd);
        proc_free(child);
        return r;
    }
    if (current->killed) {
        /* killed while the copy ran (it may be preempted): no child may
         * outlive the kill, nobody would ever kill it */
        uvm_destroy(&kernel_frames, child->pd);
        proc_free(child);
        return -EAGAIN; /* never seen: the caller ends on its way out */
    }
    memcpy(child->name, current->name, PROC_NAME_MAX);
    memcpy(child->tf, current->tf, TRAPFRAME_SIZE);
    child->tf->eax = 0;
    child->parent = current;
    child->heap_start = current->heap_start;
    child->brk = current->brk;
    files_fork(current, child);
    audit_new_address_space(child);
    proc_make_runnable(child);
    return child->pid;
}

static int state_for_user(enum proc_state s)
{
    switch (s) {
    case P_RUNNING: return PROC_STATE_RUNNING;
    case P_SLEEPING: return PROC_STATE_SLEEPING;
    case P_ZOMBIE: return PROC_STATE_ZOMBIE;
    default: return PROC_STATE_RUNNABLE;
    }
}

/*
 * sys_ps - ps(out, max): one struct procinfo (pid, ppid, state, pages
 * mapped, name) per process in use (EMBRYOs left out) to the user array
 * @out, at most @max entries (capped at NPROC). Returns the number written;
 * -EFAULT if @max entries at @out are not writable user memory.
 */
long sys_ps(uaddr_t out, uint32_t max)
{
    if (max > NPROC)
        max = NPROC;
    if (user_range_ok(current->pd, out, max * sizeof(struct procinfo), true) < 0)
        return -EFAULT;
    uint32_t n = 0;
    for (uint32_t i = 0; i < NPROC && n < max; i++) {
        struct proc *p = &procs[i];
        if (p->state == P_UNUSED || p->state == P_EMBRYO)
            continue;
        struct procinfo info = {
            .pid = p->pid,
            .ppid = p->parent ? p->parent->pid : 0,
            .state = state_for_user(p->state),
            .pages = p->pd ? uvm_count_pages(p->pd) : 0,
        };
        memcpy(info.name, p->name, PROC_NAME_MAX);
        if (copy_to_user(current->pd, out + n * sizeof(info), &info, sizeof(info)) < 0)
            return -EFAULT;
        n++;
    }
    return (long)n;
}
