/*
 * uaccess.c - copy-in/copy-out by software page-table walk.
 * Permission rules: SDM Vol. 3A §4.6 (a user access needs U=1 in both the
 * PDE and the PTE; a write needs W=1 in both). We apply the user rules to
 * the kernel's own accesses on the user's behalf.
 *
 * On the hot text page (KERNEL_HOT_TEXT, types.h): a copy of one page piece
 * (copy_from_user, copy_to_user, user_page; fetch_user_word). Ranges over
 * more than one page take copy_from_user_pages / copy_to_user_pages.
 */
#include "mm/uaccess.h"
#include "lib/kstring.h"
#include "memlayout.h"
#include "mm/pgtable.h"
#include "proc/preempt.h"
#include "uapi/errno.h"
#include "bench/kevents.h"

/* Translate one user page, checking P/U (and W); a reserved page (PTE_LAZY,
 * pgtable.h) is filled first by uaccess_populate(), as a CPU access would
 * have been. 0 and *pa, or -EFAULT. */
KERNEL_HOT_TEXT static long user_page(paddr_t pd, uaddr_t va, bool write, paddr_t *pa)
{
    uint32_t need = PTE_P | PTE_U | (write ? PTE_W : 0);
    pde_t pde = ((const pde_t *)phys_to_virt(pd))[PDX(va)];
    if ((pde & need) != need || (pde & PDE_PS))
        return -EFAULT;
    const pte_t *slot = (const pte_t *)phys_to_virt(PTE_FRAME(pde)) + PTX(va);
    pte_t pte = *slot;
    if (!(pte & PTE_P) && (pte & PTE_LAZY)) {
        if (uaccess_populate(pd, ALIGN_DOWN(va, PAGE_SIZE), write) < 0)
            return -EFAULT;
        pte = *slot;
    }
    if ((pte & need) != need)
        return -EFAULT;
    *pa = PTE_FRAME(pte) | (va & (PAGE_SIZE - 1));
    return 0;
}

static bool range_in_user(uaddr_t va, size_t len)
{
    return len <= UACCESS_MAX_LEN && va >= USER_BASE && va <= USER_TOP &&
           len <= (size_t)(USER_TOP - va);
}

long user_range_ok(paddr_t pd, uaddr_t va, size_t len, bool write)
{
    if (len == 0)
        return 0;
    if (!range_in_user(va, len))
        return -EFAULT;
    uaddr_t last = va + (uaddr_t)(len - 1);
    paddr_t pa;
    uint32_t n = 0;
    for (uaddr_t page = ALIGN_DOWN(va, PAGE_SIZE);; page += PAGE_SIZE) {
        if (user_page(pd, page, write, &pa) < 0)
            return -EFAULT;
        if (page == ALIGN_DOWN(last, PAGE_SIZE))
            return 0;
        /* UACCESS_MAX_LEN is 4096 pages: let interrupts in on the way (only
         * them: the callers keep state across this check, preempt.h). */
        if (++n % PREEMPT_PTES == 0)
            preempt_window();
    }
}

/* Bytes from @va to the end of its page, capped at @len. */
static size_t chunk_len(uaddr_t va, size_t len)
{
    size_t room = PAGE_SIZE - (va & (PAGE_SIZE - 1));
    return len < room ? len : room;
}

/* The common case: a range inside one page is checked and translated by a
 * single walk. Returns 1 if it was such a range (*result is then the copy's
 * result), 0 to take the general path. */
KERNEL_HOT_TEXT static int one_page(paddr_t pd, uaddr_t va, size_t len, bool write, paddr_t *pa, long *result)
{
    if (len == 0 || !range_in_user(va, len) || chunk_len(va, len) != len)
        return 0;
    *result = user_page(pd, va, write, pa);
    return 1;
}

/* copy_from_user's general path: a range that one_page() did not take
 * (more than one page, or one it refuses), checked whole before a byte
 * moves. Out of line, off the hot text page: a system call's usual copy is
 * one page piece (docs/benchmarking.md "Path trace"). */
static __attribute__((noinline)) long copy_from_user_pages(paddr_t pd, void *dst, uaddr_t src, size_t len)
{
    if (user_range_ok(pd, src, len, false) < 0)
        return -EFAULT;
    uint8_t *out = dst;
    while (len > 0) {
        paddr_t pa;
        size_t n = chunk_len(src, len);
        user_page(pd, src, false, &pa); /* checked above */
        memcpy(out, phys_to_virt(pa), n);
        kevents_copied(n);
        out += n, src += (uaddr_t)n, len -= n;
    }
    return 0;
}

KERNEL_HOT_TEXT long copy_from_user(paddr_t pd, void *dst, uaddr_t src, size_t len)
{
    paddr_t pa1;
    long r;
    if (!one_page(pd, src, len, false, &pa1, &r))
        return copy_from_user_pages(pd, dst, src, len);
    if (r == 0) {
        memcpy(dst, phys_to_virt(pa1), len);
        kevents_copied(len);
    }
    return r;
}

/* fetch_user_word's view of physical memory: the direct map, inline (the
 * caller has checked pa < DIRECT_MAP_SIZE, the bound phys_to_virt panics
 * on); the host tests' simulated RAM through their phys_to_virt. */
static inline const void *direct(paddr_t pa)
{
#ifdef HOST_TEST
    return phys_to_virt(pa);
#else
    return (const void *)(uintptr_t)(DIRECT_MAP_BASE + pa);
#endif
}

/* A user word need not be aligned (x86 reads it in one load, SDM Vol. 1
 * §4.1.1); this type says so to the compiler and to UBSan. */
typedef uint32_t __attribute__((aligned(1), may_alias)) unaligned_u32;

KERNEL_HOT_TEXT long fetch_user_word(paddr_t pd, uaddr_t va, uint32_t *out)
{
    const uint32_t need = PTE_P | PTE_U;
    if (va < USER_BASE || va > USER_TOP - sizeof(uint32_t))
        return -EFAULT;                     /* range_in_user's answer */
    if ((va & (PAGE_SIZE - 1)) > PAGE_SIZE - sizeof(uint32_t) || pd >= DIRECT_MAP_SIZE)
        return copy_from_user(pd, out, va, sizeof(uint32_t));
    pde_t pde = ((const pde_t *)direct(pd))[PDX(va)];
    if ((pde & (need | PDE_PS)) != need)
        return -EFAULT;                     /* user_page's PDE test */
    if (PTE_FRAME(pde) >= DIRECT_MAP_SIZE)
        return copy_from_user(pd, out, va, sizeof(uint32_t));
    pte_t pte = ((const pte_t *)direct(PTE_FRAME(pde)))[PTX(va)];
    if ((pte & need) != need) {
        if (!(pte & PTE_P) && (pte & PTE_LAZY))
            return copy_from_user(pd, out, va, sizeof(uint32_t)); /* fills it */
        return -EFAULT;
    }
    if (PTE_FRAME(pte) >= DIRECT_MAP_SIZE)
        return copy_from_user(pd, out, va, sizeof(uint32_t));
    *out = *(const unaligned_u32 *)direct(PTE_FRAME(pte) | (va & (PAGE_SIZE - 1)));
    kevents_copied(sizeof(uint32_t));
    return 0;
}

/* copy_to_user's general path, as copy_from_user_pages: out of line. */
static __attribute__((noinline)) long copy_to_user_pages(paddr_t pd, uaddr_t dst, const void *src, size_t len)
{
    if (user_range_ok(pd, dst, len, true) < 0)
        return -EFAULT;
    const uint8_t *in = src;
    while (len > 0) {
        paddr_t pa;
        size_t n = chunk_len(dst, len);
        user_page(pd, dst, true, &pa); /* checked above */
        memcpy(phys_to_virt(pa), in, n);
        kevents_copied(n);
        in += n, dst += (uaddr_t)n, len -= n;
    }
    return 0;
}

KERNEL_HOT_TEXT long copy_to_user(paddr_t pd, uaddr_t dst, const void *src, size_t len)
{
    paddr_t pa1;
    long r;
    if (!one_page(pd, dst, len, true, &pa1, &r))
        return copy_to_user_pages(pd, dst, src, len);
    if (r == 0) {
        memcpy(phys_to_virt(pa1), src, len);
        kevents_copied(len);
    }
    return r;
}

long clear_user(paddr_t pd, uaddr_t dst, size_t len)
{
    if (user_range_ok(pd, dst, len, true) < 0)
        return -EFAULT;
    while (len > 0) {
        paddr_t pa;
        size_t n = chunk_len(dst, len);
        user_page(pd, dst, true, &pa); /* checked above */
        memset(phys_to_virt(pa), 0, n);
        kevents_copied(n);
        dst += (uaddr_t)n, len -= n;
    }
    return 0;
}

long strncpy_from_user(paddr_t pd, char *dst, uaddr_t src, size_t max)
{
    if (max == 0)
        return -EINVAL;
    if (src < USER_BASE || src >= USER_TOP)
        return -EFAULT;
    size_t copied = 0;
    while (copied < max) {
        paddr_t pa;
        if (src >= USER_TOP || user_page(pd, src, false, &pa) < 0)
            return -EFAULT;
        const char *p = phys_to_virt(pa);
        size_t n = chunk_len(src, max - copied);
        for (size_t i = 0; i < n; i++) {
            dst[copied] = p[i];
            if (p[i] == '\0') {
                kevents_copied(i + 1);
                return (long)copied;
            }
            copied++;
        }
        kevents_copied(n);
        src += (uaddr_t)n;
    }
    dst[max - 1] = '\0';
    return -ENAMETOOLONG;
}

long copy_user_to_user(paddr_t src_pd, uaddr_t src_va, paddr_t dst_pd, uaddr_t dst_va, size_t len)
{
    if (user_range_ok(src_pd, src_va, len, false) < 0 || user_range_ok(dst_pd, dst_va, len, true) < 0)
        return -EFAULT;
    while (len > 0) {
        paddr_t from, to;
        size_t n = chunk_len(src_va, chunk_len(dst_va, len));
        user_page(src_pd, src_va, false, &from); /* checked above */
        user_page(dst_pd, dst_va, true, &to);
        /* Shared memory can map one frame on both sides: memmove. */
        memmove(phys_to_virt(to), phys_to_virt(from), n);
        kevents_copied(n);
        kev_pages_walked++; /* two pages resolved for one piece */
        src_va += (uaddr_t)n, dst_va += (uaddr_t)n, len -= n;
    }
    return 0;
}
