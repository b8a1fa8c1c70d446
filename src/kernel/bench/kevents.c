/*
 * kevents.c - the benchmark's event counters (kevents.h) and the in-situ
 * CR3-pair measurement. The counters are plain increments on one CPU: the
 * trampoline counts its CR3 writes, write_cr3() (kevents.h) counts the C
 * kernel's, uaccess.c counts page pieces and bytes.
 */
#include "defs.h"
#include "bench/kevents.h"
#include "proc/preempt.h"
#include "proc/proc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"
#include "uapi/syscall.h"
#include "x86/x86.h"

/* The two the trampoline's fast path counts, and the two every copy-in or
 * copy-out counts (uaccess.c), sit in the hot data line (fastpath.c,
 * link/kernel.ld): a call's counting touches no page of its own. */
__attribute__((section(".data.hot"))) uint32_t kev_syscalls, kev_cr3_writes;
__attribute__((section(".data.hot"))) uint32_t kev_pages_walked, kev_bytes_copied;
uint32_t kev_faults;

#define CR3_PAIR_MAX_ROUNDS 100000

/* tramp_cr3_pair, tramp_tsc_pair (trampoline/entry.asm, run in the
 * trampoline window) - the TSC ticks (low 32 bits of the rdtsc difference,
 * lfence-ordered) across `mov cr3, @user_cr3; mov cr3, @kernel_cr3` (both
 * physical PD addresses), and across the same code with no CR3 write (the
 * rdtsc overhead). Called with the kernel CR3; interrupts off inside,
 * EFLAGS restored; they cannot fail. */
uint32_t tramp_cr3_pair(uint32_t user_cr3, uint32_t kernel_cr3);
uint32_t tramp_tsc_pair(uint32_t user_cr3, uint32_t kernel_cr3);

long sys_kevents(uaddr_t out)
{
    struct kevents k = {
        .syscalls = kev_syscalls,
        .cr3_writes = kev_cr3_writes,
        .pages_walked = kev_pages_walked,
        .bytes_copied = kev_bytes_copied,
        .faults = kev_faults,
    };
    return copy_to_user(current->pd, out, &k, sizeof(k));
}

long sys_cr3_pair(uint32_t rounds)
{
    if (rounds == 0 || rounds > CR3_PAIR_MAX_ROUNDS)
        return -EINVAL;
    /* The second write restores the CR3 we run on: the kernel PD, or in
     * aspace=shared the process's own PD (which maps the kernel). */
    uint32_t here = read_cr3();
    uint32_t best = UINT32_MAX, overhead = UINT32_MAX;
    for (uint32_t i = 0; i < rounds; i++) {
        uint32_t t = tramp_tsc_pair(current->pd, here);
        if (t < overhead)
            overhead = t;
        t = tramp_cr3_pair(current->pd, here);
        if (t < best)
            best = t;
        kev_cr3_writes += 2;
        /* A preempt point every PREEMPT_CR3_ROUNDS rounds: 100000 rounds
         * would otherwise hold interrupts off for a second under TCG. The
         * CR3 we run on is the same when we come back (the kernel PD, or in
         * aspace=shared our own PD, which the scheduler reloads). */
        if ((i + 1) % PREEMPT_CR3_ROUNDS == 0 && i + 1 < rounds && preempt_point() < 0)
            return -EINTR;
    }
    return (long)(best > overhead ? best - overhead : 0);
}
