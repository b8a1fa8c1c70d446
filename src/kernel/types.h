/*
 * types.h - fixed-width types shared by the kernel and the host tests.
 * paddr_t: a physical address. uaddr_t: a user virtual address; never
 * dereferenced by the kernel, only translated through a user page table.
 */
#ifndef TYPES_H
#define TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef uint32_t paddr_t;
typedef uint32_t uaddr_t;

#define ALIGN_DOWN(x, a) ((x) & ~((a) - 1))
#define ALIGN_UP(x, a)   (((x) + (a) - 1) & ~((a) - 1))
#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))

/* KERNEL_HOT_TEXT: the code of the common system calls: the slow path's C
 * (trap.c, syscall.c), fetch_user_word for sysenter's arg 3, and the
 * handlers the bundled traces call most with what they call on their usual
 * path: close, write to /dev/null or /dev/zero (dev.c's sink), fstat,
 * lseek, a one-page copy_from_user/copy_to_user, memcpy, memset and
 * phys_to_virt. One text page at the start of .text (link/kernel.ld
 * asserts it), so such a call loads one translation for its code
 * (docs/benchmarking.md "Path trace"); their rare cases are noinline
 * helpers elsewhere. Here, not in defs.h, because the host tests build
 * uaccess.c too. */
#define KERNEL_HOT_TEXT __attribute__((section(".text.hot"))) /* [C only] */

#endif /* TYPES_H */
