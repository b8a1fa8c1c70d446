/*
 * test_uaccess.c - host tests for copy-in/copy-out and fetch_user_word
 * (src/kernel/mm/uaccess.c)
 * over hand-built page tables in a simulated physical memory.
 *
 * Physical memory is an 8 MiB page-aligned array; phys_to_virt() returns
 * base + pa and fails the test for anything outside it. The page directory
 * and tables are written by hand here (no pgtable.c), so each test controls
 * every P/U/W/PS bit. Pages that are adjacent in the user address space are
 * deliberately backed by frames that are not adjacent physically.
 *
 * The standard address space built before every test:
 *
 *   va            backing      PTE            PDE
 *   0x00000000    F_PAGE0      P U W          P U W   page 0 (must still be refused)
 *   0x00001000    F_BASE       P U W          P U W   first user page
 *   0x00400000 A  F_A          P U W          P U W
 *   0x00401000 B  F_B          P U W          P U W
 *   0x00402000 RO F_RO         P U            P U W
 *   0x00403000    (not present)
 *   0x00404000 SUP F_SUP       P W (U=0)      P U W
 *   0x00405000 D  F_D          P U W          P U W
 *   0x00406000    (not present)
 *   0x00800000    F_SUPPDE     P U W          P W (U=0)
 *   0x00C00000    F_ROPDE      P U W          P U (W=0)
 *   0x01000000    4 MiB PDE (PS) at phys 0, whose "table" holds valid PTEs
 *   0xFFEFF000    F_TOP        P U W          P U W   last user page
 *   0xFFF00000    F_TRAMP      P U W          P U W   above USER_TOP (U=1 on purpose)
 *   0xFFFFF000    F_LAST       P U W          P U W   last page of the space
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mm/uaccess.h"
#include "mm/pgtable.h"
#include "memlayout.h"
#include "uapi/errno.h"
#include "bench/kevents.h"

#define MEM_SIZE   (8u << 20)

/* The event counters uaccess.c feeds (kevents.c in the kernel). */
uint32_t kev_syscalls, kev_cr3_writes, kev_pages_walked, kev_bytes_copied;

/* user_range_ok opens interrupt windows on long ranges (preempt.c in the kernel). */
void preempt_window(void);
void preempt_window(void) {}

static uint8_t mem[MEM_SIZE] __attribute__((aligned(4096)));

/* The kernel's demand-paging hook (mem_syscalls.c, over pgtable.c's uvm_fault_in):
 * here it gives a reserved (PTE_LAZY) page the next spare frame from
 * F_LAZY up, zeroed, refusing what uvm_fault_in refuses; next_lazy == 0
 * plays "out of frames". populate_calls counts every call. */
#define F_LAZY 0x00400000u
static unsigned populate_calls;
static paddr_t next_lazy;
void *phys_to_virt(paddr_t pa);
long uaccess_populate(paddr_t dir, uaddr_t va, bool write)
{
    populate_calls++;
    pde_t pde = ((pde_t *)phys_to_virt(dir))[PDX(va)];
    pte_t *pte = (pte_t *)phys_to_virt(PTE_FRAME(pde)) + PTX(va);
    if ((*pte & (PTE_P | PTE_LAZY | PTE_NONE)) != PTE_LAZY || (write && !(*pte & PTE_W)))
        return -EFAULT;
    if (!next_lazy)
        return -ENOMEM;
    memset(phys_to_virt(next_lazy), 0, PAGE_SIZE);
    *pte = next_lazy | PTE_P | (*pte & (PTE_U | PTE_W));
    next_lazy += PAGE_SIZE;
    return 0;
}

void *phys_to_virt(paddr_t pa)
{
    assert_true(pa < MEM_SIZE);
    return mem + pa;
}

#define URW (PTE_P | PTE_U | PTE_W)
#define URO (PTE_P | PTE_U)
#define KRW (PTE_P | PTE_W)

#define PD_PA       0x00001000u
#define TABLES_PA   0x00010000u          /* bump-allocated page tables */
#define TABLES_END  0x00100000u

/* Data frames: scattered on purpose. */
#define F_A       0x00207000u
#define F_B       0x00203000u
#define F_RO      0x00204000u
#define F_SUP     0x00205000u
#define F_D       0x0020E000u
#define F_SUPPDE  0x00206000u
#define F_ROPDE   0x00208000u
#define F_PAGE0   0x00209000u
#define F_BASE    0x0020A000u
#define F_TOP     0x0020B000u
#define F_TRAMP   0x0020C000u
#define F_LAST    0x0020D000u
#define F_BIG     0x0020F000u            /* target of the fake PTEs under the 4 MiB PDE */
#define F_ALIAS   0x00300000u            /* one frame aliased 4097 times */

#define VA_A      0x00400000u
#define VA_B      0x00401000u
#define VA_RO     0x00402000u
#define VA_HOLE1  0x00403000u
#define VA_SUP    0x00404000u
#define VA_D      0x00405000u
#define VA_HOLE2  0x00406000u
#define VA_SUPPDE 0x00800000u
#define VA_ROPDE  0x00C00000u
#define VA_BIG    0x01000000u
#define VA_TOP    0xFFEFF000u
#define VA_TRAMP  0xFFF00000u
#define VA_LAST   0xFFFFF000u
#define VA_ALIAS  0x10000000u

static const paddr_t pd = PD_PA;
static paddr_t next_table;

static pde_t *pdes(void) { return phys_to_virt(pd); }

/* Map @va -> @pa with PTE bits @pte (P included by the caller) in the page
 * directory @dir. A missing table is created with a P|U|W PDE. */
static void map_in(paddr_t dir, uint32_t va, paddr_t pa, uint32_t pte)
{
    pde_t *pde = &((pde_t *)phys_to_virt(dir))[PDX(va)];
    if (!(*pde & PTE_P)) {
        assert_true(next_table < TABLES_END);
        memset(phys_to_virt(next_table), 0, PAGE_SIZE);
        *pde = next_table | URW;
        next_table += PAGE_SIZE;
    }
    assert_false(*pde & PDE_PS);
    pte_t *ptes = phys_to_virt(PTE_FRAME(*pde));
    ptes[PTX(va)] = pa | pte;
}

static void map(uint32_t va, paddr_t pa, uint32_t pte) { map_in(pd, va, pa, pte); }

static void set_pde_flags_in(paddr_t dir, uint32_t va, uint32_t flags)
{
    pde_t *pde = &((pde_t *)phys_to_virt(dir))[PDX(va)];
    *pde = PTE_FRAME(*pde) | flags;
}

static void set_pde_flags(uint32_t va, uint32_t flags) { set_pde_flags_in(pd, va, flags); }

/* Deterministic, frame-specific contents. */
static uint8_t pattern(paddr_t pa, uint32_t off)
{
    return (uint8_t)((pa >> 12) * 29 + off * 7 + 1);
}

static void fill_frame(paddr_t pa)
{
    uint8_t *p = phys_to_virt(pa);
    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        p[i] = pattern(pa, i);
}

static uint8_t *phys(paddr_t pa) { return phys_to_virt(pa); }

static int setup(void **state)
{
    (void)state;
    memset(mem, 0xEE, MEM_SIZE);
    memset(phys(pd), 0, PAGE_SIZE);
    next_table = TABLES_PA;
    populate_calls = 0;
    next_lazy = F_LAZY;

    map(0x00000000, F_PAGE0, URW);
    map(USER_BASE, F_BASE, URW);
    map(VA_A, F_A, URW);
    map(VA_B, F_B, URW);
    map(VA_RO, F_RO, URO);
    map(VA_SUP, F_SUP, KRW);
    map(VA_D, F_D, URW);
    map(VA_SUPPDE, F_SUPPDE, URW);
    set_pde_flags(VA_SUPPDE, PTE_P | PTE_W);
    map(VA_ROPDE, F_ROPDE, URW);
    set_pde_flags(VA_ROPDE, PTE_P | PTE_U);
    map(VA_TOP, F_TOP, URW);
    map(VA_TRAMP, F_TRAMP, URW);
    map(VA_LAST, F_LAST, URW);

    /* 4 MiB page at phys 0; if PS were ignored, phys 0 would be walked as a
     * page table full of valid user PTEs. */
    pdes()[PDX(VA_BIG)] = 0x00000000 | PDE_PS | URW;
    pte_t *fake = phys_to_virt(0);
    for (uint32_t j = 0; j < TABLE_ENTRIES; j++)
        fake[j] = F_BIG | URW;

    const paddr_t frames[] = { F_A, F_B, F_RO, F_SUP, F_D, F_SUPPDE, F_ROPDE, F_PAGE0,
                               F_BASE, F_TOP, F_TRAMP, F_LAST, F_BIG };
    for (size_t i = 0; i < ARRAY_SIZE(frames); i++)
        fill_frame(frames[i]);
    return 0;
}

/* ---- snapshot helpers: "nothing written" ---------------------------------- */

static uint8_t *snap;

static void take_snapshot(void)
{
    if (!snap)
        snap = malloc(MEM_SIZE);
    assert_non_null(snap);
    memcpy(snap, mem, MEM_SIZE);
}

static void assert_memory_unchanged(void)
{
    if (memcmp(mem, snap, MEM_SIZE) == 0)
        return;
    for (uint32_t i = 0; i < MEM_SIZE; i++)
        if (mem[i] != snap[i]) {
            print_error("physical byte 0x%x changed\n", i);
            fail();
        }
}

static void assert_all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v) {
            print_error("byte %zu is 0x%02x, expected 0x%02x\n", i, p[i], v);
            fail();
        }
}

/* Expect -EFAULT from both directions and from user_range_ok() for
 * [va, va + len), with nothing read into the buffer and nothing written. */
static void expect_fault_both(uaddr_t va, size_t len)
{
    uint8_t dst[256], src[256];
    size_t n = len < sizeof(dst) ? len : sizeof(dst);
    memset(dst, 0xAB, sizeof(dst));
    memset(src, 0x5C, sizeof(src));
    take_snapshot();
    assert_int_equal(user_range_ok(pd, va, len, false), -EFAULT);
    assert_int_equal(user_range_ok(pd, va, len, true), -EFAULT);
    if (len <= sizeof(dst)) {
        assert_int_equal(copy_from_user(pd, dst, va, n), -EFAULT);
        assert_int_equal(copy_to_user(pd, va, src, n), -EFAULT);
    }
    assert_all_bytes(dst, sizeof(dst), 0xAB);
    assert_memory_unchanged();
}

/* ---- straight copies ------------------------------------------------------ */

static void test_copy_from_user_within_one_page(void **state)
{
    (void)state;
    uint8_t dst[100 + 2];
    memset(dst, 0xAB, sizeof(dst));
    assert_int_equal(copy_from_user(pd, dst + 1, VA_A + 0x10, 100), 0);
    assert_memory_equal(dst + 1, phys(F_A) + 0x10, 100);
    assert_int_equal(dst[0], 0xAB);
    assert_int_equal(dst[101], 0xAB);
}

static void test_copy_to_user_within_one_page(void **state)
{
    (void)state;
    uint8_t src[100];
    for (int i = 0; i < 100; i++)
        src[i] = (uint8_t)(0x80 + i);
    take_snapshot();
    assert_int_equal(copy_to_user(pd, VA_A + 0x20, src, 100), 0);
    assert_memory_equal(phys(F_A) + 0x20, src, 100);
    /* Nothing else changed: restore the written bytes and compare. */
    memcpy(phys(F_A) + 0x20, snap + F_A + 0x20, 100);
    assert_memory_unchanged();
}

static void test_copy_whole_page_at_first_user_page(void **state)
{
    (void)state;
    static uint8_t dst[PAGE_SIZE];
    assert_int_equal(copy_from_user(pd, dst, USER_BASE, PAGE_SIZE), 0);
    assert_memory_equal(dst, phys(F_BASE), PAGE_SIZE);
}

/* ---- straddling ------------------------------------------------------------ */

static void test_copy_from_user_straddling_two_mapped_pages(void **state)
{
    (void)state;
    uint8_t dst[0x20];
    assert_int_equal(copy_from_user(pd, dst, VA_A + 0xFF0, 0x20), 0);
    assert_memory_equal(dst, phys(F_A) + 0xFF0, 0x10);
    assert_memory_equal(dst + 0x10, phys(F_B), 0x10);

    static uint8_t big[2 * PAGE_SIZE + 1];
    assert_int_equal(copy_from_user(pd, big, VA_A, sizeof(big)), 0);
    assert_memory_equal(big, phys(F_A), PAGE_SIZE);
    assert_memory_equal(big + PAGE_SIZE, phys(F_B), PAGE_SIZE);
    assert_int_equal(big[2 * PAGE_SIZE], phys(F_RO)[0]);   /* RO is readable */
}

static void test_copy_to_user_straddling_two_mapped_pages(void **state)
{
    (void)state;
    uint8_t src[0x20];
    for (int i = 0; i < 0x20; i++)
        src[i] = (uint8_t)(0xC0 ^ i);
    take_snapshot();
    assert_int_equal(copy_to_user(pd, VA_A + 0xFF0, src, 0x20), 0);
    assert_memory_equal(phys(F_A) + 0xFF0, src, 0x10);
    assert_memory_equal(phys(F_B), src + 0x10, 0x10);
    memcpy(phys(F_A) + 0xFF0, snap + F_A + 0xFF0, 0x10);
    memcpy(phys(F_B), snap + F_B, 0x10);
    assert_memory_unchanged();
}

/* ---- clear_user and the event counters ------------------------------------ */

static void test_clear_user_zeroes_across_pages_and_counts_pieces(void **state)
{
    (void)state;
    memset(phys(F_A), 0xAA, PAGE_SIZE);
    memset(phys(F_B), 0xBB, PAGE_SIZE);
    uint32_t pages = kev_pages_walked, bytes = kev_bytes_copied;
    assert_int_equal(clear_user(pd, VA_A + 0xF00, 0x200), 0);
    assert_int_equal(phys(F_A)[0xEFF], 0xAA);
    for (int i = 0; i < 0x100; i++) {
        assert_int_equal(phys(F_A)[0xF00 + i], 0);
        assert_int_equal(phys(F_B)[i], 0);
    }
    assert_int_equal(phys(F_B)[0x100], 0xBB);
    assert_int_equal(kev_pages_walked - pages, 2);   /* two page pieces */
    assert_int_equal(kev_bytes_copied - bytes, 0x200);
}

static void test_clear_user_refuses_read_only_and_writes_nothing(void **state)
{
    (void)state;
    take_snapshot();
    uint32_t pages = kev_pages_walked;
    assert_int_equal(clear_user(pd, VA_B + 0xF00, 0x200), -EFAULT); /* runs into RO */
    assert_int_equal(clear_user(pd, VA_HOLE1, 1), -EFAULT);
    assert_memory_unchanged();
    assert_int_equal(kev_pages_walked, pages);
}

static void test_counters_follow_copies_and_strings(void **state)
{
    (void)state;
    uint8_t buf[0x20];
    char s[64];
    uint32_t pages = kev_pages_walked, bytes = kev_bytes_copied;
    assert_int_equal(copy_from_user(pd, buf, VA_A + 0xFF0, 0x20), 0);
    assert_int_equal(copy_to_user(pd, VA_A, buf, 8), 0);
    assert_int_equal(kev_pages_walked - pages, 3);
    assert_int_equal(kev_bytes_copied - bytes, 0x28);
    strcpy((char *)phys(F_A), "abc");
    pages = kev_pages_walked, bytes = kev_bytes_copied;
    assert_int_equal(strncpy_from_user(pd, s, VA_A, sizeof(s)), 3);
    assert_int_equal(kev_pages_walked - pages, 1);
    assert_int_equal(kev_bytes_copied - bytes, 4);   /* the NUL included */
}

static void test_copy_straddling_into_unmapped_page_faults(void **state)
{
    (void)state;
    /* D is writable and present; the page after it is not. */
    expect_fault_both(VA_D + 0xFF0, 0x20);
    expect_fault_both(VA_D + 0xFFF, 2);
    /* Starting in the hole. */
    expect_fault_both(VA_HOLE2, 1);
    expect_fault_both(VA_HOLE1 + 0x800, 0x10);
}

static void test_copy_to_user_failing_late_writes_nothing_early(void **state)
{
    (void)state;
    /* A, B writable; RO is not: the fault is two pages in. */
    static uint8_t src[2 * PAGE_SIZE + 1];
    memset(src, 0x77, sizeof(src));
    take_snapshot();
    assert_int_equal(copy_to_user(pd, VA_A, src, sizeof(src)), -EFAULT);
    assert_memory_unchanged();
}

static void test_copy_from_user_failing_late_reads_nothing(void **state)
{
    (void)state;
    /* A, B, RO readable, then the hole. */
    static uint8_t dst[3 * PAGE_SIZE + 1];
    memset(dst, 0xAB, sizeof(dst));
    assert_int_equal(copy_from_user(pd, dst, VA_A, sizeof(dst)), -EFAULT);
    assert_all_bytes(dst, sizeof(dst), 0xAB);
}

/* ---- permissions ----------------------------------------------------------- */

static void test_supervisor_pte_faults(void **state)
{
    (void)state;
    expect_fault_both(VA_SUP, 1);
    expect_fault_both(VA_SUP + 0x100, 0x10);
    expect_fault_both(VA_SUP + 0xFFF, 1);
    /* Starting in SUP and running into the user page D. */
    expect_fault_both(VA_SUP + 0xFF8, 0x10);
}

static void test_supervisor_pde_faults(void **state)
{
    (void)state;
    expect_fault_both(VA_SUPPDE, 1);
    expect_fault_both(VA_SUPPDE + 0x123, 0x40);
}

static void test_read_only_pte_refuses_copy_to_user_allows_copy_from_user(void **state)
{
    (void)state;
    uint8_t src[0x40], dst[0x40];
    memset(src, 0x42, sizeof(src));
    take_snapshot();
    assert_int_equal(copy_to_user(pd, VA_RO + 0x10, src, sizeof(src)), -EFAULT);
    assert_int_equal(user_range_ok(pd, VA_RO + 0x10, sizeof(src), true), -EFAULT);
    /* Straddling from writable B into RO: nothing written in B either. */
    assert_int_equal(copy_to_user(pd, VA_B + 0xFF0, src, 0x20), -EFAULT);
    assert_memory_unchanged();

    assert_int_equal(user_range_ok(pd, VA_RO + 0x10, sizeof(dst), false), 0);
    assert_int_equal(copy_from_user(pd, dst, VA_RO + 0x10, sizeof(dst)), 0);
    assert_memory_equal(dst, phys(F_RO) + 0x10, sizeof(dst));
}

static void test_read_only_pde_refuses_copy_to_user_allows_copy_from_user(void **state)
{
    (void)state;
    uint8_t src[8] = "abcdefg", dst[8];
    take_snapshot();
    assert_int_equal(copy_to_user(pd, VA_ROPDE, src, sizeof(src)), -EFAULT);
    assert_memory_unchanged();
    assert_int_equal(copy_from_user(pd, dst, VA_ROPDE, sizeof(dst)), 0);
    assert_memory_equal(dst, phys(F_ROPDE), sizeof(dst));
}

static void test_4mib_pde_faults(void **state)
{
    (void)state;
    expect_fault_both(VA_BIG, 1);
    expect_fault_both(VA_BIG + 0x1234, 0x10);
    expect_fault_both(VA_BIG + 0x3FFFF0, 0x10);
}

static void test_range_ok_on_every_kind_of_page(void **state)
{
    (void)state;
    assert_int_equal(user_range_ok(pd, VA_A, 2 * PAGE_SIZE, true), 0);
    assert_int_equal(user_range_ok(pd, VA_A, 3 * PAGE_SIZE, false), 0);
    assert_int_equal(user_range_ok(pd, VA_A, 3 * PAGE_SIZE, true), -EFAULT);
    assert_int_equal(user_range_ok(pd, VA_A, 3 * PAGE_SIZE + 1, false), -EFAULT);
    assert_int_equal(user_range_ok(pd, VA_D, PAGE_SIZE, true), 0);
    assert_int_equal(user_range_ok(pd, VA_D, PAGE_SIZE + 1, true), -EFAULT);
}

/* ---- the user range ---------------------------------------------------------- */

static void test_ranges_that_wrap_fault(void **state)
{
    (void)state;
    /* All pages involved are mapped U=1 W=1: only the range check refuses. */
    expect_fault_both(0xFFFFF000u, 0x2000);
    expect_fault_both(0xFFFFFFFFu, 2);
    assert_int_equal(user_range_ok(pd, USER_BASE, 0xFFFFFFFFu, false), -EFAULT);
    assert_int_equal(user_range_ok(pd, USER_BASE, SIZE_MAX, false), -EFAULT);
    assert_int_equal(user_range_ok(pd, USER_BASE, (size_t)1 << 32, false), -EFAULT);
    assert_int_equal(user_range_ok(pd, VA_TOP, (size_t)1 << 32 | 1, false), -EFAULT);
    uint8_t dst[16];
    memset(dst, 0xAB, sizeof(dst));
    assert_int_equal(copy_from_user(pd, dst, USER_BASE, 0xFFFFFFFFu), -EFAULT);
    assert_int_equal(copy_from_user(pd, dst, USER_BASE, SIZE_MAX), -EFAULT);
    assert_int_equal(copy_to_user(pd, USER_BASE, dst, SIZE_MAX), -EFAULT);
    assert_all_bytes(dst, sizeof(dst), 0xAB);
}

static void test_page_zero_and_below_user_base_fault(void **state)
{
    (void)state;
    /* Page 0 is mapped U=1 in this PD: only the range check refuses. */
    expect_fault_both(0, 1);
    expect_fault_both(0, 0x10);
    expect_fault_both(0xFFF, 1);
    expect_fault_both(0xFFF, 2);
    /* USER_BASE itself is fine. */
    uint8_t b;
    assert_int_equal(copy_from_user(pd, &b, USER_BASE, 1), 0);
    assert_int_equal(b, phys(F_BASE)[0]);
}

static void test_range_touching_user_top_faults(void **state)
{
    (void)state;
    /* 0xFFF00000 is mapped U=1 here: only the range check refuses. */
    expect_fault_both(0xFFEFFFFFu, 2);
    expect_fault_both(USER_TOP, 1);
    expect_fault_both(VA_TOP, PAGE_SIZE + 1);
    /* The last user byte / page is fine. */
    uint8_t b = 0x99;
    assert_int_equal(copy_to_user(pd, 0xFFEFFFFFu, &b, 1), 0);
    assert_int_equal(phys(F_TOP)[0xFFF], 0x99);
    assert_int_equal(user_range_ok(pd, VA_TOP, PAGE_SIZE, true), 0);
}

static void test_len_zero_succeeds_without_looking(void **state)
{
    (void)state;
    const uaddr_t bad[] = { 0, 0xFFF, VA_HOLE1, VA_SUP, VA_BIG, USER_TOP, 0xFFFFFFFFu };
    uint8_t buf[4] = { 1, 2, 3, 4 };
    take_snapshot();
    for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
        assert_int_equal(user_range_ok(pd, bad[k], 0, false), 0);
        assert_int_equal(user_range_ok(pd, bad[k], 0, true), 0);
        assert_int_equal(copy_from_user(pd, buf, bad[k], 0), 0);
        assert_int_equal(copy_to_user(pd, bad[k], buf, 0), 0);
    }
    assert_int_equal(buf[0], 1);
    assert_int_equal(buf[3], 4);
    assert_memory_unchanged();
}

static void test_len_above_max_faults_even_when_mapped(void **state)
{
    (void)state;
    /* UACCESS_MAX_LEN + one page of VA, all aliasing one writable frame. */
    const uint32_t pages = UACCESS_MAX_LEN / PAGE_SIZE + 1;
    for (uint32_t i = 0; i < pages; i++)
        map(VA_ALIAS + i * PAGE_SIZE, F_ALIAS, URW);
    fill_frame(F_ALIAS);

    assert_int_equal(user_range_ok(pd, VA_ALIAS, UACCESS_MAX_LEN, true), 0);
    assert_int_equal(user_range_ok(pd, VA_ALIAS, UACCESS_MAX_LEN + 1, false), -EFAULT);
    assert_int_equal(user_range_ok(pd, VA_ALIAS, UACCESS_MAX_LEN + 1, true), -EFAULT);

    uint8_t *dst = malloc(UACCESS_MAX_LEN + 1);
    assert_non_null(dst);
    memset(dst, 0xAB, UACCESS_MAX_LEN + 1);
    assert_int_equal(copy_from_user(pd, dst, VA_ALIAS, UACCESS_MAX_LEN + 1), -EFAULT);
    assert_all_bytes(dst, UACCESS_MAX_LEN + 1, 0xAB);
    take_snapshot();
    assert_int_equal(copy_to_user(pd, VA_ALIAS, dst, UACCESS_MAX_LEN + 1), -EFAULT);
    assert_memory_unchanged();

    /* Exactly the maximum works. */
    assert_int_equal(copy_from_user(pd, dst, VA_ALIAS, UACCESS_MAX_LEN), 0);
    assert_memory_equal(dst, phys(F_ALIAS), PAGE_SIZE);
    assert_memory_equal(dst + UACCESS_MAX_LEN - PAGE_SIZE, phys(F_ALIAS), PAGE_SIZE);
    assert_int_equal(dst[UACCESS_MAX_LEN], 0xAB);
    free(dst);
}

/* ---- strncpy_from_user -------------------------------------------------------- */

static void put(paddr_t pa, const char *s, size_t n)
{
    memcpy(phys(pa), s, n);
}

static void test_strncpy_normal_string(void **state)
{
    (void)state;
    put(F_A + 0x100, "hello", 6);
    char dst[32];
    memset(dst, 0x7E, sizeof(dst));
    assert_int_equal(strncpy_from_user(pd, dst, VA_A + 0x100, sizeof(dst)), 5);
    assert_string_equal(dst, "hello");
    assert_int_equal(dst[6], 0x7E);      /* nothing written past the NUL */
}

static void test_strncpy_empty_string(void **state)
{
    (void)state;
    put(F_A, "", 1);
    char dst[4] = { 'x', 'x', 'x', 'x' };
    assert_int_equal(strncpy_from_user(pd, dst, VA_A, sizeof(dst)), 0);
    assert_int_equal(dst[0], '\0');
    assert_int_equal(dst[1], 'x');
}

static void test_strncpy_string_crossing_a_page_boundary(void **state)
{
    (void)state;
    put(F_A + 0xFFC, "abcd", 4);
    put(F_B, "efgh", 5);
    char dst[64];
    assert_int_equal(strncpy_from_user(pd, dst, VA_A + 0xFFC, sizeof(dst)), 8);
    assert_string_equal(dst, "abcdefgh");
    /* NUL as the very first byte of the second page. */
    put(F_B, "", 1);
    assert_int_equal(strncpy_from_user(pd, dst, VA_A + 0xFFC, sizeof(dst)), 4);
    assert_string_equal(dst, "abcd");
}

static void test_strncpy_nul_exactly_at_max_minus_1(void **state)
{
    (void)state;
    put(F_A + 0x200, "abcd", 5);
    char dst[8];
    memset(dst, 0x7E, sizeof(dst));
    assert_int_equal(strncpy_from_user(pd, dst, VA_A + 0x200, 5), 4);
    assert_string_equal(dst, "abcd");
    assert_int_equal(dst[5], 0x7E);
    /* One less: too long, truncated and terminated. */
    memset(dst, 0x7E, sizeof(dst));
    assert_int_equal(strncpy_from_user(pd, dst, VA_A + 0x200, 4), -ENAMETOOLONG);
    assert_string_equal(dst, "abc");
    assert_int_equal(dst[4], 0x7E);
}

static void test_strncpy_no_nul_within_max_is_enametoolong(void **state)
{
    (void)state;
    memset(phys(F_A), 'x', 64);
    char dst[32];
    memset(dst, 0x7E, sizeof(dst));
    assert_int_equal(strncpy_from_user(pd, dst, VA_A, 16), -ENAMETOOLONG);
    for (int i = 0; i < 15; i++)
        assert_int_equal(dst[i], 'x');
    assert_int_equal(dst[15], '\0');
    assert_int_equal(dst[16], 0x7E);
}

static void test_strncpy_max_1(void **state)
{
    (void)state;
    char dst[2] = { 'q', 'q' };
    put(F_A, "", 1);
    assert_int_equal(strncpy_from_user(pd, dst, VA_A, 1), 0);
    assert_int_equal(dst[0], '\0');
    put(F_A, "a", 2);
    dst[0] = 'q';
    assert_int_equal(strncpy_from_user(pd, dst, VA_A, 1), -ENAMETOOLONG);
    assert_int_equal(dst[0], '\0');
    assert_int_equal(dst[1], 'q');
}

static void test_strncpy_max_ending_at_page_end_does_not_touch_next_page(void **state)
{
    (void)state;
    /* 16 non-NUL bytes end D; the next page is not present. */
    memset(phys(F_D) + 0xFF0, 'y', 16);
    char dst[16];
    assert_int_equal(strncpy_from_user(pd, dst, VA_D + 0xFF0, 16), -ENAMETOOLONG);
    assert_int_equal(dst[14], 'y');
    assert_int_equal(dst[15], '\0');
}

static void test_strncpy_into_unmapped_page_faults(void **state)
{
    (void)state;
    memset(phys(F_D) + 0xFFC, 'z', 4);
    char dst[64];
    assert_int_equal(strncpy_from_user(pd, dst, VA_D + 0xFFC, sizeof(dst)), -EFAULT);
    /* Readable RO page into the hole. */
    memset(phys(F_RO) + 0xFF0, 'w', 16);
    assert_int_equal(strncpy_from_user(pd, dst, VA_RO + 0xFF0, sizeof(dst)), -EFAULT);
    /* Starting in the hole. */
    assert_int_equal(strncpy_from_user(pd, dst, VA_HOLE2, sizeof(dst)), -EFAULT);
}

static void test_strncpy_supervisor_and_4mib_pages_fault(void **state)
{
    (void)state;
    put(F_SUP, "secret", 7);
    put(F_SUPPDE, "secret", 7);
    char dst[64];
    assert_int_equal(strncpy_from_user(pd, dst, VA_SUP, sizeof(dst)), -EFAULT);
    assert_int_equal(strncpy_from_user(pd, dst, VA_SUPPDE, sizeof(dst)), -EFAULT);
    put(F_BIG, "secret", 7);
    assert_int_equal(strncpy_from_user(pd, dst, VA_BIG, sizeof(dst)), -EFAULT);
}

static void test_strncpy_max_0_is_einval(void **state)
{
    (void)state;
    put(F_A, "ok", 3);
    char dst[1] = { 'q' };
    assert_int_equal(strncpy_from_user(pd, dst, VA_A, 0), -EINVAL);
    assert_int_equal(dst[0], 'q');
}

static void test_strncpy_outside_user_range_faults(void **state)
{
    (void)state;
    /* Page 0 and the trampoline page are mapped U=1 with valid strings. */
    put(F_PAGE0, "page0", 6);
    put(F_TRAMP, "tramp", 6);
    char dst[64];
    assert_int_equal(strncpy_from_user(pd, dst, 0, sizeof(dst)), -EFAULT);
    assert_int_equal(strncpy_from_user(pd, dst, 0xFFF, sizeof(dst)), -EFAULT);
    assert_int_equal(strncpy_from_user(pd, dst, USER_TOP, sizeof(dst)), -EFAULT);
    assert_int_equal(strncpy_from_user(pd, dst, 0xFFFFFFFFu, sizeof(dst)), -EFAULT);
}

static void test_strncpy_running_into_user_top_faults(void **state)
{
    (void)state;
    /* No NUL in the last user bytes; a NUL right above USER_TOP (mapped U=1)
     * must not be reached. */
    memset(phys(F_TOP) + 0xFFC, 'k', 4);
    put(F_TRAMP, "", 1);
    char dst[64];
    assert_int_equal(strncpy_from_user(pd, dst, 0xFFEFFFFCu, sizeof(dst)), -EFAULT);
    /* With a NUL in the last user byte it is fine. */
    phys(F_TOP)[0xFFF] = '\0';
    assert_int_equal(strncpy_from_user(pd, dst, 0xFFEFFFFCu, sizeof(dst)), 3);
    assert_string_equal(dst, "kkk");
}

/* ---- copy_user_to_user: a second address space ---------------------------- */

/*
 * The second address space (PD2), built by setup_two() on top of the
 * standard one; again scattered frames:
 *
 *   va              backing     PTE        PDE
 *   0x00600000 X1   G_X1        P U W      P U W
 *   0x00601000 X2   G_X2        P U W      P U W
 *   0x00602000 X3   G_X3        P U W      P U W
 *   0x00603000 RO2  G_RO        P U        P U W
 *   0x00604000 W2   G_W         P U W      P U W
 *   0x00605000      (not present)
 *   0x00606000 SUP2 G_SUP       P W        P U W
 *   0x00800000      G_SUPPDE    P U W      P W (U=0)
 *   0x00C00000      G_ROPDE     P U W      P U (W=0)
 *   0x01000000      4 MiB PDE (PS) at phys 0, like PD's
 *   0xFFEFF000      G_TOP       P U W      P U W   last user page
 *   0xFFF00000      G_TRAMP     P U W      P U W   above USER_TOP (U=1 on purpose)
 *   0xFFFFF000      G_LAST      P U W      P U W
 */
#define PD2_PA    0x00002000u

#define G_X1      0x00214000u
#define G_X2      0x00211000u
#define G_X3      0x00216000u
#define G_RO      0x00213000u
#define G_W       0x00212000u
#define G_SUP     0x00215000u
#define G_SUPPDE  0x00218000u
#define G_ROPDE   0x00217000u
#define G_TOP     0x00219000u
#define G_TRAMP   0x0021A000u
#define G_LAST    0x0021B000u
#define G_ALIAS   0x00301000u

#define VA2_X     0x00600000u
#define VA2_RO    0x00603000u
#define VA2_W     0x00604000u
#define VA2_HOLE  0x00605000u
#define VA2_SUP   0x00606000u

static const paddr_t pd2 = PD2_PA;

static int setup_two(void **state)
{
    setup(state);
    memset(phys(pd2), 0, PAGE_SIZE);
    map_in(pd2, VA2_X, G_X1, URW);
    map_in(pd2, VA2_X + 0x1000, G_X2, URW);
    map_in(pd2, VA2_X + 0x2000, G_X3, URW);
    map_in(pd2, VA2_RO, G_RO, URO);
    map_in(pd2, VA2_W, G_W, URW);
    map_in(pd2, VA2_SUP, G_SUP, KRW);
    map_in(pd2, VA_SUPPDE, G_SUPPDE, URW);
    set_pde_flags_in(pd2, VA_SUPPDE, PTE_P | PTE_W);
    map_in(pd2, VA_ROPDE, G_ROPDE, URW);
    set_pde_flags_in(pd2, VA_ROPDE, PTE_P | PTE_U);
    map_in(pd2, VA_TOP, G_TOP, URW);
    map_in(pd2, VA_TRAMP, G_TRAMP, URW);
    map_in(pd2, VA_LAST, G_LAST, URW);
    ((pde_t *)phys_to_virt(pd2))[PDX(VA_BIG)] = 0x00000000 | PDE_PS | URW;

    const paddr_t frames[] = { G_X1, G_X2, G_X3, G_RO, G_W, G_SUP, G_SUPPDE, G_ROPDE,
                               G_TOP, G_TRAMP, G_LAST };
    for (size_t i = 0; i < ARRAY_SIZE(frames); i++)
        fill_frame(frames[i]);
    return 0;
}

/* The physical byte behind user @va in @dir (the test's own walk; the page
 * must be mapped by a 4 KiB PTE). */
static paddr_t uva_to_pa(paddr_t dir, uaddr_t va)
{
    pde_t pde = ((const pde_t *)phys_to_virt(dir))[PDX(va)];
    assert_true(pde & PTE_P);
    assert_false(pde & PDE_PS);
    pte_t pte = ((const pte_t *)phys_to_virt(PTE_FRAME(pde)))[PTX(va)];
    assert_true(pte & PTE_P);
    return PTE_FRAME(pte) | (va & (PAGE_SIZE - 1));
}

/* After a successful copy_user_to_user() that started from the snapshot:
 * the destination holds the source's bytes, and nothing else changed. */
static void expect_copied(paddr_t src_dir, uaddr_t src_va, paddr_t dst_dir, uaddr_t dst_va,
                          size_t len)
{
    for (size_t i = 0; i < len; i++) {
        paddr_t from = uva_to_pa(src_dir, src_va + (uaddr_t)i);
        paddr_t to = uva_to_pa(dst_dir, dst_va + (uaddr_t)i);
        if (mem[to] != snap[from]) {
            print_error("byte %zu (dst pa 0x%x): 0x%02x, expected 0x%02x (src pa 0x%x)\n",
                        i, to, mem[to], snap[from], from);
            fail();
        }
        mem[to] = snap[to];             /* put it back for the final comparison */
    }
    assert_memory_unchanged();
}

static void expect_copy_fault(paddr_t src_dir, uaddr_t src_va, paddr_t dst_dir, uaddr_t dst_va,
                              size_t len)
{
    take_snapshot();
    long r = copy_user_to_user(src_dir, src_va, dst_dir, dst_va, len);
    if (r != -EFAULT)
        print_error("src 0x%x dst 0x%x len 0x%zx: got %ld\n", src_va, dst_va, len, r);
    assert_int_equal(r, -EFAULT);
    assert_memory_unchanged();
}

static void test_copy_between_across_page_boundaries_both_sides(void **state)
{
    (void)state;
    /* Source A+0xFF0 .. RO+0xFF0 (A: 0x10, B: 0x1000, RO: 0xFF0 bytes; RO
     * is readable); destination X1+0x10 .. X3+0x10 (0xFF0, 0x1000, 0x10):
     * the page boundaries never line up. */
    take_snapshot();
    assert_int_equal(copy_user_to_user(pd, VA_A + 0xFF0, pd2, VA2_X + 0x10, 0x2000), 0);
    assert_memory_equal(phys(G_X1) + 0x10, phys(F_A) + 0xFF0, 0x10);
    assert_memory_equal(phys(G_X1) + 0x20, phys(F_B), 0xFE0);
    assert_memory_equal(phys(G_X2), phys(F_B) + 0xFE0, 0x20);
    assert_memory_equal(phys(G_X2) + 0x20, phys(F_RO), 0xFE0);
    assert_memory_equal(phys(G_X3), phys(F_RO) + 0xFE0, 0x10);
    expect_copied(pd, VA_A + 0xFF0, pd2, VA2_X + 0x10, 0x2000);
}

static void test_copy_between_the_other_way(void **state)
{
    (void)state;
    /* PD2 -> PD: source X1+0xA1 .. X2+0x1A1, destination A+0xF00 .. the
     * very end of B. */
    take_snapshot();
    assert_int_equal(copy_user_to_user(pd2, VA2_X + 0xA1, pd, VA_A + 0xF00, 0x1100), 0);
    assert_memory_equal(phys(F_A) + 0xF00, phys(G_X1) + 0xA1, 0x100);
    assert_memory_equal(phys(F_B), phys(G_X1) + 0x1A1, 0xE5F);
    assert_memory_equal(phys(F_B) + 0xE5F, phys(G_X2), 0x1A1);
    expect_copied(pd2, VA2_X + 0xA1, pd, VA_A + 0xF00, 0x1100);
}

static void test_copy_between_every_alignment(void **state)
{
    (void)state;
    /* Source: A, B, RO (3 readable pages); destination: X1, X2, X3. */
    const uint32_t offs[] = { 0, 1, 0x10, 0x7FF, 0xFF0, 0xFFF };
    const size_t lens[] = { 1, 2, 0x10, 0xFFF, 0x1000, 0x1001, 0x1FFF, 0x2001 };
    take_snapshot();
    uint32_t done = 0;
    for (size_t a = 0; a < ARRAY_SIZE(offs); a++)
        for (size_t b = 0; b < ARRAY_SIZE(offs); b++)
            for (size_t l = 0; l < ARRAY_SIZE(lens); l++) {
                if (offs[a] + lens[l] > 3 * PAGE_SIZE || offs[b] + lens[l] > 3 * PAGE_SIZE)
                    continue;
                long r = copy_user_to_user(pd, VA_A + offs[a], pd2, VA2_X + offs[b], lens[l]);
                if (r != 0)
                    print_error("src off 0x%x dst off 0x%x len 0x%zx: %ld\n",
                                offs[a], offs[b], lens[l], r);
                assert_int_equal(r, 0);
                expect_copied(pd, VA_A + offs[a], pd2, VA2_X + offs[b], lens[l]);
                done++;
            }
    assert_true(done > 200);
}

static void test_copy_between_within_one_address_space(void **state)
{
    (void)state;
    /* Source and destination in the same PD, disjoint ranges. */
    take_snapshot();
    assert_int_equal(copy_user_to_user(pd2, VA2_RO + 0x800, pd2, VA2_X + 0xC00, 0x1000), 0);
    expect_copied(pd2, VA2_RO + 0x800, pd2, VA2_X + 0xC00, 0x1000);
    /* The last user byte of one space to the first user byte of the other. */
    assert_int_equal(copy_user_to_user(pd2, 0xFFEFFFFFu, pd, USER_BASE, 1), 0);
    assert_int_equal(phys(F_BASE)[0], phys(G_TOP)[0xFFF]);
    assert_int_equal(copy_user_to_user(pd, VA_TOP, pd2, VA_TOP, PAGE_SIZE), 0);
    assert_memory_equal(phys(G_TOP), phys(F_TOP), PAGE_SIZE);
}

static void test_copy_between_bad_source_faults_and_writes_nothing(void **state)
{
    (void)state;
    /* The destination X1..X3 is fine every time. */
    const struct { uaddr_t va; size_t len; } bad[] = {
        { VA_HOLE1, 1 },                /* not present */
        { VA_HOLE1 + 0x800, 0x10 },
        { VA_D + 0xFF0, 0x20 },         /* D, then the hole */
        { VA_RO + 0xFFF, 2 },           /* RO, then the hole */
        { VA_SUP, 1 },                  /* supervisor PTE */
        { VA_SUP + 0xFF8, 0x10 },       /* supervisor, then user D */
        { VA_B + 0x800, 0x2900 },       /* B, RO, hole, SUP */
        { VA_SUPPDE, 0x40 },            /* supervisor PDE */
        { VA_BIG + 0x1234, 0x10 },      /* 4 MiB PDE */
        { 0, 1 },                       /* page 0 (mapped U=1) */
        { 0xFFF, 2 },
    };
    for (size_t k = 0; k < ARRAY_SIZE(bad); k++)
        expect_copy_fault(pd, bad[k].va, pd2, VA2_X + 0x10, bad[k].len);
}

static void test_copy_between_read_only_destination_faults_and_writes_nothing(void **state)
{
    (void)state;
    /* The source A, B, RO is fine (readable) every time. */
    const struct { uaddr_t va; size_t len; } bad[] = {
        { VA2_RO, 1 },                  /* read-only PTE */
        { VA2_RO + 0x10, 0x40 },
        { VA2_X + 0x2FF0, 0x20 },       /* X3 writable, then RO */
        { VA2_X, 0x3001 },              /* the fault is three pages in */
        { VA2_RO + 0xFF0, 0x20 },       /* RO, then writable W */
        { VA_ROPDE, 8 },                /* read-only PDE */
        { VA2_SUP, 0x10 },              /* supervisor PTE */
        { VA_SUPPDE + 0x10, 0x10 },     /* supervisor PDE */
        { VA2_HOLE + 0x7F0, 0x20 },     /* not present */
        { VA2_W + 0xFF0, 0x20 },        /* W, then the hole */
        { VA_BIG, 0x10 },               /* 4 MiB PDE */
    };
    for (size_t k = 0; k < ARRAY_SIZE(bad); k++)
        expect_copy_fault(pd, VA_A + 0x10, pd2, bad[k].va, bad[k].len);
    /* A read-only page is a fine source, not a destination. */
    take_snapshot();
    assert_int_equal(copy_user_to_user(pd2, VA2_RO + 0x10, pd, VA_A, 0x40), 0);
    expect_copied(pd2, VA2_RO + 0x10, pd, VA_A, 0x40);
}

static void test_copy_between_len_zero_succeeds_without_looking(void **state)
{
    (void)state;
    const uaddr_t bad[] = { 0, 0xFFF, VA_HOLE1, VA_SUP, VA_BIG, VA_RO, VA_ROPDE,
                            USER_TOP, 0xFFFFFFFFu };
    take_snapshot();
    for (size_t a = 0; a < ARRAY_SIZE(bad); a++)
        for (size_t b = 0; b < ARRAY_SIZE(bad); b++)
            assert_int_equal(copy_user_to_user(pd, bad[a], pd2, bad[b], 0), 0);
    assert_int_equal(copy_user_to_user(pd, VA_A, pd2, VA2_X, 0), 0);
    assert_memory_unchanged();
}

static void test_copy_between_wrapping_or_outside_user_range_faults(void **state)
{
    (void)state;
    /* Every page involved is mapped U=1 W=1 in both spaces: only the range
     * checks can refuse. The other side is always a good range. */
    const struct { uaddr_t va; size_t len; } bad[] = {
        { 0xFFFFF000u, 0x2000 },        /* wraps */
        { 0xFFFFFFFFu, 2 },
        { USER_TOP, 1 },                /* above USER_TOP */
        { VA_LAST, 0x10 },
        { 0xFFEFFFFFu, 2 },             /* touches USER_TOP */
        { VA_TOP, PAGE_SIZE + 1 },
        { 0, 0x10 },                    /* below USER_BASE */
        { USER_BASE, 0xFFFFFFFFu },     /* huge lengths */
        { USER_BASE, SIZE_MAX },
        { USER_BASE, (size_t)1 << 32 },
        { VA_TOP, (size_t)1 << 32 | 1 },
    };
    for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
        /* bad source */
        expect_copy_fault(pd, bad[k].va, pd2, VA2_X, bad[k].len);
        /* bad destination */
        expect_copy_fault(pd, VA_A, pd2, bad[k].va, bad[k].len);
        /* both bad */
        expect_copy_fault(pd2, bad[k].va, pd, bad[k].va, bad[k].len);
    }
    /* The last user page itself is fine on both sides. */
    take_snapshot();
    assert_int_equal(copy_user_to_user(pd2, VA_TOP, pd, VA_TOP, PAGE_SIZE), 0);
    expect_copied(pd2, VA_TOP, pd, VA_TOP, PAGE_SIZE);
}

static void test_copy_between_len_above_max_faults(void **state)
{
    (void)state;
    /* UACCESS_MAX_LEN + one page of VA in each space, aliasing one
     * writable frame per space. */
    const uint32_t pages = UACCESS_MAX_LEN / PAGE_SIZE + 1;
    for (uint32_t i = 0; i < pages; i++) {
        map(VA_ALIAS + i * PAGE_SIZE, F_ALIAS, URW);
        map_in(pd2, VA_ALIAS + i * PAGE_SIZE, G_ALIAS, URW);
    }
    fill_frame(F_ALIAS);
    memset(phys(G_ALIAS), 0x3C, PAGE_SIZE);
    expect_copy_fault(pd, VA_ALIAS, pd2, VA_ALIAS, UACCESS_MAX_LEN + 1);
    expect_copy_fault(pd2, VA_ALIAS, pd, VA_ALIAS, UACCESS_MAX_LEN + 1);
    /* Exactly the maximum works. */
    assert_int_equal(copy_user_to_user(pd, VA_ALIAS, pd2, VA_ALIAS, UACCESS_MAX_LEN), 0);
    assert_memory_equal(phys(G_ALIAS), phys(F_ALIAS), PAGE_SIZE);
}

/* ---- demand paging: reserved (PTE_LAZY) pages ------------------------------ */

#define LAZY_RW (PTE_LAZY | PTE_U | PTE_W)

/* copy-out into a reserved page fills it once (the hook), then writes it;
 * a second copy finds it present. */
static void test_copy_to_user_fills_a_reserved_page(void **state)
{
    (void)state;
    map(VA_HOLE1, 0, LAZY_RW);
    const char msg[16] = "lazy page data!";
    assert_int_equal(copy_to_user(pd, VA_HOLE1 + 100, msg, sizeof(msg)), 0);
    assert_int_equal(populate_calls, 1);
    assert_memory_equal(phys(F_LAZY) + 100, msg, sizeof(msg));
    assert_int_equal(phys(F_LAZY)[99], 0);                         /* the rest is zero */
    assert_int_equal(copy_to_user(pd, VA_HOLE1, msg, 4), 0);
    assert_int_equal(populate_calls, 1);
}

/* copy-in from a reserved page reads zeros; across a present page and a
 * reserved one, only the reserved one is filled. */
static void test_copy_from_user_reserved_page_reads_zeros(void **state)
{
    (void)state;
    map(VA_HOLE2, 0, LAZY_RW);
    uint8_t buf[32];
    memset(buf, 0x77, sizeof(buf));
    assert_int_equal(copy_from_user(pd, buf, VA_HOLE2 - 16, sizeof(buf)), 0);   /* D, then the hole */
    assert_int_equal(populate_calls, 1);
    for (int i = 0; i < 16; i++)
        assert_int_equal(buf[i], pattern(F_D, PAGE_SIZE - 16 + (uint32_t)i));
    for (int i = 16; i < 32; i++)
        assert_int_equal(buf[i], 0);
}

/* A reserved read-only or PROT_NONE page, or a fill that fails, is -EFAULT
 * with nothing written and the PTE as it was. */
static void test_reserved_page_refusals_fault(void **state)
{
    (void)state;
    const char msg[4] = "abc";
    map(VA_HOLE1, 0, PTE_LAZY | PTE_U);
    take_snapshot();
    assert_int_equal(copy_to_user(pd, VA_HOLE1, msg, sizeof(msg)), -EFAULT);
    assert_memory_unchanged();
    map(VA_HOLE1, 0, LAZY_RW | PTE_NONE);
    assert_int_equal(copy_to_user(pd, VA_HOLE1, msg, sizeof(msg)), -EFAULT);
    uint8_t b;
    assert_int_equal(copy_from_user(pd, &b, VA_HOLE1, 1), -EFAULT);
    map(VA_HOLE1, 0, LAZY_RW);
    next_lazy = 0;                                                 /* out of frames */
    take_snapshot();
    assert_int_equal(copy_to_user(pd, VA_HOLE1, msg, sizeof(msg)), -EFAULT);
    assert_memory_unchanged();
    assert_int_equal(populate_calls, 4);
}

/* ---- fetch_user_word: sysenter's argument 3 -------------------------------- */

/* One fetch and one copy_from_user(4) of @va, from the same state: the same
 * result, the same word (or an untouched destination), the same counter
 * steps. Returns fetch's result. Not for reserved pages (the first call
 * fills them). */
static long fetch_like_copy(uaddr_t va)
{
    uint32_t w = 0xA5A5A5A5u, c = 0xA5A5A5A5u;
    uint32_t pages0 = kev_pages_walked, bytes0 = kev_bytes_copied;
    unsigned fills0 = populate_calls;
    long r = fetch_user_word(pd, va, &w);
    uint32_t fpages = kev_pages_walked - pages0, fbytes = kev_bytes_copied - bytes0;
    pages0 = kev_pages_walked, bytes0 = kev_bytes_copied;
    long rc = copy_from_user(pd, &c, va, sizeof(c));
    assert_int_equal(r, rc);
    assert_int_equal(w, c);
    assert_int_equal(fpages, kev_pages_walked - pages0);
    assert_int_equal(fbytes, kev_bytes_copied - bytes0);
    assert_int_equal(populate_calls, fills0);
    if (r < 0) {
        assert_int_equal(w, 0xA5A5A5A5u);
        assert_int_equal(fpages, 0);
        assert_int_equal(fbytes, 0);
    }
    return r;
}

/* A word inside one user page: its bytes (unaligned too), one page piece of
 * four bytes counted, as copy_from_user counts it. */
static void test_fetch_word_within_one_page(void **state)
{
    (void)state;
    const uaddr_t vas[] = { VA_A, VA_A + 0x10, VA_A + 1, VA_A + 3, VA_A + 0xFFC, VA_RO + 8, USER_BASE,
                            VA_TOP + 0xFFC, VA_ROPDE + 0x20 };
    for (size_t i = 0; i < ARRAY_SIZE(vas); i++) {
        uint32_t pages0 = kev_pages_walked, bytes0 = kev_bytes_copied, w;
        assert_int_equal(fetch_user_word(pd, vas[i], &w), 0);
        assert_int_equal(kev_pages_walked - pages0, 1);
        assert_int_equal(kev_bytes_copied - bytes0, 4);
        uint32_t pa = 0;
        assert_int_equal(user_range_ok(pd, vas[i], 4, false), 0);
        const pde_t pde = pdes()[PDX(vas[i])];
        pa = PTE_FRAME(((pte_t *)phys_to_virt(PTE_FRAME(pde)))[PTX(vas[i])]) | (vas[i] & (PAGE_SIZE - 1));
        assert_memory_equal(&w, phys(pa), 4);
        assert_int_equal(fetch_like_copy(vas[i]), 0);
    }
}

/* A word across a page boundary (A and B have frames far apart): the bytes
 * of both pages in order, two pieces counted; into an unmapped page,
 * -EFAULT with nothing read or counted. */
static void test_fetch_word_crossing_a_page_boundary(void **state)
{
    (void)state;
    for (uint32_t off = 0xFFD; off <= 0xFFF; off++) {
        uint32_t w, pages0 = kev_pages_walked;
        assert_int_equal(fetch_user_word(pd, VA_A + off, &w), 0);
        assert_int_equal(kev_pages_walked - pages0, 2);
        uint8_t want[4];
        for (uint32_t i = 0; i < 4; i++)
            want[i] = off + i < PAGE_SIZE ? pattern(F_A, off + i) : pattern(F_B, off + i - PAGE_SIZE);
        assert_memory_equal(&w, want, 4);
        assert_int_equal(fetch_like_copy(VA_A + off), 0);
        assert_int_equal(fetch_like_copy(VA_D + off), -EFAULT);      /* D, then not present */
        assert_int_equal(fetch_like_copy(VA_B + 0x1000 + off), -EFAULT); /* RO, then not present */
        assert_int_equal(fetch_like_copy(VA_RO + off - 0x1000), 0);  /* B, then read-only: readable */
        assert_int_equal(fetch_like_copy(VA_HOLE1 + off), -EFAULT);  /* not present, then supervisor */
    }
}

/* Not present, supervisor PTE or PDE, a 4 MiB PDE (whose "table" at phys 0
 * holds valid user PTEs), a missing page table: -EFAULT, nothing read,
 * nothing counted, memory unchanged. */
static void test_fetch_word_refusals_fault(void **state)
{
    (void)state;
    const uaddr_t vas[] = { VA_HOLE1, VA_HOLE2 + 8, VA_SUP, VA_SUP + 0xFFC, VA_SUPPDE, VA_BIG, VA_BIG + 0x1234,
                            0x40000000u, VA_ALIAS };
    take_snapshot();
    for (size_t i = 0; i < ARRAY_SIZE(vas); i++)
        assert_int_equal(fetch_like_copy(vas[i]), -EFAULT);
    assert_memory_unchanged();
}

/* Outside [USER_BASE, USER_TOP) in any byte, or wrapping past 2^32: page 0
 * (mapped U=1 here), the word below USER_BASE and the one straddling it,
 * the words reaching USER_TOP, the trampoline window (U=1 here), the last
 * page of the space: -EFAULT, nothing looked up or filled. */
static void test_fetch_word_outside_user_range_or_wrapping_faults(void **state)
{
    (void)state;
    const uaddr_t vas[] = { 0, 4, USER_BASE - 4, USER_BASE - 1, USER_TOP - 3, USER_TOP - 1, USER_TOP,
                            VA_TRAMP, VA_TRAMP + 0xFFC, VA_LAST, VA_LAST + 0xFFC, 0xFFFFFFFDu, 0xFFFFFFFFu };
    take_snapshot();
    for (size_t i = 0; i < ARRAY_SIZE(vas); i++)
        assert_int_equal(fetch_like_copy(vas[i]), -EFAULT);
    assert_memory_unchanged();
    assert_int_equal(fetch_like_copy(USER_TOP - 4), 0);                /* the last word that fits */
}

/* Every offset of every kind of page, and across every pair of neighbours:
 * fetch_user_word answers exactly as copy_from_user(4). */
static void test_fetch_word_matches_copy_from_user_everywhere(void **state)
{
    (void)state;
    const uaddr_t pages[] = { 0, USER_BASE, VA_A, VA_B, VA_RO, VA_HOLE1, VA_SUP, VA_D, VA_HOLE2, VA_SUPPDE,
                              VA_ROPDE, VA_BIG, VA_TOP, VA_TRAMP, VA_LAST };
    for (size_t i = 0; i < ARRAY_SIZE(pages); i++)
        for (uint32_t off = 0; off < PAGE_SIZE; off++)
            fetch_like_copy(pages[i] + off);
}

/* A reserved (PTE_LAZY) page is filled as copy_from_user fills it: zeros,
 * one fill, one piece counted; the next fetch finds it present. A reserved
 * PROT_NONE page, or a fill that fails, is -EFAULT with nothing read. */
static void test_fetch_word_reserved_page(void **state)
{
    (void)state;
    map(VA_HOLE1, 0, LAZY_RW);
    uint32_t w = 0xA5A5A5A5u, pages0 = kev_pages_walked, bytes0 = kev_bytes_copied;
    assert_int_equal(fetch_user_word(pd, VA_HOLE1 + 0x40, &w), 0);
    assert_int_equal(w, 0);
    assert_int_equal(populate_calls, 1);
    assert_int_equal(kev_pages_walked - pages0, 1);
    assert_int_equal(kev_bytes_copied - bytes0, 4);
    phys(F_LAZY)[0x40] = 0x5A;
    assert_int_equal(fetch_like_copy(VA_HOLE1 + 0x40), 0);
    assert_int_equal(populate_calls, 1);
    map(VA_HOLE2, 0, LAZY_RW | PTE_NONE);
    w = 0xA5A5A5A5u;
    assert_int_equal(fetch_user_word(pd, VA_HOLE2, &w), -EFAULT);
    assert_int_equal(w, 0xA5A5A5A5u);
    map(VA_HOLE2, 0, LAZY_RW);
    next_lazy = 0;                                                 /* out of frames */
    assert_int_equal(fetch_user_word(pd, VA_HOLE2 + 8, &w), -EFAULT);
    assert_int_equal(w, 0xA5A5A5A5u);
    assert_int_equal(populate_calls, 3);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, NULL)
#define T2(fn) cmocka_unit_test_setup_teardown(fn, setup_two, NULL)

static int group_teardown(void **state)
{
    (void)state;
    free(snap);
    snap = NULL;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_copy_from_user_within_one_page),
        T(test_copy_to_user_fills_a_reserved_page),
        T(test_copy_from_user_reserved_page_reads_zeros),
        T(test_reserved_page_refusals_fault),
        T(test_copy_to_user_within_one_page),
        T(test_fetch_word_within_one_page),
        T(test_fetch_word_crossing_a_page_boundary),
        T(test_fetch_word_refusals_fault),
        T(test_fetch_word_outside_user_range_or_wrapping_faults),
        T(test_fetch_word_matches_copy_from_user_everywhere),
        T(test_fetch_word_reserved_page),
        T(test_copy_whole_page_at_first_user_page),
        T(test_copy_from_user_straddling_two_mapped_pages),
        T(test_copy_to_user_straddling_two_mapped_pages),
        T(test_copy_straddling_into_unmapped_page_faults),
        T(test_clear_user_zeroes_across_pages_and_counts_pieces),
        T(test_clear_user_refuses_read_only_and_writes_nothing),
        T(test_counters_follow_copies_and_strings),
        T(test_copy_to_user_failing_late_writes_nothing_early),
        T(test_copy_from_user_failing_late_reads_nothing),
        T(test_supervisor_pte_faults),
        T(test_supervisor_pde_faults),
        T(test_read_only_pte_refuses_copy_to_user_allows_copy_from_user),
        T(test_read_only_pde_refuses_copy_to_user_allows_copy_from_user),
        T(test_4mib_pde_faults),
        T(test_range_ok_on_every_kind_of_page),
        T(test_ranges_that_wrap_fault),
        T(test_page_zero_and_below_user_base_fault),
        T(test_range_touching_user_top_faults),
        T(test_len_zero_succeeds_without_looking),
        T(test_len_above_max_faults_even_when_mapped),
        T(test_strncpy_normal_string),
        T(test_strncpy_empty_string),
        T(test_strncpy_string_crossing_a_page_boundary),
        T(test_strncpy_nul_exactly_at_max_minus_1),
        T(test_strncpy_no_nul_within_max_is_enametoolong),
        T(test_strncpy_max_1),
        T(test_strncpy_max_ending_at_page_end_does_not_touch_next_page),
        T(test_strncpy_into_unmapped_page_faults),
        T(test_strncpy_supervisor_and_4mib_pages_fault),
        T(test_strncpy_max_0_is_einval),
        T(test_strncpy_outside_user_range_faults),
        T(test_strncpy_running_into_user_top_faults),
        T2(test_copy_between_across_page_boundaries_both_sides),
        T2(test_copy_between_the_other_way),
        T2(test_copy_between_every_alignment),
        T2(test_copy_between_within_one_address_space),
        T2(test_copy_between_bad_source_faults_and_writes_nothing),
        T2(test_copy_between_read_only_destination_faults_and_writes_nothing),
        T2(test_copy_between_len_zero_succeeds_without_looking),
        T2(test_copy_between_wrapping_or_outside_user_range_faults),
        T2(test_copy_between_len_above_max_faults),
    };
    return cmocka_run_group_tests_name("user memory access (copy_from_user, copy_to_user, fetch_user_word, strncpy_from_user, copy_user_to_user)",
                                       tests, NULL, group_teardown);
}
