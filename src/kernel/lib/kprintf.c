/*
 * kprintf.c - formatted output for the kernel log, on the format engine
 * shared with the user runtime (src/lib/fmt.c: conversions listed in fmt.h).
 */
#include <stdarg.h>
#include "defs.h"
#include "lib/fmt.h"

static void console_put(void *ctx, char c)
{
    (void)ctx;
    console_write(&c, 1);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fmt_format(console_put, NULL, fmt, ap);
    va_end(ap);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    return fmt_vsnprintf(buf, size, fmt, ap);
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
