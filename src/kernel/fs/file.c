/*
 * file.c - file descriptors, the kernel's open-file table, the read-only
 * namespace and the file system calls (docs/files.md).
 *
 * The namespace is fixed, built from the boot modules and three devices:
 *
 *   /              directory
 *   /mod           directory: one regular file per boot module (kernel.sym
 *                  excepted, as for spawn), its bytes, read-only
 *   /dev           directory: null, zero, console (dev.c)
 *
 * Paths are absolute; repeated slashes collapse; "." and ".." are not
 * supported (-ENOENT). Pipes (pipe.c) have no name.
 *
 * Every process has ofile[NOFILE]: a descriptor points at an entry of
 * ftable[NFILE], which keeps the access mode and the offset. dup() and
 * fork() share the entry; the last close() releases it. A process made
 * from a boot module or by spawn() gets fd 0 (/dev/console, read-only) and
 * fds 1 and 2 (/dev/console, write-only, one shared entry).
 */
#include "defs.h"
#include "fs/file.h"
#include "lib/kstring.h"
#include "proc/preempt.h"
#include "proc/proc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"

static struct file ftable[NFILE];

/* ------------------------------------------------------------ the file table */

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

uint32_t files_in_use(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < NFILE; i++)
        if (ftable[i].ref)
            n++;
    return n;
}

/* ------------------------------------------------------------ descriptors */

static struct file *fd_file(int fd)
{
    if (fd < 0 || fd >= NOFILE)
        return NULL;
    return current->ofile[fd];
}

/* The lowest free descriptor of the current process at or above @from, or -EMFILE. */
static int fd_free(int from)
{
    for (int fd = from; fd < NOFILE; fd++)
        if (!current->ofile[fd])
            return fd;
    return -EMFILE;
}

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

void files_fork(struct proc *parent, struct proc *child)
{
    for (int fd = 0; fd < NOFILE; fd++) {
        child->ofile[fd] = parent->ofile[fd];
        if (child->ofile[fd])
            child->ofile[fd]->ref++;
    }
}

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

/* ------------------------------------------------------------ the namespace */

/* A boot module /mod can show: reachable through the direct map. */
static bool module_visible(const struct boot_module *m)
{
    return m->end <= DIRECT_MAP_SIZE && m->start <= m->end;
}

static bool name_is(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && strncmp(name, want, len) == 0;
}

/* The entry @name (@len bytes, no NUL) of directory @dir. 0 or -ENOENT. */
static long lookup_child(uint32_t dir, const char *name, size_t len, struct node *out)
{
    *out = (struct node){ 0 };
    switch (dir) {
    case DIR_ROOT:
        out->type = N_DIR;
        if (name_is(name, len, "mod"))
            out->dir = DIR_MOD;
        else if (name_is(name, len, "dev"))
            out->dir = DIR_DEV;
        else
            return -ENOENT;
        return 0;
    case DIR_DEV:
        if (name_is(name, len, "null"))
            out->type = N_NULL;
        else if (name_is(name, len, "zero"))
            out->type = N_ZERO;
        else if (name_is(name, len, "console"))
            out->type = N_CONSOLE;
        else
            return -ENOENT;
        return 0;
    case DIR_MOD: {
        const struct boot_module *m = boot_module_find(name, len); /* the one spawn() picks */
        if (!m || !module_visible(m))
            return -ENOENT;
        out->type = N_MOD;
        out->mod = m;
        return 0;
    }
    default:
        return -ENOENT;
    }
}

/*
 * lookup - the node of absolute @path. -ENOENT: relative or empty path, or
 * a name that does not exist; -ENOTDIR: a component other than the last is
 * not a directory, or a trailing slash follows a file.
 */
static long lookup(const char *path, struct node *out)
{
    if (path[0] != '/')
        return -ENOENT;
    *out = (struct node){ .type = N_DIR, .dir = DIR_ROOT };
    const char *p = path;
    for (;;) {
        bool slash = *p == '/';
        while (*p == '/')
            p++;
        if (!*p)
            return slash && out->type != N_DIR ? -ENOTDIR : 0;
        if (out->type != N_DIR)
            return -ENOTDIR;
        size_t len = 0;
        while (p[len] && p[len] != '/')
            len++;
        long r = lookup_child(out->dir, p, len, out);
        if (r < 0)
            return r;
        p += len;
    }
}

/* Copy in the user path at @upath and look it up. */
static long lookup_user(uaddr_t upath, struct node *out)
{
    char path[PATH_MAX];
    long r = strncpy_from_user(current->pd, path, upath, sizeof(path));
    if (r < 0)
        return r; /* -EFAULT, -ENAMETOOLONG */
    return lookup(path, out);
}

static uint32_t module_size(const struct boot_module *m)
{
    return m->end - m->start;
}

/* The stat of a node (docs/files.md: devices and inode numbers). */
static void node_stat(const struct node *n, struct stat *st)
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

long sys_open(uaddr_t upath, uint32_t flags)
{
    uint32_t mode = flags & O_ACCMODE;
    if ((flags & ~(uint32_t)O_ACCMODE) || mode == O_ACCMODE)
        return -EINVAL;
    struct node n;
    long r = lookup_user(upath, &n);
    if (r < 0)
        return r;
    if (mode != O_RDONLY && n.type == N_DIR)
        return -EISDIR;
    if (mode != O_RDONLY && n.type == N_MOD)
        return -EROFS;
    int fd = fd_free(0);
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

long sys_close(int fd)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    current->ofile[fd] = NULL;
    file_put(f);
    return 0;
}

long sys_dup(int fd)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    int nfd = fd_free(0);
    if (nfd < 0)
        return nfd;
    f->ref++;
    current->ofile[nfd] = f;
    return nfd;
}

long sys_pipe(uaddr_t ufds)
{
    int fds[2];
    fds[0] = fd_free(0);
    fds[1] = fds[0] < 0 ? -EMFILE : fd_free(fds[0] + 1);
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

long sys_write(int fd, uaddr_t buf, uint32_t len)
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

long sys_lseek(int fd, int32_t offset, int whence)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    switch (f->node.type) {
    case N_MOD: {
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
    case N_NULL:
    case N_ZERO:
    case N_DIR:
        return 0; /* as Linux: nothing to position */
    default:
        return -ESPIPE; /* the console and pipes */
    }
}

long sys_stat(uaddr_t upath, uaddr_t out)
{
    struct node n;
    long r = lookup_user(upath, &n);
    if (r < 0)
        return r;
    struct stat st;
    node_stat(&n, &st);
    return copy_to_user(current->pd, out, &st, sizeof(st));
}

long sys_fstat(int fd, uaddr_t out)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    struct stat st;
    node_stat(&f->node, &st);
    return copy_to_user(current->pd, out, &st, sizeof(st));
}
