/*
 * fmt.h - the printf format engine shared by the kernel (kprintf.c) and the
 * user runtime (src/user/lib/ulib.c): one freestanding source, compiled into
 * each, that writes through an output callback.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%, an optional '-' flag (for %s),
 * '0' flag, a decimal field width, and the 'l' length modifier (ignored:
 * long is 32 bits on i686). No floats, no precision. An unknown conversion
 * is written as it stands ("%q" prints "%q"); a NULL %s prints "(null)".
 */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* fmt_put_fn - the output callback: write one character @c for @ctx. */
typedef void (*fmt_put_fn)(void *ctx, char c);

/* fmt_format - format @fmt with @ap, one character at a time through
 * @put(@ctx, c). Returns the number of characters written. */
int fmt_format(fmt_put_fn put, void *ctx, const char *fmt, va_list ap);

/* fmt_vsnprintf - format into @buf of @size bytes, always NUL-terminated
 * when @size > 0 (the output is cut at size - 1 bytes). Returns the length
 * the whole output would have, in bytes without the NUL, like C's
 * vsnprintf: a return >= @size means it was cut. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* fmt_snprintf - fmt_vsnprintf with the arguments in the call; the same
 * return. The kernel's ksnprintf and the user runtime's snprintf are this
 * function: their declarations (defs.h, ulib.h) name its symbol. */
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* LIB_FMT_H */
