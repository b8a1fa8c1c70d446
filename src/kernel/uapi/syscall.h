/*
 * syscall.h - the system call ABI, shared by the kernel and src/user/lib.
 *
 * Entry: `int 0x80` (SYSCALL_VECTOR). EAX = number, EBX, ECX, EDX, ESI, EDI =
 * arguments 1-5. Return value in EAX: >= 0 on success, -errno on failure
 * (uapi/errno.h). Every other register, EFLAGS (except RF) and the segment
 * registers come back unchanged. An unknown number returns -ENOSYS.
 * docs/processes.md and docs/ipc.md give the error table of each call.
 */
#ifndef UAPI_SYSCALL_H
#define UAPI_SYSCALL_H

#define SYS_exit       1  /* exit(int code): does not return; the parent sees W_EXITCODE(code) */
#define SYS_write      2  /* write(int fd, const void *buf, size_t len) -> len; fd 1, 2 = console */
#define SYS_getpid     3  /* getpid() -> pid */
#define SYS_yield      4  /* yield() -> 0: let the next runnable process run */
#define SYS_nop        5  /* nop() -> 0: an empty call, for measuring entry/exit */
#define SYS_sysinfo    6  /* sysinfo(struct sysinfo *out) -> 0 */
#define SYS_read       7  /* read(int fd, void *buf, size_t len) -> bytes; fd 0 = console, blocks for a line */
#define SYS_spawn      8  /* spawn(const char *module, char *const argv[]) -> pid */
#define SYS_wait       9  /* wait(int pid or -1, int *status or NULL) -> pid reaped; status: WIFEXITED... below */
#define SYS_getppid   10  /* getppid() -> parent pid (0: none) */
#define SYS_kill      11  /* kill(int pid) -> 0: only a child of the caller */
#define SYS_brk       12  /* brk(void *end or NULL) -> the (new) end of the heap */
#define SYS_map       13  /* map(void *va, unsigned npages, int prot) -> 0: zeroed pages */
#define SYS_unmap     14  /* unmap(void *va, unsigned npages) -> 0 */
#define SYS_fork      15  /* fork() -> child pid in the parent, 0 in the child */
#define SYS_shm_grant 16  /* shm_grant(int pid, void *va, unsigned npages) -> 0 */
#define SYS_shm_map   17  /* shm_map(int granter, void *va) -> npages mapped at va */
#define SYS_ipc_send  18  /* ipc_send(int dest, const void *msg, size_t len) -> 0 */
#define SYS_ipc_recv  19  /* ipc_recv(int src or IPC_ANY, void *buf, size_t max, int *sender) -> len */
#define SYS_ipc_call  20  /* ipc_call(int dest, const void *msg, size_t len, void *reply, size_t max) -> reply len */
#define SYS_ipc_reply 21  /* ipc_reply(int dest, const void *msg, size_t len) -> 0 */
#define SYS_ps        22  /* ps(struct procinfo *out, unsigned max) -> entries written */
#define SYS_modules   23  /* modules(char *buf, size_t size) -> bytes: boot module names, one per line */
#define SYS_poweroff  24  /* poweroff(int failed) -> does not return (failed != 0: exit status 35 in tests); -EPERM unless init or a process init spawned */
#define SYS_ticks     25  /* ticks() -> timer ticks since boot (TIMER_HZ per second) */
/* Files (src/kernel/file.c): /mod/NAME, /dev/{null,zero,console}, pipes. */
#define SYS_open      26  /* open(const char *path, int flags) -> fd */
#define SYS_close     27  /* close(int fd) -> 0 */
#define SYS_lseek     28  /* lseek(int fd, int offset, int whence) -> new offset, bytes */
#define SYS_stat      29  /* stat(const char *path, struct stat *out) -> 0 */
#define SYS_fstat     30  /* fstat(int fd, struct stat *out) -> 0 */
#define SYS_dup       31  /* dup(int fd) -> the lowest free fd, sharing fd's open file */
#define SYS_pipe      32  /* pipe(int fds[2]) -> 0: fds[0] reads, fds[1] writes */
/* Measurement (src/kernel/kevents.c). */
#define SYS_kevents   33  /* kevents(struct kevents *out) -> 0: event counters since boot */
#define SYS_cr3_pair  34  /* cr3_pair(unsigned rounds) -> fewest TSC ticks of one CR3 write pair, in ring 0 */
/* The console (src/kernel/console.c). */
#define SYS_setfg     35  /* setfg(int pid or 0) -> 0: the foreground process, killed by Ctrl-C on the console */
#define SYS_afill     36  /* afill(struct afill *out, unsigned *pages) -> pages whose Accessed bit was set since the last call; clears them */
#define NR_SYSCALLS   37

/* EAX for a calibration ring trip through sysenter: the trampoline sysexits at
 * once, with no CR3 write and no C (docs/benchmarking.md, "the floor"). */
#define SYSENTER_RING_TRIP 0xFFFFFFFFu
/* IDT vector of the calibration ring trip by `int`: the stub only irets. */
#define RING_TRIP_VECTOR   0x81

#define TIMER_HZ      100
#define BOCHSBREAK_USER_MAGIC 0xB0C5B0C5 /* EAX at the first process's entry with bochsbreak=user (crt0) */
#define IPC_ANY       (-1)   /* ipc_recv from any sender */
#define IPC_MAX_MSG   4096   /* bytes in one message */
#define PROT_READ     0x1    /* map(): every mapped page is readable */
#define PROT_WRITE    0x2
#define MAX_ARGS      16     /* spawn(): argv entries */
#define MAX_ARG_LEN   128    /* spawn(): bytes per argument, NUL included */
#define MODULE_NAME_MAX 16   /* bytes in a module/process name, NUL included */
#define NOFILE        32     /* open file descriptors per process */
#define PATH_MAX      256    /* bytes in a path, NUL included (longer: -ENAMETOOLONG) */
#define PIPE_BUF_SIZE 4096   /* bytes a pipe holds */

/* open() flags (Linux values) */
#define O_RDONLY      0
#define O_WRONLY      1
#define O_RDWR        2
#define O_ACCMODE     3
/* lseek() whence */
#define SEEK_SET      0
#define SEEK_CUR      1
#define SEEK_END      2

/*
 * The status wait() reports: how a child ended, encoded as on Unix so that
 * no exit() argument can read as a kill or a fault.
 *   bits 0-7   0: exited by itself; WTERM_KILLED: ended by kill();
 *              WTERM_FAULT: ended by a CPU exception or `int N`
 *   bits 8-31  exited: exit()'s argument, its low 24 bits (so -8388608 ..
 *              8388607 come back whole; exit(-137) is WIFEXITED with
 *              WEXITSTATUS -137, never WIFKILLED)
 *   bits 8-15  WTERM_FAULT: the vector (0-255)
 * Unix keeps only 8 bits of the exit code; this ABI keeps 24 (pids and
 * byte counts fit). Decode with the W* macros only.
 */
#define WTERM_KILLED         9      /* like SIGKILL */
#define WTERM_FAULT          11     /* like SIGSEGV, whatever the vector */
#define W_EXITCODE(code)     ((int)((unsigned int)(code) << 8))   /* exit(code) */
#define STATUS_KILLED        WTERM_KILLED                          /* kill() */
#define STATUS_FAULT(vector) ((int)(((unsigned int)(vector) & 0xffu) << 8 | WTERM_FAULT))
#ifndef WIFEXITED /* a host tool including this file may have <sys/wait.h>'s (same meaning, 8 bits) */
#define WIFEXITED(s)         (((s) & 0xff) == 0)
#define WEXITSTATUS(s)       ((int)(s) >> 8)        /* sign-extends (gcc: arithmetic shift) */
#endif
#define WIFKILLED(s)         (((s) & 0xff) == WTERM_KILLED)
#define WIFFAULTED(s)        (((s) & 0xff) == WTERM_FAULT)
#define WFAULTVECTOR(s)      (((s) >> 8) & 0xff)

/* Filled in by SYS_sysinfo (copied out with copy_to_user). */
struct sysinfo {
    unsigned int load_base;      /* physical load base GRUB chose, bytes */
    unsigned int frames_total;   /* frames managed by the allocator */
    unsigned int frames_free;    /* frames free right now */
    unsigned int pid;            /* caller's pid */
    unsigned int kernel_var;     /* link address of a kernel variable (never mapped for you) */
    unsigned int nprocs;         /* processes alive */
    unsigned int proc_limit;     /* process table slots (spawn/fork beyond: -EAGAIN) */
    unsigned int ticks;          /* timer ticks since boot */
    unsigned int features;       /* SYSINFO_* bits */
};
#define SYSINFO_SYSENTER 0x1     /* sysenter_call() works on this CPU */
#define SYSINFO_ASPACE(features) (((features) >> 8) & 0x3) /* 0 split, 1 split-global, 2 shared */

/* Filled in by SYS_stat / SYS_fstat: 96 bytes, the size of Linux i386's
 * struct stat64, so a replayed fstat copies out what Linux's does. */
#define S_IFMT   0170000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFREG  0100000
#define S_IFIFO  0010000
struct stat {
    unsigned int st_dev;         /* 1 = /mod, 2 = /dev, 3 = pipes */
    unsigned int st_ino;         /* unique within st_dev */
    unsigned int st_mode;        /* S_IF* | permission bits */
    unsigned int st_nlink;
    unsigned int st_size;        /* bytes (/mod files; pipes: bytes buffered) */
    unsigned int st_blksize;     /* preferred I/O size, bytes */
    unsigned int st_blocks;      /* 512-byte blocks */
    unsigned int st_rdev;
    unsigned int reserved[16];   /* zero */
};

/* Filled in by SYS_kevents: counters since boot, wrapping at 2^32. The
 * difference between two snapshots is what happened in between. */
struct kevents {
    unsigned int syscalls;       /* system calls dispatched */
    unsigned int cr3_writes;     /* CR3 loads: trampoline entry/exit and in-kernel switches */
    unsigned int pages_walked;   /* user pages resolved by copy-in/copy-out page-table walks */
    unsigned int bytes_copied;   /* bytes moved by copy-in/copy-out */
};

/* Filled in by SYS_afill (src/kernel/afill.c): translations the CPU loaded
 * since the previous afill(), counted as leaf paging entries whose Accessed
 * bit is set (Intel SDM Vol. 3A §4.8), in the kernel PD and the caller's PD.
 * n[] is indexed by AFILL_*; the optional page list holds up to
 * AFILL_LIST_MAX words, each a page's linear address | its AFILL_* kind. */
#define AFILL_KERNEL_4K 0        /* kernel window, 4 KiB PTEs (text, rodata, data, bss) */
#define AFILL_KERNEL_4M 1        /* direct map, 4 MiB PDEs (kernel stacks, frames) */
#define AFILL_TRAMP_K   2        /* trampoline pages through the kernel PD */
#define AFILL_TRAMP_U   3        /* trampoline pages through the user PD */
#define AFILL_USER      4        /* user pages (U=1) */
#define AFILL_INSTR     5        /* the instrument's own pages: never part of a call */
#define AFILL_KINDS     6
#define AFILL_LIST_MAX  64
struct afill {
    unsigned int n[AFILL_KINDS];
    unsigned int listed;         /* words written to the page list */
};

/* One row of SYS_ps. */
#define PROC_STATE_RUNNABLE 1
#define PROC_STATE_RUNNING  2
#define PROC_STATE_SLEEPING 3
#define PROC_STATE_ZOMBIE   4
struct procinfo {
    int pid;
    int ppid;
    int state;                   /* PROC_STATE_* */
    unsigned int pages;          /* user pages mapped */
    char name[MODULE_NAME_MAX];
};

#endif /* UAPI_SYSCALL_H */
