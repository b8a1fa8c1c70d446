/*
 * kprintf.c - formatted output for the kernel log.
 * Conversions: %d %i %u %x %X %p %s %c %%, with an optional '-' flag (for
 * %s), '0' flag, a field width, and the 'l' length modifier (ignored: long is 32 bits here).
 */
#include <stdarg.h>
#include "defs.h"
#include "kstring.h"

struct sink {
    char *buf;      /* NULL: write to the console */
    size_t size, len;
};

static void emit(struct sink *s, char c)
{
    if (!s->buf) {
        console_write(&c, 1);
    } else if (s->len + 1 < s->size) {
        s->buf[s->len] = c;
    }
    s->len++;
}

static void emit_number(struct sink *s, uint32_t v, unsigned base, bool neg, int width, char pad, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[12];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    int len = n + (neg ? 1 : 0);
    if (neg && pad == '0')
        emit(s, '-');
    for (; width > len; width--)
        emit(s, pad);
    if (neg && pad != '0')
        emit(s, '-');
    while (n)
        emit(s, tmp[--n]);
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(s, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0;
        bool left = false;
        if (*fmt == '-')
            left = true, fmt++;
        if (*fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l')
            fmt++;
        switch (*fmt) {
        case 'd':
        case 'i': {
            int32_t v = va_arg(ap, int32_t);
            emit_number(s, v < 0 ? -(uint32_t)v : (uint32_t)v, 10, v < 0, width, pad, false);
            break;
        }
        case 'u': emit_number(s, va_arg(ap, uint32_t), 10, false, width, pad, false); break;
        case 'x': emit_number(s, va_arg(ap, uint32_t), 16, false, width, pad, false); break;
        case 'X': emit_number(s, va_arg(ap, uint32_t), 16, false, width, pad, true); break;
        case 'p':
            emit(s, '0'), emit(s, 'x');
            emit_number(s, (uint32_t)(uintptr_t)va_arg(ap, void *), 16, false, 8, '0', false);
            break;
        case 'c': emit(s, (char)va_arg(ap, int)); break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            int len = (int)strlen(str);
            for (int i = len; !left && i < width; i++)
                emit(s, ' ');
            while (*str)
                emit(s, *str++);
            for (int i = len; left && i < width; i++)
                emit(s, ' ');
            break;
        }
        case '%': emit(s, '%'); break;
        case '\0': return;
        default: emit(s, '%'), emit(s, *fmt); break;
        }
    }
}

void kprintf(const char *fmt, ...)
{
    struct sink s = { 0 };
    va_list ap;
    va_start(ap, fmt);
    format(&s, fmt, ap);
    va_end(ap);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = { .buf = buf, .size = size };
    format(&s, fmt, ap);
    if (size)
        buf[s.len < size ? s.len : size - 1] = '\0';
    return (int)s.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
