/*
 * kprintf.c - formatted output for the kernel log, on the format engine
 * shared with the user runtime (src/lib/fmt.c: conversions listed in fmt.h;
 * ksnprintf and kvsnprintf are fmt.c's own functions, defs.h).
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
