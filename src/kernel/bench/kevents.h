/*
 * kevents.h - event counters that cost real time but that instruction
 * counts hide: CR3 writes, user pages walked by copy-in/copy-out, bytes
 * copied. Cumulative since boot, wrapping at 2^32; SYS_kevents copies a
 * snapshot out (struct kevents, uapi/syscall.h) and the trace replay takes
 * differences. docs/benchmarking.md turns them into modelled cycles.
 */
#ifndef KEVENTS_H
#define KEVENTS_H

#include "types.h"
#include "uapi/limits.h"    /* CR3_PAIR_MAX_ROUNDS */
#include "x86/x86.h"            /* load_cr3 */

extern uint32_t kev_syscalls;     /* system calls dispatched */
extern uint32_t kev_cr3_writes;   /* CR3 loads: write_cr3() below and the trampoline's */
extern uint32_t kev_pages_walked; /* page pieces moved by copy-in/copy-out */
extern uint32_t kev_bytes_copied; /* bytes moved by copy-in/copy-out */
extern uint32_t kev_faults;       /* demand-paging fills (mem_syscalls.c): user #PF or copy-in/out */

/* write_cr3 - the kernel's CR3 load: load_cr3(@v) (x86.h), counted in
 * kev_cr3_writes. Every CR3 write the C kernel makes goes through here
 * (the trampoline counts its own, entry.asm), so the count is exact. */
static inline void write_cr3(uint32_t v)
{
    kev_cr3_writes++;
    load_cr3(v);
}

/* kevents_copied - one user page piece of @bytes bytes was moved. */
static inline void kevents_copied(size_t bytes)
{
    kev_pages_walked++;
    kev_bytes_copied += (uint32_t)bytes;
}

/* sys_kevents(out): copy the counters to user @out (struct kevents).
 * Returns 0 or -EFAULT. */
long sys_kevents(uaddr_t out);

/* sys_cr3_pair(rounds): load the current process's PD and then the PD the
 * kernel runs on again, back to back in the trampoline, @rounds times (1..100000);
 * returns the fewest TSC ticks one pair took, the rdtsc overhead taken off.
 * -EINVAL for rounds out of range; -EINTR if the process was killed during
 * the rounds (a preempt point every PREEMPT_CR3_ROUNDS, preempt.h). */
long sys_cr3_pair(uint32_t rounds);

#endif /* KEVENTS_H */
