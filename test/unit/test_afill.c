/*
 * test_afill.c - host tests for the Accessed-bit walk of the TLB-fill
 * instrument (src/kernel/bench/afill.c) over simulated page tables.
 *
 * Physical memory is a 1 MiB page-aligned array; phys_to_virt() returns
 * base + pa. The fixture builds a kernel PD (one 4 MiB direct-map page, a
 * kernel-window page table, a trampoline page table) and a user PD (user
 * pages low and just below the trampoline, and its own trampoline page
 * table), then sets A bits the way a CPU walk would (SDM Vol. 3A §4.8).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bench/afill.h"
#include "memlayout.h"
#include "mm/pgtable.h"

#define MEM_SIZE (1u << 20)
#define KPD      0x1000u            /* kernel PD */
#define KWIN_PT  0x2000u            /* kernel window PT (KERNEL_WINDOW_BASE) */
#define KTR_PT   0x3000u            /* kernel trampoline PT */
#define UPD      0x4000u            /* user PD */
#define ULOW_PT  0x5000u            /* user PT for VA 0 .. 4 MiB */
#define UTOP_PT  0x6000u            /* user PT for the last 4 MiB: stack + trampoline */
#define INSTR_VA (KERNEL_VIRT_BASE + 0xA000u)  /* the instrument's text page */

static uint8_t mem[MEM_SIZE] __attribute__((aligned(4096)));

void *phys_to_virt(paddr_t pa)
{
    assert_true(pa < MEM_SIZE);
    return mem + pa;
}

static uint32_t *entry(paddr_t table, uint32_t index) { return (uint32_t *)phys_to_virt(table) + index; }

/* A CPU walk of @va in @pd: set A in the PDE and, for a 4 KiB page, the PTE. */
static void touch(paddr_t pd, uint32_t va)
{
    uint32_t *pde = entry(pd, PDX(va));
    assert_true(*pde & PTE_P);
    *pde |= PTE_A;
    if (!(*pde & PDE_PS)) {
        uint32_t *pte = entry(PTE_FRAME(*pde), PTX(va));
        assert_true(*pte & PTE_P);
        *pte |= PTE_A;
    }
}

static int setup(void **state)
{
    (void)state;
    memset(mem, 0, sizeof(mem));
    *entry(KPD, PDX(DIRECT_MAP_BASE)) = 0 | PTE_P | PTE_W | PDE_PS;            /* 4 MiB direct map */
    *entry(KPD, PDX(KERNEL_WINDOW_BASE)) = KWIN_PT | PTE_P | PTE_W;
    *entry(KPD, PDX(TRAMPOLINE_BASE)) = KTR_PT | PTE_P | PTE_W;
    for (uint32_t i = 0; i < 64; i++)                                          /* 256 KiB of image */
        *entry(KWIN_PT, PTX(KERNEL_VIRT_BASE) + i) = (0x80000u + i * PAGE_SIZE) | PTE_P | PTE_W;
    for (uint32_t i = 0; i < 3; i++) {                                         /* trampoline */
        *entry(KTR_PT, PTX(TRAMPOLINE_BASE) + i) = (0xC0000u + i * PAGE_SIZE) | PTE_P;
        *entry(UTOP_PT, PTX(TRAMPOLINE_BASE) + i) = (0xC0000u + i * PAGE_SIZE) | PTE_P;
    }
    *entry(UPD, 0) = ULOW_PT | PTE_P | PTE_W | PTE_U;
    *entry(UPD, PDX(TRAMPOLINE_BASE)) = UTOP_PT | PTE_P | PTE_W | PTE_U;
    for (uint32_t i = 1; i < 8; i++)
        *entry(ULOW_PT, i) = (0x90000u + i * PAGE_SIZE) | PTE_P | PTE_W | PTE_U;
    *entry(UTOP_PT, PTX(USER_STACK_TOP - PAGE_SIZE)) = 0xA0000u | PTE_P | PTE_W | PTE_U;
    return 0;
}

static struct afill_scan scan(uint32_t *list, uint32_t list_max)
{
    struct afill_scan s;
    afill_scan_init(&s);
    afill_scan_exclude(&s, INSTR_VA, INSTR_VA + PAGE_SIZE);
    s.list = list, s.list_max = list_max;
    afill_walk(&s, KPD, 0, false);
    afill_walk(&s, UPD, KPD, true);
    return s;
}

/* Nothing accessed: nothing counted. */
static void test_clean(void **state)
{
    (void)state;
    struct afill_scan s = scan(NULL, 0);
    for (int k = 0; k < AFILL_KINDS; k++)
        assert_int_equal(s.n[k], 0);
}

/* A split-mode null call: every kind lands in its own counter; the user
 * stack (above DIRECT_MAP_BASE, but U=1) is a user page, not a kernel one. */
static void test_split_call(void **state)
{
    (void)state;
    touch(KPD, TRAMPOLINE_BASE);                          /* trampoline text, data, stack */
    touch(KPD, TRAMPOLINE_BASE + PAGE_SIZE);
    touch(KPD, TRAMPOLINE_BASE + 2 * PAGE_SIZE);
    touch(KPD, DIRECT_MAP_BASE + 0x123000u);              /* kernel stack, 4 MiB page */
    touch(KPD, DIRECT_MAP_BASE + 0x200000u);              /* same 4 MiB page: one fill */
    touch(KPD, KERNEL_VIRT_BASE + 0x8000u);               /* text */
    touch(KPD, KERNEL_VIRT_BASE + 0x8000u);
    touch(KPD, KERNEL_VIRT_BASE + 0x20000u);              /* .bss */
    touch(KPD, INSTR_VA);                                 /* the instrument itself */
    touch(UPD, TRAMPOLINE_BASE);
    touch(UPD, TRAMPOLINE_BASE + 2 * PAGE_SIZE);
    touch(UPD, 0x1000u);                                  /* user code */
    touch(UPD, USER_STACK_TOP - 4);                       /* user stack */
    uint32_t list[AFILL_LIST_MAX];
    struct afill_scan s = scan(list, AFILL_LIST_MAX);
    assert_int_equal(s.n[AFILL_KERNEL_4K], 2);
    assert_int_equal(s.n[AFILL_KERNEL_4M], 1);
    assert_int_equal(s.n[AFILL_TRAMP_K], 3);
    assert_int_equal(s.n[AFILL_TRAMP_U], 2);
    assert_int_equal(s.n[AFILL_USER], 2);
    assert_int_equal(s.n[AFILL_INSTR], 1);
    assert_int_equal(s.listed, 11);
    /* 4 MiB leaves come first, and each word is VA | kind. */
    assert_int_equal(list[0], DIRECT_MAP_BASE | AFILL_KERNEL_4M);
    bool stack_seen = false;
    for (uint32_t i = 0; i < s.listed; i++)
        stack_seen |= list[i] == ((USER_STACK_TOP - PAGE_SIZE) | AFILL_USER);
    assert_true(stack_seen);
}

/* The list stops at list_max; the counts do not. */
static void test_list_bound(void **state)
{
    (void)state;
    for (uint32_t i = 1; i < 8; i++)
        touch(UPD, i * PAGE_SIZE);
    uint32_t list[4] = { 0 };
    struct afill_scan s = scan(list, 3);
    assert_int_equal(s.n[AFILL_USER], 7);
    assert_int_equal(s.listed, 3);
    assert_int_equal(list[3], 0);
}

/* A 4 MiB leaf that holds part of an excluded range is the instrument's;
 * ranges beyond AFILL_INSTR_RANGES are ignored, not written past the end. */
static void test_instr_ranges(void **state)
{
    (void)state;
    touch(KPD, DIRECT_MAP_BASE);
    touch(KPD, KERNEL_VIRT_BASE + 0x8000u);
    struct afill_scan s;
    afill_scan_init(&s);
    afill_scan_exclude(&s, DIRECT_MAP_BASE + 0x1000u, DIRECT_MAP_BASE + 0x2000u);
    for (int r = 0; r < AFILL_INSTR_RANGES + 2; r++)
        afill_scan_exclude(&s, KERNEL_VIRT_BASE + 0x8000u, KERNEL_VIRT_BASE + 0x9000u);
    assert_int_equal(s.ninstr, AFILL_INSTR_RANGES);
    afill_walk(&s, KPD, 0, false);
    assert_int_equal(s.n[AFILL_KERNEL_4M], 0);
    assert_int_equal(s.n[AFILL_KERNEL_4K], 0);
    assert_int_equal(s.n[AFILL_INSTR], 2);
}

/* aspace=shared: the user PD copies the kernel's PDEs and shares its window
 * page table; a shared table is counted once, through the PD walked first. */
static void test_shared_table_once(void **state)
{
    (void)state;
    *entry(UPD, PDX(DIRECT_MAP_BASE)) = *entry(KPD, PDX(DIRECT_MAP_BASE));
    *entry(UPD, PDX(KERNEL_WINDOW_BASE)) = *entry(KPD, PDX(KERNEL_WINDOW_BASE));
    touch(UPD, KERNEL_VIRT_BASE + 0x8000u);
    touch(UPD, DIRECT_MAP_BASE + 0x5000u);
    struct afill_scan s;
    afill_scan_init(&s);
    afill_walk(&s, UPD, 0, true);                         /* the active PD first */
    afill_walk(&s, KPD, UPD, false);
    assert_int_equal(s.n[AFILL_KERNEL_4K], 1);
    assert_int_equal(s.n[AFILL_KERNEL_4M], 1);            /* the user PD's copy of the PDE */
    assert_int_equal(s.n[AFILL_USER], 0);
}

/* afill_clear leaves no A bit, in PDEs or PTEs, and changes nothing else. */
static void test_clear(void **state)
{
    (void)state;
    touch(KPD, TRAMPOLINE_BASE);
    touch(KPD, DIRECT_MAP_BASE);
    touch(KPD, KERNEL_VIRT_BASE);
    touch(UPD, 0x3000u);
    touch(UPD, USER_STACK_TOP - 4);
    uint32_t before = *entry(ULOW_PT, 3) & ~(uint32_t)PTE_A;
    afill_clear(KPD);
    afill_clear(UPD);
    struct afill_scan s = scan(NULL, 0);
    for (int k = 0; k < AFILL_KINDS; k++)
        assert_int_equal(s.n[k], 0);
    for (paddr_t t = KPD; t <= UTOP_PT; t += PAGE_SIZE)
        for (uint32_t i = 0; i < TABLE_ENTRIES; i++)
            assert_int_equal(*entry(t, i) & PTE_A, 0);
    assert_int_equal(*entry(ULOW_PT, 3), before);
}

/* A user page table whose PDE has no A bit was not walked through since the
 * last clear: neither counted nor read by the clear (its time would grow with
 * the address space, with interrupts off). A supervisor table is walked
 * whatever its PDE says: under aspace=shared another PD's copy of the PDE may
 * be the one the CPU marked. */
static void test_untouched_user_table_skipped(void **state)
{
    (void)state;
    *entry(ULOW_PT, 3) |= PTE_A;                          /* no walk sets this alone */
    *entry(KWIN_PT, PTX(KERNEL_VIRT_BASE)) |= PTE_A;      /* via another PD's copy */
    struct afill_scan s = scan(NULL, 0);
    assert_int_equal(s.n[AFILL_USER], 0);
    assert_int_equal(s.n[AFILL_KERNEL_4K], 1);
    afill_clear(KPD);
    afill_clear(UPD);
    assert_int_equal(*entry(KWIN_PT, PTX(KERNEL_VIRT_BASE)) & PTE_A, 0);
    assert_int_equal(*entry(ULOW_PT, 3) & PTE_A, PTE_A); /* not read */
    touch(UPD, 0x5000u);                                  /* a walk marks the PDE: both seen */
    s = scan(NULL, 0);
    assert_int_equal(s.n[AFILL_USER], 2);
    afill_clear(UPD);
    for (uint32_t i = 0; i < TABLE_ENTRIES; i++)
        assert_int_equal(*entry(ULOW_PT, i) & PTE_A, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_clean, setup),
        cmocka_unit_test_setup(test_split_call, setup),
        cmocka_unit_test_setup(test_list_bound, setup),
        cmocka_unit_test_setup(test_instr_ranges, setup),
        cmocka_unit_test_setup(test_shared_table_once, setup),
        cmocka_unit_test_setup(test_clear, setup),
        cmocka_unit_test_setup(test_untouched_user_table_skipped, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
