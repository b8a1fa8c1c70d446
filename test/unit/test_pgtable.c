/*
 * test_pgtable.c - host tests for page-table walk/map/teardown/audit
 * (src/kernel/mm/pgtable.c) over a simulated physical memory.
 *
 * Physical memory is an 8 MiB page-aligned array; phys_to_virt() returns
 * base + pa and fails the test for anything outside it. The frame pool
 * manages [1 MiB, 8 MiB) minus one reserved frame; the first MiB stands in
 * for kernel-owned memory (kernel image, trampoline frames) that the pool
 * does not manage.
 *
 * frame_free() is interposed with -Wl,--wrap=frame_free so the tests can
 * count how many frees pgtable.c attempts and how many the pool refused
 * (-EINVAL: a free of a frame it does not own, or a double free).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mm/pgtable.h"
#include "mm/frame.h"
#include "memlayout.h"
#include "proc/preempt.h"
#include "uapi/errno.h"

#define MEM_SIZE     (8u << 20)
#define NFRAMES      (MEM_SIZE / PAGE_SIZE)
#define POOL_BASE    0x100000u
#define RESERVED_PA  0x7FF000u          /* inside the pool's range, reserved */
#define KERNEL_START 0x80000u           /* fake kernel image frames (unmanaged) */
#define KERNEL_END   0xA0000u
#define TRAMP_PA     0xC0000u           /* fake trampoline frames (unmanaged) */

static uint8_t mem[MEM_SIZE] __attribute__((aligned(4096)));

void *phys_to_virt(paddr_t pa)
{
    assert_true(pa < MEM_SIZE);
    return mem + pa;
}

/* ---- preemption hooks (preempt.h; the kernel's are in preempt.c) ---------- */

static unsigned preempt_calls, window_calls;
static unsigned kill_at;                 /* 0: never; N: the Nth preempt_point reports a kill */

long preempt_point(void)
{
    preempt_calls++;
    return kill_at && preempt_calls >= kill_at ? -EINTR : 0;
}

void preempt_window(void)
{
    window_calls++;
}

/* ---- frame_free interposition ------------------------------------------- */

int __real_frame_free(struct frame_pool *fp, paddr_t pa);
int __wrap_frame_free(struct frame_pool *fp, paddr_t pa);

static unsigned free_calls, free_refused;

int __wrap_frame_free(struct frame_pool *fp, paddr_t pa)
{
    free_calls++;
    int r = __real_frame_free(fp, pa);
    if (r != 0)
        free_refused++;
    return r;
}

/* ---- fixture ------------------------------------------------------------- */

static uint32_t free_map[FRAME_MAP_WORDS(NFRAMES)];
static uint32_t managed_map[FRAME_MAP_WORDS(NFRAMES)];
static struct frame_pool pool;
static paddr_t pd;
static uint32_t baseline_free;           /* pool.free before the PD was allocated */

static int setup(void **state)
{
    (void)state;
    memset(mem, 0xCC, MEM_SIZE);         /* garbage: nothing may rely on zeroed RAM */
    frame_pool_init(&pool, free_map, managed_map, NFRAMES);
    frame_pool_add_range(&pool, POOL_BASE, MEM_SIZE - POOL_BASE);
    frame_pool_reserve_range(&pool, RESERVED_PA, PAGE_SIZE);
    baseline_free = pool.free;
    if (frame_alloc(&pool, &pd) != 0)
        return -1;
    frame_zero(pd);
    free_calls = free_refused = 0;
    preempt_calls = window_calls = kill_at = 0;
    return 0;
}

static pde_t *pdes(void) { return phys_to_virt(pd); }

static bool all_zero(paddr_t pa)
{
    const uint8_t *p = phys_to_virt(pa);
    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        if (p[i])
            return false;
    return true;
}

static uint32_t count_present_pdes(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < TABLE_ENTRIES; i++)
        n += (pdes()[i] & PTE_P) != 0;
    return n;
}

/* Take every free frame; returns how many. */
static uint32_t drain_pool(paddr_t *out, uint32_t cap)
{
    uint32_t n = 0;
    paddr_t pa;
    while (frame_alloc(&pool, &pa) == 0) {
        assert_true(n < cap);
        out[n++] = pa;
    }
    assert_int_equal(pool.free, 0);
    return n;
}

/* Drain the pool, then give back exactly @keep frames. */
static void leave_free(uint32_t keep)
{
    static paddr_t taken[NFRAMES];
    uint32_t n = drain_pool(taken, NFRAMES);
    assert_true(keep <= n);
    for (uint32_t i = 0; i < keep; i++)
        assert_int_equal(frame_free(&pool, taken[i]), 0);
    assert_int_equal(pool.free, keep);
    free_calls = free_refused = 0;
}

/* ---- pt_lookup / pt_map -------------------------------------------------- */

static void test_pt_lookup_on_empty_pd_is_null(void **state)
{
    (void)state;
    assert_null(pt_lookup(pd, 0));
    assert_null(pt_lookup(pd, 0x1000));
    assert_null(pt_lookup(pd, 0x80000000u));
    assert_null(pt_lookup(pd, TRAMPOLINE_BASE));
}

static void test_pt_map_creates_zeroed_page_table(void **state)
{
    (void)state;
    uint32_t before = pool.free;
    const uint32_t va = 0x00405000;      /* PDE 1, PTE 5 */
    assert_int_equal(pt_map(&pool, pd, va, 0x00123000, PTE_W | PTE_U), 0);
    assert_int_equal(pool.free, before - 1);

    pde_t pde = pdes()[1];
    assert_int_equal(pde & 0xFFF, PTE_P | PTE_W | PTE_U);
    paddr_t pt = PTE_FRAME(pde);
    assert_true(pt >= POOL_BASE && pt < MEM_SIZE);
    assert_false(frame_is_free(&pool, pt));
    assert_int_equal(count_present_pdes(), 1);

    const pte_t *ptes = phys_to_virt(pt);
    for (uint32_t j = 0; j < TABLE_ENTRIES; j++)
        if (j != 5)
            assert_int_equal(ptes[j], 0);
    assert_int_equal(ptes[5], 0x00123000 | PTE_P | PTE_W | PTE_U);

    pte_t *pte = pt_lookup(pd, va);
    assert_ptr_equal(pte, (pte_t *)phys_to_virt(pt) + 5);
    assert_ptr_equal(pt_lookup(pd, va + 0x123), pte);       /* offset ignored */
    assert_ptr_equal(pt_lookup(pd, 0x00400000), (pte_t *)phys_to_virt(pt));
    assert_int_equal(*pt_lookup(pd, 0x00400000), 0);         /* not present, still a PTE */

    /* A second page under the same PDE reuses the table. */
    assert_int_equal(pt_map(&pool, pd, 0x007FF000, 0x00200000, 0), 0);
    assert_int_equal(pool.free, before - 1);
    assert_int_equal(ptes[1023], 0x00200000 | PTE_P);
}

static void test_pt_map_twice_is_eexist(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&pool, pd, 0x2000, 0x00300000, PTE_U), 0);
    uint32_t before = pool.free;
    assert_int_equal(pt_map(&pool, pd, 0x2000, 0x00301000, PTE_U | PTE_W), -EEXIST);
    assert_int_equal(*pt_lookup(pd, 0x2000), 0x00300000 | PTE_P | PTE_U);
    assert_int_equal(pool.free, before);
}

static void test_pt_map_unaligned_is_einval(void **state)
{
    (void)state;
    uint32_t before = pool.free;
    assert_int_equal(pt_map(&pool, pd, 0x2001, 0x00300000, PTE_U), -EINVAL);
    assert_int_equal(pt_map(&pool, pd, 0x2000, 0x00300800, PTE_U), -EINVAL);
    assert_int_equal(pt_map(&pool, pd, 0x2FFF, 0x00300FFF, PTE_U), -EINVAL);
    assert_int_equal(pool.free, before);
    assert_int_equal(count_present_pdes(), 0);
}

static void test_pt_map_without_frame_for_page_table_is_enomem(void **state)
{
    (void)state;
    /* One table exists already. */
    assert_int_equal(pt_map(&pool, pd, 0x1000, 0x00300000, PTE_U), 0);
    leave_free(0);
    assert_int_equal(pt_map(&pool, pd, 0x00C00000, 0x00301000, PTE_U), -ENOMEM);
    assert_int_equal(pdes()[3], 0);
    assert_null(pt_lookup(pd, 0x00C00000));
    /* Under the existing table no frame is needed. */
    assert_int_equal(pt_map(&pool, pd, 0x2000, 0x00302000, PTE_U), 0);
    assert_int_equal(*pt_lookup(pd, 0x2000), 0x00302000 | PTE_P | PTE_U);
}

static void test_pt_map_over_4mib_pde_is_eexist(void **state)
{
    (void)state;
    const pde_t big = 0x00400000 | PDE_PS | PTE_P | PTE_W | PTE_U;
    pdes()[2] = big;
    uint32_t before = pool.free;
    assert_null(pt_lookup(pd, 0x00800000));
    assert_null(pt_lookup(pd, 0x00BFF000));
    assert_int_equal(pt_map(&pool, pd, 0x00801000, 0x00300000, PTE_U), -EEXIST);
    assert_int_equal(pdes()[2], big);
    assert_int_equal(pool.free, before);
}

/* ---- uvm_map_zeroed ------------------------------------------------------ */

static void test_uvm_map_zeroed_backs_pages_with_zeroed_frames(void **state)
{
    (void)state;
    uint32_t before = pool.free;
    const uint32_t va = 0x003FE000;      /* 4 pages: PDE 0 (2) and PDE 1 (2) */
    assert_int_equal(uvm_map_zeroed(&pool, pd, va, 4, PTE_W | PTE_U), 0);
    assert_int_equal(pool.free, before - 4 - 2);
    assert_int_equal(count_present_pdes(), 2);
    paddr_t seen[4];
    for (uint32_t i = 0; i < 4; i++) {
        pte_t *pte = pt_lookup(pd, va + i * PAGE_SIZE);
        assert_non_null(pte);
        assert_int_equal(*pte & 0xFFF, PTE_P | PTE_W | PTE_U);
        paddr_t fr = PTE_FRAME(*pte);
        assert_true(fr >= POOL_BASE && fr != RESERVED_PA);
        assert_false(frame_is_free(&pool, fr));
        assert_true(all_zero(fr));
        for (uint32_t k = 0; k < i; k++)
            assert_int_not_equal(seen[k], fr);
        seen[i] = fr;
    }
    /* Neighbours untouched. */
    assert_int_equal(*pt_lookup(pd, va - PAGE_SIZE), 0);
    assert_int_equal(*pt_lookup(pd, va + 4 * PAGE_SIZE), 0);
    /* Read-only flags are honoured too. */
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x10000, 1, PTE_U), 0);
    assert_int_equal(*pt_lookup(pd, 0x10000) & 0xFFF, PTE_P | PTE_U);
}

static void test_uvm_map_zeroed_enomem_for_a_page_is_all_or_nothing(void **state)
{
    (void)state;
    /* PT (1) + 3 pages fit; the 4th page of 5 does not. */
    leave_free(4);
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x10000, 5, PTE_W | PTE_U), -ENOMEM);
    /* Every frame is back, the page table it created (left empty) too. */
    assert_int_equal(pool.free, 4);
    assert_int_equal(free_refused, 0);
    assert_int_equal(pdes()[0], 0);
    assert_int_equal(count_present_pdes(), 0);
    /* The frames handed back are really free: a request that fits succeeds. */
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x10000, 3, PTE_W | PTE_U), 0);
    assert_int_equal(pool.free, 0);
}

static void test_uvm_map_zeroed_enomem_keeps_a_table_still_in_use(void **state)
{
    (void)state;
    /* A page already mapped under PDE 0: its table must survive the rollback. */
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x5000, 1, PTE_W | PTE_U), 0);
    paddr_t pt = PTE_FRAME(pdes()[0]);
    pte_t before = *pt_lookup(pd, 0x5000);
    leave_free(2);
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x10000, 3, PTE_W | PTE_U), -ENOMEM);
    assert_int_equal(pool.free, 2);
    assert_int_equal(free_refused, 0);
    assert_int_equal(PTE_FRAME(pdes()[0]), pt);
    assert_int_equal(*pt_lookup(pd, 0x5000), before);
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(*pt_lookup(pd, 0x10000 + i * PAGE_SIZE), 0);
}

static void test_uvm_map_zeroed_enomem_for_a_page_table_is_all_or_nothing(void **state)
{
    (void)state;
    /* 0x3FE000, 0x3FF000 under PDE 0, 0x400000 under PDE 1. Frames: PT0 +
     * 3 pages = 4, but PDE 1's table needs a 5th. */
    leave_free(4);
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x003FE000, 3, PTE_W | PTE_U), -ENOMEM);
    assert_int_equal(pool.free, 4);
    assert_int_equal(free_refused, 0);
    assert_int_equal(pdes()[0], 0);
    assert_int_equal(pdes()[1], 0);
}

static void test_uvm_map_zeroed_rejects_ranges_outside_user_space(void **state)
{
    (void)state;
    struct { uint32_t va, npages; } bad[] = {
        { 0x00000000, 1 },               /* page 0 */
        { 0x00000FFF, 1 },               /* below USER_BASE and misaligned */
        { 0x00001001, 1 },               /* misaligned */
        { 0xFFEFF000, 2 },               /* second page is the trampoline */
        { USER_TOP, 1 },                 /* the trampoline itself */
        { 0xFFF01000, 1 },               /* inside the trampoline window */
        { 0xFFFFF000, 1 },               /* last page of the address space */
        { 0x00001000, (USER_TOP - USER_BASE) / PAGE_SIZE + 1 },
        { 0x00001000, 0xFFFFFFFF },
    };
    uint32_t before = pool.free;
    for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
        int r = uvm_map_zeroed(&pool, pd, bad[k].va, bad[k].npages, PTE_W | PTE_U);
        if (r != -EINVAL)
            print_error("va 0x%x npages %u: got %d\n", bad[k].va, bad[k].npages, r);
        assert_int_equal(r, -EINVAL);
        assert_int_equal(pool.free, before);
        assert_int_equal(count_present_pdes(), 0);
    }
    /* The last user page is fine. */
    assert_int_equal(uvm_map_zeroed(&pool, pd, USER_TOP - PAGE_SIZE, 1, PTE_W | PTE_U), 0);
    assert_true(*pt_lookup(pd, USER_TOP - PAGE_SIZE) & PTE_P);
    assert_int_equal(*pt_lookup(pd, USER_TOP), 0);
}

static void test_uvm_map_zeroed_over_existing_page_is_eexist(void **state)
{
    (void)state;
    paddr_t mine;
    assert_int_equal(frame_alloc(&pool, &mine), 0);
    memset(phys_to_virt(mine), 0x5A, PAGE_SIZE);
    assert_int_equal(pt_map(&pool, pd, 0x5000, mine, PTE_U | PTE_W), 0);
    uint32_t before = pool.free;
    free_calls = free_refused = 0;

    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x3000, 4, PTE_W | PTE_U), -EEXIST);
    assert_int_equal(pool.free, before);
    assert_int_equal(free_refused, 0);
    assert_non_null(pt_lookup(pd, 0x5000));             /* table still in use: kept */
    assert_int_equal(*pt_lookup(pd, 0x3000), 0);
    assert_int_equal(*pt_lookup(pd, 0x4000), 0);
    assert_int_equal(*pt_lookup(pd, 0x5000), mine | PTE_P | PTE_U | PTE_W);
    assert_int_equal(*pt_lookup(pd, 0x6000), 0);
    const uint8_t *p = phys_to_virt(mine);
    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        assert_int_equal(p[i], 0x5A);    /* the existing page is not zeroed */
}

static void test_uvm_map_zeroed_eexist_in_next_table_frees_the_new_table(void **state)
{
    (void)state;
    /* 0x3FE000 and 0x3FF000 need a new table under PDE 0; 0x400000 (PDE 1)
     * is mapped already. */
    assert_int_equal(pt_map(&pool, pd, 0x00400000, 0x00300000, PTE_U), 0);
    uint32_t before = pool.free;
    free_calls = free_refused = 0;
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x003FE000, 3, PTE_W | PTE_U), -EEXIST);
    assert_int_equal(pool.free, before);
    assert_int_equal(free_refused, 0);
    assert_int_equal(pdes()[0], 0);
    assert_int_equal(*pt_lookup(pd, 0x00400000), 0x00300000 | PTE_P | PTE_U);
}

/* ---- uvm_unmap_range --------------------------------------------------- */

static void test_uvm_unmap_range_frees_pages_and_empty_tables(void **state)
{
    (void)state;
    uint32_t before = pool.free;
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x003FE000, 4, PTE_W | PTE_U), 0);
    assert_int_equal(pool.free, before - 6);
    free_calls = free_refused = 0;
    /* The first three: PDE 0's table empties, PDE 1's still holds 0x401000. */
    assert_int_equal(uvm_unmap_range(&pool, pd, 0x003FE000, 3), 0);
    assert_int_equal(free_refused, 0);
    assert_int_equal(pool.free, before - 2);
    assert_int_equal(pdes()[0], 0);
    assert_true(pdes()[1] & PTE_P);
    assert_int_equal(*pt_lookup(pd, 0x00400000), 0);
    assert_true(*pt_lookup(pd, 0x00401000) & PTE_P);
    assert_int_equal(uvm_unmap_range(&pool, pd, 0x00401000, 1), 0);
    assert_int_equal(pool.free, before);
    assert_int_equal(count_present_pdes(), 0);
}

static void test_uvm_unmap_range_with_a_hole_changes_nothing(void **state)
{
    (void)state;
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x10000, 2, PTE_W | PTE_U), 0);
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x13000, 1, PTE_W | PTE_U), 0);
    uint32_t before = pool.free;
    free_calls = 0;
    assert_int_equal(uvm_unmap_range(&pool, pd, 0x10000, 4), -EINVAL);   /* 0x12000 absent */
    assert_int_equal(free_calls, 0);
    assert_int_equal(pool.free, before);
    assert_true(*pt_lookup(pd, 0x10000) & PTE_P);
    assert_true(*pt_lookup(pd, 0x13000) & PTE_P);
}

static void test_uvm_unmap_range_refuses_the_trampoline_window(void **state)
{
    (void)state;
    /* A user stack page and trampoline PTEs share PDE 1023's table. */
    assert_int_equal(uvm_map_zeroed(&pool, pd, USER_TOP - PAGE_SIZE, 1, PTE_W | PTE_U), 0);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(pt_map(&pool, pd, TRAMPOLINE_BASE + i * PAGE_SIZE,
                                TRAMP_PA + i * PAGE_SIZE, PTE_W), 0);
    uint32_t before = pool.free;
    struct { uint32_t va, npages; } bad[] = {
        { 0x00000000, 1 },
        { USER_TOP - PAGE_SIZE, 2 },
        { TRAMPOLINE_BASE, 1 },
        { TRAMPOLINE_BASE + PAGE_SIZE, 1 },
        { TRAMPOLINE_BASE + PAGE_SIZE, 3 },
        { 0xFFFFF000u, 1 },
        { USER_TOP - PAGE_SIZE, 0 },
        { USER_TOP - PAGE_SIZE + 1, 1 },
    };
    free_calls = 0;
    for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
        int r = uvm_unmap_range(&pool, pd, bad[k].va, bad[k].npages);
        if (r != -EINVAL)
            print_error("va 0x%x npages %u: got %d\n", bad[k].va, bad[k].npages, r);
        assert_int_equal(r, -EINVAL);
    }
    assert_int_equal(free_calls, 0);
    assert_int_equal(pool.free, before);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(*pt_lookup(pd, TRAMPOLINE_BASE + i * PAGE_SIZE),
                         (TRAMP_PA + i * PAGE_SIZE) | PTE_P | PTE_W);
    /* The last user page itself can go; the shared table stays. */
    assert_int_equal(uvm_unmap_range(&pool, pd, USER_TOP - PAGE_SIZE, 1), 0);
    assert_int_equal(pool.free, before + 1);
    assert_true(pdes()[1023] & PTE_P);
}

/* ---- uvm_destroy --------------------------------------------------------- */

static void test_uvm_destroy_returns_every_frame(void **state)
{
    (void)state;
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x1000, 3, PTE_W | PTE_U), 0);
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x00400000, 1, PTE_U), 0);
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x80000000u, 2, PTE_W | PTE_U), 0);
    assert_int_equal(uvm_map_zeroed(&pool, pd, USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE,
                                    USER_STACK_PAGES, PTE_W | PTE_U), 0);
    /* 3 + 1 + 2 + 16 pages, page tables for PDEs 0, 1, 512, 1023, the PD. */
    const uint32_t frames = 3 + 1 + 2 + USER_STACK_PAGES + 4 + 1;
    assert_int_equal(pool.free, baseline_free - frames);

    free_calls = free_refused = 0;
    uvm_destroy(&pool, pd);
    assert_int_equal(free_refused, 0);
    assert_int_equal(free_calls, frames);
    assert_int_equal(pool.free, baseline_free);
}

static void test_uvm_destroy_leaves_trampoline_frames_alone(void **state)
{
    (void)state;
    /* Trampoline PTEs (U=0) sharing PDE 1023's table with the user stack:
     * an unmanaged frame, a reserved frame, and a pool frame the kernel
     * allocated and still owns. */
    paddr_t kframe;
    assert_int_equal(frame_alloc(&pool, &kframe), 0);
    assert_int_equal(uvm_map_zeroed(&pool, pd, USER_STACK_TOP - PAGE_SIZE, 1, PTE_W | PTE_U), 0);
    assert_int_equal(pt_map(&pool, pd, TRAMPOLINE_BASE, TRAMP_PA, PTE_W), 0);
    assert_int_equal(pt_map(&pool, pd, TRAMPOLINE_BASE + 0x1000, RESERVED_PA, 0), 0);
    assert_int_equal(pt_map(&pool, pd, TRAMPOLINE_BASE + 0x2000, kframe, PTE_W | PTE_G), 0);
    assert_int_equal(pt_map(&pool, pd, 0xFFFFF000u, TRAMP_PA + 0x1000, 0), 0);
    /* stack page + its table + PD + kframe */
    assert_int_equal(pool.free, baseline_free - 4);

    free_calls = free_refused = 0;
    uvm_destroy(&pool, pd);
    assert_int_equal(free_refused, 0);
    assert_int_equal(free_calls, 3);     /* stack page, table, PD */
    assert_int_equal(pool.free, baseline_free - 1);
    assert_false(frame_is_free(&pool, kframe));
    assert_int_equal(frame_free(&pool, kframe), 0);
    assert_int_equal(pool.free, baseline_free);
}

static void test_uvm_destroy_skips_4mib_pde(void **state)
{
    (void)state;
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x1000, 1, PTE_W | PTE_U), 0);
    pdes()[4] = 0x00000000 | PDE_PS | PTE_P | PTE_U | PTE_W;    /* unmanaged frame 0 */
    free_calls = free_refused = 0;
    uvm_destroy(&pool, pd);
    assert_int_equal(free_refused, 0);
    assert_int_equal(free_calls, 3);
    assert_int_equal(pool.free, baseline_free);
}

static void test_uvm_destroy_of_empty_pd_frees_only_the_pd(void **state)
{
    (void)state;
    uvm_destroy(&pool, pd);
    assert_int_equal(free_calls, 1);
    assert_int_equal(free_refused, 0);
    assert_int_equal(pool.free, baseline_free);
}

/* ---- uvm_audit ----------------------------------------------------------- */

#define TRAMP_N 3
static const pte_t tramp_ptes[TRAMP_N] = {
    TRAMP_PA | PTE_P | PTE_W,
    (TRAMP_PA + 0x1000) | PTE_P,
    (TRAMP_PA + 0x2000) | PTE_P | PTE_W | PTE_G,
};
static const struct uvm_audit_rules rules = {
    .tramp_ptes = tramp_ptes,
    .tramp_npages = TRAMP_N,
    .kernel_start = KERNEL_START,
    .kernel_end = KERNEL_END,
};

struct report { uint32_t va, entry; const char *what; };
struct recorder { uint32_t n; struct report r[64]; };

static void record(void *ctx, uint32_t va, uint32_t entry, const char *what)
{
    struct recorder *rec = ctx;
    assert_true(rec->n < ARRAY_SIZE(rec->r));
    assert_non_null(what);
    assert_true(strlen(what) > 0);
    rec->r[rec->n++] = (struct report){ va, entry, what };
}

/* A PD that passes: user code/data/stack, a user page on each side of the
 * kernel image's frames, the trampoline PTEs exactly. */
static void build_clean_pd(void)
{
    assert_int_equal(uvm_map_zeroed(&pool, pd, USER_BASE, 2, PTE_W | PTE_U), 0);
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x40000000, 1, PTE_U), 0);
    assert_int_equal(uvm_map_zeroed(&pool, pd, USER_STACK_TOP - 2 * PAGE_SIZE, 2,
                                    PTE_W | PTE_U), 0);
    assert_int_equal(pt_map(&pool, pd, 0x00800000, KERNEL_START - PAGE_SIZE, PTE_U), 0);
    assert_int_equal(pt_map(&pool, pd, 0x00801000, KERNEL_END, PTE_U), 0);
    assert_int_equal(pt_map(&pool, pd, USER_TOP - PAGE_SIZE, 0x00300000, PTE_U), 0);
    for (uint32_t i = 0; i < TRAMP_N; i++)
        assert_int_equal(pt_map(&pool, pd, TRAMPOLINE_BASE + i * PAGE_SIZE,
                                PTE_FRAME(tramp_ptes[i]), tramp_ptes[i] & 0xFFF), 0);
}

static pte_t *pte_at(uint32_t va)
{
    pte_t *p = pt_lookup(pd, va);
    assert_non_null(p);
    return p;
}

/* Exactly one violation, at @va, with the entry as it is in the tables. */
static void expect_one_violation(uint32_t va, uint32_t entry)
{
    struct recorder rec = { 0 };
    assert_int_equal(uvm_audit(pd, &rules, record, &rec), 1);
    assert_int_equal(rec.n, 1);
    assert_int_equal(rec.r[0].va, va);
    assert_int_equal(rec.r[0].entry, entry);
    /* Counting does not depend on the callback. */
    assert_int_equal(uvm_audit(pd, &rules, NULL, NULL), 1);
}

static void test_audit_clean_pd_is_zero(void **state)
{
    (void)state;
    build_clean_pd();
    struct recorder rec = { 0 };
    assert_int_equal(uvm_audit(pd, &rules, record, &rec), 0);
    assert_int_equal(rec.n, 0);
    assert_int_equal(uvm_audit(pd, &rules, NULL, NULL), 0);
}

static void test_audit_empty_pd_is_zero(void **state)
{
    (void)state;
    struct recorder rec = { 0 };
    assert_int_equal(uvm_audit(pd, &rules, record, &rec), 0);
    assert_int_equal(rec.n, 0);
}

static void test_audit_ignores_accessed_dirty_on_trampoline(void **state)
{
    (void)state;
    build_clean_pd();
    *pte_at(TRAMPOLINE_BASE) |= PTE_A | PTE_D;
    *pte_at(TRAMPOLINE_BASE + 0x1000) |= PTE_A;
    struct recorder rec = { 0 };
    assert_int_equal(uvm_audit(pd, &rules, record, &rec), 0);
    assert_int_equal(rec.n, 0);
}

static void test_audit_page_zero_mapped(void **state)
{
    (void)state;
    build_clean_pd();
    assert_int_equal(pt_map(&pool, pd, 0, 0x00300000, PTE_U | PTE_W), 0);
    expect_one_violation(0, 0x00300000 | PTE_P | PTE_U | PTE_W);
}

static void test_audit_supervisor_page_in_user_range(void **state)
{
    (void)state;
    build_clean_pd();
    assert_int_equal(pt_map(&pool, pd, 0x00005000, 0x00300000, PTE_W), 0);
    expect_one_violation(0x00005000, 0x00300000 | PTE_P | PTE_W);
}

static void test_audit_supervisor_kernel_frame_counted_once(void **state)
{
    (void)state;
    build_clean_pd();
    /* Both "supervisor" and "kernel frame": still one violation. */
    assert_int_equal(pt_map(&pool, pd, 0x00006000, KERNEL_START, PTE_W), 0);
    expect_one_violation(0x00006000, KERNEL_START | PTE_P | PTE_W);
}

static void test_audit_kernel_image_frame_at_user_va(void **state)
{
    (void)state;
    build_clean_pd();
    assert_int_equal(pt_map(&pool, pd, 0x00007000, KERNEL_START, PTE_U), 0);
    expect_one_violation(0x00007000, KERNEL_START | PTE_P | PTE_U);
}

static void test_audit_last_kernel_image_frame_at_user_va(void **state)
{
    (void)state;
    build_clean_pd();
    assert_int_equal(pt_map(&pool, pd, 0x7FFFF000, KERNEL_END - PAGE_SIZE, PTE_U | PTE_W), 0);
    expect_one_violation(0x7FFFF000, (KERNEL_END - PAGE_SIZE) | PTE_P | PTE_U | PTE_W);
}

static void test_audit_4mib_pde(void **state)
{
    (void)state;
    build_clean_pd();
    const pde_t big = 0x00400000 | PDE_PS | PTE_P | PTE_U | PTE_W;
    pdes()[3] = big;
    expect_one_violation(0x00C00000, big);
}

static void test_audit_4mib_pde_over_trampoline(void **state)
{
    (void)state;
    const pde_t big = 0x00400000 | PDE_PS | PTE_P;   /* supervisor, still wrong */
    pdes()[1023] = big;
    expect_one_violation(0xFFC00000u, big);
}

static void test_audit_trampoline_pte_with_wrong_frame(void **state)
{
    (void)state;
    build_clean_pd();
    pte_t *p = pte_at(TRAMPOLINE_BASE + 0x1000);
    *p = (TRAMP_PA + 0x5000) | PTE_P;
    expect_one_violation(TRAMPOLINE_BASE + 0x1000, (TRAMP_PA + 0x5000) | PTE_P);
}

static void test_audit_trampoline_pte_with_wrong_flags(void **state)
{
    (void)state;
    build_clean_pd();
    pte_t *p = pte_at(TRAMPOLINE_BASE + 0x1000);
    *p |= PTE_W;                         /* kernel's copy is read-only */
    expect_one_violation(TRAMPOLINE_BASE + 0x1000, (TRAMP_PA + 0x1000) | PTE_P | PTE_W);
    *p = tramp_ptes[1];
    *pte_at(TRAMPOLINE_BASE + 0x2000) &= ~PTE_G;
    expect_one_violation(TRAMPOLINE_BASE + 0x2000, (TRAMP_PA + 0x2000) | PTE_P | PTE_W);
}

static void test_audit_trampoline_pte_made_user_accessible(void **state)
{
    (void)state;
    build_clean_pd();
    *pte_at(TRAMPOLINE_BASE) |= PTE_U;
    expect_one_violation(TRAMPOLINE_BASE, TRAMP_PA | PTE_P | PTE_W | PTE_U);
}

static void test_audit_user_accessible_trampoline_even_if_rules_say_so(void **state)
{
    (void)state;
    /* The kernel's own table is wrong (U=1) and the PD copies it exactly:
     * still a violation, counted once. */
    static const pte_t bad_tramp[1] = { TRAMP_PA | PTE_P | PTE_U };
    const struct uvm_audit_rules r = {
        .tramp_ptes = bad_tramp, .tramp_npages = 1,
        .kernel_start = KERNEL_START, .kernel_end = KERNEL_END,
    };
    assert_int_equal(pt_map(&pool, pd, TRAMPOLINE_BASE, TRAMP_PA, PTE_U), 0);
    struct recorder rec = { 0 };
    assert_int_equal(uvm_audit(pd, &r, record, &rec), 1);
    assert_int_equal(rec.n, 1);
    assert_int_equal(rec.r[0].va, TRAMPOLINE_BASE);
    assert_int_equal(rec.r[0].entry, TRAMP_PA | PTE_P | PTE_U);
}

static void test_audit_extra_page_in_trampoline_window(void **state)
{
    (void)state;
    build_clean_pd();
    const uint32_t va = TRAMPOLINE_BASE + TRAMP_N * PAGE_SIZE;
    assert_int_equal(pt_map(&pool, pd, va, TRAMP_PA + TRAMP_N * PAGE_SIZE, 0), 0);
    expect_one_violation(va, (TRAMP_PA + TRAMP_N * PAGE_SIZE) | PTE_P);
}

static void test_audit_extra_page_at_top_of_address_space(void **state)
{
    (void)state;
    build_clean_pd();
    assert_int_equal(pt_map(&pool, pd, 0xFFFFF000u, 0x00300000, PTE_W), 0);
    expect_one_violation(0xFFFFF000u, 0x00300000 | PTE_P | PTE_W);
}

static void test_audit_counts_every_violation_once(void **state)
{
    (void)state;
    build_clean_pd();
    assert_int_equal(pt_map(&pool, pd, 0, 0x00300000, PTE_U), 0);                 /* page 0 */
    assert_int_equal(pt_map(&pool, pd, 0x9000, 0x00301000, 0), 0);                /* supervisor */
    assert_int_equal(pt_map(&pool, pd, 0xA000, KERNEL_START + 0x1000, PTE_U), 0);  /* kernel */
    pdes()[5] = 0x00400000 | PDE_PS | PTE_P | PTE_U;                              /* 4 MiB */
    *pte_at(TRAMPOLINE_BASE + 0x1000) |= PTE_U;                                   /* tramp U */
    assert_int_equal(pt_map(&pool, pd, TRAMPOLINE_BASE + 0x10000, TRAMP_PA, 0), 0); /* extra */
    const uint32_t want[] = { 0, 0x9000, 0xA000, 0x01400000, TRAMPOLINE_BASE + 0x1000,
                              TRAMPOLINE_BASE + 0x10000 };
    struct recorder rec = { 0 };
    assert_int_equal(uvm_audit(pd, &rules, record, &rec), ARRAY_SIZE(want));
    assert_int_equal(rec.n, ARRAY_SIZE(want));
    for (size_t k = 0; k < ARRAY_SIZE(want); k++) {
        uint32_t hits = 0;
        for (uint32_t i = 0; i < rec.n; i++)
            hits += rec.r[i].va == want[k];
        if (hits != 1)
            print_error("va 0x%x reported %u times\n", want[k], hits);
        assert_int_equal(hits, 1);
    }
}

/* ---- fixtures for refcounting, uvm_clone and friends ---------------------- */

static uint8_t refs[NFRAMES];

/* As setup(), and the pool counts references (as the kernel's does). */
static int setup_refs(void **state)
{
    if (setup(state) != 0)
        return -1;
    memset(refs, 0xAB, sizeof(refs));
    frame_pool_enable_refs(&pool, refs);
    if (frame_refcount(&pool, pd) != 1)
        return -1;
    return 0;
}

/* A fresh, empty PD from the pool. */
static paddr_t new_pd(void)
{
    paddr_t p;
    assert_int_equal(frame_alloc(&pool, &p), 0);
    frame_zero(p);
    return p;
}

#define TRAMP_PAGES 4

/* Give @p a trampoline table as paging_new_user_pd() does in the kernel: one pool
 * frame for PDE 1023, entries from TRAMPOLINE_BASE pointing at the
 * (unmanaged) frames from @tramp_pa, U=0. */
static void add_trampoline(paddr_t p, paddr_t tramp_pa)
{
    paddr_t pt;
    assert_int_equal(frame_alloc(&pool, &pt), 0);
    frame_zero(pt);
    pte_t *ptes = phys_to_virt(pt);
    for (uint32_t i = 0; i < TRAMP_PAGES; i++)
        ptes[PTX(TRAMPOLINE_BASE) + i] = (tramp_pa + i * PAGE_SIZE) | PTE_P | (i == 0 ? PTE_W : 0);
    ((pde_t *)phys_to_virt(p))[PDX(TRAMPOLINE_BASE)] = pt | PTE_P | PTE_W | PTE_U;
}

/* paging_new_user_pd() for the tests: PD + trampoline table, 2 frames. */
static paddr_t new_user_pd(paddr_t tramp_pa)
{
    paddr_t p = new_pd();
    add_trampoline(p, tramp_pa);
    return p;
}

/* Deterministic contents, different for every (frame, salt). */
static void fill(paddr_t pa, uint32_t salt)
{
    uint8_t *p = phys_to_virt(pa);
    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        p[i] = (uint8_t)(salt * 31 + i * 7 + (i >> 8) + 1);
}

/* Map one page of fresh, filled memory at @va in @p. */
static paddr_t map_filled(paddr_t p, uint32_t va, uint32_t flags, uint32_t salt)
{
    paddr_t fr;
    assert_int_equal(frame_alloc(&pool, &fr), 0);
    fill(fr, salt);
    assert_int_equal(pt_map(&pool, p, va, fr, flags), 0);
    return fr;
}

static pte_t pte_of(paddr_t p, uint32_t va)
{
    pte_t *e = pt_lookup(p, va);
    return e ? *e : 0;
}

/* Drain the pool but @keep frames; the rest go to @taken (*n of them). */
static void drain_but(uint32_t keep, paddr_t *taken, uint32_t *n)
{
    *n = 0;
    while (pool.free > keep) {
        assert_int_equal(frame_alloc(&pool, &taken[*n]), 0);
        (*n)++;
    }
    assert_int_equal(pool.free, keep);
}

static void undrain(const paddr_t *taken, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(__real_frame_free(&pool, taken[i]), 0);
}

/* ---- shm refcounting: one frame in two address spaces --------------------- */

#define SHM_VA_A 0x10000000u
#define SHM_VA_B 0x20003000u

/* Two address spaces (pd = A, and B) each with a private page, plus one
 * frame mapped PTE_SHARED in both: the second mapping takes a reference. */
static paddr_t shm_two_spaces(paddr_t *b_out)
{
    paddr_t b = new_pd();
    map_filled(pd, 0x1000, PTE_U | PTE_W, 1);
    map_filled(b, 0x1000, PTE_U | PTE_W, 2);
    paddr_t shm = map_filled(pd, SHM_VA_A, PTE_U | PTE_W | PTE_SHARED, 3);
    assert_int_equal(frame_refcount(&pool, shm), 1);
    assert_int_equal(frame_ref(&pool, shm), 0);
    assert_int_equal(pt_map(&pool, b, SHM_VA_B, shm, PTE_U | PTE_W | PTE_SHARED), 0);
    assert_int_equal(frame_refcount(&pool, shm), 2);
    /* A write through one mapping is seen through the other. */
    uint8_t *via_a = phys_to_virt(PTE_FRAME(pte_of(pd, SHM_VA_A)));
    uint8_t *via_b = phys_to_virt(PTE_FRAME(pte_of(b, SHM_VA_B)));
    via_a[0x123] = 0x5A;
    assert_int_equal(via_b[0x123], 0x5A);
    *b_out = b;
    return shm;
}

static void test_shm_refcounting_destroy_first_keeps_frame_second_frees_it(void **state)
{
    (void)state;
    paddr_t b;
    paddr_t shm = shm_two_spaces(&b);
    /* A: PD, 2 tables, private page; B: PD, 2 tables, private page; shm. */
    assert_int_equal(pool.free, baseline_free - 9);

    free_calls = free_refused = 0;
    uvm_destroy(&pool, pd);
    assert_int_equal(free_refused, 0);
    assert_int_equal(free_calls, 5);                     /* PD, 2 tables, 2 pages */
    assert_int_equal(pool.free, baseline_free - 5);      /* 4 freed, shm not */
    assert_false(frame_is_free(&pool, shm));
    assert_int_equal(frame_refcount(&pool, shm), 1);
    /* B's mapping and the contents are intact. */
    assert_int_equal(pte_of(b, SHM_VA_B), shm | PTE_P | PTE_U | PTE_W | PTE_SHARED);
    assert_int_equal(((uint8_t *)phys_to_virt(shm))[0x123], 0x5A);

    free_calls = free_refused = 0;
    uvm_destroy(&pool, b);
    assert_int_equal(free_refused, 0);
    assert_int_equal(free_calls, 5);
    assert_true(frame_is_free(&pool, shm));
    assert_int_equal(frame_refcount(&pool, shm), 0);
    assert_int_equal(pool.free, baseline_free);
}

static void test_shm_refcounting_destroy_in_the_other_order(void **state)
{
    (void)state;
    paddr_t b;
    paddr_t shm = shm_two_spaces(&b);
    uvm_destroy(&pool, b);
    assert_int_equal(free_refused, 0);
    assert_false(frame_is_free(&pool, shm));
    assert_int_equal(frame_refcount(&pool, shm), 1);
    assert_int_equal(pte_of(pd, SHM_VA_A), shm | PTE_P | PTE_U | PTE_W | PTE_SHARED);
    uvm_destroy(&pool, pd);
    assert_int_equal(free_refused, 0);
    assert_true(frame_is_free(&pool, shm));
    assert_int_equal(pool.free, baseline_free);
}

static void test_shm_refcounting_unmap_drops_one_reference(void **state)
{
    (void)state;
    paddr_t b;
    paddr_t shm = shm_two_spaces(&b);
    const uint32_t before = pool.free;
    /* B unmaps its view: its now-empty table goes, the frame stays. */
    assert_int_equal(uvm_unmap_range(&pool, b, SHM_VA_B, 1), 0);
    assert_int_equal(free_refused, 0);
    assert_int_equal(pool.free, before + 1);             /* B's table only */
    assert_int_equal(frame_refcount(&pool, shm), 1);
    assert_true(uvm_range_unmapped(b, SHM_VA_B, 1));
    /* B maps it again (a second shm_map), then both go away. */
    assert_int_equal(frame_ref(&pool, shm), 0);
    assert_int_equal(pt_map(&pool, b, SHM_VA_B, shm, PTE_U | PTE_W | PTE_SHARED), 0);
    assert_int_equal(frame_refcount(&pool, shm), 2);
    uvm_destroy(&pool, pd);
    uvm_destroy(&pool, b);
    assert_int_equal(free_refused, 0);
    assert_true(frame_is_free(&pool, shm));
    assert_int_equal(pool.free, baseline_free);
}

static void test_shm_refcounting_survives_fork(void **state)
{
    (void)state;
    paddr_t b;
    paddr_t shm = shm_two_spaces(&b);
    add_trampoline(pd, TRAMP_PA);
    paddr_t child = new_user_pd(TRAMP_PA);
    assert_int_equal(uvm_clone(&pool, pd, child), 0);
    assert_int_equal(frame_refcount(&pool, shm), 3);
    assert_int_equal(PTE_FRAME(pte_of(child, SHM_VA_A)), shm);
    /* Any order: the frame goes with the last of the three. */
    uvm_destroy(&pool, pd);
    assert_int_equal(frame_refcount(&pool, shm), 2);
    uvm_destroy(&pool, child);
    assert_int_equal(frame_refcount(&pool, shm), 1);
    assert_false(frame_is_free(&pool, shm));
    uvm_destroy(&pool, b);
    assert_int_equal(free_refused, 0);
    assert_true(frame_is_free(&pool, shm));
    assert_int_equal(pool.free, baseline_free);
}

/* ---- uvm_clone -------------------------------------------------------------- */

struct src_page { uint32_t va, flags; };

/* User pages across four PDEs, read-only and writable, including the stack
 * and the last user page (both in the trampoline's table). */
static const struct src_page clone_pages[] = {
    { USER_BASE,                        PTE_U | PTE_W },
    { USER_BASE + PAGE_SIZE,            PTE_U },
    { 0x003FF000,                       PTE_U | PTE_W },
    { 0x00400000,                       PTE_U },
    { 0x80000000u,                      PTE_U | PTE_W },
    { USER_STACK_TOP - 2 * PAGE_SIZE,   PTE_U | PTE_W },
    { USER_STACK_TOP - PAGE_SIZE,       PTE_U | PTE_W },
    { USER_TOP - PAGE_SIZE,             PTE_U },
};
#define CLONE_NEW_TABLES 3                  /* PDEs 0, 1, 512; 1023 comes with the dst PD */

static void build_clone_src(void)
{
    add_trampoline(pd, TRAMP_PA);
    for (size_t k = 0; k < ARRAY_SIZE(clone_pages); k++)
        map_filled(pd, clone_pages[k].va, clone_pages[k].flags, 100 + (uint32_t)k);
}

static void test_uvm_clone_copies_every_user_page(void **state)
{
    (void)state;
    build_clone_src();
    /* Remember the source as it is. */
    pte_t src_pte[ARRAY_SIZE(clone_pages)];
    static uint8_t src_data[ARRAY_SIZE(clone_pages)][PAGE_SIZE];
    for (size_t k = 0; k < ARRAY_SIZE(clone_pages); k++) {
        src_pte[k] = pte_of(pd, clone_pages[k].va);
        memcpy(src_data[k], phys_to_virt(PTE_FRAME(src_pte[k])), PAGE_SIZE);
    }
    const uint32_t src_count = uvm_count_pages(pd);
    assert_int_equal(src_count, ARRAY_SIZE(clone_pages));

    paddr_t dst = new_user_pd(TRAMP_PA);
    const uint32_t before = pool.free;
    free_calls = free_refused = 0;
    assert_int_equal(uvm_clone(&pool, pd, dst), 0);
    assert_int_equal(free_calls, 0);
    assert_int_equal(pool.free, before - ARRAY_SIZE(clone_pages) - CLONE_NEW_TABLES);
    assert_int_equal(uvm_count_pages(dst), src_count);

    paddr_t seen[ARRAY_SIZE(clone_pages)];
    for (size_t k = 0; k < ARRAY_SIZE(clone_pages); k++) {
        const uint32_t va = clone_pages[k].va;
        pte_t d = pte_of(dst, va);
        paddr_t fr = PTE_FRAME(d);
        if ((d & 0xFFF) != (clone_pages[k].flags | PTE_P))
            print_error("va 0x%x: dst PTE 0x%x, src PTE 0x%x\n", va, d, src_pte[k]);
        assert_int_equal(d & 0xFFF, clone_pages[k].flags | PTE_P);  /* same W/U, not shared */
        assert_int_not_equal(fr, PTE_FRAME(src_pte[k]));             /* a fresh frame */
        assert_true(fr >= POOL_BASE && fr < MEM_SIZE && fr != RESERVED_PA);
        assert_false(frame_is_free(&pool, fr));
        for (size_t i = 0; i < k; i++)
            assert_int_not_equal(seen[i], fr);
        for (size_t i = 0; i < ARRAY_SIZE(clone_pages); i++)
            assert_int_not_equal(PTE_FRAME(src_pte[i]), fr);
        seen[k] = fr;
        assert_memory_equal(phys_to_virt(fr), src_data[k], PAGE_SIZE);
        /* The source is unchanged. */
        assert_int_equal(pte_of(pd, va), src_pte[k]);
        assert_memory_equal(phys_to_virt(PTE_FRAME(src_pte[k])), src_data[k], PAGE_SIZE);
    }
    /* No page appears in dst that the source does not have. */
    assert_int_equal(pte_of(dst, USER_BASE + 2 * PAGE_SIZE), 0);
    assert_int_equal(pte_of(dst, 0x00401000), 0);
    assert_int_equal(pte_of(dst, USER_STACK_TOP - 3 * PAGE_SIZE), 0);

    /* Copies, not aliases: writing the child leaves the parent alone. */
    memset(phys_to_virt(seen[0]), 0x77, PAGE_SIZE);
    assert_memory_equal(phys_to_virt(PTE_FRAME(src_pte[0])), src_data[0], PAGE_SIZE);

    free_calls = free_refused = 0;
    uvm_destroy(&pool, dst);
    assert_int_equal(free_refused, 0);
    assert_int_equal(pool.free, before + 2);                      /* + dst PD and its table */
    uvm_destroy(&pool, pd);
    assert_int_equal(free_refused, 0);
    assert_int_equal(pool.free, baseline_free);
}

static void test_uvm_clone_of_empty_space_copies_nothing(void **state)
{
    (void)state;
    add_trampoline(pd, TRAMP_PA);
    paddr_t dst = new_user_pd(TRAMP_PA);
    const uint32_t before = pool.free;
    assert_int_equal(uvm_clone(&pool, pd, dst), 0);
    assert_int_equal(pool.free, before);
    assert_int_equal(uvm_count_pages(dst), 0);
    uvm_destroy(&pool, dst);
    uvm_destroy(&pool, pd);
    assert_int_equal(free_refused, 0);
    assert_int_equal(pool.free, baseline_free);
}

static void test_uvm_clone_shares_pte_shared_pages(void **state)
{
    (void)state;
    add_trampoline(pd, TRAMP_PA);
    paddr_t priv = map_filled(pd, 0x1000, PTE_U | PTE_W, 7);
    paddr_t shm = map_filled(pd, 0x00800000, PTE_U | PTE_W | PTE_SHARED, 8);
    paddr_t shm_ro = map_filled(pd, 0x00801000, PTE_U | PTE_SHARED, 9);
    paddr_t dst = new_user_pd(TRAMP_PA);
    const uint32_t before = pool.free;

    assert_int_equal(uvm_clone(&pool, pd, dst), 0);
    /* One private copy and one table for PDE 0, one table for PDE 2. */
    assert_int_equal(pool.free, before - 3);
    assert_int_equal(pte_of(dst, 0x00800000), shm | PTE_P | PTE_U | PTE_W | PTE_SHARED);
    assert_int_equal(pte_of(dst, 0x00801000), shm_ro | PTE_P | PTE_U | PTE_SHARED);
    assert_int_equal(frame_refcount(&pool, shm), 2);
    assert_int_equal(frame_refcount(&pool, shm_ro), 2);
    paddr_t priv_copy = PTE_FRAME(pte_of(dst, 0x1000));
    assert_int_not_equal(priv_copy, priv);
    assert_int_equal(frame_refcount(&pool, priv), 1);
    assert_int_equal(frame_refcount(&pool, priv_copy), 1);
    /* The shared page is one page: the child's writes show in the parent. */
    ((uint8_t *)phys_to_virt(PTE_FRAME(pte_of(dst, 0x00800000))))[9] = 0xE1;
    assert_int_equal(((uint8_t *)phys_to_virt(shm))[9], 0xE1);

    /* The child goes: the shared frames stay with the parent. */
    uvm_destroy(&pool, dst);
    assert_int_equal(free_refused, 0);
    assert_int_equal(pool.free, before + 2);
    assert_int_equal(frame_refcount(&pool, shm), 1);
    assert_int_equal(frame_refcount(&pool, shm_ro), 1);
    assert_false(frame_is_free(&pool, shm));
    uvm_destroy(&pool, pd);
    assert_int_equal(free_refused, 0);
    assert_true(frame_is_free(&pool, shm));
    assert_true(frame_is_free(&pool, shm_ro));
    assert_int_equal(pool.free, baseline_free);
}

static void test_uvm_clone_does_not_copy_trampoline_ptes(void **state)
{
    (void)state;
    /* Source: its own trampoline PTEs (U=0), plus entries further up the
     * window, even a U=1 one at the very top; and one stack page sharing
     * the table. */
    add_trampoline(pd, TRAMP_PA);
    assert_int_equal(pt_map(&pool, pd, TRAMPOLINE_BASE + 0x10000, TRAMP_PA + 0x10000, PTE_W), 0);
    paddr_t top = map_filled(pd, 0xFFFFF000u, PTE_U | PTE_W, 5);
    map_filled(pd, USER_STACK_TOP - PAGE_SIZE, PTE_U | PTE_W, 6);

    /* Destination: a different set of trampoline PTEs, as the kernel's
     * paging_new_user_pd() would have put there. */
    const paddr_t dst_tramp = 0x000D0000u;
    paddr_t dst = new_user_pd(dst_tramp);
    paddr_t dst_pt = PTE_FRAME(((pde_t *)phys_to_virt(dst))[PDX(TRAMPOLINE_BASE)]);
    pte_t want[TABLE_ENTRIES];
    memcpy(want, phys_to_virt(dst_pt), sizeof(want));
    const uint32_t before = pool.free;

    assert_int_equal(uvm_clone(&pool, pd, dst), 0);
    assert_int_equal(pool.free, before - 1);             /* the stack page only */
    const pte_t *got = phys_to_virt(dst_pt);
    for (uint32_t j = 0; j < TABLE_ENTRIES; j++) {
        uint32_t va = 0xFFC00000u | j << 12;
        if (va == USER_STACK_TOP - PAGE_SIZE)
            continue;
        if (got[j] != want[j])
            print_error("va 0x%x: 0x%x, expected 0x%x\n", va, got[j], want[j]);
        assert_int_equal(got[j], want[j]);
    }
    assert_int_equal(got[PTX(USER_STACK_TOP - PAGE_SIZE)] & 0xFFF, PTE_P | PTE_U | PTE_W);
    assert_int_equal(uvm_count_pages(dst), 1);
    assert_int_equal(uvm_count_pages(pd), 1);            /* the top page is not a user page */
    assert_false(frame_is_free(&pool, top));

    /* Into a bare PD (no trampoline table), with no user page left in the
     * source: nothing at all appears. */
    assert_int_equal(uvm_unmap_range(&pool, pd, USER_STACK_TOP - PAGE_SIZE, 1), 0);
    paddr_t bare = new_pd();
    const uint32_t before_bare = pool.free;
    assert_int_equal(uvm_clone(&pool, pd, bare), 0);
    assert_int_equal(pool.free, before_bare);
    assert_true(all_zero(bare));

    uvm_destroy(&pool, bare);
    uvm_destroy(&pool, dst);
    uvm_destroy(&pool, pd);
    assert_int_equal(free_refused, 0);
    /* The U=1 page above TRAMPOLINE_BASE is not the address space's to free. */
    assert_false(frame_is_free(&pool, top));
    assert_int_equal(__real_frame_free(&pool, top), 0);
    assert_int_equal(pool.free, baseline_free);
}

static void test_uvm_clone_skips_4mib_pde_and_non_present_ptes(void **state)
{
    (void)state;
    add_trampoline(pd, TRAMP_PA);
    map_filled(pd, 0x1000, PTE_U | PTE_W, 1);
    *pt_lookup(pd, 0x2000) = 0x00300000 | PTE_U | PTE_W;     /* junk, P=0 */
    pdes()[3] = 0x00400000 | PDE_PS | PTE_P | PTE_U | PTE_W;
    paddr_t dst = new_user_pd(TRAMP_PA);
    const uint32_t before = pool.free;
    assert_int_equal(uvm_clone(&pool, pd, dst), 0);
    assert_int_equal(pool.free, before - 2);             /* table + page for 0x1000 */
    assert_int_equal(pte_of(dst, 0x2000), 0);
    assert_int_equal(((pde_t *)phys_to_virt(dst))[3], 0);
    assert_int_equal(uvm_count_pages(dst), 1);
    pdes()[3] = 0;
    uvm_destroy(&pool, dst);
    uvm_destroy(&pool, pd);
    assert_int_equal(free_refused, 0);
    assert_int_equal(pool.free, baseline_free);
}

static void test_uvm_clone_enomem_then_destroy_restores_free_count(void **state)
{
    (void)state;
    /* Source pages, in the order uvm_clone() meets them:
     *   PDE 0:    0x1000, 0x2000   private  -> dst table + 2 copies
     *   PDE 1:    0x400000         shared   -> dst table, a reference
     *   PDE 512:  0x80000000       private  -> dst table + 1 copy
     *   PDE 1023: stack page       private  -> 1 copy (dst table exists)
     * 7 frames in all; every smaller budget must fail cleanly, including
     * the cases where the copy's frame was taken but its table was not
     * (budget 1, 4) and where a shared page's table is missing (budget 3). */
    add_trampoline(pd, TRAMP_PA);
    map_filled(pd, 0x1000, PTE_U | PTE_W, 1);
    map_filled(pd, 0x2000, PTE_U, 2);
    paddr_t shm = map_filled(pd, 0x00400000, PTE_U | PTE_W | PTE_SHARED, 3);
    map_filled(pd, 0x80000000u, PTE_U | PTE_W, 4);
    map_filled(pd, USER_STACK_TOP - PAGE_SIZE, PTE_U | PTE_W, 5);
    const uint32_t need = 7;
    const uint32_t src_pages = uvm_count_pages(pd);
    assert_int_equal(src_pages, 5);
    const uint32_t start = pool.free;
    static paddr_t taken[NFRAMES];
    uint32_t ntaken;

    for (uint32_t keep = 0; keep < need; keep++) {
        paddr_t dst = new_user_pd(TRAMP_PA);
        drain_but(keep, taken, &ntaken);
        free_calls = free_refused = 0;
        int r = uvm_clone(&pool, pd, dst);
        if (r != -ENOMEM)
            print_error("budget %u: got %d\n", keep, r);
        assert_int_equal(r, -ENOMEM);
        assert_int_equal(free_refused, 0);
        assert_true(uvm_count_pages(dst) < src_pages);
        uvm_destroy(&pool, dst);
        assert_int_equal(free_refused, 0);
        if (pool.free != keep + 2)
            print_error("budget %u: %u frames free after uvm_destroy, expected %u\n",
                        keep, pool.free, keep + 2);
        assert_int_equal(pool.free, keep + 2);          /* + dst PD and its table */
        assert_int_equal(frame_refcount(&pool, shm), 1);
        assert_false(frame_is_free(&pool, shm));
        undrain(taken, ntaken);
        assert_int_equal(pool.free, start);
        assert_int_equal(uvm_count_pages(pd), src_pages);
    }

    /* Exactly enough: success, and the pool is empty. */
    paddr_t dst = new_user_pd(TRAMP_PA);
    drain_but(need, taken, &ntaken);
    assert_int_equal(uvm_clone(&pool, pd, dst), 0);
    assert_int_equal(pool.free, 0);
    assert_int_equal(uvm_count_pages(dst), src_pages);
    assert_int_equal(frame_refcount(&pool, shm), 2);
    uvm_destroy(&pool, dst);
    undrain(taken, ntaken);
    assert_int_equal(pool.free, start);
    uvm_destroy(&pool, pd);
    assert_int_equal(free_refused, 0);
    assert_int_equal(pool.free, baseline_free);
}

/* ---- uvm_count_pages / uvm_range_unmapped ---------------------------------- */

static void test_uvm_count_pages(void **state)
{
    (void)state;
    assert_int_equal(uvm_count_pages(pd), 0);
    add_trampoline(pd, TRAMP_PA);
    assert_int_equal(uvm_count_pages(pd), 0);            /* trampoline PTEs are not user pages */
    assert_int_equal(uvm_map_zeroed(&pool, pd, USER_BASE, 3, PTE_U | PTE_W), 0);
    assert_int_equal(uvm_count_pages(pd), 3);
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x00400000, 1, PTE_U), 0);
    assert_int_equal(uvm_map_zeroed(&pool, pd, USER_TOP - PAGE_SIZE, 1, PTE_U | PTE_W), 0);
    assert_int_equal(uvm_count_pages(pd), 5);
    /* Not counted: a PTE without P, a 4 MiB PDE, pages above USER_TOP. */
    *pt_lookup(pd, 0x5000) = 0x00300000 | PTE_U | PTE_W;
    pdes()[7] = 0x00400000 | PDE_PS | PTE_P | PTE_U | PTE_W;
    assert_int_equal(pt_map(&pool, pd, 0xFFFFF000u, TRAMP_PA, PTE_U), 0);
    assert_int_equal(uvm_count_pages(pd), 5);
    *pt_lookup(pd, 0x5000) = 0;
    pdes()[7] = 0;
    /* Unmapping is seen. */
    assert_int_equal(uvm_unmap_range(&pool, pd, USER_BASE + PAGE_SIZE, 2), 0);
    assert_int_equal(uvm_count_pages(pd), 3);
    uvm_destroy(&pool, pd);
    assert_int_equal(free_refused, 0);
    assert_int_equal(pool.free, baseline_free);
}

static void test_uvm_range_unmapped(void **state)
{
    (void)state;
    /* Empty PD: anything is unmapped, and nothing gets allocated. */
    const uint32_t before_empty = pool.free;
    assert_true(uvm_range_unmapped(pd, USER_BASE, 1));
    assert_true(uvm_range_unmapped(pd, USER_BASE, 0));
    assert_true(uvm_range_unmapped(pd, 0x80000000u, 2048));   /* spans two PDEs */
    assert_int_equal(pool.free, before_empty);
    assert_int_equal(count_present_pdes(), 0);

    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x10000, 1, PTE_U | PTE_W), 0);
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x12000, 1, PTE_U), 0);
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x00400000, 1, PTE_U), 0);
    *pt_lookup(pd, 0x11000) = 0x00300000 | PTE_U | PTE_W;    /* junk, P=0: unmapped */

    assert_false(uvm_range_unmapped(pd, 0x10000, 1));
    assert_true(uvm_range_unmapped(pd, 0x11000, 1));
    assert_true(uvm_range_unmapped(pd, 0x0F000, 1));          /* just before */
    assert_false(uvm_range_unmapped(pd, 0x0F000, 2));         /* runs into 0x10000 */
    assert_false(uvm_range_unmapped(pd, 0x11000, 2));         /* runs into 0x12000 (read-only) */
    assert_true(uvm_range_unmapped(pd, 0x13000, 0x3ED));      /* up to 0x3FFFFF */
    assert_false(uvm_range_unmapped(pd, 0x13000, 0x3EE));     /* reaches 0x400000 */
    assert_false(uvm_range_unmapped(pd, 0x003FF000, 2));      /* crosses into PDE 1 */
    assert_true(uvm_range_unmapped(pd, 0x00401000, 1023));    /* rest of PDE 1 */
    assert_true(uvm_range_unmapped(pd, 0x00401000, 2047));    /* and all of PDE 2 (no table) */
    assert_true(uvm_range_unmapped(pd, 0x10000, 0));          /* empty range */
    /* A present page above USER_TOP is present too. */
    add_trampoline(pd, TRAMP_PA);
    assert_false(uvm_range_unmapped(pd, TRAMPOLINE_BASE, 1));
    assert_true(uvm_range_unmapped(pd, USER_STACK_TOP, 1));
    assert_false(uvm_range_unmapped(pd, USER_STACK_TOP, 2));
    *pt_lookup(pd, 0x11000) = 0;
    uvm_destroy(&pool, pd);
    assert_int_equal(free_refused, 0);
    assert_int_equal(pool.free, baseline_free);
}

/* ---- demand paging: reserve, fault in, protect (issue 12) --------------------- */

#define LZ 0x00400000u

/* A reservation takes only its page table; each fault-in one zeroed frame;
 * unmap of any part (touched or not) and destroy give every frame back. */
static void test_reserve_fault_in_unmap_exact_frames(void **state)
{
    (void)state;
    uint32_t f0 = pool.free;
    assert_int_equal(uvm_reserve(&pool, pd, LZ, 8, PTE_U | PTE_W), 0);
    assert_int_equal(pool.free, f0 - 1);                          /* the page table */
    assert_int_equal(pte_of(pd, LZ + 3 * PAGE_SIZE), PTE_LAZY | PTE_U | PTE_W);
    assert_false(uvm_range_unmapped(pd, LZ + 7 * PAGE_SIZE, 1));  /* in use */
    assert_int_equal(uvm_reserve(&pool, pd, LZ + 7 * PAGE_SIZE, 2, PTE_U), -EEXIST);
    assert_int_equal(pte_of(pd, LZ + 8 * PAGE_SIZE), 0);          /* undone */
    assert_int_equal(uvm_fault_in(&pool, pd, LZ + PAGE_SIZE, true), 0);
    pte_t e = pte_of(pd, LZ + PAGE_SIZE);
    assert_int_equal(e & ~0xFFFFF000u, PTE_P | PTE_U | PTE_W);
    assert_true(all_zero(PTE_FRAME(e)));
    assert_int_equal(pool.free, f0 - 2);
    assert_int_equal(uvm_fault_in(&pool, pd, LZ + PAGE_SIZE, true), -EFAULT);   /* present now */
    assert_int_equal(uvm_fault_in(&pool, pd, LZ + 9 * PAGE_SIZE, false), -EFAULT); /* not reserved */
    assert_int_equal(uvm_unmap_range(&pool, pd, LZ, 2), 0);      /* one touched, one not */
    assert_int_equal(pool.free, f0 - 1);
    assert_int_equal(uvm_unmap_range(&pool, pd, LZ, 3), -EINVAL); /* pages 0-1 gone */
    assert_int_equal(uvm_fault_in(&pool, pd, LZ + 5 * PAGE_SIZE, false), 0);
    assert_int_equal(uvm_unmap_range(&pool, pd, LZ + 2 * PAGE_SIZE, 6), 0);
    assert_int_equal(pool.free, f0);                              /* table freed too */
    assert_int_equal(uvm_reserve(&pool, pd, LZ, 4, PTE_U | PTE_W), 0);
    assert_int_equal(uvm_fault_in(&pool, pd, LZ, false), 0);
    uvm_destroy(&pool, pd);                                       /* reserved pages: no frame to free */
    assert_int_equal(free_refused, 0);
    assert_int_equal(pool.free, baseline_free);
}

/* Fault-in refuses a write to a read-only reservation, a PROT_NONE one, and
 * fails -ENOMEM with nothing changed when no frame is left. */
static void test_fault_in_refusals(void **state)
{
    (void)state;
    assert_int_equal(uvm_reserve(&pool, pd, LZ, 2, PTE_U), 0);
    assert_int_equal(uvm_fault_in(&pool, pd, LZ, true), -EFAULT);
    assert_int_equal(uvm_protect(pd, LZ + PAGE_SIZE, 1, 0), 0);
    assert_int_equal(pte_of(pd, LZ + PAGE_SIZE), PTE_LAZY | PTE_NONE | PTE_U);
    assert_int_equal(uvm_fault_in(&pool, pd, LZ + PAGE_SIZE, false), -EFAULT);
    assert_int_equal(uvm_reserve(&pool, pd, LZ + 4 * PAGE_SIZE, 1, PTE_U | PTE_W | PTE_SHARED), -EINVAL);
    static paddr_t taken[NFRAMES];
    uint32_t n = drain_pool(taken, NFRAMES);
    assert_int_equal(uvm_fault_in(&pool, pd, LZ, false), -ENOMEM);
    assert_int_equal(pte_of(pd, LZ), PTE_LAZY | PTE_U);
    for (uint32_t i = 0; i < n; i++)
        frame_free(&pool, taken[i]);
    uvm_destroy(&pool, pd);
    assert_int_equal(pool.free, baseline_free);
}

/* protect rewrites W and P: PROT_NONE keeps the frame (not present), back to
 * RW restores it with its data; reserved pages stay reserved; a range with a
 * page not in use changes nothing. */
static void test_protect_rewrites_ptes(void **state)
{
    (void)state;
    paddr_t fr = map_filled(pd, LZ, PTE_U | PTE_W, 5);
    assert_int_equal(uvm_reserve(&pool, pd, LZ + PAGE_SIZE, 1, PTE_U | PTE_W), 0);
    assert_int_equal(uvm_protect(pd, LZ, 2, PTE_U), 0);
    assert_int_equal(pte_of(pd, LZ), fr | PTE_P | PTE_U);
    assert_int_equal(pte_of(pd, LZ + PAGE_SIZE), PTE_LAZY | PTE_U);
    assert_int_equal(uvm_protect(pd, LZ, 2, 0), 0);
    assert_int_equal(pte_of(pd, LZ), fr | PTE_NONE | PTE_U);      /* P = 0, frame kept */
    assert_int_equal(uvm_protect(pd, LZ, 3, PTE_U | PTE_W), -EFAULT); /* page 2 not in use */
    assert_int_equal(pte_of(pd, LZ), fr | PTE_NONE | PTE_U);
    assert_int_equal(uvm_protect(pd, LZ, 1, PTE_W), -EINVAL);     /* W without U */
    assert_int_equal(uvm_protect(pd, LZ + 1, 1, PTE_U), -EINVAL);
    assert_int_equal(uvm_protect(pd, LZ, 0, PTE_U), -EINVAL);
    /* fork keeps every state: PROT_NONE pages copied (frame and all), reserved ones reserved */
    paddr_t child = new_user_pd(TRAMP_PA);
    assert_int_equal(uvm_clone(&pool, pd, child), 0);
    pte_t ce = pte_of(child, LZ);
    assert_int_equal(ce & 0xFFF, PTE_NONE | PTE_U);
    assert_true(PTE_FRAME(ce) != fr);
    assert_memory_equal(phys_to_virt(PTE_FRAME(ce)), phys_to_virt(fr), PAGE_SIZE);
    assert_int_equal(pte_of(child, LZ + PAGE_SIZE), PTE_LAZY | PTE_NONE | PTE_U);
    assert_int_equal(uvm_protect(pd, LZ, 2, PTE_U | PTE_W), 0);
    assert_int_equal(pte_of(pd, LZ), fr | PTE_P | PTE_U | PTE_W);
    assert_int_equal(pte_of(pd, LZ + PAGE_SIZE), PTE_LAZY | PTE_U | PTE_W);
    uvm_destroy(&pool, child);
    uvm_destroy(&pool, pd);
    assert_int_equal(free_refused, 0);
    assert_int_equal(pool.free, baseline_free);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, NULL)
#define TR(fn) cmocka_unit_test_setup_teardown(fn, setup_refs, NULL)

/* ---- preempt points ---------------------------------------------------------- */

static void test_uvm_map_zeroed_reaches_a_preempt_point_every_few_pages(void **state)
{
    (void)state;
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x10000, 64, PTE_W | PTE_U), 0);
    assert_true(preempt_calls >= 64 / PREEMPT_PAGES - 1);
}

static void test_uvm_map_zeroed_killed_is_all_or_nothing(void **state)
{
    (void)state;
    uint32_t before = pool.free;
    kill_at = 2;
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x003FE000, 64, PTE_W | PTE_U), -EINTR);
    assert_true(preempt_calls >= 2);     /* the undo has preempt points too */
    assert_int_equal(pool.free, before);
    assert_int_equal(free_refused, 0);
    assert_int_equal(count_present_pdes(), 0);
}

static void test_uvm_range_unmapped_skips_absent_tables(void **state)
{
    (void)state;
    /* The whole user range over an empty PD: one look per PDE, no page walk. */
    assert_true(uvm_range_unmapped(pd, USER_BASE, (USER_TOP - USER_BASE) / PAGE_SIZE));
    assert_int_equal(preempt_calls, 0);
    /* A page in a later table is still found. */
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x00C03000, 1, PTE_W | PTE_U), 0);
    assert_false(uvm_range_unmapped(pd, 0x1000, 0x1000));
    assert_true(uvm_range_unmapped(pd, 0x1000, 0xC02));
    assert_true(uvm_range_unmapped(pd, 0x00C04000, 1020));
}

static void test_uvm_unmap_range_killed_during_the_check_changes_nothing(void **state)
{
    (void)state;
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x10000, PREEMPT_PTES + 16, PTE_W | PTE_U), 0);
    uint32_t before = pool.free;
    preempt_calls = 0;
    kill_at = 1;
    assert_int_equal(uvm_unmap_range(&pool, pd, 0x10000, PREEMPT_PTES + 16), -EINTR);
    assert_int_equal(pool.free, before);
    kill_at = 0;
    assert_int_equal(uvm_unmap_range(&pool, pd, 0x10000, PREEMPT_PTES + 16), 0);
    assert_int_equal(pool.free, baseline_free - 1); /* only the PD is left */
}

static void test_uvm_destroy_opens_windows_but_never_stops(void **state)
{
    (void)state;
    assert_int_equal(uvm_map_zeroed(&pool, pd, 0x10000, 64, PTE_W | PTE_U), 0);
    kill_at = 1;
    uvm_destroy(&pool, pd);
    assert_int_equal(pool.free, baseline_free);
    assert_true(window_calls >= 64 / PREEMPT_PAGES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_pt_lookup_on_empty_pd_is_null),
        T(test_reserve_fault_in_unmap_exact_frames),
        T(test_fault_in_refusals),
        T(test_protect_rewrites_ptes),
        T(test_uvm_map_zeroed_reaches_a_preempt_point_every_few_pages),
        T(test_uvm_map_zeroed_killed_is_all_or_nothing),
        T(test_uvm_range_unmapped_skips_absent_tables),
        T(test_uvm_unmap_range_killed_during_the_check_changes_nothing),
        T(test_uvm_destroy_opens_windows_but_never_stops),
        T(test_pt_map_creates_zeroed_page_table),
        T(test_pt_map_twice_is_eexist),
        T(test_pt_map_unaligned_is_einval),
        T(test_pt_map_without_frame_for_page_table_is_enomem),
        T(test_pt_map_over_4mib_pde_is_eexist),
        T(test_uvm_map_zeroed_backs_pages_with_zeroed_frames),
        T(test_uvm_map_zeroed_enomem_for_a_page_is_all_or_nothing),
        T(test_uvm_map_zeroed_enomem_keeps_a_table_still_in_use),
        T(test_uvm_map_zeroed_enomem_for_a_page_table_is_all_or_nothing),
        T(test_uvm_map_zeroed_rejects_ranges_outside_user_space),
        T(test_uvm_map_zeroed_over_existing_page_is_eexist),
        T(test_uvm_map_zeroed_eexist_in_next_table_frees_the_new_table),
        T(test_uvm_unmap_range_frees_pages_and_empty_tables),
        T(test_uvm_unmap_range_with_a_hole_changes_nothing),
        T(test_uvm_unmap_range_refuses_the_trampoline_window),
        T(test_uvm_destroy_returns_every_frame),
        T(test_uvm_destroy_leaves_trampoline_frames_alone),
        T(test_uvm_destroy_skips_4mib_pde),
        T(test_uvm_destroy_of_empty_pd_frees_only_the_pd),
        T(test_audit_clean_pd_is_zero),
        T(test_audit_empty_pd_is_zero),
        T(test_audit_ignores_accessed_dirty_on_trampoline),
        T(test_audit_page_zero_mapped),
        T(test_audit_supervisor_page_in_user_range),
        T(test_audit_supervisor_kernel_frame_counted_once),
        T(test_audit_kernel_image_frame_at_user_va),
        T(test_audit_last_kernel_image_frame_at_user_va),
        T(test_audit_4mib_pde),
        T(test_audit_4mib_pde_over_trampoline),
        T(test_audit_trampoline_pte_with_wrong_frame),
        T(test_audit_trampoline_pte_with_wrong_flags),
        T(test_audit_trampoline_pte_made_user_accessible),
        T(test_audit_user_accessible_trampoline_even_if_rules_say_so),
        T(test_audit_extra_page_in_trampoline_window),
        T(test_audit_extra_page_at_top_of_address_space),
        T(test_audit_counts_every_violation_once),
        TR(test_shm_refcounting_destroy_first_keeps_frame_second_frees_it),
        TR(test_shm_refcounting_destroy_in_the_other_order),
        TR(test_shm_refcounting_unmap_drops_one_reference),
        TR(test_shm_refcounting_survives_fork),
        TR(test_uvm_clone_copies_every_user_page),
        TR(test_uvm_clone_of_empty_space_copies_nothing),
        TR(test_uvm_clone_shares_pte_shared_pages),
        TR(test_uvm_clone_does_not_copy_trampoline_ptes),
        TR(test_uvm_clone_skips_4mib_pde_and_non_present_ptes),
        TR(test_uvm_clone_enomem_then_destroy_restores_free_count),
        TR(test_uvm_count_pages),
        TR(test_uvm_range_unmapped),
    };
    return cmocka_run_group_tests_name("page tables (pt_map, uvm_map_zeroed, uvm_destroy, uvm_audit, uvm_clone, shm refcounting)",
                                       tests, NULL, NULL);
}
