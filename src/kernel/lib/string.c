/*
 * string.c - the kernel's memory and string functions (no libc here).
 * GCC may emit calls to memcpy/memset/memmove/memcmp itself, even with
 * -ffreestanding, so these four must exist with the standard contracts.
 */
#include "lib/kstring.h"

/* memcpy and memset move dwords, then the 0-3 bytes left: a `rep` runs
 * once per iteration, so this is a quarter of the iterations of a byte-wise
 * `rep movsb` (and of the ticks under QEMU -icount, docs/benchmarking.md).
 * DF is clear in the kernel (the trampoline's cld; SysV i386 ABI). */
KERNEL_HOT_TEXT void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;
    size_t words = n / 4, rest = n % 4;
    __asm__ volatile("rep movsl" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
    if (rest)
        __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(rest) : : "memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

KERNEL_HOT_TEXT void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    uint32_t v = (uint8_t)c * 0x01010101u;
    size_t words = n / 4, rest = n % 4;
    __asm__ volatile("rep stosl" : "+D"(d), "+c"(words) : "a"(v) : "memory");
    if (rest)
        __asm__ volatile("rep stosb" : "+D"(d), "+c"(rest) : "a"(v) : "memory");
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b)
            return (uint8_t)*a - (uint8_t)*b;
        if (*a == '\0')
            return 0;
    }
    return 0;
}
