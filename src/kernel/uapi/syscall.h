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

/*
 * The calls themselves are described once, in syscalls.def: number, name,
 * arguments, class and a one-line description. SYS_name is each one's
 * number; NR_SYSCALLS is one past the highest.
 */
#define SC_NONBLOCK   0      /* syscalls.def classes [C only] */
#define SC_BLOCKS     1      /* may give up the CPU before it returns [C only] */
#define SC_FAST       2      /* answered by the trampoline's fast path [C only] */
#define SYSCALL(nr, name, nargs, class, desc) SYS_##name = (nr),
enum sysno {
#include "syscalls.def"
};
#undef SYSCALL
/* The rows count up from 1 with no gap (syscall.c checks): rows + 1. */
#define SYSCALL(nr, name, nargs, class, desc) + 1
enum { NR_SYSCALLS = 1
#include "syscalls.def"
};
#undef SYSCALL

/* The sysenter ABI (src/user/lib/sysenter.asm, docs/trampoline.md "The
 * sysenter path"): EAX = number, EBX, ESI, EDI = arguments 1-3, ECX = the
 * user's ESP (SYSEXIT returns with it), EDX = the return EIP; arguments 4
 * and 5 are the two words at ECX + SYSENTER_ARG4_OFFSET (bytes), read by
 * the kernel only for the calls that take them (-EFAULT if they cannot be
 * read). 32 = where sysenter_call's caller left them: three saved
 * registers, the return address, the number and arguments 1-3. */
#define SYSENTER_ARG4_OFFSET 32

/* EAX for a calibration ring trip through sysenter: the trampoline sysexits at
 * once, with no CR3 write and no C (docs/benchmarking.md, "the floor"). */
#define SYSENTER_RING_TRIP 0xFFFFFFFFu
/* IDT vector of the calibration ring trip by `int`: the stub only irets. */
#define RING_TRIP_VECTOR   0x81
/* IDT vector of the TLB-fill instrument's gate (trampoline/afill.asm): `int
 * AFILL_VECTOR` with EAX = SYS_afill, EBX, ECX as for `int 0x80` runs afill()
 * touching no kernel page but the instrument's own; with any other EAX it is
 * `int 0x80`. docs/benchmarking.md "TLB fills, measured". */
#define AFILL_VECTOR       0x83

#define TIMER_HZ      100
#define BOCHSBREAK_USER_MAGIC 0xB0C5B0C5 /* EAX at the first process's entry with bochsbreak=user (crt0) */
#define IPC_ANY       (-1)   /* ipc_recv from any sender */
#define IPC_MAX_MSG   4096   /* bytes in one message */
#define PROT_READ     0x1    /* map(): every mapped page is readable */
#define PROT_WRITE    0x2
#define PROT_SHARED   0x8    /* map(): pages that fork shares with the child instead of copying
                              * (PTE_SHARED; like Linux MAP_SHARED | MAP_ANONYMOUS) */
#define PROT_LAZY     0x10   /* map(): reserve only; each page is zeroed at its first touch */
#define MAX_ARGS      16     /* spawn(): argv entries */
#define MAX_ARG_LEN   128    /* spawn(): bytes per argument, NUL included */
#define MODULE_NAME_MAX 16   /* bytes in a module/process name, NUL included */
#define NOFILE        32     /* open file descriptors per process */
#define PATH_MAX      256    /* bytes in a path, NUL included (longer: -ENAMETOOLONG) */
#define PIPE_BUF_SIZE 4096   /* bytes a pipe holds */
#define FUTEX_WAIT    0      /* futex() op: sleep while *word == val (Linux value) */
#define FUTEX_WAKE    1      /* futex() op: wake at most val waiters on word (Linux value) */

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
    unsigned int faults;         /* demand-paging fills: user #PF on a reserved page, or a copy-in/out reaching one */
};

/* Filled in by SYS_afill (src/kernel/bench/afill.c): translations the CPU loaded
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
