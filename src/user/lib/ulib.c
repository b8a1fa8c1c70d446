/*
 * ulib.c - printf and string functions for user programs. printf and
 * snprintf format with the engine the kernel's kprintf uses (src/lib/fmt.c).
 */
#include <stdarg.h>
#include "ulib.h"
#include "lib/fmt.h"

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (; *s; s++)
        if (*s == (char)c)
            return (char *)s;
    return c ? NULL : (char *)s;
}

int atoi(const char *s)
{
    int sign = 1, v = 0;
    if (*s == '-')
        sign = -1, s++;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return sign * v;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

int printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    write(1, buf, strlen(buf));
    return n;
}

/* Every stub syscall.asm makes (one per row of uapi/syscalls.def) has its
 * prototype in ulib.h: a row without one stops the build here ("name
 * undeclared"). Nothing of this reaches the object file. */
#define SYSCALL(nr, name, nargs, class, desc) (void (*)(void))name,
static void (*const syscall_prototypes[])(void) __attribute__((unused)) = {
#include "uapi/syscalls.def"
};
#undef SYSCALL
