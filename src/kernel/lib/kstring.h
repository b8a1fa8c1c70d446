/*
 * kstring.h - the memory and string functions the kernel provides
 * (string.c). Host unit tests build the pure modules against libc instead.
 */
#ifndef KSTRING_H
#define KSTRING_H

#include "types.h"

#ifdef HOST_TEST
#include <string.h>
#else
/* The C library's meanings (ISO C11 §7.24), kernel addresses only (user
 * memory is reached through uaccess.h). Sizes in bytes. */
/* memcpy - copy @n bytes, @dst and @src not overlapping (dwords, then the
 * 0-3 bytes left); returns @dst. */
void *memcpy(void *dst, const void *src, size_t n);
/* memmove - copy @n bytes, the ranges may overlap; returns @dst. */
void *memmove(void *dst, const void *src, size_t n);
/* memset - fill @n bytes with the byte @c (dwords, then the rest); returns @dst. */
void *memset(void *dst, int c, size_t n);
/* memcmp - <0, 0, >0 as the first differing byte of @a is below, equal to
 * or above @b's (unsigned), over @n bytes. */
int memcmp(const void *a, const void *b, size_t n);
/* strlen - bytes before the NUL of @s. */
size_t strlen(const char *s);
/* strnlen - bytes before the NUL of @s, at most @max. */
size_t strnlen(const char *s, size_t max);
/* strcmp, strncmp - compare NUL-terminated strings (at most @n bytes):
 * <0, 0, >0, bytes compared as unsigned. */
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
#endif

#endif /* KSTRING_H */
