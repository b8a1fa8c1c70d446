/*
 * dev.c - the devices of /dev: null, zero and console (docs/files.md).
 *
 * /dev/console keeps exactly what read(0)/write(1) always did: a write is
 * all or nothing (the whole buffer is checked before the first byte goes
 * out, then copied in 256-byte chunks), a read blocks for a line from the
 * line discipline (console_read, console.c).
 */
#include "defs.h"
#include "file.h"
#include "proc.h"
#include "uaccess.h"
#include "uapi/errno.h"

#define WRITE_CHUNK 256 /* console: bytes copied in per step */

static long console_dev_write(uaddr_t buf, uint32_t len)
{
    if (user_range_ok(current->pd, buf, len, false) < 0)
        return -EFAULT;
    char chunk[WRITE_CHUNK];
    for (uint32_t done = 0; done < len;) {
        uint32_t n = len - done < WRITE_CHUNK ? len - done : WRITE_CHUNK;
        if (copy_from_user(current->pd, chunk, buf + done, n) < 0)
            return -EFAULT;
        console_write(chunk, n);
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
 */
static uint8_t sink_scratch[PAGE_SIZE];

static long sink_write(uaddr_t buf, uint32_t len)
{
    if (len > UACCESS_MAX_LEN)
        return -EFAULT;
    for (uint32_t done = 0; done < len;) {
        uaddr_t va = buf + done;
        uint32_t n = PAGE_SIZE - (va & (PAGE_SIZE - 1)); /* never across a page boundary */
        if (n > len - done)
            n = len - done;
        if (copy_from_user(current->pd, sink_scratch, va, n) < 0)
            return -EFAULT;
        done += n;
    }
    return (long)len;
}

long dev_read(enum node_type type, uaddr_t buf, uint32_t len)
{
    switch (type) {
    case N_NULL:
        return 0; /* always at end of file */
    case N_ZERO: {
        long r = clear_user(current->pd, buf, len);
        return r < 0 ? r : (long)len;
    }
    case N_CONSOLE:
        return console_read(buf, len);
    default:
        return -EBADF;
    }
}

long dev_write(enum node_type type, uaddr_t buf, uint32_t len)
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
