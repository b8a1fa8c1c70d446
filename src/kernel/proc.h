/*
 * proc.h - processes. Each has its own user page directory, a one-page
 * kernel stack in the direct map, and a saved trap frame at the top of that
 * stack (where the trampoline copies it on every entry from ring 3).
 */
#ifndef PROC_H
#define PROC_H

#include "types.h"
#include "trapframe.h"

#define NPROC        64     /* process table slots */
#define PROC_NAME_MAX 16

enum proc_state { P_UNUSED, P_EMBRYO, P_RUNNABLE, P_RUNNING, P_ZOMBIE };

/* Callee-saved registers at a context switch (swtch.asm pushes them). */
struct context {
    uint32_t edi, esi, ebx, ebp, eip;
};

/* What the test harness expects of a process (module command line expect=...). */
enum expect_kind { EXPECT_EXIT, EXPECT_FAULT, EXPECT_REJECT };
struct expectation {
    enum expect_kind kind;
    int value;                  /* exit status, or fault vector */
};

struct proc {
    enum proc_state state;
    int pid;
    char name[PROC_NAME_MAX];
    paddr_t pd;                 /* user page directory, physical */
    paddr_t kstack;             /* kernel stack frame, physical */
    uintptr_t kstack_top;       /* one past the kernel stack (direct-map VA) */
    struct trapframe *tf;       /* kstack_top - TRAPFRAME_SIZE */
    struct context *context;    /* saved by swtch when not running */
    int exit_status;
    int fault_vector;           /* -1 = exited by itself */
    uint32_t audit_violations;  /* found when its address space was built */
    struct expectation expect;
};

extern struct proc *current;

/* proc_alloc - take a free slot, give it a pid and a kernel stack whose
 * first switch enters ring 3 through trap_return(). Returns NULL and
 * *err = -EAGAIN (table full) or -ENOMEM. */
struct proc *proc_alloc(int *err);

/* proc_free - release the kernel stack and the slot of an unstarted process. */
void proc_free(struct proc *p);

/* proc_exit - end the current process with @status; never returns. */
void proc_exit(int status) __attribute__((noreturn));

/* proc_kill - end the current process because of @tf (an exception). */
void proc_kill(const struct trapframe *tf) __attribute__((noreturn));

/* proc_yield - put the current process at the back of the run queue. */
void proc_yield(void);

/* swtch.asm: save callee-saved registers in *old, load from new. */
void swtch(struct context **old, struct context *new);

#endif /* PROC_H */
