/*
 * fmt.c - the printf format engine shared by the kernel and the user
 * runtime (fmt.h). Freestanding: no library call, no global state.
 */
#include <stdbool.h>
#include <stdint.h>
#include "fmt.h"

struct fmt_out {
    fmt_put_fn put;
    void *ctx;
    int len;
};

static void emit(struct fmt_out *o, char c)
{
    o->put(o->ctx, c);
    o->len++;
}

static void emit_number(struct fmt_out *o, uint32_t v, unsigned base, bool neg, int width, char pad, bool upper)
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
        emit(o, '-');
    for (; width > len; width--)
        emit(o, pad);
    if (neg && pad != '0')
        emit(o, '-');
    while (n)
        emit(o, tmp[--n]);
}

static void emit_string(struct fmt_out *o, const char *str, int width, bool left)
{
    if (!str)
        str = "(null)";
    int len = 0;
    while (str[len])
        len++;
    for (int i = len; !left && i < width; i++)
        emit(o, ' ');
    while (*str)
        emit(o, *str++);
    for (int i = len; left && i < width; i++)
        emit(o, ' ');
}

int fmt_format(fmt_put_fn put, void *ctx, const char *fmt, va_list ap)
{
    struct fmt_out o = { put, ctx, 0 };
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(&o, *fmt);
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
            emit_number(&o, v < 0 ? -(uint32_t)v : (uint32_t)v, 10, v < 0, width, pad, false);
            break;
        }
        case 'u': emit_number(&o, va_arg(ap, uint32_t), 10, false, width, pad, false); break;
        case 'x': emit_number(&o, va_arg(ap, uint32_t), 16, false, width, pad, false); break;
        case 'X': emit_number(&o, va_arg(ap, uint32_t), 16, false, width, pad, true); break;
        case 'p':
            emit(&o, '0'), emit(&o, 'x');
            emit_number(&o, (uint32_t)(uintptr_t)va_arg(ap, void *), 16, false, 8, '0', false);
            break;
        case 'c': emit(&o, (char)va_arg(ap, int)); break;
        case 's': emit_string(&o, va_arg(ap, const char *), width, left); break;
        case '%': emit(&o, '%'); break;
        case '\0': return o.len;
        default: emit(&o, '%'), emit(&o, *fmt); break;
        }
    }
    return o.len;
}

struct fmt_buf {
    char *buf;
    size_t size, len;
};

static void buf_put(void *ctx, char c)
{
    struct fmt_buf *b = ctx;
    if (b->len + 1 < b->size)
        b->buf[b->len] = c;
    b->len++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct fmt_buf b = { buf, size, 0 };
    fmt_format(buf_put, &b, fmt, ap);
    if (size)
        buf[b.len < size ? b.len : size - 1] = '\0';
    return (int)b.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
