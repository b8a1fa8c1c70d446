/*
 * pipe.c - pipes: a PIPE_BUF_SIZE ring buffer in one frame from the frame
 * allocator, and two open files (fd.c), one per end.
 *
 * read blocks while the pipe is empty and the write end is open, and
 * returns what is there (at least one byte, at most @len) without waiting
 * for more; with the write end closed it returns 0 (end of file).
 * write blocks while the pipe is full and the read end is open. A write of
 * at most PIPE_BUF_SIZE bytes goes in at once (it waits for room for all of
 * it), a longer one in pieces as room appears; with the read end closed it
 * returns what it wrote so far, or -EPIPE if nothing (there are no signals).
 * A process killed while blocked leaves at once (the kernel ends it on its
 * way to user mode). The frame is freed when both ends are closed.
 *
 * The user buffer is checked before anything blocks or moves, so a bad
 * buffer is -EFAULT with the pipe unchanged; the bytes move between the
 * user pages and the ring directly, without a bounce buffer.
 */
#include "defs.h"
#include "fs/file.h"
#include "proc/proc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"

struct pipe {
    bool used;
    bool read_open, write_open;     /* the file of each end is still referenced */
    paddr_t frame;
    uint8_t *buf;                   /* the frame, through the direct map */
    uint32_t head;                  /* index of the next byte to read */
    uint32_t count;                 /* bytes buffered */
    uint32_t id;                    /* fstat's st_ino */
    uint8_t readers_chan, writers_chan; /* sleep channels (only their addresses count) */
};

/* A pipe lives while either end is open, so at most one per file-table entry. */
static struct pipe pipes[NFILE];
static uint32_t next_id = 1;

long pipe_create(struct file *rd, struct file *wr)
{
    struct pipe *p = NULL;
    for (uint32_t i = 0; i < NFILE && !p; i++)
        if (!pipes[i].used)
            p = &pipes[i];
    if (!p)
        return -ENFILE; /* cannot happen: two file entries per pipe */
    paddr_t frame;
    if (frame_alloc(&kernel_frames, &frame) < 0)
        return -ENOMEM;
    *p = (struct pipe){
        .used = true, .read_open = true, .write_open = true,
        .frame = frame, .buf = phys_to_virt(frame), .id = next_id++,
    };
    rd->node = (struct node){ .type = N_PIPE, .pipe = p };
    rd->mode = O_RDONLY;
    wr->node = (struct node){ .type = N_PIPE, .pipe = p };
    wr->mode = O_WRONLY;
    return 0;
}

void pipe_close(struct pipe *p, bool writer)
{
    if (writer) {
        p->write_open = false;
        proc_wakeup(&p->readers_chan);  /* they see end of file */
    } else {
        p->read_open = false;
        proc_wakeup(&p->writers_chan);  /* they see -EPIPE */
    }
    if (!p->read_open && !p->write_open) {
        frame_free(&kernel_frames, p->frame);
        p->used = false;
    }
}

uint32_t pipe_buffered(const struct pipe *p)
{
    return p->count;
}

uint32_t pipe_id(const struct pipe *p)
{
    return p->id;
}

long pipe_read(struct pipe *p, uaddr_t buf, uint32_t len)
{
    if (len == 0)
        return 0;
    if (len > PIPE_BUF_SIZE)
        len = PIPE_BUF_SIZE; /* never more than the pipe holds */
    if (user_range_ok(current->pd, buf, len, true) < 0)
        return -EFAULT;
    while (p->count == 0) {
        if (!p->write_open)
            return 0;
        proc_sleep(&p->readers_chan);
        if (current->killed)
            return -EFAULT; /* the process ends on its way out */
    }
    uint32_t n = len < p->count ? len : p->count;
    uint32_t first = PIPE_BUF_SIZE - p->head; /* bytes before the ring wraps */
    if (first > n)
        first = n;
    if (copy_to_user(current->pd, buf, p->buf + p->head, first) < 0 ||
        copy_to_user(current->pd, buf + first, p->buf, n - first) < 0)
        return -EFAULT; /* checked above: cannot happen */
    p->head = (p->head + n) % PIPE_BUF_SIZE;
    p->count -= n;
    proc_wakeup(&p->writers_chan);
    return (long)n;
}

long pipe_write(struct pipe *p, uaddr_t buf, uint32_t len)
{
    if (len == 0)
        return 0;
    if (user_range_ok(current->pd, buf, len, false) < 0)
        return -EFAULT;
    uint32_t done = 0;
    while (done < len) {
        if (!p->read_open)
            return done ? (long)done : -EPIPE;
        uint32_t room = PIPE_BUF_SIZE - p->count;
        uint32_t need = len <= PIPE_BUF_SIZE ? len : 1; /* small writes go in whole */
        if (room < need) {
            proc_sleep(&p->writers_chan);
            if (current->killed)
                return done ? (long)done : -EPIPE; /* the process ends on its way out */
            continue;
        }
        uint32_t n = len - done < room ? len - done : room;
        uint32_t tail = (p->head + p->count) % PIPE_BUF_SIZE;
        uint32_t first = PIPE_BUF_SIZE - tail;
        if (first > n)
            first = n;
        if (copy_from_user(current->pd, p->buf + tail, buf + done, first) < 0 ||
            copy_from_user(current->pd, p->buf, buf + done + first, n - first) < 0)
            return done ? (long)done : -EFAULT; /* checked above: cannot happen */
        p->count += n;
        done += n;
        proc_wakeup(&p->readers_chan);
    }
    return (long)done;
}
