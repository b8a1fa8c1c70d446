/*
 * proc.c - the process table and a round-robin scheduler.
 *
 * The scheduler runs on the boot stack and switches to each runnable
 * process's kernel stack with swtch(); a process comes back to it when it
 * yields or exits. A process leaves ring 3 only through the trampoline and
 * re-enters it only through trap_return().
 */
#include "defs.h"
#include "kstring.h"
#include "memlayout.h"
#include "proc.h"
#include "uapi/errno.h"

struct proc *current;
static struct proc procs[NPROC];
static struct context *scheduler_context;
static int next_pid = 1;

/* Finished processes, for the summary (the first SUMMARY_MAX of them). */
#define SUMMARY_MAX 64
static struct {
    int pid, status, vector;
    char name[PROC_NAME_MAX];
} finished[SUMMARY_MAX];
static uint32_t nfinished;

static void enter_user_first_time(void)
{
    trap_return(current);
}

struct proc *proc_alloc(int *err)
{
    struct proc *p = NULL;
    for (uint32_t i = 0; i < NPROC; i++)
        if (procs[i].state == P_UNUSED) {
            p = &procs[i];
            break;
        }
    if (!p) {
        *err = -EAGAIN;
        return NULL;
    }
    if (frame_alloc(&kernel_frames, &p->kstack) < 0) {
        *err = -ENOMEM;
        return NULL;
    }
    p->state = P_EMBRYO;
    p->pid = next_pid++;
    p->kstack_top = (uintptr_t)phys_to_virt(p->kstack) + KSTACK_SIZE;
    p->tf = (struct trapframe *)(p->kstack_top - TRAPFRAME_SIZE);
    memset(p->tf, 0, TRAPFRAME_SIZE);
    p->context = (struct context *)((uintptr_t)p->tf - sizeof(struct context));
    memset(p->context, 0, sizeof(struct context));
    p->context->eip = (uint32_t)(uintptr_t)enter_user_first_time;
    p->fault_vector = -1;
    p->exit_status = 0;
    p->audit_violations = 0;
    p->expect = (struct expectation){ EXPECT_EXIT, 0 };
    return p;
}

void proc_free(struct proc *p)
{
    frame_free(&kernel_frames, p->kstack);
    p->state = P_UNUSED;
}

static void reap(struct proc *p)
{
    if (nfinished < SUMMARY_MAX) {
        finished[nfinished].pid = p->pid;
        finished[nfinished].status = p->exit_status;
        finished[nfinished].vector = p->fault_vector;
        memcpy(finished[nfinished].name, p->name, PROC_NAME_MAX);
    }
    nfinished++;
    uvm_destroy(&kernel_frames, p->pd);
    ktest_process_done(p);
    proc_free(p);
}

static void print_summary(void)
{
    kprintf("summary: %u processes finished\n", nfinished);
    for (uint32_t i = 0; i < nfinished && i < SUMMARY_MAX; i++) {
        if (finished[i].vector >= 0)
            kprintf("  pid %2d %-12s killed by %s (vector %d)\n", finished[i].pid, finished[i].name,
                    trap_name((uint32_t)finished[i].vector), finished[i].vector);
        else
            kprintf("  pid %2d %-12s exit %d\n", finished[i].pid, finished[i].name, finished[i].status);
    }
}

void scheduler_run(void)
{
    uint32_t next = 0;
    for (;;) {
        struct proc *p = NULL;
        for (uint32_t n = 0; n < NPROC; n++) {
            struct proc *q = &procs[(next + n) % NPROC];
            if (q->state == P_RUNNABLE) {
                p = q;
                next = (uint32_t)(q - procs + 1) % NPROC;
                break;
            }
        }
        if (!p)
            break;
        p->state = P_RUNNING;
        current = p;
        tramp_kstack_top = (uint32_t)p->kstack_top;
        swtch(&scheduler_context, p->context);
        current = NULL;
        if (p->state == P_ZOMBIE)
            reap(p);
    }
    print_summary();
}

static void switch_to_scheduler(void)
{
    swtch(&current->context, scheduler_context);
}

void proc_exit(int status)
{
    current->exit_status = status;
    current->state = P_ZOMBIE;
    switch_to_scheduler();
    panic("zombie pid %d was scheduled", current->pid);
}

void proc_kill(const struct trapframe *tf)
{
    struct proc *p = current;
    kprintf("killed pid %d (%s): %s (vector %u) err %p eip %p", p->pid, p->name,
            trap_name(tf->vector), tf->vector, (void *)tf->err, (void *)tf->eip);
    if (tf->vector == VEC_PF) {
        uint32_t cr2;
        __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
        kprintf(" cr2 %p (%s %s, %s)", (void *)cr2, tf->err & PF_ERR_W ? "write" : "read",
                tf->err & PF_ERR_P ? "protection" : "not present", tf->err & PF_ERR_U ? "user" : "kernel");
    }
    kprintf("\n");
    p->fault_vector = (int)tf->vector;
    proc_exit(-(int)(128 + tf->vector));
}

void proc_yield(void)
{
    current->state = P_RUNNABLE;
    switch_to_scheduler();
}
