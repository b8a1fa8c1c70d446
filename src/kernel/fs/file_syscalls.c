/*
 * file_syscalls.c - the system calls on names and open files: open, read,
 * write, lseek, stat, fstat (docs/files.md has the error table; close, dup
 * and pipe, which only move descriptors, are fd.c's). They find
 * descriptors through fd.c (file.h: fd_file, fd_first_free), names through
 * namespace.c (ns_lookup_user), and the bytes in pipe.c, dev.c or the boot
 * module itself (/mod/NAME).
 */
#include "defs.h"
#include "fs/file.h"
#include "lib/kstring.h"
#include "proc/preempt.h"
#include "proc/proc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"

/* module_size - the bytes of boot module @m (/mod/NAME's st_size). */
static uint32_t module_size(const struct boot_module *m)
{
    return m->end - m->start;
}

/* node_stat - the struct stat of node @n (docs/files.md: devices and inode numbers). */
KERNEL_HOT_TEXT static void node_stat(const struct node *n, struct stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_nlink = 1;
    st->st_blksize = PAGE_SIZE;
    switch (n->type) {
    case N_DIR:
        st->st_dev = n->dir == DIR_MOD ? 1 : 2;
        st->st_ino = n->dir == DIR_DEV ? 2 : 1;
        st->st_mode = S_IFDIR | 0555;
        st->st_nlink = 2;
        break;
    case N_MOD:
        st->st_dev = 1;
        st->st_ino = 2 + (uint32_t)(n->mod - boot_modules);
        st->st_mode = S_IFREG | 0444;
        st->st_size = module_size(n->mod);
        st->st_blocks = (st->st_size + 511) / 512;
        break;
    case N_NULL:
    case N_ZERO:
    case N_CONSOLE:
        st->st_dev = 2;
        st->st_ino = n->type == N_NULL ? 3 : n->type == N_ZERO ? 4 : 5;
        st->st_mode = S_IFCHR | 0666;
        st->st_rdev = n->type == N_NULL ? 0x0103 : n->type == N_ZERO ? 0x0105 : 0x0501; /* Linux's */
        break;
    case N_PIPE:
        st->st_dev = 3;
        st->st_ino = pipe_id(n->pipe);
        st->st_mode = S_IFIFO | 0600;
        st->st_size = pipe_buffered(n->pipe);
        break;
    case N_NONE:
        break;
    }
}

/* ------------------------------------------------------------ system calls */

/*
 * sys_open - open(path, flags): look up the absolute user path @upath and
 * give it the lowest free descriptor. @flags: O_RDONLY, O_WRONLY or O_RDWR
 * only. Returns the descriptor; -EINVAL other @flags bits, -EFAULT /
 * -ENAMETOOLONG bad path, -ENOENT / -ENOTDIR no such name, -EISDIR a
 * directory for writing, -EROFS /mod/NAME for writing, -EMFILE no free
 * descriptor, -ENFILE the open-file table is full.
 */
long sys_open(uaddr_t upath, uint32_t flags)
{
    uint32_t mode = flags & O_ACCMODE;
    if ((flags & ~(uint32_t)O_ACCMODE) || mode == O_ACCMODE)
        return -EINVAL;
    struct node n;
    long r = ns_lookup_user(upath, &n);
    if (r < 0)
        return r;
    if (mode != O_RDONLY && n.type == N_DIR)
        return -EISDIR;
    if (mode != O_RDONLY && n.type == N_MOD)
        return -EROFS;
    int fd = fd_first_free(0);
    if (fd < 0)
        return fd;
    struct file *f = file_alloc();
    if (!f)
        return -ENFILE;
    f->node = n;
    f->mode = mode;
    current->ofile[fd] = f;
    return fd;
}

/* mod_read - read(2) of /mod/NAME at @f's offset: see sys_read. */
static long mod_read(struct file *f, uaddr_t buf, uint32_t len)
{
    uint32_t size = module_size(f->node.mod);
    if (f->off >= size || len == 0)
        return 0;
    uint32_t n = size - f->off < len ? size - f->off : len;
    if (user_range_ok(current->pd, buf, n, true) < 0)
        return -EFAULT; /* all or nothing: checked before a byte moves */
    /* One page piece at a time from the offset read here, with a preempt
     * point after each: bounded work per window, and the bytes stay within
     * the module even if a process sharing this open file moves the offset
     * meanwhile (the last read to finish sets it). */
    const uint8_t *bytes = (const uint8_t *)phys_to_virt(f->node.mod->start) + f->off;
    uint32_t off = f->off;
    for (uint32_t done = 0; done < n;) {
        uaddr_t va = buf + done;
        uint32_t piece = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (piece > n - done)
            piece = n - done;
        copy_to_user(current->pd, va, bytes + done, piece); /* checked above */
        done += piece;
        f->off = off + done;
        if (done < n && preempt_point() < 0)
            return (long)done; /* killed: the short count */
    }
    return (long)n;
}

/*
 * sys_read - read(fd, buf, len): up to @len bytes into user @buf from
 * @fd's file: /mod/NAME from its offset (advanced), a pipe (blocks while
 * empty with a writer), or a device. Returns the bytes read, 0 at end of
 * file; -EBADF @fd not open for reading, -EISDIR a directory, -EFAULT
 * @buf not writable (nothing read); a short count if killed meanwhile.
 */
long sys_read(int fd, uaddr_t buf, uint32_t len)
{
    struct file *f = fd_file(fd);
    if (!f || f->mode == O_WRONLY)
        return -EBADF;
    switch (f->node.type) {
    case N_DIR:
        return -EISDIR;
    case N_MOD:
        return mod_read(f, buf, len);
    case N_PIPE:
        return pipe_read(f->node.pipe, buf, len);
    default:
        return dev_read(f->node.type, buf, len);
    }
}

/* sys_write - write(fd, buf, len): @len bytes of user @buf to @fd's pipe or
 * device. Returns the bytes written; -EBADF @fd not open for writing,
 * -EFAULT bad @buf, -EPIPE a pipe with no reader (nothing written). */
KERNEL_HOT_TEXT long sys_write(int fd, uaddr_t buf, uint32_t len)
{
    struct file *f = fd_file(fd);
    if (!f || f->mode == O_RDONLY)
        return -EBADF;
    switch (f->node.type) {
    case N_DIR:
        return -EISDIR; /* never opened for writing */
    case N_MOD:
        return -EBADF;  /* never opened for writing */
    case N_PIPE:
        return pipe_write(f->node.pipe, buf, len);
    default:
        return dev_write(f->node.type, buf, len);
    }
}

/* mod_seek - lseek(2) of /mod/NAME open file @f: see sys_lseek. Not
 * inlined: sys_lseek is on the hot text page, this 64-bit arithmetic is not. */
static __attribute__((noinline)) long mod_seek(struct file *f, int32_t offset, int whence)
{
    int64_t base;
    if (whence == SEEK_SET)
        base = 0;
    else if (whence == SEEK_CUR)
        base = f->off;
    else if (whence == SEEK_END)
        base = module_size(f->node.mod);
    else
        return -EINVAL;
    int64_t pos = base + offset;
    if (pos < 0 || pos > INT32_MAX)
        return -EINVAL; /* negative, or not representable in the return value */
    f->off = (uint32_t)pos;
    return (long)pos;
}

/*
 * sys_lseek - lseek(fd, offset, whence): move /mod/NAME's offset to
 * @offset bytes from the start (SEEK_SET), the offset (SEEK_CUR) or the end
 * (SEEK_END). Returns the new offset (0 for /dev/null, /dev/zero and
 * directories); -EBADF @fd not open, -EINVAL bad @whence or a result
 * below 0 or above INT32_MAX, -ESPIPE the console or a pipe.
 */
KERNEL_HOT_TEXT long sys_lseek(int fd, int32_t offset, int whence)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    switch (f->node.type) {
    case N_MOD:
        return mod_seek(f, offset, whence);
    case N_NULL:
    case N_ZERO:
    case N_DIR:
        return 0; /* as Linux: nothing to position */
    default:
        return -ESPIPE; /* the console and pipes */
    }
}

/* sys_stat - stat(path, st): the struct stat of absolute user path @upath
 * to user @out. 0; the lookup errors of sys_open, -EFAULT bad @out. */
long sys_stat(uaddr_t upath, uaddr_t out)
{
    struct node n;
    long r = ns_lookup_user(upath, &n);
    if (r < 0)
        return r;
    struct stat st;
    node_stat(&n, &st);
    return copy_to_user(current->pd, out, &st, sizeof(st));
}

/* sys_fstat - fstat(fd, st): the struct stat of @fd's open file to user
 * @out. 0; -EBADF @fd not open, -EFAULT bad @out. */
KERNEL_HOT_TEXT long sys_fstat(int fd, uaddr_t out)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    struct stat st;
    node_stat(&f->node, &st);
    return copy_to_user(current->pd, out, &st, sizeof(st));
}
