/*
 * mem_syscalls.c - memory syscalls: the heap (brk), anonymous mappings (map/unmap/
 * protect), shared memory (shm_grant/shm_map), and demand paging: the heap
 * and map(PROT_LAZY) reserve pages (PTE_LAZY, pgtable.h) that get a zeroed
 * frame at their first touch, by a user #PF (vm_user_fault) or by a
 * copy-in/copy-out (uaccess_populate).
 *
 * Every range is checked whole before anything changes, and every change
 * is all or nothing: a failed call leaves the address space and the frame
 * counts as they were. Frames are reference counted (frame.c), so a frame
 * shared between address spaces is freed when its last mapping goes, by
 * unmap or by exit.
 */
#include "defs.h"
#include "memlayout.h"
#include "proc/proc.h"
#include "bench/kevents.h"
#include "proc/preempt.h"
#include "uapi/errno.h"
#include "x86/x86.h"

/* The heap may grow up to the guard page below the user stack. */
#define HEAP_LIMIT (USER_STACK_TOP - (USER_STACK_PAGES + 1) * PAGE_SIZE)

/* A user range of whole pages that touches neither page 0 nor the trampoline. */
static bool valid_range(uaddr_t va, uint32_t npages)
{
    return va % PAGE_SIZE == 0 && va >= USER_BASE && va < USER_TOP && npages > 0 &&
           npages <= (USER_TOP - va) / PAGE_SIZE;
}

#define INVLPG_MAX 32   /* pages; beyond this one CR3 reload is cheaper */

/* A reservation no touch could ever fill: more pages than frames are free
 * now. Refused with -ENOMEM at once, as Linux's heuristic overcommit
 * (vm.overcommit_memory = 0) refuses a request larger than its RAM. */
static bool reservation_too_big(uint32_t npages)
{
    return npages > kernel_frames.free;
}

/*
 * flush_user / unmap_user - the TLB invalidation a change to @pd's PTEs
 * needs, and uvm_unmap_range() followed by it. If @pd
 * is the loaded CR3 (aspace=shared runs the kernel on the process's own PD),
 * no CR3 write happens before ring 3 runs again, so the translations of the
 * frames just freed would outlive them (SDM Vol. 3A §4.10.4: the TLB is not
 * coherent with the page tables). Split modes reload CR3 on every exit, but
 * the rule is applied whatever the mode. Returns uvm_unmap_range's result.
 */
static void flush_user(paddr_t pd, uaddr_t va, uint32_t npages)
{
    if (read_cr3() != pd)
        return;
    if (npages > INVLPG_MAX)
        write_cr3(pd);
    else
        for (uint32_t i = 0; i < npages; i++)
            invlpg(va + i * PAGE_SIZE); /* SDM Vol. 3A §4.10.4.1 */
}

static long unmap_user(paddr_t pd, uaddr_t va, uint32_t npages)
{
    long r = uvm_unmap_range(&kernel_frames, pd, va, npages);
    flush_user(pd, va, npages);
    return r;
}

/* unmap_undo - uvm_unmap_undo() followed by the flush: takes back @npages
 * pages this call just mapped at @va, whatever happens meanwhile. */
static void unmap_undo(paddr_t pd, uaddr_t va, uint32_t npages)
{
    uvm_unmap_undo(&kernel_frames, pd, va, npages);
    flush_user(pd, va, npages);
}

/*
 * unmap_present - unmap every page that is present in [va, va + npages
 * pages), skipping holes (the user may have unmapped pages of its heap),
 * one unmap_user() per run of present pages (at most PREEMPT_PTES of them),
 * from the top down. The range can be the whole heap, so the scan skips a
 * missing page table's 4 MiB at once and reaches a preempt point after
 * every PREEMPT_PTES pages looked at: above the point everything is
 * unmapped, below it nothing changed. Returns 0 with exactly the mapped
 * pages freed; or -EINTR (killed at a point) or an unmap's error (it
 * cannot fail: each run was found present), with *@low_left = the lowest
 * address from which everything is unmapped.
 */
static long unmap_present(paddr_t pd, uaddr_t va, uint32_t npages, uaddr_t *low_left)
{
    uint32_t i = npages, work = 0;
    while (i > 0) {
        if (work >= PREEMPT_PTES) {
            work = 0;
            if (preempt_point() < 0) {
                *low_left = va + i * PAGE_SIZE;
                return -EINTR;
            }
        }
        uaddr_t a = va + (i - 1) * PAGE_SIZE;
        work++;
        if (uvm_range_unmapped(pd, a, 1)) {
            uint32_t skip = pt_lookup(pd, a) ? 1 : PTX(a) + 1; /* no table: its 4 MiB is free */
            i -= skip < i ? skip : i;
            continue;
        }
        uint32_t top = i; /* one past the run */
        while (i > 0 && top - i < PREEMPT_PTES && !uvm_range_unmapped(pd, va + (i - 1) * PAGE_SIZE, 1))
            i--;
        work += top - i;
        if (work >= PREEMPT_PTES) { /* the run is found, not yet unmapped */
            work = 0;
            if (preempt_point() < 0) {
                *low_left = va + top * PAGE_SIZE;
                return -EINTR;
            }
        }
        long r = unmap_user(pd, va + i * PAGE_SIZE, top - i); /* its own points, PREEMPT_PAGES apart */
        if (r < 0) {
            *low_left = va + top * PAGE_SIZE;
            return r;
        }
    }
    return 0;
}

/*
 * sys_brk - move the end of the heap to @end (bytes, any alignment; 0: just
 * report it). Growing reserves [old top, new top) for demand paging (no
 * frame until a page is touched, as on Linux) and fails with -ENOMEM,
 * changing nothing, if any page there is in use already or no frame is
 * left for a page table. Shrinking unmaps every page still mapped above the new
 * top, holes the user unmapped included. Returns the new end, or -EINVAL
 * (@end below the heap's start) / -ENOMEM (above HEAP_LIMIT, or as above).
 */
long sys_brk(uaddr_t end)
{
    struct proc *p = current;
    if (end == 0)
        return (long)p->brk;
    if (end < p->heap_start)
        return -EINVAL;
    if (end > HEAP_LIMIT)
        return -ENOMEM;
    uaddr_t old_top = ALIGN_UP(p->brk, PAGE_SIZE), new_top = ALIGN_UP(end, PAGE_SIZE);
    if (new_top > old_top) {
        uint32_t n = (new_top - old_top) / PAGE_SIZE;
        if (!uvm_range_unmapped(p->pd, old_top, n) || reservation_too_big(n))
            return -ENOMEM; /* something is mapped in the way, or it could never be filled */
        long r = uvm_reserve(&kernel_frames, p->pd, old_top, n, PTE_U | PTE_W);
        if (r < 0)
            return -ENOMEM;
    } else if (new_top < old_top) {
        uaddr_t left = new_top;
        long r = unmap_present(p->pd, new_top, (old_top - new_top) / PAGE_SIZE, &left);
        if (r < 0) {
            if (left < p->brk)
                p->brk = left; /* what really stayed mapped: never claim more */
            audit_address_space_change(p);
            return r;
        }
    }
    p->brk = end;
    audit_address_space_change(p);
    return (long)end;
}

long sys_map(uaddr_t va, uint32_t npages, uint32_t prot)
{
    if (!valid_range(va, npages) || (prot & ~(uint32_t)(PROT_READ | PROT_WRITE | PROT_SHARED | PROT_LAZY)))
        return -EINVAL;
    if ((prot & PROT_SHARED) && (prot & PROT_LAZY))
        return -EINVAL; /* a lazy page would get a frame per process after fork */
    if (!uvm_range_unmapped(current->pd, va, npages))
        return -EINVAL;
    if ((prot & PROT_LAZY) && reservation_too_big(npages))
        return -ENOMEM;
    uint32_t flags = PTE_U | ((prot & PROT_WRITE) ? PTE_W : 0) | ((prot & PROT_SHARED) ? PTE_SHARED : 0);
    long r = (prot & PROT_LAZY) ? uvm_reserve(&kernel_frames, current->pd, va, npages, flags)
                                : uvm_map_zeroed(&kernel_frames, current->pd, va, npages, flags);
    if (r < 0)
        return r == -ENOMEM || r == -EINTR ? r : -EINVAL; /* -EINTR: killed, nothing mapped */
    audit_address_space_change(current);
    return 0;
}

long sys_unmap(uaddr_t va, uint32_t npages)
{
    if (!valid_range(va, npages))
        return -EINVAL;
    long r = unmap_user(current->pd, va, npages);
    if (r == 0)
        audit_address_space_change(current);
    return r;
}

long sys_protect(uaddr_t va, uint32_t npages, uint32_t prot)
{
    if (!valid_range(va, npages) || (prot & ~(uint32_t)(PROT_READ | PROT_WRITE)))
        return -EINVAL;
    uint32_t flags = prot ? PTE_U | ((prot & PROT_WRITE) ? PTE_W : 0) : 0;
    long r = uvm_protect(current->pd, va, npages, flags);
    if (r == -EFAULT)
        return -ENOMEM; /* a page not mapped: Linux's mprotect answer */
    if (r < 0)
        return r;
    flush_user(current->pd, va, npages); /* split modes: the exit's CR3 write flushes too */
    audit_address_space_change(current);
    return 0;
}

long uaccess_populate(paddr_t pd, uaddr_t va, bool write)
{
    long r = uvm_fault_in(&kernel_frames, pd, va, write);
    if (r == 0)
        kev_faults++;
    return r;
}

bool vm_user_fault(const struct trapframe *tf)
{
    uint32_t cr2 = read_cr2(); /* first: nothing below may fault, but read it before anything */
    if (tf->vector != VEC_PF || (tf->err & PF_ERR_P) || cr2 < USER_BASE || cr2 >= USER_TOP)
        return false; /* a protection violation, or outside the user range: the caller kills */
    if (uvm_fault_in(&kernel_frames, current->pd, ALIGN_DOWN(cr2, PAGE_SIZE), (tf->err & PF_ERR_W) != 0) < 0)
        return false; /* not reserved, PROT_NONE, read-only, or no frame left */
    kev_faults++;
    return true;
}

/* Grants: "process granter lets process grantee map these pages". One-shot. */
#define MAX_GRANTS 64
static struct {
    int granter, grantee;       /* pids; granter 0 = free slot */
    uaddr_t va;
    uint32_t npages;
} grants[MAX_GRANTS];

long sys_shm_grant(int pid, uaddr_t va, uint32_t npages)
{
    struct proc *target = proc_find(pid);
    if (!target)
        return -ESRCH;
    if (target == current || !valid_range(va, npages))
        return -EINVAL;
    for (uint32_t i = 0; i < npages; i++) {
        pte_t *pte = pt_lookup(current->pd, va + i * PAGE_SIZE);
        if (!pte || (*pte & (PTE_P | PTE_U | PTE_W)) != (PTE_P | PTE_U | PTE_W))
            return -EINVAL;
        if (i % PREEMPT_PTES == PREEMPT_PTES - 1 && preempt_point() < 0)
            return -EINTR; /* nothing changed yet */
    }
    if (proc_find(pid) != target)
        return -ESRCH; /* it ended while this one waited at a point */
    int slot = -1;
    for (int i = 0; i < MAX_GRANTS; i++) {
        if (grants[i].granter == current->pid && grants[i].grantee == pid) {
            slot = i; /* a new grant replaces the old one */
            break;
        }
        if (grants[i].granter == 0 && slot < 0)
            slot = i;
    }
    if (slot < 0)
        return -EAGAIN;
    /* Mark the pages shared: fork shares them instead of copying. */
    for (uint32_t i = 0; i < npages; i++) {
        *pt_lookup(current->pd, va + i * PAGE_SIZE) |= PTE_SHARED;
        if (i % PREEMPT_PTES == PREEMPT_PTES - 1)
            preempt_window(); /* interrupts only: the grant is half marked */
    }
    grants[slot].granter = current->pid;
    grants[slot].grantee = pid;
    grants[slot].va = va;
    grants[slot].npages = npages;
    return 0;
}

/* shm_map: pages between two preempt points (a reference and a PTE each,
 * about 220 instructions a page). */
#define SHM_MAP_PAGES (PREEMPT_PTES / 4)

/* The granter of @slot, if the grant the caller found there before a
 * preempt point is still the same (@granter to the current process, @va,
 * @npages): the granter may exit or grant anew while the caller waits. */
static struct proc *grant_still(int slot, int granter, uaddr_t va, uint32_t npages)
{
    if (grants[slot].granter != granter || grants[slot].grantee != current->pid ||
        grants[slot].va != va || grants[slot].npages != npages)
        return NULL;
    return proc_find(granter);
}

/* sys_shm_map: proc.h. */
long sys_shm_map(int granter, uaddr_t va)
{
    int slot = -1;
    for (int i = 0; i < MAX_GRANTS && slot < 0; i++)
        if (grants[i].granter && grants[i].granter == granter && grants[i].grantee == current->pid)
            slot = i;
    if (slot < 0 || !proc_find(granter))
        return -ESRCH;
    uint32_t npages = grants[slot].npages;
    uaddr_t from = grants[slot].va;
    if (!valid_range(va, npages) || !uvm_range_unmapped(current->pd, va, npages))
        return current->killed ? -EINTR : -EINVAL;
    struct proc *g = grant_still(slot, granter, from, npages); /* the check has points */
    if (!g)
        return -ESRCH;
    for (uint32_t i = 0; i < npages; i++) {
        long r = 0;
        if (i % SHM_MAP_PAGES == SHM_MAP_PAGES - 1) {
            r = preempt_point();
            if (r == 0 && !(g = grant_still(slot, granter, from, npages)))
                r = -ESRCH;
        }
        pte_t *src = r == 0 ? pt_lookup(g->pd, from + i * PAGE_SIZE) : NULL;
        paddr_t pa = src && (*src & PTE_P) ? PTE_FRAME(*src) : 0;
        if (r == 0)
            r = pa ? frame_ref(&kernel_frames, pa) : -EINVAL;
        if (r == 0 && pt_map(&kernel_frames, current->pd, va + i * PAGE_SIZE, pa, PTE_U | PTE_W | PTE_SHARED) < 0) {
            frame_free(&kernel_frames, pa);
            r = -ENOMEM;
        }
        if (r < 0) {
            if (i > 0)
                unmap_undo(current->pd, va, i);
            return r == -ENOMEM || r == -EINTR || r == -ESRCH ? r : -EINVAL;
        }
    }
    grants[slot].granter = 0;
    audit_address_space_change(current);
    return (long)npages;
}

void shm_exit(struct proc *p)
{
    for (int i = 0; i < MAX_GRANTS; i++)
        if (grants[i].granter == p->pid || grants[i].grantee == p->pid)
            grants[i].granter = 0;
}
