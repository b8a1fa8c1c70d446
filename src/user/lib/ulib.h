/*
 * ulib.h - the user runtime: syscall stubs (syscall.asm), printf and string
 * functions (ulib.c), KTAP reporting for test programs (ktap.c).
 */
#ifndef ULIB_H
#define ULIB_H

#include <stddef.h>
#include <stdint.h>
#include "uapi/errno.h"
#include "uapi/syscall.h"

/* Syscalls: return >= 0, or -errno. */
void exit(int status) __attribute__((noreturn));
long write(int fd, const void *buf, size_t len);
long getpid(void);
long yield(void);
long nop(void);
long sysinfo(struct sysinfo *out);
long syscall_raw(long nr, long a1, long a2, long a3, long a4, long a5);

/* printf to fd 1. Conversions: %d %u %x %s %c %p %%, '0' flag and width. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

/* KTAP subtests (printed indented, under the kernel's line for this module). */
void ktap_plan(int ntests);
void ktap_result(int ok, const char *name);
int ktap_failures(void);    /* exit(ktap_failures()) makes the kernel's verdict */

/* Bochs magic breakpoint: stops the Bochs debugger here (magic_break: enabled=1). */
#define BOCHS_BREAK() __asm__ volatile("xchg %bx, %bx")

#endif /* ULIB_H */
