/*
 * memory.c - the memory-layout probes: map, unmap, brk, shm_grant
 * and shm_map on ranges a process may not own (page 0, the trampoline, its
 * own text, wrapping and oversized ranges), and a copy ending exactly at
 * the top of user memory.
 * (hostile.h: what the scenarios share; test_hostile.c runs them.)
 */
#include "hostile.h"

/* Pages no map() or shm_map() may place a page at: page 0 and its last
 * byte, the trampoline, the last page, our own text, our scratch page (in
 * use) and the top stack page (in use). unmap() refuses the first four; the
 * others are ours and would go. */
static const uint32_t bad_va[] = { 0, USER_BASE - 1, TRAMPOLINE_BASE, 0xFFFFF000u, TEXT, SCRATCH,
                                   USER_STACK_TOP - PAGE_SIZE };
#define NBAD_VA ((unsigned)(sizeof(bad_va) / sizeof(bad_va[0])))

/* map/unmap/shm ranges are not copied through, they are mapped: a bad one
 * is -EINVAL (docs/processes.md). The kernel's link address and the direct
 * map are plain user addresses in a split address space: mapping them works;
 * under aspace=shared they are the kernel's and map() refuses them. */
void map_unmap_hostile_ranges(void)
{
    unsigned f0 = frames_free();
    for (unsigned i = 0; i < NBAD_VA; i++)
        EXPECT_AT(bad_va[i], map(P(bad_va[i]), 1, RW), -EINVAL);
    for (unsigned i = 0; i < 4; i++)                                    /* not TEXT etc.: they would go */
        EXPECT_AT(bad_va[i], unmap(P(bad_va[i]), 1), -EINVAL);
    EXPECT_EQ(map(P(USER_STACK_TOP), 2, RW), -EINVAL);                 /* guard page + trampoline */
    EXPECT_EQ(map(P(SCRATCH_END), 0xFFFFFFFFu, RW), -EINVAL);          /* wraps */
    EXPECT_EQ(map(P(SCRATCH_END), 0x100000, RW), -EINVAL);             /* past USER_TOP */
    EXPECT_EQ(map(P(SCRATCH_END), 0, RW), -EINVAL);
    EXPECT_EQ(map(P(SCRATCH_END), 1, 4), -EINVAL);                     /* unknown prot bit */
    EXPECT_EQ(map(P(SCRATCH_END - PAGE_SIZE), 2, RW), -EINVAL);             /* overlaps SCRATCH */
    EXPECT_EQ(unmap(P(SCRATCH), 2), -EINVAL);                          /* SCRATCH_END not mapped */
    EXPECT_EQ(unmap(P(TEXT), 0xFFFFFFFFu), -EINVAL);
    EXPECT_EQ(unmap(P(KERNEL_VIRT_BASE), 1), -EINVAL);                      /* not mapped */
    static const uint32_t legal[] = { KERNEL_VIRT_BASE, DIRECT_MAP_BASE };
    for (int i = 0; i < 2 && shared_mode; i++) {
        EXPECT_AT(legal[i], map(P(legal[i]), 1, RW), -EINVAL);
        EXPECT_AT(legal[i], unmap(P(legal[i]), 1), -EINVAL);
    }
    for (int i = 0; i < 2 && !shared_mode; i++) {
        EXPECT_AT(legal[i], map(P(legal[i]), 1, RW), 0);
        volatile uint32_t *w = P(legal[i]);
        EXPECT(w[0] == 0 && w[1023] == 0, "map() at %p gave a page that is not zeroed", (void *)w);
        w[0] = 0x12345678;
        EXPECT_AT(legal[i], sysinfo(P(legal[i])), 0);                  /* and the kernel writes there */
        EXPECT_AT(legal[i], unmap(P(legal[i]), 1), 0);
        EXPECT_AT(legal[i], unmap(P(legal[i]), 1), -EINVAL);
    }
    EXPECT_FRAMES(f0);
}

void brk_hostile_values(void)
{
    unsigned f0 = frames_free();
    long b0 = brk(NULL);
    EXPECT_EQ(brk(P(1)), -EINVAL);                                      /* below the heap start */
    EXPECT_EQ(brk(P(TEXT)), -EINVAL);
    EXPECT_EQ(brk(P(0xFFFFFFFFu)), -ENOMEM);
    EXPECT_EQ(brk(P(TRAMPOLINE_BASE)), -ENOMEM);
    EXPECT_EQ(brk(P(USER_STACK_TOP - 8)), -ENOMEM);                     /* over the stack */
    EXPECT_EQ(brk(NULL), b0);
    EXPECT_FRAMES(f0);
}

/* The last user page (the stack guard, which a process may map): a copy
 * ending exactly at USER_TOP works, one byte further is -EFAULT. */
void last_user_page_boundary(void)
{
    unsigned f0 = frames_free();
    EXPECT_EQ(map(P(USER_STACK_TOP), 1, RW), 0);
    EXPECT_EQ(sysinfo(P(TRAMPOLINE_BASE - sizeof(struct sysinfo))), 0);
    EXPECT_EQ(sysinfo(P(TRAMPOLINE_BASE - sizeof(struct sysinfo) + 1)), -EFAULT);
    EXPECT_EQ(ps(P(TRAMPOLINE_BASE - sizeof(struct procinfo)), 1), 1);
    EXPECT_EQ(ps(P(TRAMPOLINE_BASE - sizeof(struct procinfo)), 2), -EFAULT);
    EXPECT_EQ(write(1, P(TRAMPOLINE_BASE - 1), 2), -EFAULT);
    EXPECT_EQ(write(1, P(TRAMPOLINE_BASE), 1), -EFAULT);
    EXPECT_EQ(map(P(TRAMPOLINE_BASE - PAGE_SIZE), 1, RW), -EINVAL);              /* mapped now */
    EXPECT_EQ(unmap(P(USER_STACK_TOP), 1), 0);
    EXPECT_FRAMES(f0);
}

void shm_grant_hostile_ranges(void)
{
    unsigned f0 = frames_free();
    long me = getpid();
    EXPECT_EQ(shm_grant(99999, P(SCRATCH), 1), -ESRCH);
    EXPECT_EQ(shm_grant((int)me, P(SCRATCH), 1), -EINVAL);
    long c = fork_idle_partner();
    if (c <= 0)
        return;
    for (int i = 0; i < NBAD; i++)
        EXPECT_AT(bad_ptrs[i], shm_grant((int)c, P(bad_ptrs[i]), 1), -EINVAL);
    EXPECT_EQ(shm_grant((int)c, P(TEXT), 1), -EINVAL);                 /* not writable */
    EXPECT_EQ(shm_grant((int)c, P(SCRATCH), 2), -EINVAL);              /* second page unmapped */
    EXPECT_EQ(shm_grant((int)c, P(SCRATCH), 0), -EINVAL);
    EXPECT_EQ(shm_grant((int)c, P(SCRATCH), 0xFFFFFFFFu), -EINVAL);
    EXPECT_EQ(shm_grant((int)c, P(USER_STACK_TOP), 1), -EINVAL);       /* the guard page */
    EXPECT_EQ(shm_grant((int)c, P(0xFFFFF000u), 1), -EINVAL);
    release_partner(c);
    EXPECT_FRAMES(f0);
}

void shm_map_hostile_ranges(void)
{
    unsigned f0 = frames_free();
    long me = getpid();
    EXPECT_EQ(shm_map(99999, P(KERNEL_VIRT_BASE)), -ESRCH);
    EXPECT_EQ(shm_map((int)me, P(KERNEL_VIRT_BASE)), -ESRCH);               /* no grant from ourselves */
    long c = fork();
    if (c == 0) {
        int st = 0;
        if (map(P(SHM_VA), 1, RW) != 0)
            st = 1;
        else
            *(volatile uint32_t *)P(SHM_VA) = 0xC0FFEE;
        if (!st && shm_grant((int)getppid(), P(SHM_VA), 1) != 0)
            st = 2;
        char r[4];
        ipc_call((int)getppid(), &st, sizeof(st), r, sizeof(r));        /* wait for the parent */
        exit(st);
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c <= 0)
        return;
    int st = -1, s;
    EXPECT_EQ(ipc_recv((int)c, &st, sizeof(st), &s), 4);
    EXPECT(st == 0, "the child could not grant (%d)", st);
    for (unsigned i = 0; i < NBAD_VA; i++)
        EXPECT_AT(bad_va[i], shm_map((int)c, P(bad_va[i])), -EINVAL);
    /* A failed shm_map leaves the grant; the kernel link address is legal
     * (but the kernel's own under aspace=shared). */
    uint32_t where = shared_mode ? FREE_VA : KERNEL_VIRT_BASE;
    if (shared_mode)
        EXPECT_EQ(shm_map((int)c, P(KERNEL_VIRT_BASE)), -EINVAL);
    EXPECT_EQ(shm_map((int)c, P(where)), 1);
    EXPECT(*(volatile uint32_t *)P(where) == 0xC0FFEE, "shared page reads %x", *(volatile uint32_t *)P(where));
    EXPECT_EQ(shm_map((int)c, P(DIRECT_MAP_BASE)), -ESRCH);                 /* one-shot: used up */
    EXPECT_EQ(unmap(P(where), 1), 0);
    EXPECT_EQ(ipc_reply((int)c, "ok", 2), 0);
    EXPECT_EQ(wait_status(c), 0);
    EXPECT_FRAMES(f0);
}
