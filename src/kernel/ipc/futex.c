/*
 * futex.c - futex(word, op, val): sleep on a user word and wake its
 * sleepers, the two operations Linux programs build their locks, condition
 * variables and thread joins on (Linux futex(2), FUTEX_WAIT and FUTEX_WAKE
 * without a timeout; docs/processes.md "futex").
 *
 * A waiter is keyed by the PHYSICAL address of its word (frame | offset),
 * so two processes that map one frame (map(PROT_SHARED) across fork,
 * shm_grant/shm_map) rendezvous on it whatever their virtual addresses;
 * the private pages fork copies are different frames and never do.
 *
 * The waiters form one FIFO (struct proc's futex_link): WAKE takes them in
 * the order they went to sleep. A process waits on at most one word at a
 * time, so the queue never holds more than NPROC entries and needs no table
 * of its own that could fill up: there is no -ENOMEM or -EAGAIN for lack of
 * room. A waiter leaves the queue on its way out of futex_wait() whether it
 * was woken or killed, and proc_exit() calls futex_exit() as a second
 * guarantee, so an exited process never stays queued.
 *
 * The kernel runs with interrupts off and has no preempt point between the
 * read of the word and the sleep (copy_from_user of 4 bytes has none), so a
 * FUTEX_WAKE from another process cannot fall between the two: no wake-up
 * is lost (the property Linux gets from its hash-bucket lock).
 *
 * Not kept: a frame that is unmapped and reused while somebody still waits
 * on it carries the old waiter's key; a WAKE on the new owner's word at that
 * physical address may wake it. Like Linux, FUTEX_WAIT may return 0 without
 * the word having changed, and callers re-check their condition.
 */
#include "defs.h"
#include "mm/pgtable.h"
#include "proc/proc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"
#include "uapi/syscall.h"

/* Every process in futex_wait(), oldest first. */
static struct runq waiters = { .head = { &waiters.head, &waiters.head }, .len = 0 };

#define WAITER(n) ((struct proc *)((uintptr_t)(n) - __builtin_offsetof(struct proc, futex_link)))

/* The physical address of the 4-byte aligned user word at @va in @pd, with
 * its page present (copy_from_user has just read it). Returns 0 with *key
 * set, -EINVAL if @va is not 4-byte aligned, or -EFAULT (a bad address, and
 * the copy-in's error: *@word then holds nothing). */
static long futex_key(paddr_t pd, uaddr_t va, uint32_t *word, paddr_t *key)
{
    if (va & 3)
        return -EINVAL;
    long r = copy_from_user(pd, word, va, sizeof(*word));
    if (r < 0)
        return r;
    pte_t *pte = pt_lookup(pd, va);
    if (!pte || !(*pte & PTE_P))
        return -EFAULT;     /* cannot happen after a good copy-in; never a kernel fault */
    *key = PTE_FRAME(*pte) | (va & 0xFFFu);
    return 0;
}

/* FUTEX_WAIT on the word at physical @key, whose value was @word: see sys_futex. */
static long futex_wait(paddr_t key, uint32_t word, uint32_t val)
{
    if (word != val)
        return -EAGAIN;
    current->futex_key = key;
    current->futex_woken = false;
    runq_push_back(&waiters, &current->futex_link);
    while (!current->futex_woken && !current->killed)
        proc_sleep(&current->futex_link);
    runq_remove(&waiters, &current->futex_link);   /* no effect if a WAKE took it already */
    return current->futex_woken ? 0 : -EINTR;       /* killed: it ends on its way to user mode */
}

/* FUTEX_WAKE on the word at physical @key: see sys_futex. */
static long futex_wake(paddr_t key, uint32_t max)
{
    long woken = 0;
    struct list_node *n = waiters.head.next;
    while (n != &waiters.head && (uint32_t)woken < max) {
        struct list_node *next = n->next;
        struct proc *p = WAITER(n);
        if (p->futex_key == key) {
            runq_remove(&waiters, n);
            p->futex_woken = true;
            proc_wakeup(&p->futex_link);
            woken++;
        }
        n = next;
    }
    return woken;
}

/*
 * sys_futex - futex(word, op, val).
 *   FUTEX_WAIT: read the 32-bit word at user @va; if it differs from @val
 *     return -EAGAIN at once, else sleep until a FUTEX_WAKE on the same
 *     physical word picks this process. Returns 0 when woken.
 *   FUTEX_WAKE: wake at most @val processes waiting on the word (oldest
 *     first). Returns how many it woke (0 when nobody waits). The word must
 *     be readable; its value does not matter.
 * Errors: -EINVAL (@va not 4-byte aligned, or an unknown @op), -EFAULT (the
 * word is not readable user memory), -EAGAIN (WAIT: *word != val). A
 * process killed while it waits leaves the queue and ends (the -EINTR it
 * returns internally never reaches user mode).
 */
long sys_futex(uaddr_t va, uint32_t op, uint32_t val)
{
    if (op != FUTEX_WAIT && op != FUTEX_WAKE)
        return -EINVAL;
    uint32_t word;
    paddr_t key;
    long r = futex_key(current->pd, va, &word, &key);
    if (r < 0)
        return r;
    return op == FUTEX_WAIT ? futex_wait(key, word, val) : futex_wake(key, val);
}

/* futex_exit - take the exiting process @p off the waiters' queue (a no-op
 * unless it is somehow still queued). */
void futex_exit(struct proc *p)
{
    runq_remove(&waiters, &p->futex_link);
}
