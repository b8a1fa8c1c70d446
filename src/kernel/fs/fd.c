/*
 * fd.c - the kernel's open-file table and each process's descriptors
 * (file.h; docs/files.md), and the calls that only move descriptors:
 * close, dup, pipe.
 *
 * Every process has ofile[NOFILE]: a descriptor points at an entry of
 * ftable[NFILE], which keeps the access mode and the offset. dup() and
 * fork() share the entry; the last close() releases it. A process made
 * from a boot module or by spawn() gets fd 0 (/dev/console, read-only) and
 * fds 1 and 2 (/dev/console, write-only, one shared entry). The descriptor
 * lookups of the system calls (fd_file, fd_first_free) are inline in file.h.
 */
#include "defs.h"
#include "fs/file.h"
#include "lib/kstring.h"
#include "proc/proc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"

static struct file file_slots[NFILE];
static struct file *ftable;     /* file_slots through the direct map (direct_alias, defs.h) */

void fd_table_init(void)
{
    ftable = direct_alias(file_slots);
}

/* file_alloc - a free open-file table entry, zeroed, with ref = 1 (the
 * caller sets its node and mode). NULL if all NFILE are in use (the
 * system calls answer -ENFILE). */
struct file *file_alloc(void)
{
    for (uint32_t i = 0; i < NFILE; i++) {
        struct file *f = &ftable[i];
        if (f->ref == 0) {
            memset(f, 0, sizeof(*f));
            f->ref = 1;
            return f;
        }
    }
    return NULL;
}

/* file_put - drop one reference to @f; the last one releases it (a pipe
 * end is closed: pipe_close). Panics if @f is not in use. */
void file_put(struct file *f)
{
    if (f->ref == 0)
        panic("file_put: entry %u is not in use", (uint32_t)(f - ftable));
    if (--f->ref > 0)
        return;
    if (f->node.type == N_PIPE)
        pipe_close(f->node.pipe, f->mode != O_RDONLY);
    f->node.type = N_NONE;
}

/* files_in_use - open-file table entries with ref > 0 (the harness checks
 * that every boot gives them all back). */
uint32_t files_in_use(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < NFILE; i++)
        if (ftable[i].ref)
            n++;
    return n;
}

/* file_console_fds - give new process @p fds 0 (/dev/console, read-only)
 * and 1, 2 (/dev/console, write-only, one shared entry). 0; -ENFILE the
 * open-file table is full (nothing taken). */
int file_console_fds(struct proc *p)
{
    struct file *in = file_alloc();
    struct file *out = in ? file_alloc() : NULL;
    if (!out) {
        if (in)
            file_put(in);
        return -ENFILE;
    }
    in->node.type = out->node.type = N_CONSOLE;
    in->mode = O_RDONLY;
    out->mode = O_WRONLY;
    out->ref = 2;
    p->ofile[0] = in;
    p->ofile[1] = p->ofile[2] = out;
    return 0;
}

/* files_fork - @child gets @parent's descriptors, sharing each open file
 * (ref++). No errors. */
void files_fork(struct proc *parent, struct proc *child)
{
    for (int fd = 0; fd < NOFILE; fd++) {
        child->ofile[fd] = parent->ofile[fd];
        if (child->ofile[fd])
            child->ofile[fd]->ref++;
    }
}

/* files_close_all - close every descriptor of @p (exit, or an embryo that
 * never ran). No errors. */
void files_close_all(struct proc *p)
{
    for (int fd = 0; fd < NOFILE; fd++) {
        struct file *f = p->ofile[fd];
        if (f) {
            p->ofile[fd] = NULL;
            file_put(f);
        }
    }
}

/* ------------------------------------------------------------ system calls */

/* sys_close - close(fd): free descriptor @fd and drop its reference to the
 * open file (the last one releases it: a pipe end closes). 0; -EBADF @fd
 * not open. */
KERNEL_HOT_TEXT long sys_close(int fd)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    current->ofile[fd] = NULL;
    file_put(f);
    return 0;
}

/* sys_dup - dup(fd): the lowest free descriptor, sharing @fd's open file
 * (offset and mode). Returns it; -EBADF @fd not open, -EMFILE none free. */
long sys_dup(int fd)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    int nfd = fd_first_free(0);
    if (nfd < 0)
        return nfd;
    f->ref++;
    current->ofile[nfd] = f;
    return nfd;
}

/*
 * sys_pipe - pipe(fds): a new pipe; its read end's descriptor then its
 * write end's (the two lowest free) as two ints at user @ufds. 0; -EMFILE
 * fewer than two free descriptors, -ENFILE open-file table full, -ENOMEM
 * no frame for the buffer, -EFAULT @ufds not writable (nothing left open).
 */
long sys_pipe(uaddr_t ufds)
{
    int fds[2];
    fds[0] = fd_first_free(0);
    fds[1] = fds[0] < 0 ? -EMFILE : fd_first_free(fds[0] + 1);
    if (fds[1] < 0)
        return -EMFILE;
    struct file *rd = file_alloc();
    struct file *wr = rd ? file_alloc() : NULL;
    if (!wr) {
        if (rd)
            file_put(rd);
        return -ENFILE;
    }
    long r = pipe_create(rd, wr);
    if (r == 0 && copy_to_user(current->pd, ufds, fds, sizeof(fds)) < 0)
        r = -EFAULT;
    if (r < 0) {
        file_put(rd); /* a pipe's last close frees its frame */
        file_put(wr);
        return r;
    }
    current->ofile[fds[0]] = rd;
    current->ofile[fds[1]] = wr;
    return 0;
}
