/*
 * dev.c - the devices of /dev: null, zero and console (docs/files.md).
 *
 * /dev/console keeps exactly what read(0)/write(1) always did: a write is
 * all or nothing (the whole buffer is checked before the first byte goes
 * out, then copied in 256-byte chunks), a read blocks for a line from the
 * line discipline (console_read, console.c).
 */
#include "defs.h"
#include "fs/file.h"
#include "proc/preempt.h"
#include "proc/proc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"

#define WRITE_CHUNK 256 /* console: bytes copied in per step */

/* Chunked work stops at a preempt point that reports a kill: the bytes done
 * so far, or -EINTR if none (the process ends on its way out anyway). */
static long short_count(uint32_t done)
{
    return done ? (long)done : -EINTR;
}

/*
 * The console write: the whole buffer is checked first, then copied in
 * WRITE_CHUNK bytes at a time and sent in pieces of at most
 * PREEMPT_CONSOLE_BYTES that end at the first newline. A polled UART byte
 * costs a character time (87 us at 115200 baud): without a break a 16 MiB
 * write would hold interrupts off for minutes. So every piece is followed
 * by an interrupt window, and a piece that ends a line (or the
 * PREEMPT_CONSOLE_LINE-th byte without one) by a preempt point, where other
 * processes may run: lines from different writers never mix (test logs are
 * read line by line), yet a long write does not hold the CPU. A kill stops
 * the write at the next window: the count sent so far is returned.
 * Never inlined: dev_write is on the hot text page (KERNEL_HOT_TEXT), this
 * loop and its 256-byte buffer are not.
 */
static __attribute__((noinline)) long console_dev_write(uaddr_t buf, uint32_t len)
{
    if (user_range_ok(current->pd, buf, len, false) < 0)
        return -EFAULT;
    char chunk[WRITE_CHUNK];
    uint32_t line = 0; /* bytes sent since the last newline */
    for (uint32_t done = 0; done < len;) {
        uint32_t n = len - done < WRITE_CHUNK ? len - done : WRITE_CHUNK;
        if (copy_from_user(current->pd, chunk, buf + done, n) < 0)
            return short_count(done); /* checked above: cannot happen */
        for (uint32_t i = 0; i < n;) {
            uint32_t piece = 0;
            while (i + piece < n && piece < PREEMPT_CONSOLE_BYTES && chunk[i + piece++] != '\n')
                ;
            console_write(chunk + i, piece);
            i += piece;
            line = chunk[i - 1] == '\n' ? 0 : line + piece;
            if (done + i == len)
                break;
            if (line == 0 || line >= PREEMPT_CONSOLE_LINE) {
                line = 0;
                if (preempt_point() < 0)
                    return (long)(done + i);
            } else {
                preempt_window();
                if (current->killed)
                    return (long)(done + i);
            }
        }
        done += n;
    }
    return (long)len;
}

/*
 * A write to /dev/null or /dev/zero. Linux returns at once without touching
 * the buffer; we copy every byte in (into a scratch page that nobody reads),
 * one user page piece per copy_from_user, so that one page walk is done per
 * page. That models what a real write costs at the boundary (the copy-in of
 * its data) for the syscall benchmark: write(/dev/null) in a replayed trace
 * stands for a write to a file or socket (docs/files.md). A bad buffer is
 * -EFAULT; nothing observable has happened then, as the bytes go nowhere.
 * A preempt point follows every page piece. On the hot text page with
 * dev_write: the replay's writes all come here.
 */
static uint8_t sink_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
/* sink_page through the direct map (dev_init); the pointer sits in the hot
 * data line (.data.hot, link/kernel.ld), which every general call touches. */
__attribute__((section(".data.hot"))) static uint8_t *sink_scratch;

void dev_init(void)
{
    sink_scratch = direct_alias(sink_page);
}

KERNEL_HOT_TEXT static long sink_write(uaddr_t buf, uint32_t len)
{
    if (len > UACCESS_MAX_LEN)
        return -EFAULT;
    for (uint32_t done = 0; done < len;) {
        uaddr_t va = buf + done;
        uint32_t n = PAGE_SIZE - (va & (PAGE_SIZE - 1)); /* never across a page boundary */
        if (n > len - done)
            n = len - done;
        if (copy_from_user(current->pd, sink_scratch, va, n) < 0)
            return -EFAULT; /* the bytes went nowhere: as if none were taken */
        done += n;
        if (done < len && preempt_point() < 0)
            return short_count(done);
    }
    return (long)len;
}

/* A read of /dev/zero: all or nothing for a bad buffer (checked whole
 * first), then zeroed one user page piece at a time, with a preempt point
 * after each. */
static long zero_read(uaddr_t buf, uint32_t len)
{
    if (user_range_ok(current->pd, buf, len, true) < 0)
        return -EFAULT;
    for (uint32_t done = 0; done < len;) {
        uaddr_t va = buf + done;
        uint32_t n = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (n > len - done)
            n = len - done;
        if (clear_user(current->pd, va, n) < 0)
            return short_count(done); /* checked above: cannot happen */
        done += n;
        if (done < len && preempt_point() < 0)
            return short_count(done);
    }
    return (long)len;
}

long dev_read(enum node_type type, uaddr_t buf, uint32_t len)
{
    switch (type) {
    case N_NULL:
        return 0; /* always at end of file */
    case N_ZERO:
        return zero_read(buf, len);
    case N_CONSOLE:
        return console_read(buf, len);
    default:
        return -EBADF;
    }
}

KERNEL_HOT_TEXT long dev_write(enum node_type type, uaddr_t buf, uint32_t len)
{
    switch (type) {
    case N_NULL:
    case N_ZERO:
        return sink_write(buf, len);
    case N_CONSOLE:
        return console_dev_write(buf, len);
    default:
        return -EBADF;
    }
}
