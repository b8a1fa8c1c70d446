/*
 * test_s2t_map.c - host tests of the syscall -> operation
 * table (tools/strace_map.c): each line a real strace line and the record it
 * converts to, in tables of {line, op, result, bytes, aux, flags, errno}.
 * (s2t_test.h lists the converter tests and their helpers.)
 */
#include "s2t_test.h"

/* ------------------------------------------------------------ copies, paths, stat */

static void test_map_copy_out(void **state)
{
    (void)state;
    static const struct line_want copy_out[] = {
        { "read(3, \"\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\20t\\2\\0\\0\\0\\0\\0\"..., 832) = 832",
          OP_COPY_OUT, TRACE_RES_OK, 832, 832, 0, 0 },
        { "read(3, \"# Locale name alias data base.\\n#\"..., 4096) = 2996",
          OP_COPY_OUT, TRACE_RES_OK, 2996, 4096, 0, 0 },
        { "read(3, \"\", 4096)                       = 0",
          OP_COPY_OUT, TRACE_RES_OK, 0, 4096, 0, 0 },
        { "read(0, 0x7ffc46b22260, 4096) = -1 EAGAIN (Resource temporarily unavailable)",
          OP_COPY_OUT, TRACE_RES_ERR, 0, 4096, 0, 11 },
        { "pread64(3, \"\\6\\0\\0\\0\\4\\0\\0\\0@\\0\\0\\0\\0\\0\\0\\0@\\0\\0\\0\\0\\0\\0\\0@\\0\\0\\0\\0\\0\\0\\0\"..., 784, 64) = 784",
          OP_COPY_OUT, TRACE_RES_OK, 784, 784, 0, 0 },
        { "readv(3, [{iov_base=\"abc\", iov_len=3}, {iov_base=\"\", iov_len=1024}], 2) = 3",
          OP_COPY_OUT, TRACE_RES_OK, 3, 1027, 0, 0 },
        { "recvfrom(3, \"\\1\\2\", 2048, 0, NULL, NULL) = 2",
          OP_COPY_OUT, TRACE_RES_OK, 2, 2048, 0, 0 },
        { "getdents64(3, 0x55b9e2e5a2d0 /* 42 entries */, 32768) = 1448",
          OP_COPY_OUT, TRACE_RES_OK, 1448, 32768, 0, 0 },
        { "getrandom(\"\\xb7\\x47\\xb8\\xe3\\x31\\xe5\\x9f\\x94\", 8, GRND_NONBLOCK) = 8",
          OP_COPY_OUT, TRACE_RES_OK, 8, 8, 0, 0 },
        /* -e raw=all: everything hex */
        { "read(0x3, 0x7ffe6dc25d28, 0x340)        = 0x340",
          OP_COPY_OUT, TRACE_RES_OK, 0x340, 0x340, 0, 0 },
    };

    check_lines(copy_out);
}

static void test_map_copy_in(void **state)
{
    (void)state;
    static const struct line_want copy_in[] = {
        { "write(1, \"hi\\n\", 3)                   = 3",
          OP_COPY_IN, TRACE_RES_OK, 3, 3, 0, 0 },
        { "write(1, \"partial\", 7) = 4",
          OP_COPY_IN, TRACE_RES_OK, 4, 7, 0, 0 },
        { "write(1, \"hello\", 5) = -1 EPIPE (Broken pipe)",
          OP_COPY_IN, TRACE_RES_ERR, 5, 5, TRACE_F_FROM_ARG, 32 },
        { "writev(2, [{iov_base=\"ls\", iov_len=2}, {iov_base=\": \", iov_len=2}], 2) = 4",
          OP_COPY_IN, TRACE_RES_OK, 4, 4, 0, 0 },
        { "writev(2, [{iov_base=\"ls\", iov_len=2}, {iov_base=\": \", iov_len=2}], 2) = -1 EBADF (Bad file descriptor)",
          OP_COPY_IN, TRACE_RES_ERR, 4, 4, TRACE_F_FROM_ARG, 0 },
        { "sendto(3, \"\\24\\0\\0\\0\", 20, MSG_NOSIGNAL, NULL, 0) = 20",
          OP_COPY_IN, TRACE_RES_OK, 20, 20, 0, 0 },
        { "pwrite64(3, \"x\", 1, 100) = 1",
          OP_COPY_IN, TRACE_RES_OK, 1, 1, 0, 0 },
        { "sendmsg(3, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"abc\", iov_len=3}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = -1 ENOTCONN (Transport endpoint is not connected)",
          OP_COPY_IN, TRACE_RES_ERR, 3, 3, TRACE_F_FROM_ARG, 0 },
    };

    check_lines(copy_in);
}

static void test_map_path(void **state)
{
    (void)state;
    static const struct line_want paths[] = {
        { "openat(AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3",
          OP_PATH, TRACE_RES_OK, 16, 0, 0, 0 },
        { "open(\"/etc/passwd\", O_RDONLY) = -1 ENOENT (No such file or directory)",
          OP_PATH, TRACE_RES_ERR, 11, 0, 0, 2 },
        { "access(\"/etc/ld.so.preload\", R_OK)      = -1 ENOENT (No such file or directory)",
          OP_PATH, TRACE_RES_ERR, 18, 0, 0, 0 },
        { "stat(\"/tmp\", {st_mode=S_IFDIR|S_ISVTX|0777, st_size=4096, ...}) = 0",
          OP_PATH, TRACE_RES_OK, 4, 96, 0, 0 },
        { "lstat(\"/nonexist\", 0x7ffc46b22260) = -1 ENOENT (No such file or directory)",
          OP_PATH, TRACE_RES_ERR, 9, 0, 0, 0 },
        { "newfstatat(AT_FDCWD, \"/usr/bin/ls\", {st_mode=S_IFREG|0755, st_size=151344, ...}, 0) = 0",
          OP_PATH, TRACE_RES_OK, 11, 96, 0, 0 },
        { "readlink(\"/usr/bin/gcc\", \"gcc-12\", 1023) = 6",
          OP_PATH, TRACE_RES_OK, 12, 6, 0, 0 },
        { "readlink(\"/usr\", 0x7fff237868a0, 1023) = -1 EINVAL (Invalid argument)",
          OP_PATH, TRACE_RES_ERR, 4, 0, 0, 0 },
        { "faccessat2(AT_FDCWD, \"/x\", X_OK, AT_EACCESS) = 0",
          OP_PATH, TRACE_RES_OK, 2, 0, 0, 0 },
        { "rename(\"/tmp/a\", \"/tmp/bb\") = 0",
          OP_PATH, TRACE_RES_OK, 13, 0, 0, 0 },
        { "renameat2(AT_FDCWD, \"a\", AT_FDCWD, \"bb\", RENAME_NOREPLACE) = 0",
          OP_PATH, TRACE_RES_OK, 3, 0, 0, 0 },
        { "statfs(\"/\", {f_type=EXT2_SUPER_MAGIC, f_bsize=4096, ...}) = 0",
          OP_PATH, TRACE_RES_OK, 1, 84, 0, 0 },
        /* escapes count decoded bytes; a truncated string counts what is shown */
        { "openat(AT_FDCWD, \"/tmp/a\\nb\\x41\", O_RDONLY) = 3",
          OP_PATH, TRACE_RES_OK, 9, 0, 0, 0 },
        { "openat(AT_FDCWD, \"/a/very/long/path/that/strace/cut\"..., O_RDONLY) = 3",
          OP_PATH, TRACE_RES_OK, 33, 0, TRACE_F_TRUNCATED, 0 },
        /* -e raw=all: a pointer instead of the path */
        { "openat(0xffffff9c, 0x7f364fd2d0b1, 0x80000, 0) = 0x3",
          OP_PATH, TRACE_RES_OK, 0, 0, TRACE_F_NOSTRING, 0 },
        /* -X verbose */
        { "openat(-100 /* AT_FDCWD */, \"/etc/ld.so.cache\", 0x80000 /* O_RDONLY|O_CLOEXEC */) = 3",
          OP_PATH, TRACE_RES_OK, 16, 0, 0, 0 },
        { "utimensat(3, NULL, [UTIME_NOW, UTIME_NOW], 0) = 0",
          OP_PATH, TRACE_RES_OK, 0, 0, TRACE_F_NOSTRING, 0 },
    };

    check_lines(paths);
}

static void test_map_stat_out(void **state)
{
    (void)state;
    static const struct line_want stat_out[] = {
        { "newfstatat(3, \"\", {st_mode=S_IFREG|0644, st_size=57663, ...}, AT_EMPTY_PATH) = 0",
          OP_STAT_OUT, TRACE_RES_OK, 96, 96, 0, 0 },
        { "newfstatat(3, \"\", {st_mode=0100644, st_size=57663, ...}, 0x1000) = 0",
          OP_STAT_OUT, TRACE_RES_OK, 96, 96, 0, 0 }, /* -X raw */
        { "newfstatat(3, \"\", {st_mode=0100644 /* S_IFREG|0644 */, st_size=2996, ...}, 0x1000 /* AT_EMPTY_PATH */) = 0",
          OP_STAT_OUT, TRACE_RES_OK, 96, 96, 0, 0 },
        { "newfstatat(0x3, 0x7f364fd2dc99, 0x7ffe6dc25bc0, 0x1000) = 0",
          OP_STAT_OUT, TRACE_RES_OK, 96, 96, 0, 0 }, /* -e raw=all */
        { "newfstatat(99, \"\", 0x7ffe6dc25bc0, AT_EMPTY_PATH) = -1 EBADF (Bad file descriptor)",
          OP_STAT_OUT, TRACE_RES_ERR, 0, 96, 0, 0 },
        { "statx(3, \"\", AT_STATX_SYNC_AS_STAT|AT_EMPTY_PATH, STATX_ALL, {stx_mask=STATX_BASIC_STATS, ...}) = 0",
          OP_STAT_OUT, TRACE_RES_OK, 256, 256, 0, 0 },
        { "statx(AT_FDCWD, \"/usr/bin\", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW|AT_NO_AUTOMOUNT, STATX_MODE, {stx_mask=STATX_BASIC_STATS, ...}) = 0",
          OP_PATH, TRACE_RES_OK, 8, 256, 0, 0 },
        { "fstatat64(3, \"\", {st_mode=S_IFREG|0644, ...}, AT_EMPTY_PATH) = 0",
          OP_STAT_OUT, TRACE_RES_OK, 96, 96, 0, 0 },
        { "fstat(3, {st_mode=S_IFREG|0644, st_size=2996, ...}) = 0",
          OP_STAT_OUT, TRACE_RES_OK, 96, 96, 0, 0 },
        { "fstat64(3, {st_mode=S_IFREG|0644, st_size=2996, ...}) = 0",
          OP_STAT_OUT, TRACE_RES_OK, 96, 96, 0, 0 },
        { "fstatfs(3, {f_type=TMPFS_MAGIC, ...}) = 0",
          OP_STAT_OUT, TRACE_RES_OK, 84, 84, 0, 0 },
        /* a non-empty path with AT_EMPTY_PATH is still a path */
        { "newfstatat(3, \"x\", 0x7ffe6dc25bc0, AT_EMPTY_PATH) = 0",
          OP_PATH, TRACE_RES_OK, 1, 96, 0, 0 },
    };

    check_lines(stat_out);
}

/* ------------------------------------------------------------ descriptors, the traffic model, start-up calls */

static void test_map_fd_and_null(void **state)
{
    (void)state;
    static const struct line_want fd_calls[] = {
        { "getpid() = 6418",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 },
        { "getppid() = 6413",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 },
        { "getuid() = 0",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 },
        { "geteuid() = 0",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 },
        { "getgid() = 0",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 },
        { "getegid() = 0",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 },
        { "gettid() = 12",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 },
        { "getuid32() = 0",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 },
        { "sched_yield() = 0",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 },
        { "umask(022) = 022",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 },
        { "set_tid_address(0x7f79b965ca10)         = 6358",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 },
        { "getpgrp() = 1",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 },
        { "close(3)                                = 0",
          OP_CLOSE, TRACE_RES_OK, 0, 0, 0, 0 },
        { "close(-1) = -1 EBADF (Bad file descriptor)",
          OP_CLOSE, TRACE_RES_ERR, 0, 0, 0, 9 },
        { "lseek(3, 0, SEEK_SET) = 0",
          OP_SEEK, TRACE_RES_OK, 0, 0, 0, 0 },
        { "_llseek(3, 0, [0], SEEK_SET) = 0",
          OP_SEEK, TRACE_RES_OK, 8, 0, 0, 0 },
        { "dup(1) = 3",
          OP_DUP, TRACE_RES_OK, 0, 0, 0, 0 },
        { "dup2(4, 1) = 1",
          OP_DUP, TRACE_RES_OK, 0, 0, 0, 0 },
        { "dup3(4, 1, O_CLOEXEC) = 1",
          OP_DUP, TRACE_RES_OK, 0, 0, 0, 0 },
        { "fcntl(1, F_DUPFD, 10) = 10",
          OP_DUP, TRACE_RES_OK, 0, 0, 0, 0 },
        { "fcntl(1, F_DUPFD_CLOEXEC, 10) = 10",
          OP_DUP, TRACE_RES_OK, 0, 0, 0, 0 },
        { "fcntl(0x1, 0x406, 0xa) = 0xa",
          OP_DUP, TRACE_RES_OK, 0, 0, 0, 0 }, /* -e raw=all */
        { "fcntl(0, F_GETFD) = 0",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 }, /* fd flags: no memory */
        { "fcntl64(3, F_SETFD, FD_CLOEXEC) = 0",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 },
        { "fcntl(0x3, 0x3) = 0x8002",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 }, /* F_GETFL, -e raw=all */
        { "fcntl(3, F_SETLK, {l_type=F_RDLCK, l_whence=SEEK_SET, l_start=0, l_len=0}) = 0",
          OP_SKIP, TRACE_RES_OK, 0, 0, 0, 0 },
        { "pipe2([3, 4], 0) = 0",
          OP_PIPE, TRACE_RES_OK, 8, 0, 0, 0 },
        { "pipe([3, 4]) = 0",
          OP_PIPE, TRACE_RES_OK, 8, 0, 0, 0 },
        { "pipe2(0x1, 0) = -1 EFAULT (Bad address)",
          OP_PIPE, TRACE_RES_ERR, 0, 0, 0, 0 },
    };

    check_lines(fd_calls);
}

/* The traffic model: small struct copies replayed as a copy of the same bytes. */
static void test_map_traffic_model(void **state)
{
    (void)state;
    static const struct line_want traffic[] = {
        { "uname({sysname=\"Linux\", nodename=\"vm\", ...}) = 0",
          OP_COPY_OUT, TRACE_RES_OK, 390, 390, 0, 0 },
        { "uname(NULL) = -1 EFAULT (Bad address)",
          OP_NULL, TRACE_RES_ERR, 0, 0, 0, 0 },
        /* act copied in, oldact copied out: one copy of both */
        { "rt_sigaction(SIGINT, {sa_handler=0x55a1, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=0x7f}, "
          "{sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0",
          OP_COPY_IN, TRACE_RES_OK, 40, 40, 0, 0 },
        { "rt_sigaction(SIGQUIT, NULL, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0",
          OP_COPY_OUT, TRACE_RES_OK, 20, 20, 0, 0 },
        { "rt_sigaction(SIGKILL, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=0}, NULL, 8) = -1 EINVAL (Invalid argument)",
          OP_COPY_IN, TRACE_RES_ERR, 20, 20, 0, 0 },
        { "rt_sigprocmask(SIG_SETMASK, [], ~[KILL STOP RTMIN RT_1], 8) = 0",
          OP_COPY_IN, TRACE_RES_OK, 16, 16, 0, 0 },
        { "rt_sigprocmask(SIG_BLOCK, NULL, [], 8) = 0",
          OP_COPY_OUT, TRACE_RES_OK, 8, 8, 0, 0 },
        { "rt_sigprocmask(0x2, 0, 0, 0x8) = 0",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 }, /* -e raw=all: nothing moves */
        { "prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0",
          OP_COPY_OUT, TRACE_RES_OK, 16, 16, 0, 0 },
        { "futex(0x7f9a4c1fe910, FUTEX_WAKE_PRIVATE, 1) = 0",
          OP_FUTEX_WAKE, TRACE_RES_OK, 0, TRACE_FUTEX_IDLE, 0, 0 }, /* a wake of nobody: its own call */
        { "futex(0x55e0, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY) = -1 EAGAIN (Resource temporarily unavailable)",
          OP_FUTEX_WAIT, TRACE_RES_ERR, 4, TRACE_FUTEX_IDLE, 0, 0 }, /* a wait that failed: -EAGAIN */
        { "futex(0x55e0, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2147483647, 0x55e4, 2) = 1",
          OP_COPY_IN, TRACE_RES_OK, 4, 4, 0, 0 }, /* other ops: the word's copy-in */
        { "poll([{fd=3, events=POLLIN}, {fd=4, events=POLLIN}], 2, -1) = 1 ([{fd=3, revents=POLLIN}])",
          OP_COPY_IN, TRACE_RES_OK, 32, 32, 0, 0 },
        { "ppoll([{fd=3, events=POLLIN}], 1, {tv_sec=0, tv_nsec=0}, NULL, 8) = 0 (Timeout)",
          OP_COPY_IN, TRACE_RES_OK, 16, 16, 0, 0 },
        { "ioctl(1, TCGETS, {B38400 opost isig icanon echo ...}) = 0",
          OP_COPY_OUT, TRACE_RES_OK, 36, 36, 0, 0 },
        { "ioctl(3, TCGETS, 0x7ffc4d2c8b40) = -1 ENOTTY (Inappropriate ioctl for device)",
          OP_COPY_OUT, TRACE_RES_ERR, 0, 36, 0, 0 },
        { "ioctl(0x1, 0x5413, 0x7ffd1e0f2a40) = 0",
          OP_COPY_OUT, TRACE_RES_OK, 8, 8, 0, 0 }, /* TIOCGWINSZ, -e raw=all */
        { "ioctl(1, TCSETSW, {B38400 opost isig icanon echo ...}) = 0",
          OP_COPY_IN, TRACE_RES_OK, 36, 36, 0, 0 },
        { "ioctl(3, BTRFS_IOC_CLONE or FICLONE, 4) = 0",
          OP_SKIP, TRACE_RES_OK, 0, 0, 0, 0 },
    };

    check_lines(traffic);
}

/* Process start-up: arch_prctl, set_robust_list, rseq (Linux kernel/rseq.c),
 * set_thread_area (arch/x86/kernel/tls.c), and fadvise64. */
static void test_map_startup_calls(void **state)
{
    (void)state;
    static const struct line_want startup[] = {
        { "arch_prctl(ARCH_SET_FS, 0x7fb451ea6740) = 0",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 },
        { "arch_prctl(0x1002 /* ARCH_SET_FS */, 0x7fb451ea6740) = 0",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 }, /* -X verbose */
        { "arch_prctl(ARCH_GET_FS, [0x7fb451ea6740]) = 0",
          OP_COPY_OUT, TRACE_RES_OK, 8, 8, 0, 0 }, /* an unsigned long out */
        { "arch_prctl(0x1004, 0x7ffe2f5d8a50) = -1 EFAULT (Bad address)",
          OP_COPY_OUT, TRACE_RES_ERR, 0, 8, 0, 0 }, /* ARCH_GET_GS, -X raw */
        { "arch_prctl(0x3001 /* ARCH_??? */, 0x7ffe2f5d8a50) = -1 EINVAL (Invalid argument)",
          OP_CLOSE, TRACE_RES_ERR, 0, 0, 0, 0 }, /* fails before any copy */
        { "arch_prctl(0x3001 /* ARCH_??? */, 0x7ffe2f5d8a50) = 0",
          OP_SKIP, TRACE_RES_OK, 0, 0, 0, 0 }, /* unknown and succeeded */
        { "set_robust_list(0x7fb451ea6a20, 24) = 0",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 }, /* the kernel keeps the pointer */
        { "set_robust_list(0x7fb451ea6a20, 23) = -1 EINVAL (Invalid argument)",
          OP_CLOSE, TRACE_RES_ERR, 0, 0, 0, 0 },
        { "rseq(0x7fb451ea7060, 0x20, 0, 0x53053053) = 0",
          OP_COPY_IN, TRACE_RES_OK, 16, 16, 0, 0 }, /* rseq_cs read, cpu_id_start + cpu_id written */
        { "rseq(0x7fb451ea7060, 0x20, RSEQ_FLAG_UNREGISTER, 0x53053053) = 0",
          OP_COPY_OUT, TRACE_RES_OK, 8, 8, 0, 0 },
        { "rseq(0x7fb451ea7060, 0x20, 0x1, 0x53053053) = 0",
          OP_COPY_OUT, TRACE_RES_OK, 8, 8, 0, 0 },
        { "rseq(0x7fb451ea7060, 0x20, 0, 0x53053053) = -1 EBUSY (Device or resource busy)",
          OP_CLOSE, TRACE_RES_ERR, 0, 0, 0, 0 },
        { "rseq(0x7fb451ea7060, 0x20, 0, 0x53053053) = -1 ENOSYS (Function not implemented)",
          OP_CLOSE, TRACE_RES_ERR, 0, 0, 0, 0 },
        { "set_thread_area({entry_number=-1, base_addr=0xf7d8a6c0, limit=0x0fffff, seg_32bit=1, "
          "contents=0, read_exec_only=0, limit_in_pages=1, seg_not_present=0, useable=1}) = 0 (entry_number=12)",
          OP_COPY_IN, TRACE_RES_OK, 20, 20, 0, 0 }, /* struct user_desc in, entry_number out */
        { "set_thread_area({entry_number=12, base_addr=0xf7d8a6c0, limit=0x0fffff, seg_32bit=1, "
          "contents=0, read_exec_only=0, limit_in_pages=1, seg_not_present=0, useable=1}) = 0",
          OP_COPY_IN, TRACE_RES_OK, 16, 16, 0, 0 },
        { "set_thread_area(0xffd4a3b0) = 0",
          OP_COPY_IN, TRACE_RES_OK, 20, 20, 0, 0 }, /* not shown: glibc's -1 */
        { "set_thread_area({entry_number=-1, base_addr=0, limit=0}) = -1 ESRCH (No such process)",
          OP_COPY_IN, TRACE_RES_ERR, 16, 20, 0, 0 },
        { "fadvise64(3, 0, 0, POSIX_FADV_SEQUENTIAL) = 0",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 },
        { "fadvise64(5, 0, 0, POSIX_FADV_SEQUENTIAL) = -1 ESPIPE (Illegal seek)",
          OP_CLOSE, TRACE_RES_ERR, 0, 0, 0, 0 },
        { "fadvise64_64(3, 0, 0, POSIX_FADV_SEQUENTIAL) = 0",
          OP_NULL, TRACE_RES_OK, 0, 0, 0, 0 }, /* i386 */
    };

    check_lines(startup);
}

/* sysinfo / getrusage copy a struct out (i386 sizes: 64, 72). */
static void test_map_struct_out_calls(void **state)
{
    (void)state;
    static const struct line_want struct_out[] = {
        { "sysinfo({uptime=3381, loads=[191584, 114176, 98496], totalram=25276514304, freeram=23571652608, "
          "sharedram=8998912, bufferram=3641344, totalswap=0, freeswap=0, procs=113, totalhigh=0, freehigh=0, "
          "mem_unit=1}) = 0",
          OP_COPY_OUT, TRACE_RES_OK, 64, 64, 0, 0 },
        { "sysinfo(0xdead) = -1 EFAULT (Bad address)",
          OP_COPY_OUT, TRACE_RES_ERR, 0, 64, 0, 0 }, /* replayed as a failing read */
        { "getrusage(RUSAGE_SELF, {ru_utime={tv_sec=0, tv_usec=0}, ru_stime={tv_sec=0, tv_usec=4401}, ...}) = 0",
          OP_COPY_OUT, TRACE_RES_OK, 72, 72, 0, 0 },
        { "getrusage(0x7 /* RUSAGE_??? */, 0x7ffd1e0f2a40) = -1 EINVAL (Invalid argument)",
          OP_COPY_OUT, TRACE_RES_ERR, 0, 72, 0, 0 }, /* replayed as a failing read */
    };

    check_lines(struct_out);
}

/* socket: an fd, no copy; connect: the sockaddr in, then (AF_UNIX) a lookup. */
static void test_map_socket_calls(void **state)
{
    (void)state;
    static const struct line_want sockets[] = {
        { "socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = 6",
          OP_DUP, TRACE_RES_OK, 0, 0, 0, 0 },
        { "socket(AF_INET6, SOCK_DGRAM, IPPROTO_IP) = -1 EAFNOSUPPORT (Address family not supported by protocol)",
          OP_CLOSE, TRACE_RES_ERR, 0, 0, 0, 0 },
        /* nscd: 110 bytes copied in, the path lookup fails: a 109-byte path + NUL that does not exist */
        { "connect(6, {sa_family=AF_UNIX, sun_path=\"/var/run/nscd/socket\"}, 110) = -1 ENOENT (No such file or directory)",
          OP_PATH, TRACE_RES_ERR, 109, 0, 0, 2 },
        { "connect(3, {sa_family=AF_UNIX, sun_path=\"/run/dbus/system_bus_socket\"}, 110) = 0",
          OP_PATH, TRACE_RES_OK, 109, 0, 0, 0 },
        { "connect(3, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr(\"127.0.0.53\")}, 16) = 0",
          OP_COPY_IN, TRACE_RES_OK, 16, 16, 0, 0 },
        { "connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = "
          "-1 ECONNREFUSED (Connection refused)",
          OP_PATH, TRACE_RES_ERR, 15, 0, 0, 0 }, /* 16 bytes in, then a failure */
        { "connect(9, {sa_family=AF_UNIX, sun_path=\"/x\"}, 110) = -1 EBADF (Bad file descriptor)",
          OP_CLOSE, TRACE_RES_ERR, 0, 0, 0, 0 }, /* fdget() fails first: no copy */
        { "connect(3, 0x7ffd1e0f2a40, 4096) = -1 EINVAL (Invalid argument)",
          OP_CLOSE, TRACE_RES_ERR, 0, 0, 0, 0 }, /* addrlen > sockaddr_storage */
    };

    check_lines(sockets);
}

/* ------------------------------------------------------------ skipped calls, the table itself */

static void test_map_skip_is_kept_and_counted(void **state)
{
    (void)state;
    struct s2t *c = conv(
        "kill(1234, SIGTERM) = 0\n"
        "getpid() = 1\n"
        "kill(1235, SIGTERM) = 0\n"
        "syscall_0x1b4(0x1, 0x2) = -1 ENOSYS (Function not implemented)\n"
        "rt_sigreturn({mask=[]}) = 0\n"
        "exit_group(0) = ?\n"
        "+++ exited with 0 +++\n");

    assert_int_equal(s2t_nrecords(c), 6);
    assert_int_equal(s2t_stats(c)->per_op[OP_SKIP], 4);
    assert_int_equal(s2t_stats(c)->per_op[OP_NULL], 1);
    assert_int_equal(s2t_stats(c)->per_op[OP_EXIT], 1);
    assert_int_equal(s2t_stats(c)->exits, 1);
    assert_string_equal(rname(c, 0), "kill");
    assert_int_equal(rec(c, 0)->op, OP_SKIP);
    assert_int_equal(rec(c, 0)->name, rec(c, 2)->name);
    assert_int_equal(s2t_name_count(c, rec(c, 0)->name), 2);
    assert_string_equal(rname(c, 3), "syscall_0x1b4");
    assert_int_equal(rec(c, 3)->err, 38);
    assert_int_equal(rec(c, 5)->result, TRACE_RES_UNKNOWN);
    assert_int_equal(s2t_nnames(c), 5);
    s2t_free(c);
}

/* Every table name is unique and has a valid op, and docs/trace-format.md names it. */
static void test_map_table_sane_and_documented(void **state)
{
    (void)state;
    FILE *f = fopen(REPO_ROOT "/docs/trace-format.md", "rb");
    char *doc;
    long len;

    for (size_t i = 0; i < sp_map_table_len; i++) {
        const struct sp_map_entry *e = &sp_map_table[i];
        assert_true(e->op < OP_COUNT);
        assert_true(strlen(e->name) <= SP_NAME_MAX);
        assert_ptr_equal(sp_map_lookup(e->name, strlen(e->name)), e);
        for (size_t j = 0; j < i; j++)
            if (strcmp(sp_map_table[j].name, e->name) == 0)
                fail_msg("duplicate table entry %s", e->name);
    }
    assert_null(sp_map_lookup("kill", 4));
    assert_null(sp_map_lookup("rea", 3));
    assert_null(sp_map_lookup("reads", 5));

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    assert_true(len > 0);
    rewind(f);
    doc = calloc(1, (size_t)len + 1);
    assert_non_null(doc);
    assert_int_equal(fread(doc, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    for (size_t i = 0; i < sp_map_table_len; i++) {
        char want[80];
        snprintf(want, sizeof(want), "`%s`", sp_map_table[i].name);
        if (strstr(doc, want) == NULL)
            fail_msg("docs/trace-format.md does not mention %s", want);
    }
    for (unsigned op = 0; op < OP_COUNT; op++) {
        char want[40];
        if (trace_op_name(op)[0] == '?')
            fail_msg("op %u has no name in trace_op_name()", op);
        snprintf(want, sizeof(want), "OP_%s", trace_op_name(op));
        if (strstr(doc, want) == NULL)
            fail_msg("docs/trace-format.md does not mention %s", want);
    }
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_copy_out),
        cmocka_unit_test(test_map_copy_in),
        cmocka_unit_test(test_map_path),
        cmocka_unit_test(test_map_stat_out),
        cmocka_unit_test(test_map_fd_and_null),
        cmocka_unit_test(test_map_traffic_model),
        cmocka_unit_test(test_map_startup_calls),
        cmocka_unit_test(test_map_struct_out_calls),
        cmocka_unit_test(test_map_socket_calls),
        cmocka_unit_test(test_map_skip_is_kept_and_counted),
        cmocka_unit_test(test_map_table_sane_and_documented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
