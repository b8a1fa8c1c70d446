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
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
#endif

#endif /* KSTRING_H */
