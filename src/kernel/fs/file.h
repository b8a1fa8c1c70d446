/*
 * file.h - open files: the kernel's open-file table and descriptors
 * (fd.c), the namespace (namespace.c), the file system calls (fd.c and
 * file_syscalls.c), the devices (dev.c) and pipes (pipe.c). docs/files.md
 * describes the namespace, the descriptor rules and the error table.
 *
 * A descriptor is an index into the process's ofile[NOFILE]; each slot
 * points at one entry of the kernel's file table (NFILE entries), which
 * holds the offset and the access mode. dup() and fork() share an entry
 * (ref++); close() and exit drop a reference and the entry is free again at
 * zero. Every node of the namespace is a `struct node`: what open() found.
 */
#ifndef FILE_H
#define FILE_H

#include "types.h"
#include "proc/proc.h"     /* current->ofile: fd_file, fd_first_free */
#include "uapi/errno.h"
#include "uapi/syscall.h"  /* NOFILE */

struct boot_module;
struct pipe;         /* pipe.c */
struct proc;

#define NFILE 256   /* open-file table entries, machine-wide (full: -ENFILE) */

/* What a node (and so an open file) is. */
enum node_type {
    N_NONE,     /* a free file-table entry */
    N_DIR,      /* /, /mod or /dev (node.dir) */
    N_MOD,      /* /mod/NAME: a boot module's bytes, read-only */
    N_NULL,     /* /dev/null */
    N_ZERO,     /* /dev/zero */
    N_CONSOLE,  /* /dev/console: COM1 out, the line discipline in (console.c) */
    N_PIPE,     /* one end of a pipe; the access mode says which */
};

/* The directories. */
enum { DIR_ROOT = 1, DIR_MOD, DIR_DEV };

struct node {
    enum node_type type;
    uint32_t dir;                       /* N_DIR: DIR_* */
    const struct boot_module *mod;      /* N_MOD */
    struct pipe *pipe;                  /* N_PIPE */
};

struct file {
    struct node node;
    uint32_t ref;       /* descriptors (in every process) that point here; 0 = free */
    uint32_t mode;      /* O_RDONLY, O_WRONLY or O_RDWR */
    uint32_t off;       /* N_MOD: the read position, bytes */
};

/* fd.c: the open-file table (NFILE entries, shared by every process) */
/* fd_table_init - reach the open-file table (NFILE entries) through the
 * direct map (direct_alias, defs.h), as the process table; once, after
 * paging_init() and before any file is opened. */
void fd_table_init(void);

/* file_alloc - a zeroed free entry with ref = 1 (the caller sets node and
 * mode), or NULL if all NFILE entries are in use (callers answer -ENFILE). */
struct file *file_alloc(void);
/* file_put - drop one reference to @f; the last one releases the node (a
 * pipe end closes: pipe_close). Panics if @f is not in use (ref == 0). */
void file_put(struct file *f);
/* files_in_use - the number of entries with ref > 0 (ktest: all closed at the end). */
uint32_t files_in_use(void);

/* fd_file - the open file of the current process's descriptor @fd; NULL if
 * @fd is out of range or not open (the callers answer -EBADF). */
static inline struct file *fd_file(int fd)
{
    if (fd < 0 || fd >= NOFILE)
        return NULL;
    return current->ofile[fd];
}

/* fd_first_free - the lowest free descriptor of the current process at or
 * above @from (0 <= @from); -EMFILE if none. */
static inline int fd_first_free(int from)
{
    for (int fd = from; fd < NOFILE; fd++)
        if (!current->ofile[fd])
            return fd;
    return -EMFILE;
}

/* namespace.c: path lookup (the errors: ns_lookup_user in namespace.c) */
long ns_lookup_user(uaddr_t upath, struct node *out);

/* dev.c: /dev/null, /dev/zero, /dev/console */
/* dev_init - reach the /dev/null sink's scratch page through the direct
 * map (direct_alias, defs.h); once, after paging_init(). */
void dev_init(void);
/* dev_read - read @len bytes of device @type into user @buf: /dev/null 0
 * (end of file), /dev/zero @len zero bytes, /dev/console console_read().
 * Returns bytes read (fewer if the reader was killed meanwhile); -EFAULT bad
 * buffer, -EBADF not a device node. */
long dev_read(enum node_type type, uaddr_t buf, uint32_t len);
/* dev_write - write @len bytes of user @buf to device @type (null and zero
 * discard them, console prints them). Returns @len, fewer if the writer was
 * killed meanwhile; -EFAULT bad buffer (nothing written), -EBADF not a
 * device node. */
long dev_write(enum node_type type, uaddr_t buf, uint32_t len);

/* pipe.c: one PIPE_BUF_SIZE-byte ring buffer (one frame) per pipe */
/* pipe_create - a new pipe whose read end is @rd and write end @wr (both
 * allocated by the caller; their node and mode are set here). Returns 0;
 * -ENOMEM no frame for the buffer, -ENFILE no free pipe (cannot happen:
 * there are as many pipes as file entries). */
long pipe_create(struct file *rd, struct file *wr);
/* pipe_read - at most @len bytes into user @buf; blocks while @p is empty and
 * has a writer. Returns bytes read (0 = @len 0 or no writer left); -EFAULT
 * bad buffer (checked first, the pipe unchanged). */
long pipe_read(struct pipe *p, uaddr_t buf, uint32_t len);
/* pipe_write - @len bytes of user @buf into @p; blocks while it is full and
 * has a reader (<= PIPE_BUF_SIZE bytes go in at once). Returns bytes written;
 * -EFAULT bad buffer (nothing written), -EPIPE no reader and nothing written. */
long pipe_write(struct pipe *p, uaddr_t buf, uint32_t len);
/* pipe_close - the last reference to an end of @p is gone (@writer: the
 * write end): wake the other side's sleepers (readers see end of file,
 * writers -EPIPE); with both ends closed, free the buffer and the pipe. */
void pipe_close(struct pipe *p, bool writer);
uint32_t pipe_buffered(const struct pipe *p);          /* bytes waiting to be read */
uint32_t pipe_id(const struct pipe *p);                /* unique per pipe: fstat's st_ino */

#endif /* FILE_H */
