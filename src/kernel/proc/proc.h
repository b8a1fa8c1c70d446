/*
 * proc.h - processes. Each has its own user page directory, a one-page
 * kernel stack in the direct map, and a trap frame: on the trampoline's
 * entry stack while it runs after an entry from ring 3, at the top of its
 * kernel stack while it does not (p->tf says which).
 *
 * States (docs/processes.md has the diagram):
 *   UNUSED -> EMBRYO (being built) -> RUNNABLE <-> RUNNING -> ZOMBIE -> UNUSED
 *                                       ^            |
 *                                       +- SLEEPING <-+  (wait, read, IPC)
 * A process's address space is freed when it exits; its slot and kernel
 * stack when its parent reaps it with wait() (or at once if it has none).
 */
#ifndef PROC_H
#define PROC_H

#include "types.h"
#include "entry/trapframe.h"
#include "proc/runq.h"
#include "uapi/syscall.h"

#define NPROC         64     /* process table slots, zombies included */
#define PROC_NAME_MAX MODULE_NAME_MAX
#define SLICE_TICKS   2      /* time slice: 20 ms at TIMER_HZ = 100 */

/* Where the trampoline leaves the frame of an entry from ring 3 (the top of
 * its entry stack), and where a process's frame waits while it does not
 * run (the top of its kernel stack; C runs below it). */
#define TRAMP_ENTRY_FRAME ((struct trapframe *)((uintptr_t)tramp_entry_stack_top - TRAPFRAME_SIZE))
#define proc_kframe(p)    ((struct trapframe *)((p)->kstack_top - TRAPFRAME_SIZE))

struct file;

enum proc_state { P_UNUSED, P_EMBRYO, P_RUNNABLE, P_RUNNING, P_SLEEPING, P_ZOMBIE };

/* Callee-saved registers at a context switch (swtch.asm pushes them). */
struct context {
    uint32_t edi, esi, ebx, ebp, eip;
};

/* Where a process is blocked in IPC (ipc.c). */
enum ipc_wait { IPC_IDLE, IPC_SENDING, IPC_RECEIVING, IPC_AWAIT_REPLY };
struct ipc_state {
    enum ipc_wait wait;
    int peer;                   /* SENDING: dest; RECEIVING: src or IPC_ANY; AWAIT_REPLY: server */
    uaddr_t buf;                /* SENDING: message; RECEIVING: buffer */
    uint32_t len;               /* SENDING: message bytes; RECEIVING: buffer bytes */
    bool is_call;               /* SENDING as the first half of ipc_call */
    uaddr_t reply_buf;          /* ipc_call: where the reply goes */
    uint32_t reply_max;
    uaddr_t sender_out;         /* RECEIVING: int * for the sender's pid, or 0 */
    long result;                /* set by whoever completes the operation */
};

struct proc {
    enum proc_state state;
    int pid;
    char name[PROC_NAME_MAX];
    struct proc *parent;        /* NULL: started by the kernel, reaped by it */
    paddr_t pd;                 /* user page directory, physical (0 after exit) */
    paddr_t kstack;             /* kernel stack frame, physical */
    uintptr_t kstack_top;       /* one past the kernel stack (direct-map VA) */
    struct trapframe *tf;       /* its user registers: on the trampoline's entry stack
                                 * (TRAMP_ENTRY_FRAME) from an entry from ring 3 until
                                 * it gives up the CPU, else proc_kframe(p) */
    struct context *context;    /* saved by swtch when not running */
    struct list_node rq;        /* run queue link */
    const void *chan;           /* SLEEPING: what it waits for */
    bool killed;                /* kill() pending: exits on its way to user mode */
    bool sysenter_tf;           /* its sysenter carried EFLAGS.TF (trap.c): restore it in
                                 * its own frame at its next entry, never anyone else's */
    bool may_poweroff;          /* init, or spawned by init (loader.c): SYS_poweroff allowed */
    uint32_t slice;             /* timer ticks left in its time slice */
    uaddr_t heap_start, brk;    /* heap: [heap_start, brk) */
    int exit_status;            /* what wait() reports: W_EXITCODE(code), STATUS_KILLED or STATUS_FAULT(v) */
    int fault_vector;           /* -1 = not killed by an exception */
    struct ipc_state ipc;
    struct list_node futex_link; /* queued in futex.c's waiters while in FUTEX_WAIT */
    paddr_t futex_key;          /* FUTEX_WAIT: physical address of the word */
    bool futex_woken;           /* FUTEX_WAIT: a FUTEX_WAKE picked it */
    struct file *ofile[NOFILE]; /* open files by descriptor (fs/fd.c); NULL = free */
    /* (what the test harness keeps about a process is in harness.h) */
};

extern struct proc *current;    /* the process on the CPU, NULL in the scheduler (sched.c) */
extern struct proc *initproc;   /* the `init` boot module, adopts orphans */
/* The process table (proc.c), NPROC slots, indexed by slot; sched.c scans
 * it for sleepers and for the end of the run. Elsewhere: proc_slot(). It
 * is the table's alias in the direct map (direct_alias, defs.h), so that a
 * call reading its process (the PD, the descriptors) loads no 4 KiB
 * translation for it; NULL until proc_table_init(). */
extern struct proc *procs;

/* proc_table_init - point procs at the table's direct-map alias; once,
 * after paging_init() and before any process exists. */
void proc_table_init(void);

/* ---- proc.c: the table and a process's life */

/* proc_alloc - take a free slot, give it a pid and a kernel stack whose
 * first switch enters ring 3 through trap_return(). Returns NULL with
 * *err = -EAGAIN (table full) or -ENOMEM. */
struct proc *proc_alloc(int *err);

/* proc_free - release the kernel stack and the slot (an EMBRYO or a reaped ZOMBIE). */
void proc_free(struct proc *p);

/* proc_slot - table slot @i (0 <= i < NPROC), whatever its state. */
struct proc *proc_slot(uint32_t i);

/* proc_find - the live (not UNUSED, not ZOMBIE) process with @pid, or NULL. */
struct proc *proc_find(int pid);

/* proc_kill - mark @p killed and wake it if it sleeps (kill() without its
 * permission check; the console's Ctrl-C). */
void proc_kill(struct proc *p);


/* proc_exit - end the current process; @status is what its parent's wait()
 * gets (W_EXITCODE(code), STATUS_KILLED or STATUS_FAULT(v)). Never returns. */
void proc_exit(int status) __attribute__((noreturn));

/* proc_kill_by_trap - end the current process because of CPU exception
 * @tf (a ring-3 fault vm_user_fault did not resolve, an int N the kernel
 * does not serve, or a fault on the exit path's pops or iret): print the vector, error code, EIP (and CR2 with the #PF
 * error bits, SDM Vol. 3A §4.7), then proc_exit(STATUS_FAULT(vector)).
 * Never returns. */
void proc_kill_by_trap(const struct trapframe *tf) __attribute__((noreturn));


/* ---- sched.c: the scheduler, the run queue, sleep/wakeup */
/* proc_make_runnable - mark @p RUNNABLE and queue it. */
void proc_make_runnable(struct proc *p);

/* proc_sleep - block the current process until proc_wakeup(@chan) or a
 * kill(). Returns at once, without sleeping, if the process is already
 * killed (a kill that came while it was runnable must not be slept
 * through). The caller re-checks its condition and current->killed
 * afterwards, and returns when killed (the process then ends on its way to
 * user mode). */
void proc_sleep(const void *chan);

/* proc_wakeup - make every process sleeping on @chan runnable. */
void proc_wakeup(const void *chan);

/* proc_yield - put the current process at the back of the run queue. */
void proc_yield(void);

/* proc_tick - a timer tick while @p ran in user mode: preempt at the end of its slice. */
void proc_tick(struct proc *p);

/* proc_switch_to_scheduler - give up the CPU (state already set by the
 * caller: RUNNABLE and queued, SLEEPING or ZOMBIE); returns when scheduled
 * again. */
void proc_switch_to_scheduler(void);

/* Syscalls implemented in proc.c (ABI: uapi/syscall.h, docs/processes.md). */
/* sys_wait - wait(pid, status): block until child @pid (-1: any child)
 * exits, store its status (W_EXITCODE, STATUS_FAULT, STATUS_KILLED) at user
 * @status_out unless it is 0, reap it. Returns the child's pid; -ECHILD no
 * such child (init with pid -1 waits for orphans instead), -EFAULT bad
 * @status_out (checked before anything is reaped). */
long sys_wait(int pid, uaddr_t status_out);
/* sys_kill - kill(pid): mark child @pid killed (it ends with STATUS_KILLED on
 * its way to user mode). 0; -ESRCH no such live process, -EPERM not the
 * caller's child. Defined with a longer comment in proc.c. */
long sys_kill(int pid);
/* sys_fork - fork(): a child with a copy of every user page (PTE_SHARED pages
 * shared), the same open files and trap frame, EAX = 0. Returns the child's
 * pid in the parent; -EAGAIN process table full, -ENOMEM out of frames
 * (everything allocated so far freed again). */
long sys_fork(void);
/* sys_ps - ps(out, max): one struct procinfo per process in use, at most
 * @max (capped at NPROC), to the user array @out. Returns the count; -EFAULT
 * if @max entries at @out are not writable user memory. */
long sys_ps(uaddr_t out, uint32_t max);
/* proc_count_alive - processes in the table that are neither unused nor zombies. */
uint32_t proc_count_alive(void);

/*
 * ipc.c: synchronous rendezvous messages (docs/ipc.md); @len and @max are
 * bytes, at most IPC_MAX_MSG (a larger @max is capped). Every buffer is
 * checked before anything moves. Common errors: -ESRCH @dest/@src not a live
 * process, or it exited while we were blocked on it; -EDEADLK the caller
 * itself; -EFAULT a buffer that is not valid user memory (written buffers
 * must be writable); -EMSGSIZE (for the sender) @len > IPC_MAX_MSG or larger
 * than the receiver's @max.
 */
/* sys_ipc_send - ipc_send(dest, msg, len): block until @dest received @len
 * bytes at @msg. 0; -ESRCH, -EDEADLK, -EFAULT (@msg), -EMSGSIZE as above.
 * A kill while blocked ends the caller (no return to user mode). */
long sys_ipc_send(int dest, uaddr_t msg, uint32_t len);
/* sys_ipc_recv - ipc_recv(src, buf, max, sender): block for a message from
 * @src (IPC_ANY: anyone) into @buf; its sender's pid at @sender_out unless 0.
 * Returns the message length; -ESRCH, -EDEADLK (@src not IPC_ANY), -EFAULT
 * (@buf for @max bytes, or @sender_out, not writable) as above. A waiting
 * sender whose message is longer than @max fails with -EMSGSIZE instead. */
long sys_ipc_recv(int src, uaddr_t buf, uint32_t max, uaddr_t sender_out);
/* sys_ipc_call - ipc_call(dest, msg, len, reply, max): send, then block for
 * @dest's ipc_reply into @reply (@max bytes, checked writable first).
 * Returns the reply's length; -ESRCH (also if @dest exits before it
 * replies), -EDEADLK, -EFAULT, -EMSGSIZE as above. */
long sys_ipc_call(int dest, uaddr_t msg, uint32_t len, uaddr_t reply, uint32_t max);
/* sys_ipc_reply - ipc_reply(dest, msg, len): answer the call @dest is blocked
 * in. 0; -ESRCH @dest is not waiting for our reply, -EMSGSIZE @len above its
 * reply buffer, -EFAULT. */
long sys_ipc_reply(int dest, uaddr_t msg, uint32_t len);
void ipc_exit(struct proc *p);       /* wake everyone blocked on @p with -ESRCH */

/* mem_syscalls.c: heap, anonymous mappings, shared memory (docs/processes.md). A valid
 * range: @va page-aligned, @npages > 0, inside [USER_BASE, USER_TOP), no wrap. */
/* sys_brk - brk(end): 0 returns the break; else move it to @end (bytes),
 * reserving pages for demand paging or unmapping those above. Returns the new break;
 * -EINVAL below the heap start, -ENOMEM above HEAP_LIMIT, something mapped
 * in the way, a growth larger than the free frames, or no frame for a page
 * table (nothing changed). Details in mem_syscalls.c. */
long sys_brk(uaddr_t end);
/* sys_map - map(va, npages, prot): @npages zeroed pages at @va, writable if
 * PROT_WRITE; shared with children forked later (not copied) if
 * PROT_SHARED; with PROT_LAZY only reserved, each page getting its zeroed
 * frame at its first touch (demand paging); all or nothing. 0; -EINVAL bad
 * range, unknown @prot bits, PROT_SHARED with PROT_LAZY, or a page already
 * in use, -ENOMEM out of frames (PROT_LAZY: more pages than frames are free,
 * or none left for a page table), -EINTR killed meanwhile. */
long sys_map(uaddr_t va, uint32_t npages, uint32_t prot);
/* sys_unmap - unmap(va, npages): any part of mappings and heap, touched or
 * not. 0; -EINVAL bad range or a page in it not in use (then nothing is
 * unmapped). */
long sys_unmap(uaddr_t va, uint32_t npages);
/* sys_protect - protect(va, npages, prot): set the access of every page:
 * prot 0 (PROT_NONE: any access faults), PROT_READ, PROT_WRITE (implies
 * read); reserved pages stay reserved. Rewrites the PTEs and invalidates
 * their TLB entries. All or nothing: 0; -EINVAL bad range or unknown @prot
 * bits, -ENOMEM a page not in use (as Linux's mprotect), -EINTR killed. */
long sys_protect(uaddr_t va, uint32_t npages, uint32_t prot);
/* vm_user_fault - a CPU exception @tf from ring 3 of the current process:
 * if it is a not-present #PF (SDM Vol. 3A §4.7) on a reserved page the
 * access may use, map a zeroed frame there (counted in kevents.faults) and
 * return true: the faulting instruction runs again. false: the caller
 * kills the process (any other fault, PROT_NONE, a write to a read-only
 * page, out of frames). Reads CR2. */
bool vm_user_fault(const struct trapframe *tf);
/* sys_shm_grant - shm_grant(pid, va, npages): let @pid map these mapped,
 * writable pages of the caller once (marks them PTE_SHARED). 0; -ESRCH no
 * such process (or it ended during the check), -EINVAL the caller itself,
 * bad range or a page not mapped writable, -EAGAIN grant table full,
 * -EINTR killed during the check (preempt points every PREEMPT_PTES pages). */
long sys_shm_grant(int pid, uaddr_t va, uint32_t npages);
/* sys_shm_map - shm_map(granter, va): map @granter's grant to us at @va.
 * All or nothing; preempt points every 32 pages (mem_syscalls.c), after which the
 * grant and the granter are looked up again. Returns the page count;
 * -ESRCH no grant from a live @granter (or it went meanwhile), -EINVAL bad
 * or occupied range or a granted page no longer mapped, -ENOMEM no frame
 * for a page table, -EINTR killed. */
long sys_shm_map(int granter, uaddr_t va);
void shm_exit(struct proc *p);       /* drop grants made by or to @p */

/* Futexes (futex.c). */
/* sys_futex - futex(word, op, val): FUTEX_WAIT sleeps while the user word
 * at @va equals @val (0 when woken, -EAGAIN if it differs); FUTEX_WAKE wakes
 * at most @val waiters (returns how many). -EINVAL (unaligned, unknown op),
 * -EFAULT (unreadable word). Waiters are keyed by physical address. */
long sys_futex(uaddr_t va, uint32_t op, uint32_t val);
void futex_exit(struct proc *p);     /* take @p off the waiters' queue */

/* swtch (swtch.asm) - kernel context switch: push the callee-saved
 * registers (EBP, EBX, ESI, EDI) on the current kernel stack, store that
 * ESP in *@old, load ESP = @new (a struct context on another kernel
 * stack), pop the same registers and return to @new->eip. Returns, to the
 * caller, only when something switches back to *@old. Interrupts off. */
void swtch(struct context **old, struct context *new);

#endif /* PROC_H */
