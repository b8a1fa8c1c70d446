/*
 * uaccess.h - copy-in/copy-out: the only way the kernel reads or writes user
 * memory. User PDs never map the kernel, and the kernel never loads a user
 * CR3 to reach user memory, so every access walks the user page tables in
 * software and goes through the direct map, one page at a time.
 *
 * Rules (every helper):
 *  - the range [va, va + len) must lie inside [USER_BASE, USER_TOP) without
 *    wrapping, and len <= UACCESS_MAX_LEN;
 *  - every PDE and PTE it touches must be present and user (U=1), and also
 *    writable (W=1) for copy-out; a reserved page (demand paging, PTE_LAZY in
 *    pgtable.h) is filled on the way by uaccess_populate() as the user's own
 *    access would fill it (Linux faults it in during copy_from_user), so a
 *    copy into a fresh lazy mapping works; anything else not present fails;
 *  - all or nothing: the whole range is checked before the first byte moves,
 *    so a failed copy-out writes nothing and a failed copy-in reads nothing;
 *  - failure is -EFAULT, never a kernel fault; len == 0 succeeds without
 *    looking at va (as POSIX read/write with a zero count);
 *  - every page piece moved counts one page walked and its bytes in the
 *    event counters (kevents.h), which the benchmark reads.
 * @pd is the physical address of the user page directory.
 */
#ifndef UACCESS_H
#define UACCESS_H

#include "types.h"
#include "uapi/limits.h"    /* UACCESS_MAX_LEN: bytes in one copy; larger requests get -EFAULT */

/* uaccess_populate - the kernel's demand-paging hook (mem_syscalls.c; the host tests
 * supply their own): give the reserved user page at @va (page aligned) in
 * @pd a zeroed frame if it may be accessed (written, if @write), counting
 * one fault. Returns 0, or < 0 (the copy then fails -EFAULT). The pages a
 * copy filled before a later page failed stay filled (they hold zeros). */
long uaccess_populate(paddr_t pd, uaddr_t va, bool write);

/* user_range_ok - check [va, va + len) as described above, for writing if
 * @write. Returns 0 or -EFAULT. */
long user_range_ok(paddr_t pd, uaddr_t va, size_t len, bool write);

/* copy_from_user - copy @len bytes from user @src to kernel @dst.
 * Returns 0 or -EFAULT (nothing copied). */
long copy_from_user(paddr_t pd, void *dst, uaddr_t src, size_t len);

/*
 * fetch_user_word - read the 32-bit word at user @va into *@out: the
 * sysenter path's argument 3 (syscall.c). The same rules, result and event
 * counts as copy_from_user(pd, out, va, 4) (one page piece of 4 bytes),
 * with one walk of the PDE and PTE through the direct map and no calls:
 * -EFAULT, and *@out untouched, if [va, va + 4) leaves the user range or
 * the PDE (present, user, not 4 MiB) or PTE (present, user) refuses it. A
 * word that crosses a page boundary, or that lies in a reserved page
 * (PTE_LAZY, to be filled), or a table or frame beyond the direct map, is
 * handed to copy_from_user itself. Returns 0 or -EFAULT.
 */
long fetch_user_word(paddr_t pd, uaddr_t va, uint32_t *out);

/* copy_to_user - copy @len bytes from kernel @src to user @dst; the pages
 * must be writable. Returns 0 or -EFAULT (nothing written). */
long copy_to_user(paddr_t pd, uaddr_t dst, const void *src, size_t len);

/* clear_user - zero @len bytes of user memory at @dst (a read of /dev/zero),
 * page by page; the pages must be writable. Returns 0 or -EFAULT (nothing
 * written). */
long clear_user(paddr_t pd, uaddr_t dst, size_t len);

/*
 * strncpy_from_user - copy a NUL-terminated user string into @dst, which
 * holds @max bytes (max >= 1). Bytes are read page by page, each page
 * checked before it is read. Returns the string length (without the NUL,
 * < max) with @dst terminated; -EFAULT if an unmapped or supervisor page is
 * reached before the NUL (or @src is outside the user range);
 * -ENAMETOOLONG if no NUL is within @max bytes (@dst then holds max-1 bytes
 * and a NUL); -EINVAL if @max is 0.
 */
long strncpy_from_user(paddr_t pd, char *dst, uaddr_t src, size_t max);

/*
 * copy_user_to_user - copy @len bytes from user @src_va in the address space
 * @src_pd to user @dst_va in @dst_pd, page by page through the direct map,
 * with no intermediate buffer (IPC). The source must be readable and the
 * destination writable user memory, by the rules above. Returns 0 or
 * -EFAULT (nothing copied). Where both sides map the same frame (shared
 * memory), each page piece is moved as by memmove; a range that overlaps
 * itself across a page boundary has no defined result.
 */
long copy_user_to_user(paddr_t src_pd, uaddr_t src_va, paddr_t dst_pd, uaddr_t dst_va, size_t len);

#endif /* UACCESS_H */
