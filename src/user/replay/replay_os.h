/*
 * replay_os.h - what the trace replay (the core: core.c and the files beside
 * it, replay_int.h) needs from the system it measures. Two backends implement it:
 *   src/user/replay.c               this kernel (the `replay` boot module)
 *   tools/linux-peer/replay_linux.c Linux i386, as /init of an initramfs
 * so that both replay the same trace with the same code around each call.
 *
 * Every os_* call is exactly one system call of the system under test (the
 * core times it with lfence; rdtsc on both sides). They return what the
 * system call returned: >= 0, or -errno. Sizes are in bytes unless named
 * `npages` (4096-byte pages).
 */
#ifndef REPLAY_OS_H
#define REPLAY_OS_H

#include <stdint.h>

/* Entry paths a replay can use; not every system has both. */
enum replay_entry { ENTRY_INT80 = 0, ENTRY_SYSENTER = 1, ENTRY_COUNT = 2 };

/* Event counters of the system under test (cumulative; wrap at 2^32).
 * Same fields as struct kevents in uapi/syscall.h. */
struct replay_events {
    uint32_t syscalls;
    uint32_t cr3_writes;
    uint32_t pages_walked;
    uint32_t bytes_copied;
    uint32_t faults;                     /* demand-paging faults (Linux: minor faults) */
};

/* TLB fills (translations loaded) of the system under test, by kind, as
 * SYS_afill counts them (struct afill and AFILL_* in uapi/syscall.h, in this
 * order): kernel 4 KiB pages, kernel 4 MiB pages, trampoline pages through
 * the kernel PD, trampoline pages through the user PD, user pages, and the
 * instrument's own pages (never part of a call). */
enum replay_fill { FILL_KERNEL_4K, FILL_KERNEL_4M, FILL_TRAMP_K, FILL_TRAMP_U, FILL_USER, FILL_INSTR,
                   FILL_KINDS };
struct replay_fills {
    uint32_t n[FILL_KINDS];
    uint32_t listed;                     /* words os_fills wrote to its page list */
};
#define REPLAY_FILL_LIST_MAX 64          /* words in a page list (AFILL_LIST_MAX) */

#define REPLAY_STAT_BYTES 96     /* the stat buffer os_stat/os_fstat fill */

/* --- the backend's identity and set-up (not timed) --- */
const char *os_mode_name(void);          /* "split", "shared", "linux-pti", ... */
int os_entry_supported(int entry);       /* 1 if ENTRY_* works here */
void os_set_entry(int entry);            /* route the os_* calls below through it */
uintptr_t os_arena_base(void);           /* page-aligned VA where os_map may place pages */
uint32_t os_arena_pages(void);           /* pages available from os_arena_base() (at least
                                          * TRACE_ARENA_PAGES + 1024: the trace arena, then
                                          * OP_MAP's area) */

/* --- one system call each (timed by the core) --- */
long os_null(void);                                   /* getppid */
long os_open(const char *path, int flags);            /* -> fd */
long os_stat(const char *path, void *st);             /* st: REPLAY_STAT_BYTES */
long os_fstat(int fd, void *st);
long os_read(int fd, void *buf, uint32_t len);        /* -> bytes */
long os_write(int fd, const void *buf, uint32_t len); /* -> bytes */
long os_close(int fd);
long os_lseek(int fd, int32_t offset, int whence);
long os_dup(int fd);
long os_pipe(int fds[2]);
#define REPLAY_PROT_READ  1                           /* os_map/os_protect access bits */
#define REPLAY_PROT_WRITE 2                           /* (0: no access) */
long os_map(uintptr_t va, uint32_t npages, int prot); /* anonymous, demand-paged (zeroed at the first
                                                       * touch), exactly at va */
long os_unmap(uintptr_t va, uint32_t npages);
long os_protect(uintptr_t va, uint32_t npages, int prot); /* mprotect */
long os_brk(uintptr_t end);                           /* -> the break after the call; 0: query */

/* --- processes (docs/benchmarking.md, "Processes") --- */
/* Timed: one system call each. */
long os_fork(void);                                   /* -> child pid in the parent, 0 in the child */
void os_exit(int code) __attribute__((noreturn));     /* end the calling process */
long os_wait(long pid, int *status);                  /* pid or -1 (any); status may be NULL -> pid reaped */
/* futex(2) on a 32-bit word in os_shared() memory (processes that share it
 * meet on it): FUTEX_WAIT sleeps while *word == val (0 once woken, -EAGAIN
 * if it differs); FUTEX_WAKE wakes at most n waiters (-> how many). One
 * system call each: timed for OP_FUTEX_* records, untimed when the core
 * keeps the turn between processes (docs/benchmarking.md, "Processes"). */
long os_futex_wait(volatile uint32_t *word, uint32_t val);
long os_futex_wake(volatile uint32_t *word, uint32_t n);
/* Timed, and more than one system call: run a new program image that exits
 * at once, handing it argv strings of `bytes` bytes in all (at most
 * REPLAY_EXEC_BYTES), and wait for it; or, if !exists, fail to find the
 * program (-ENOENT, one call). *calls gets the system calls the system
 * made in all (this kernel: spawn, exit, wait; Linux: clone, execve, exit,
 * wait4). Returns 0 or -errno. */
long os_exec(uint32_t bytes, int exists, uint32_t *calls);
#define REPLAY_EXEC_BYTES 2048   /* argv bytes os_exec passes at most (this kernel: 16 x 128) */
/* Untimed: `bytes` of zeroed, page-aligned memory that this process and
 * every process it forks later share (not copied by fork); NULL if none is
 * left. os_unshared gives it back. */
void *os_shared(uint32_t bytes);
void os_unshared(void *p, uint32_t bytes);

/* --- measurement support (not timed as trace calls) --- */
/* Counters now. A backend without kernel counters derives them (Linux:
 * 2 CR3 writes per syscall with PTI, copy sizes from the arguments). */
void os_events(struct replay_events *out);
/* One empty ring 3 -> 0 -> 3 trip through `entry` with no CR3 write; returns
 * 0, or -1 if the system has no such calibration path. */
long os_ring_trip(int entry);
/* TLB fills since the previous os_fills(), then start counting afresh: one
 * system call through the current entry path. out (or NULL) gets the
 * counts; pages (or NULL) up to REPLAY_FILL_LIST_MAX words, each a page's
 * linear address | its FILL_* kind. Returns >= 0, or -1 if the system cannot
 * count fills (Linux). */
long os_fills(struct replay_fills *out, uint32_t *pages);
/* Fewest ticks of one CR3 write pair, measured in ring 0 over `rounds`
 * rounds; -1 if the system cannot measure it. */
long os_cr3_pair(uint32_t rounds);

/*
 * The core (core.c). paths[i] is the file holding trace i (trace format:
 * uapi/trace.h), names[i] its name for the output. passes: measured passes
 * after one warm-up pass (>= 1). entry_mask: the entry paths to replay,
 * bit (1 << ENTRY_*) each; those the system lacks are left out. Prints the
 * result lines documented in docs/benchmarking.md to stdout. Returns 0, or
 * the number of traces that could not be replayed (unreadable or invalid).
 */
int replay_main(int ntraces, const char *const paths[], const char *const names[], int passes,
                unsigned entry_mask);

/*
 * replay_cli - parse a replay command line and run replay_main. Words:
 *   passes=N   measured passes (default 10)
 *   entry=E    replay only entry path E (int80 or sysenter); repeat for
 *              both. Default: every entry path the system has
 *   as=NAME    the name the next trace is reported under (default: its word)
 *   TRACE      a trace, read from PREFIX TRACE SUFFIX ("/mod/" "" here,
 *              "/traces/" ".trc" on the Linux peer)
 * argv[0] is the program name. Returns replay_main's result, or -1 after a
 * usage message (no trace, too many, a name too long, an unknown entry).
 */
int replay_cli(int argc, char *const argv[], const char *prefix, const char *suffix);

#endif /* REPLAY_OS_H */
