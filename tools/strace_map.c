/*
 * strace_map.c - which kernel operation replays each Linux syscall, and how
 * many bytes it moves. docs/trace-format.md documents this table row by row;
 * test/unit/test_s2t_map.c checks that every name below appears there.
 *
 * The rule: each Linux call becomes the kernel operation with the same
 * traffic across the user/kernel boundary (what is copied in, what is copied
 * out, what is mapped). Struct sizes are those of Linux i386, the ABI of the
 * kernel that replays the trace:
 *     struct stat64   96 bytes  (stat, lstat, fstat, newfstatat, fstatat64 and their *64 forms)
 *     struct statx   256 bytes  (statx)
 *     struct statfs64 84 bytes  (statfs, fstatfs and their *64 forms)
 * Anything not in the table is OP_SKIP: kept as a record, counted, reported.
 *
 * The traffic model (M_TRAFFIC, M_POLL, M_IOCTL): calls whose only boundary
 * traffic is a small struct copied in or out are replayed as one copy of the
 * same bytes (a write to /dev/null, a read from /dev/zero); sizes are i386's:
 *     struct new_utsname    390 (uname)      kernel struct sigaction 20 (rt_sigaction)
 *     sigset_t                8              struct rlimit64          16 (prlimit64)
 *     struct pollfd           8 per fd       kernel struct termios    36 (TCGETS, TCSETS*)
 *     struct winsize          8 (TIOC[GS]WINSZ) int                    4 (FIONREAD, the futex word)
 *     struct sysinfo         64 (sysinfo)     struct rusage            72 (getrusage)
 *     struct user_desc       16 (set_thread_area)
 * Start-up and socket calls (M_NOCOPY ... M_MREMAP) follow what the Linux
 * source copies; docs/trace-format.md cites the functions.
 */
#include <string.h>

#include "strace_parse.h"

#define STAT64_SIZE   96u
#define STATX_SIZE    256u
#define STATFS64_SIZE 84u
#define UTSNAME_SIZE  390u   /* struct new_utsname: 6 fields of 65 bytes */
#define SIGACTION_SIZE 20u   /* i386 kernel struct sigaction: handler, flags, restorer, 8-byte mask */
#define SIGSET_SIZE   8u     /* the kernel's sigset_t (64 signals) */
#define RLIMIT64_SIZE 16u    /* struct rlimit64: two u64 */
#define POLLFD_SIZE   8u     /* struct pollfd: int fd, short events, short revents */
#define FUTEX_WORD    4u     /* the futex word */
#define TERMIOS_SIZE  36u    /* i386 kernel struct termios: 4 flags, c_line, 19 c_cc */
#define WINSIZE_SIZE  8u     /* struct winsize: 4 shorts */
#define INT_SIZE      4u
#define SYSINFO_SIZE  64u    /* i386 struct sysinfo: 13 longs/u32s, 2 shorts, 8 bytes of padding */
#define RUSAGE_SIZE   72u    /* i386 struct rusage: 2 struct timeval (8 each), 14 longs */
#define USER_DESC_SIZE 16u   /* struct user_desc: entry_number, base_addr, limit, flag bits */
#define RSEQ_IO       8u     /* struct rseq: the u64 rseq_cs read; cpu_id_start + cpu_id written */
#define SOCKADDR_MAX  128u   /* sizeof(struct sockaddr_storage): a longer addrlen is EINVAL */
#define LINUX_EBADF   9

/*       name                 op           method     a1  a2  af  x          out */
#define ROW(name, op, m, a1, a2, af, x, out) { name, op, m, a1, a2, af, x, out }

const struct sp_map_entry sp_map_table[] = {
    /* kernel -> user copies of the returned byte count (errors: 0). a1 = count, a2 = iovec array */
    ROW("read",              OP_COPY_OUT, M_RET_OUT,  2, -1, -1, 0, 0),
    ROW("pread64",           OP_COPY_OUT, M_RET_OUT,  2, -1, -1, 0, 0),
    ROW("readv",             OP_COPY_OUT, M_RET_OUT, -1,  1, -1, 0, 0),
    ROW("preadv",            OP_COPY_OUT, M_RET_OUT, -1,  1, -1, 0, 0),
    ROW("preadv2",           OP_COPY_OUT, M_RET_OUT, -1,  1, -1, 0, 0),
    ROW("recv",              OP_COPY_OUT, M_RET_OUT,  2, -1, -1, 0, 0),
    ROW("recvfrom",          OP_COPY_OUT, M_RET_OUT,  2, -1, -1, 0, 0),
    ROW("recvmsg",           OP_COPY_OUT, M_RET_OUT, -1,  1, -1, 0, 0),
    ROW("getdents",          OP_COPY_OUT, M_RET_OUT,  2, -1, -1, 0, 0),
    ROW("getdents64",        OP_COPY_OUT, M_RET_OUT,  2, -1, -1, 0, 0),
    ROW("getrandom",         OP_COPY_OUT, M_RET_OUT,  1, -1, -1, 0, 0),
    ROW("getcwd",            OP_COPY_OUT, M_RET_OUT,  1, -1, -1, 0, 0),

    /* user -> kernel copies: the returned count, or the count argument if the call failed */
    ROW("write",             OP_COPY_IN,  M_RET_IN,   2, -1, -1, 0, 0),
    ROW("pwrite64",          OP_COPY_IN,  M_RET_IN,   2, -1, -1, 0, 0),
    ROW("writev",            OP_COPY_IN,  M_RET_IN,  -1,  1, -1, 0, 0),
    ROW("pwritev",           OP_COPY_IN,  M_RET_IN,  -1,  1, -1, 0, 0),
    ROW("pwritev2",          OP_COPY_IN,  M_RET_IN,  -1,  1, -1, 0, 0),
    ROW("send",              OP_COPY_IN,  M_RET_IN,   2, -1, -1, 0, 0),
    ROW("sendto",            OP_COPY_IN,  M_RET_IN,   2, -1, -1, 0, 0),
    ROW("sendmsg",           OP_COPY_IN,  M_RET_IN,  -1,  1, -1, 0, 0),

    /* a path copied in; a1 (and a2) = path arguments; out = bytes copied out on success */
    ROW("open",              OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("openat",            OP_PATH, M_PATH,  1, -1, -1, 0, 0),
    ROW("openat2",           OP_PATH, M_PATH,  1, -1, -1, 0, 0),
    ROW("creat",             OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("stat",              OP_PATH, M_PATH,  0, -1, -1, 0, STAT64_SIZE),
    ROW("stat64",            OP_PATH, M_PATH,  0, -1, -1, 0, STAT64_SIZE),
    ROW("lstat",             OP_PATH, M_PATH,  0, -1, -1, 0, STAT64_SIZE),
    ROW("lstat64",           OP_PATH, M_PATH,  0, -1, -1, 0, STAT64_SIZE),
    ROW("newfstatat",        OP_PATH, M_PATH_AT, 1, -1, 3, 0, STAT64_SIZE),
    ROW("fstatat64",         OP_PATH, M_PATH_AT, 1, -1, 3, 0, STAT64_SIZE),
    ROW("statx",             OP_PATH, M_PATH_AT, 1, -1, 2, 0, STATX_SIZE),
    ROW("statfs",            OP_PATH, M_PATH,  0, -1, -1, 0, STATFS64_SIZE),
    ROW("statfs64",          OP_PATH, M_PATH,  0, -1, -1, 0, STATFS64_SIZE),
    ROW("access",            OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("faccessat",         OP_PATH, M_PATH,  1, -1, -1, 0, 0),
    ROW("faccessat2",        OP_PATH, M_PATH,  1, -1, -1, 0, 0),
    ROW("readlink",          OP_PATH, M_PATH,  0, -1, -1, 0, SP_OUT_RET),
    ROW("readlinkat",        OP_PATH, M_PATH,  1, -1, -1, 0, SP_OUT_RET),
    ROW("getxattr",          OP_PATH, M_PATH,  0, -1, -1, 0, SP_OUT_RET),
    ROW("lgetxattr",         OP_PATH, M_PATH,  0, -1, -1, 0, SP_OUT_RET),
    ROW("listxattr",         OP_PATH, M_PATH,  0, -1, -1, 0, SP_OUT_RET),
    ROW("llistxattr",        OP_PATH, M_PATH,  0, -1, -1, 0, SP_OUT_RET),
    ROW("setxattr",          OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("lsetxattr",         OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("removexattr",       OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("lremovexattr",      OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("chdir",             OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("chroot",            OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("mkdir",             OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("mkdirat",           OP_PATH, M_PATH,  1, -1, -1, 0, 0),
    ROW("rmdir",             OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("unlink",            OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("unlinkat",          OP_PATH, M_PATH,  1, -1, -1, 0, 0),
    ROW("rename",            OP_PATH, M_PATH,  0,  1, -1, 0, 0),
    ROW("renameat",          OP_PATH, M_PATH,  1,  3, -1, 0, 0),
    ROW("renameat2",         OP_PATH, M_PATH,  1,  3, -1, 0, 0),
    ROW("link",              OP_PATH, M_PATH,  0,  1, -1, 0, 0),
    ROW("linkat",            OP_PATH, M_PATH,  1,  3, -1, 0, 0),
    ROW("symlink",           OP_PATH, M_PATH,  0,  1, -1, 0, 0),
    ROW("symlinkat",         OP_PATH, M_PATH,  0,  2, -1, 0, 0),
    ROW("chmod",             OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("fchmodat",          OP_PATH, M_PATH,  1, -1, -1, 0, 0),
    ROW("chown",             OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("chown32",           OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("lchown",            OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("lchown32",          OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("fchownat",          OP_PATH, M_PATH,  1, -1, -1, 0, 0),
    ROW("truncate",          OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("truncate64",        OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("utime",             OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("utimes",            OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("utimensat",         OP_PATH, M_PATH,  1, -1, -1, 0, 0),
    ROW("futimesat",         OP_PATH, M_PATH,  1, -1, -1, 0, 0),
    ROW("mknod",             OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("mknodat",           OP_PATH, M_PATH,  1, -1, -1, 0, 0),
    ROW("inotify_add_watch", OP_PATH, M_PATH,  1, -1, -1, 0, 0),
    ROW("name_to_handle_at", OP_PATH, M_PATH,  1, -1, -1, 0, 0),
    ROW("umount2",           OP_PATH, M_PATH,  0, -1, -1, 0, 0),
    ROW("acct",              OP_PATH, M_PATH,  0, -1, -1, 0, 0),

    /* a struct copied out of an fd's state */
    ROW("fstat",             OP_STAT_OUT, M_STAT, -1, -1, -1, 0, STAT64_SIZE),
    ROW("fstat64",           OP_STAT_OUT, M_STAT, -1, -1, -1, 0, STAT64_SIZE),
    ROW("fstatfs",           OP_STAT_OUT, M_STAT, -1, -1, -1, 0, STATFS64_SIZE),
    ROW("fstatfs64",         OP_STAT_OUT, M_STAT, -1, -1, -1, 0, STATFS64_SIZE),

    /* address space; a1 = the length argument */
    ROW("mmap",              OP_MAP,   M_MAP,  1, -1, -1, 0, 0),
    ROW("mmap2",             OP_MAP,   M_MAP,  1, -1, -1, 0, 0),
    ROW("mprotect",          OP_MAP,   M_MAP,  1, -1, -1, SP_X_PROT, 0),
    ROW("munmap",            OP_UNMAP, M_MAP,  1, -1, -1, 0, 0),
    ROW("brk",               OP_BRK,   M_BRK, -1, -1, -1, 0, 0),

    /* no user memory traffic */
    ROW("getpid",            OP_NULL, M_NONE, -1, -1, -1, 0, 0),
    ROW("getppid",           OP_NULL, M_NONE, -1, -1, -1, 0, 0),
    ROW("gettid",            OP_NULL, M_NONE, -1, -1, -1, 0, 0),
    ROW("getuid",            OP_NULL, M_NONE, -1, -1, -1, 0, 0),
    ROW("geteuid",           OP_NULL, M_NONE, -1, -1, -1, 0, 0),
    ROW("getgid",            OP_NULL, M_NONE, -1, -1, -1, 0, 0),
    ROW("getegid",           OP_NULL, M_NONE, -1, -1, -1, 0, 0),
    ROW("getuid32",          OP_NULL, M_NONE, -1, -1, -1, 0, 0),
    ROW("geteuid32",         OP_NULL, M_NONE, -1, -1, -1, 0, 0),
    ROW("getgid32",          OP_NULL, M_NONE, -1, -1, -1, 0, 0),
    ROW("getegid32",         OP_NULL, M_NONE, -1, -1, -1, 0, 0),
    ROW("getpgrp",           OP_NULL, M_NONE, -1, -1, -1, 0, 0),
    ROW("getpgid",           OP_NULL, M_NONE, -1, -1, -1, 0, 0),
    ROW("getsid",            OP_NULL, M_NONE, -1, -1, -1, 0, 0),
    ROW("sched_yield",       OP_NULL, M_NONE, -1, -1, -1, 0, 0),
    ROW("umask",             OP_NULL, M_NONE, -1, -1, -1, 0, 0),
    ROW("set_tid_address",   OP_NULL, M_NONE, -1, -1, -1, 0, 0),

    /* file descriptors */
    ROW("close",             OP_CLOSE, M_NONE,  -1, -1, -1, 0, 0),
    ROW("lseek",             OP_SEEK,  M_NONE,  -1, -1, -1, 0, 0),
    ROW("_llseek",           OP_SEEK,  M_FIXED, -1, -1, -1, 0, 8),
    ROW("llseek",            OP_SEEK,  M_FIXED, -1, -1, -1, 0, 8),
    ROW("dup",               OP_DUP,   M_NONE,  -1, -1, -1, 0, 0),
    ROW("dup2",              OP_DUP,   M_NONE,  -1, -1, -1, 0, 0),
    ROW("dup3",              OP_DUP,   M_NONE,  -1, -1, -1, 0, 0),
    ROW("fcntl",             OP_DUP,   M_FCNTL,  1, -1, -1, 0, 0),
    ROW("fcntl64",           OP_DUP,   M_FCNTL,  1, -1, -1, 0, 0),
    ROW("pipe",              OP_PIPE,  M_FIXED, -1, -1, -1, 0, 8),
    ROW("pipe2",             OP_PIPE,  M_FIXED, -1, -1, -1, 0, 8),

    /* the traffic model: a1 = pointer copied in, a2 = pointer copied out, out = its size */
    ROW("uname",             OP_COPY_OUT, M_TRAFFIC, -1,  0, -1, 0, UTSNAME_SIZE),
    ROW("rt_sigaction",      OP_COPY_IN,  M_TRAFFIC,  1,  2, -1, 0, SIGACTION_SIZE),
    ROW("rt_sigprocmask",    OP_COPY_IN,  M_TRAFFIC,  1,  2, -1, 0, SIGSET_SIZE),
    ROW("prlimit64",         OP_COPY_IN,  M_TRAFFIC,  2,  3, -1, 0, RLIMIT64_SIZE),
    ROW("futex",             OP_COPY_IN,  M_TRAFFIC, SP_ALWAYS, -1, -1, 0, FUTEX_WORD),
    ROW("poll",              OP_COPY_IN,  M_POLL,     1, -1, -1, 0, POLLFD_SIZE),
    ROW("ppoll",             OP_COPY_IN,  M_POLL,     1, -1, -1, 0, POLLFD_SIZE),
    ROW("ioctl",             OP_COPY_OUT, M_IOCTL,    1, -1, -1, 0, 0),

    ROW("sysinfo",           OP_COPY_OUT, M_TRAFFIC, -1,  0, -1, 0, SYSINFO_SIZE),
    ROW("getrusage",         OP_COPY_OUT, M_TRAFFIC, -1,  1, -1, 0, RUSAGE_SIZE),

    /* process start-up and hints: no copy, or a few words (see sp_map_call) */
    ROW("arch_prctl",        OP_NULL,     M_ARCH_PRCTL, 0, -1, -1, 0, 0),
    ROW("set_robust_list",   OP_NULL,     M_NOCOPY,   -1, -1, -1, 0, 0),
    ROW("rseq",              OP_COPY_IN,  M_RSEQ,      2, -1, -1, 0, RSEQ_IO),
    ROW("set_thread_area",   OP_COPY_IN,  M_TLS,       0, -1, -1, 0, USER_DESC_SIZE),
    ROW("fadvise64",         OP_NULL,     M_NOCOPY,   -1, -1, -1, 0, 0),
    ROW("fadvise64_64",      OP_NULL,     M_NOCOPY,   -1, -1, -1, 0, 0),

    /* sockets */
    ROW("socket",            OP_DUP,      M_SOCKET,   -1, -1, -1, 0, 0),
    ROW("connect",           OP_PATH,     M_CONNECT,   2,  1, -1, 0, 0),

    /* a mapping moved, grown or shrunk: a1 = old length, a2 = new length */
    ROW("mremap",            OP_MAP_AT,   M_MREMAP,    1,  2, -1, 0, 0),

    /* the process lifecycle: each task is a process of the replay. A thread
     * (clone with CLONE_VM / CLONE_THREAD) is replayed as a process too. */
    ROW("clone",             OP_FORK, M_FORK,   -1, -1, -1, 0, 0),
    ROW("clone3",            OP_FORK, M_FORK,   -1, -1, -1, 0, 0),
    ROW("fork",              OP_FORK, M_FORK,   -1, -1, -1, 0, 0),
    ROW("vfork",             OP_FORK, M_FORK,   -1, -1, -1, 0, 0),
    ROW("exit",              OP_EXIT, M_NONE,   -1, -1, -1, 0, 0),
    ROW("exit_group",        OP_EXIT, M_NONE,   -1, -1, -1, 0, 0),
    ROW("wait4",             OP_WAIT, M_WAIT,    0,  1, -1, 0, INT_SIZE),
    ROW("waitpid",           OP_WAIT, M_WAIT,    0,  1, -1, 0, INT_SIZE),
    ROW("waitid",            OP_WAIT, M_WAITID,  0,  1, -1, 0, 0),
    ROW("execve",            OP_EXEC, M_EXEC,    0,  1,  2, SP_X_EXEC, 0),
    ROW("execveat",          OP_EXEC, M_EXEC,    1,  2,  3, SP_X_EXEC, 0),
};

const size_t sp_map_table_len = sizeof(sp_map_table) / sizeof(sp_map_table[0]);

const struct sp_map_entry *sp_map_lookup(const char *name, size_t n)
{
    for (size_t i = 0; i < sp_map_table_len; i++) {
        const char *t = sp_map_table[i].name;
        if (strlen(t) == n && memcmp(t, name, n) == 0)
            return &sp_map_table[i];
    }
    return NULL;
}

/* ------------------------------------------------------------ mapping one call */

/* Terminal ioctl requests (Linux asm-generic/ioctls.h): bytes copied in, out. */
static const struct {
    const char *name;
    uint32_t num, in, out;
} ioctl_traffic[] = {
    { "TCGETS", 0x5401, 0, TERMIOS_SIZE },      { "TCSETS", 0x5402, TERMIOS_SIZE, 0 },
    { "TCSETSW", 0x5403, TERMIOS_SIZE, 0 },     { "TCSETSF", 0x5404, TERMIOS_SIZE, 0 },
    { "TIOCGWINSZ", 0x5413, 0, WINSIZE_SIZE },  { "TIOCSWINSZ", 0x5414, WINSIZE_SIZE, 0 },
    { "FIONREAD", 0x541B, 0, INT_SIZE },
};

/* arch_prctl codes (Linux arch/x86/include/uapi/asm/prctl.h): bytes copied in, out. */
static const struct {
    const char *name;
    uint32_t num, in, out;
} arch_prctl_traffic[] = {
    { "ARCH_SET_GS", 0x1001, 0, 0 },         { "ARCH_SET_FS", 0x1002, 0, 0 },
    { "ARCH_GET_FS", 0x1003, 0, 8 },         { "ARCH_GET_GS", 0x1004, 0, 8 },
    { "ARCH_GET_CPUID", 0x1011, 0, 0 },      { "ARCH_SET_CPUID", 0x1012, 0, 0 },
    { "ARCH_GET_XCOMP_SUPP", 0x1021, 0, 8 }, { "ARCH_GET_XCOMP_PERM", 0x1022, 0, 8 },
    { "ARCH_REQ_XCOMP_PERM", 0x1023, 0, 0 },
};

#define MAX_ARGS 16

static uint32_t clamp32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* The count argument of a copy: argument a1, or the iov_len sum of argument a2. */
static int count_arg(const struct sp_map_entry *e, const struct sp_span *a, size_t na, uint64_t *cnt)
{
    if (e->a1 >= 0 && (size_t)e->a1 < na && sp_arg_num(a[e->a1], cnt) == 0)
        return 1;
    if (e->a2 >= 0 && (size_t)e->a2 < na) {
        unsigned found;
        *cnt = sp_sum_field(a[e->a2], "iov_len", &found);
        return found > 0;
    }
    return 0;
}

/* Length of path argument idx; flags for truncated / missing strings. */
static uint32_t path_len(const struct sp_span *a, size_t na, int idx, uint8_t *flags)
{
    uint32_t len;
    int trunc;

    if (idx < 0)
        return 0;
    if ((size_t)idx >= na || sp_arg_str(a[idx], &len, &trunc) != 0) {
        *flags |= TRACE_F_NOSTRING;
        return 0;
    }
    if (trunc)
        *flags |= TRACE_F_TRUNCATED;
    return len;
}

static int empty_path_flag(const struct sp_span *a, size_t na, int idx)
{
    uint64_t v;

    if (idx < 0 || (size_t)idx >= na)
        return 0;
    if (sp_has_word(a[idx], "AT_EMPTY_PATH"))
        return 1;
    return sp_arg_num(a[idx], &v) == 0 && (v & 0x1000) != 0;  /* AT_EMPTY_PATH, -X raw */
}

/* 1 if argument idx is there and is not NULL (or 0): a pointer the call uses. */
static int ptr_given(const struct sp_span *a, size_t na, int idx)
{
    uint64_t v;

    if (idx < 0 || (size_t)idx >= na)
        return 0;
    return !(sp_arg_num(a[idx], &v) == 0 && v == 0);
}

/* The traffic model: `in` bytes copied in, `out` copied out (only on
 * success), replayed as one copy of the sum; aux = both, as if it succeeded. */
static void traffic(struct trace_record *r, int ok, uint32_t in, uint32_t out)
{
    r->op = in ? OP_COPY_IN : out ? OP_COPY_OUT : OP_NULL;
    r->bytes = in + (ok ? out : 0);
    r->aux = in + out;
}

/* A call that touches no user memory: OP_NULL, or if it failed OP_CLOSE of a
 * bad fd, which fails before any copy as the traced call did. */
static void nocopy(struct trace_record *r, int ok)
{
    r->op = ok ? OP_NULL : OP_CLOSE;
    r->bytes = r->aux = 0;
}

/*
 * The strings of an argv/envp argument: "[\"ls\", \"-l\"]" gives 3 + 3
 * bytes (each string + NUL); *trunc = 1 if a string or the list was cut
 * ("..."). Returns 0, or -1 if the strings are not shown (a pointer,
 * "0x7ffd... /\* 37 vars *\/", "[/\* 2 vars *\/]", NULL).
 */
static int strings_bytes(struct sp_span a, uint32_t *bytes, int *trunc)
{
    struct sp_span el[256];
    uint64_t sum = 0;

    while (a.n > 0 && (a.p[a.n - 1] == ' ' || a.p[a.n - 1] == '\t'))
        a.n--;
    if (a.n < 2 || a.p[0] != '[' || a.p[a.n - 1] != ']')
        return -1;
    struct sp_span in = { a.p + 1, a.n - 2 };
    size_t n = sp_split_args(in, el, sizeof(el) / sizeof(el[0]));
    if (n > sizeof(el) / sizeof(el[0])) {
        n = sizeof(el) / sizeof(el[0]);
        *trunc = 1;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t len;
        int t = 0;
        if (el[i].n == 0 && n == 1)
            break;                           /* [] */
        if (el[i].n == 3 && memcmp(el[i].p, "...", 3) == 0) {
            *trunc = 1;
            continue;
        }
        if (sp_arg_str(el[i], &len, &t) != 0)
            return -1;                       /* a comment or a pointer */
        if (t)
            *trunc = 1;
        sum += (uint64_t)len + 1;
    }
    *bytes = clamp32(sum);
    return 0;
}

long sp_map_pid(const struct sp_map_entry *e, const struct sp_line *L)
{
    struct sp_span a[MAX_ARGS];
    size_t na;
    uint64_t v;
    int ok = L->result == TRACE_RES_OK;

    if (e == NULL)
        return 0;
    if (e->method == M_FORK)
        return ok && L->ret > 0 && L->ret < 0x7fffffff ? (long)L->ret : 0;
    if (e->method != M_WAIT && e->method != M_WAITID)
        return 0;
    na = sp_split_args(L->args, a, MAX_ARGS);
    if (na > MAX_ARGS)
        na = MAX_ARGS;
    if (e->method == M_WAIT) {
        if (ok && L->ret > 0 && L->ret < 0x7fffffff)
            return (long)L->ret;             /* the child it reaped */
        if (ok)
            return 0;                        /* WNOHANG: nothing reaped */
        if (e->a1 >= 0 && (size_t)e->a1 < na && sp_arg_num(a[e->a1], &v) == 0 && (int64_t)v > 0 &&
            v < 0x7fffffff)
            return (long)v;
        return -1;
    }
    /* waitid(P_PID, 123, {si_signo=SIGCHLD, ..., si_pid=123, ...}, WEXITED, NULL) = 0 */
    if (ok && na > 2) {
        const char *p = a[2].p, *end = a[2].p + a[2].n;
        for (; p + 7 <= end; p++)
            if (memcmp(p, "si_pid=", 7) == 0) {
                long pid = 0;
                for (p += 7; p < end && *p >= '0' && *p <= '9'; p++)
                    pid = pid * 10 + (*p - '0');
                if (pid > 0)
                    return pid;
                break;
            }
    }
    if (e->a1 >= 0 && (size_t)e->a1 < na && (sp_has_word(a[e->a1], "P_PID") ||
                                             (sp_arg_num(a[e->a1], &v) == 0 && v == 1)) &&
        (size_t)e->a2 < na && sp_arg_num(a[e->a2], &v) == 0 && v > 0 && v < 0x7fffffff)
        return (long)v;
    return ok ? 0 : -1;                      /* WNOHANG found nothing ({}), or any child */
}

/* TRACE_AT_READ/WRITE of a prot argument (names or a number). */
static uint32_t at_prot(struct sp_span p)
{
    uint64_t v;
    if (sp_arg_num(p, &v) == 0)
        return (v & 5 ? TRACE_AT_READ : 0) | (v & 2 ? TRACE_AT_WRITE : 0);
    return (sp_has_word(p, "PROT_READ") || sp_has_word(p, "PROT_EXEC") ? TRACE_AT_READ : 0) |
           (sp_has_word(p, "PROT_WRITE") ? TRACE_AT_WRITE : 0);
}

/*
 * Fill r as OP_MAP_AT / OP_UNMAP_AT / OP_PROTECT_AT of `pages` pages at
 * traced address `addr`: bytes = the page index in the trace arena, counted
 * from the task's first mapping (set here on first sight) plus half the
 * arena, wrapped (uapi/trace.h); aux = pages, clamped (TRACE_F_TRUNCATED).
 */
static void at_range(struct sp_brk *brk, struct trace_record *r, uint8_t op, uint64_t addr, uint64_t pages)
{
    if (!brk->vm_known) {
        brk->vm_known = 1;
        brk->vm_anchor = addr;
    }
    int64_t rel = (int64_t)(addr - brk->vm_anchor) / (int64_t)TRACE_PAGE_SIZE + TRACE_ARENA_PAGES / 2;
    int64_t idx = rel % (int64_t)TRACE_ARENA_PAGES;
    r->op = op;
    r->bytes = (uint32_t)(idx < 0 ? idx + TRACE_ARENA_PAGES : idx);
    r->aux = pages > TRACE_AT_PAGES(~0u) ? TRACE_AT_PAGES(~0u) : (uint32_t)pages;
    if (pages > TRACE_AT_PAGES(~0u))
        r->flags |= TRACE_F_TRUNCATED;
}

/*
 * M_MAP with the address known: a successful mmap (its result), a munmap or
 * an mprotect (argument 0) becomes OP_*_AT with bytes = the page index in the
 * trace arena, counted from the task's first mapping (set here on first
 * sight) plus half the arena, wrapped (uapi/trace.h). Returns 1 if it did.
 */
static int map_at(const struct sp_map_entry *e, const struct sp_span *a, size_t na, const struct sp_line *L,
                  struct sp_brk *brk, struct trace_record *r)
{
    int is_mmap = !(e->x & SP_X_PROT) && e->op == OP_MAP;
    uint64_t addr, len;
    if (is_mmap ? L->result != TRACE_RES_OK || L->ret <= 0 : na < 1 || sp_arg_num(a[0], &addr) != 0)
        return 0;
    if (is_mmap)
        addr = (uint64_t)L->ret;
    if (e->a1 < 0 || (size_t)e->a1 >= na || sp_arg_num(a[e->a1], &len) != 0 || addr % TRACE_PAGE_SIZE)
        return 0;
    at_range(brk, r, is_mmap ? OP_MAP_AT : (e->x & SP_X_PROT) ? OP_PROTECT_AT : OP_UNMAP_AT, addr,
             len / TRACE_PAGE_SIZE + (len % TRACE_PAGE_SIZE != 0));
    if (r->op != OP_UNMAP_AT && na > 2)
        r->aux |= at_prot(a[2]);
    return 1;
}

static uint64_t pages_of(uint64_t len)
{
    return len / TRACE_PAGE_SIZE + (len % TRACE_PAGE_SIZE != 0);
}

/*
 * mremap(old, old_len, new_len, flags[, new]) = addr (Linux mm/mremap.c):
 * shrunk in place, the cut pages are unmapped (OP_UNMAP_AT); grown in place,
 * the added pages are mapped (OP_MAP_AT); moved, the new range is mapped
 * (OP_MAP_AT of new_len; the old range is left to later records, a
 * documented approximation: Linux moves the page tables). The protection is
 * taken as read-write (mremap does not show it; it is nearly always a heap
 * block). A failed call is a refused OP_MAP. Returns 0, or -1 if the
 * addresses or lengths are not shown (then OP_SKIP).
 */
static int mremap_at(const struct sp_map_entry *e, const struct sp_span *a, size_t na, const struct sp_line *L,
                     struct sp_brk *brk, struct trace_record *r)
{
    uint64_t old, olen, nlen;
    if ((size_t)e->a2 >= na || sp_arg_num(a[e->a1], &olen) != 0 || sp_arg_num(a[e->a2], &nlen) != 0)
        return -1;
    uint64_t op = pages_of(olen), np = pages_of(nlen);
    if (L->result == TRACE_RES_ERR) {
        r->op = OP_MAP;
        r->bytes = np > UINT32_MAX / TRACE_PAGE_SIZE ? (UINT32_MAX / TRACE_PAGE_SIZE) * TRACE_PAGE_SIZE
                                                     : (uint32_t)np * TRACE_PAGE_SIZE;
        r->aux = clamp32(np);
        return 0;
    }
    if (sp_arg_num(a[0], &old) != 0 || old % TRACE_PAGE_SIZE || L->result != TRACE_RES_OK || L->ret <= 0 ||
        (uint64_t)L->ret % TRACE_PAGE_SIZE)
        return -1;
    uint64_t now = (uint64_t)L->ret;
    if (now != old)
        at_range(brk, r, OP_MAP_AT, now, np);
    else if (np > op)
        at_range(brk, r, OP_MAP_AT, old + op * TRACE_PAGE_SIZE, np - op);
    else if (np < op)
        at_range(brk, r, OP_UNMAP_AT, old + np * TRACE_PAGE_SIZE, op - np);
    else
        r->op = OP_NULL;                      /* the same pages: nothing to change */
    if (r->op == OP_MAP_AT)
        r->aux |= TRACE_AT_READ | TRACE_AT_WRITE;
    return 0;
}

/* The traffic of arch_prctl(code, addr): by the code's name or number;
 * an unknown code that failed (EINVAL) failed before any copy. */
static void arch_prctl_map(const struct sp_map_entry *e, const struct sp_span *a, size_t na, int ok,
                           int failed, struct trace_record *r)
{
    uint64_t v;
    r->op = OP_SKIP;
    for (size_t k = 0; e->a1 >= 0 && (size_t)e->a1 < na && k < sizeof(arch_prctl_traffic) / sizeof(arch_prctl_traffic[0]);
         k++)
        if (sp_has_word(a[e->a1], arch_prctl_traffic[k].name) ||
            (sp_arg_num(a[e->a1], &v) == 0 && v == arch_prctl_traffic[k].num)) {
            if (arch_prctl_traffic[k].out)
                traffic(r, ok, 0, arch_prctl_traffic[k].out);
            else
                nocopy(r, !failed);
            return;
        }
    if (failed)
        nocopy(r, 0);
}

/* set_thread_area's struct user_desc: 1 if entry_number is -1 or not shown
 * (glibc passes -1; strace shows "entry_number=-1 -> 6"), 0 if it names a slot. */
static int tls_picks(struct sp_span a)
{
    static const char key[] = "entry_number=";
    for (size_t i = 0; i + sizeof(key) - 1 <= a.n; i++)
        if (memcmp(a.p + i, key, sizeof(key) - 1) == 0) {
            i += sizeof(key) - 1;
            return i + 1 < a.n && a.p[i] == '-' && a.p[i + 1] == '1';
        }
    return 1;
}

void sp_map_call(const struct sp_map_entry *e, const struct sp_line *L, struct sp_brk *brk,
                 struct trace_record *r)
{
    struct sp_span a[MAX_ARGS];
    size_t na = sp_split_args(L->args, a, MAX_ARGS);
    int ok = L->result == TRACE_RES_OK, failed = L->result == TRACE_RES_ERR;
    uint64_t ret = ok && L->ret > 0 ? (uint64_t)L->ret : 0;
    uint64_t cnt = 0, v;
    int have_cnt;

    if (na > MAX_ARGS)
        na = MAX_ARGS;
    r->result = L->result;
    r->err = L->result == TRACE_RES_ERR && L->err <= 255 ? (uint8_t)L->err : 0;
    r->flags = L->restart ? TRACE_F_RESTART : 0;
    r->bytes = 0;
    r->aux = 0;
    if (e == NULL) {
        r->op = OP_SKIP;
        return;
    }
    r->op = e->op;

    switch ((enum sp_method)e->method) {
    case M_NONE:
        break;
    case M_RET_OUT:
        have_cnt = count_arg(e, a, na, &cnt);
        r->bytes = clamp32(ret);
        r->aux = have_cnt ? clamp32(cnt) : 0;
        break;
    case M_RET_IN:
        have_cnt = count_arg(e, a, na, &cnt);
        if (ok) {
            r->bytes = clamp32(ret);
        } else if (have_cnt) {
            r->bytes = clamp32(cnt);
            r->flags |= TRACE_F_FROM_ARG;
        }
        r->aux = have_cnt ? clamp32(cnt) : 0;
        break;
    case M_PATH_AT: {
        uint32_t len = 0;
        int trunc = 0;
        int is_str = e->a1 >= 0 && (size_t)e->a1 < na && sp_arg_str(a[e->a1], &len, &trunc) == 0;
        if (empty_path_flag(a, na, e->aflags) && (!is_str || (len == 0 && !trunc))) {
            r->op = OP_STAT_OUT;
            r->bytes = ok ? e->out : 0;
            r->aux = e->out;
            break;
        }
        /* a real path */
    }
        __attribute__((fallthrough));
    case M_PATH:
        r->bytes = path_len(a, na, e->a1, &r->flags);
        if (e->a2 >= 0) {
            uint64_t sum = (uint64_t)r->bytes + path_len(a, na, e->a2, &r->flags);
            r->bytes = clamp32(sum);
        }
        if (ok)
            r->aux = e->out == SP_OUT_RET ? clamp32(ret) : e->out;
        break;
    case M_STAT:
        r->bytes = ok ? e->out : 0;
        r->aux = e->out;
        break;
    case M_MAP:
        if (map_at(e, a, na, L, brk, r))
            break;
        if (e->a1 >= 0 && (size_t)e->a1 < na && sp_arg_num(a[e->a1], &v) == 0) {
            uint64_t pages = v / TRACE_PAGE_SIZE + (v % TRACE_PAGE_SIZE != 0);
            if (pages > UINT32_MAX / TRACE_PAGE_SIZE) {
                r->bytes = (UINT32_MAX / TRACE_PAGE_SIZE) * TRACE_PAGE_SIZE;
                r->flags |= TRACE_F_TRUNCATED;
            } else {
                r->bytes = (uint32_t)pages * TRACE_PAGE_SIZE;
            }
            r->aux = clamp32(pages);
        }
        if (e->x & SP_X_PROT)
            r->flags |= TRACE_F_PROTECT;
        break;
    case M_BRK:
        if (ok) {
            uint64_t now = (uint64_t)L->ret;
            if (!brk->known) {
                brk->known = 1;
                brk->base = brk->cur = now;
            } else if (now >= brk->cur) {
                r->bytes = clamp32(now - brk->cur);
                brk->cur = now;
            } else {
                r->bytes = clamp32(brk->cur - now);
                r->flags |= TRACE_F_SHRINK;
                brk->cur = now;
            }
        }
        if (brk->known)
            r->aux = brk->cur >= brk->base ? clamp32(brk->cur - brk->base) : 0;
        break;
    case M_FIXED:
        r->bytes = ok ? e->out : 0;
        break;
    case M_FCNTL:
        if (e->a1 >= 0 && (size_t)e->a1 < na &&
            (sp_has_word(a[e->a1], "F_DUPFD") || sp_has_word(a[e->a1], "F_DUPFD_CLOEXEC") ||
             (sp_arg_num(a[e->a1], &v) == 0 && (v == 0 || v == 1030))))
            r->op = OP_DUP;
        else if (e->a1 >= 0 && (size_t)e->a1 < na &&
                 (sp_has_word(a[e->a1], "F_GETFD") || sp_has_word(a[e->a1], "F_SETFD") ||
                  sp_has_word(a[e->a1], "F_GETFL") || sp_has_word(a[e->a1], "F_SETFL") ||
                  (sp_arg_num(a[e->a1], &v) == 0 && v >= 1 && v <= 4)))
            r->op = OP_NULL;       /* fd flags: no user memory */
        else
            r->op = OP_SKIP;
        break;
    case M_TRAFFIC:
        traffic(r, ok, e->a1 == SP_ALWAYS || ptr_given(a, na, e->a1) ? e->out : 0,
                ptr_given(a, na, e->a2) ? e->out : 0);
        break;
    case M_POLL:
        if (e->a1 >= 0 && (size_t)e->a1 < na && sp_arg_num(a[e->a1], &v) == 0 && v <= 65536)
            traffic(r, ok, (uint32_t)v * e->out, (uint32_t)v * e->out);
        else
            r->op = OP_SKIP;
        break;
    case M_IOCTL:
        r->op = OP_SKIP;
        for (size_t k = 0; e->a1 >= 0 && (size_t)e->a1 < na && k < sizeof(ioctl_traffic) / sizeof(ioctl_traffic[0]);
             k++)
            if (sp_has_word(a[e->a1], ioctl_traffic[k].name) ||
                (sp_arg_num(a[e->a1], &v) == 0 && v == ioctl_traffic[k].num)) {
                traffic(r, ok, ioctl_traffic[k].in, ioctl_traffic[k].out);
                break;
            }
        break;
    case M_FORK:                              /* the converter fills aux in (sp_map_pid) */
    case M_WAITID:
        r->aux = TRACE_TASK_NONE;
        break;
    case M_WAIT:
        r->aux = TRACE_TASK_NONE;
        if (ok && L->ret > 0 && ptr_given(a, na, e->a2))
            r->bytes = e->out;                /* the status word */
        break;
    case M_NOCOPY:
        nocopy(r, !failed);
        break;
    case M_SOCKET:                            /* a new fd and nothing copied */
        if (failed)
            nocopy(r, 0);
        else
            r->op = OP_DUP;
        break;
    case M_CONNECT:
        if (e->a1 < 0 || (size_t)e->a1 >= na || sp_arg_num(a[e->a1], &v) != 0) {
            r->op = OP_SKIP;
        } else if (v > SOCKADDR_MAX || (failed && L->err == LINUX_EBADF)) {
            nocopy(r, 0);                     /* refused before move_addr_to_kernel() */
        } else if (failed || ((size_t)e->a2 < na && sp_has_word(a[e->a2], "AF_UNIX"))) {
            r->op = OP_PATH;                  /* the copy, then a lookup failing as traced */
            r->bytes = v > 0 ? (uint32_t)v - 1 : 0;
        } else {
            r->op = OP_COPY_IN;
            r->bytes = r->aux = (uint32_t)v;
        }
        break;
    case M_ARCH_PRCTL:
        arch_prctl_map(e, a, na, ok, failed, r);
        break;
    case M_RSEQ:
        if (failed)
            nocopy(r, 0);                     /* every check precedes the registration */
        else if (e->a1 >= 0 && (size_t)e->a1 < na &&
                 (sp_has_word(a[e->a1], "RSEQ_FLAG_UNREGISTER") || (sp_arg_num(a[e->a1], &v) == 0 && (v & 1))))
            traffic(r, ok, 0, e->out);        /* rseq_reset_rseq_cpu_id(): two u32 written */
        else
            traffic(r, ok, e->out, e->out);   /* rseq_cs read, cpu_id_start + cpu_id written */
        break;
    case M_TLS:                               /* entry_number -1: the kernel picks and writes it */
        traffic(r, ok, e->out, e->a1 >= 0 && (size_t)e->a1 < na && !tls_picks(a[e->a1]) ? 0 : INT_SIZE);
        break;
    case M_MREMAP:
        if (mremap_at(e, a, na, L, brk, r) != 0)
            r->op = OP_SKIP;
        break;
    case M_EXEC: {
        uint32_t argv = 0, envp = 0;
        int trunc = 0;
        r->aux = path_len(a, na, e->a1, &r->flags);
        if (e->a2 >= (int)na || strings_bytes(a[e->a2], &argv, &trunc) != 0 ||
            e->aflags >= (int)na || strings_bytes(a[e->aflags], &envp, &trunc) != 0)
            r->flags |= TRACE_F_NOSTRING;     /* envp (or argv) not shown: a lower bound */
        if (trunc)
            r->flags |= TRACE_F_TRUNCATED;
        r->bytes = clamp32((uint64_t)argv + envp);
        break;
    }
    }
    if ((e->x & SP_X_EXEC) && ok)
        brk->known = brk->vm_known = 0;
}

/* ------------------------------------------------------------ Linux errno names */

static const char *const errno_names[] = {
    [1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO", [6] = "ENXIO",
    [7] = "E2BIG", [8] = "ENOEXEC", [9] = "EBADF", [10] = "ECHILD", [11] = "EAGAIN",
    [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT", [15] = "ENOTBLK", [16] = "EBUSY",
    [17] = "EEXIST", [18] = "EXDEV", [19] = "ENODEV", [20] = "ENOTDIR", [21] = "EISDIR",
    [22] = "EINVAL", [23] = "ENFILE", [24] = "EMFILE", [25] = "ENOTTY", [26] = "ETXTBSY",
    [27] = "EFBIG", [28] = "ENOSPC", [29] = "ESPIPE", [30] = "EROFS", [31] = "EMLINK",
    [32] = "EPIPE", [33] = "EDOM", [34] = "ERANGE", [35] = "EDEADLK", [36] = "ENAMETOOLONG",
    [37] = "ENOLCK", [38] = "ENOSYS", [39] = "ENOTEMPTY", [40] = "ELOOP", [42] = "ENOMSG",
    [43] = "EIDRM", [44] = "ECHRNG", [45] = "EL2NSYNC", [46] = "EL3HLT", [47] = "EL3RST",
    [48] = "ELNRNG", [49] = "EUNATCH", [50] = "ENOCSI", [51] = "EL2HLT", [52] = "EBADE",
    [53] = "EBADR", [54] = "EXFULL", [55] = "ENOANO", [56] = "EBADRQC", [57] = "EBADSLT",
    [59] = "EBFONT", [60] = "ENOSTR", [61] = "ENODATA", [62] = "ETIME", [63] = "ENOSR",
    [64] = "ENONET", [65] = "ENOPKG", [66] = "EREMOTE", [67] = "ENOLINK", [68] = "EADV",
    [69] = "ESRMNT", [70] = "ECOMM", [71] = "EPROTO", [72] = "EMULTIHOP", [73] = "EDOTDOT",
    [74] = "EBADMSG", [75] = "EOVERFLOW", [76] = "ENOTUNIQ", [77] = "EBADFD", [78] = "EREMCHG",
    [79] = "ELIBACC", [80] = "ELIBBAD", [81] = "ELIBSCN", [82] = "ELIBMAX", [83] = "ELIBEXEC",
    [84] = "EILSEQ", [85] = "ERESTART", [86] = "ESTRPIPE", [87] = "EUSERS", [88] = "ENOTSOCK",
    [89] = "EDESTADDRREQ", [90] = "EMSGSIZE", [91] = "EPROTOTYPE", [92] = "ENOPROTOOPT",
    [93] = "EPROTONOSUPPORT", [94] = "ESOCKTNOSUPPORT", [95] = "EOPNOTSUPP",
    [96] = "EPFNOSUPPORT", [97] = "EAFNOSUPPORT", [98] = "EADDRINUSE", [99] = "EADDRNOTAVAIL",
    [100] = "ENETDOWN", [101] = "ENETUNREACH", [102] = "ENETRESET", [103] = "ECONNABORTED",
    [104] = "ECONNRESET", [105] = "ENOBUFS", [106] = "EISCONN", [107] = "ENOTCONN",
    [108] = "ESHUTDOWN", [109] = "ETOOMANYREFS", [110] = "ETIMEDOUT", [111] = "ECONNREFUSED",
    [112] = "EHOSTDOWN", [113] = "EHOSTUNREACH", [114] = "EALREADY", [115] = "EINPROGRESS",
    [116] = "ESTALE", [117] = "EUCLEAN", [118] = "ENOTNAM", [119] = "ENAVAIL", [120] = "EISNAM",
    [121] = "EREMOTEIO", [122] = "EDQUOT", [123] = "ENOMEDIUM", [124] = "EMEDIUMTYPE",
    [125] = "ECANCELED", [126] = "ENOKEY", [127] = "EKEYEXPIRED", [128] = "EKEYREVOKED",
    [129] = "EKEYREJECTED", [130] = "EOWNERDEAD", [131] = "ENOTRECOVERABLE", [132] = "ERFKILL",
    [133] = "EHWPOISON",
};

static const struct {
    const char *name;
    int num;
} errno_aliases[] = {
    { "EWOULDBLOCK", 11 }, { "EDEADLOCK", 35 }, { "ENOTSUP", 95 },
};

static int name_is(const char *t, const char *name, size_t n)
{
    return t != NULL && strlen(t) == n && memcmp(t, name, n) == 0;
}

int sp_errno_lookup(const char *name, size_t n)
{
    for (size_t i = 1; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
        if (name_is(errno_names[i], name, n))
            return (int)i;
    for (size_t i = 0; i < sizeof(errno_aliases) / sizeof(errno_aliases[0]); i++)
        if (name_is(errno_aliases[i].name, name, n))
            return errno_aliases[i].num;
    return 0;
}
