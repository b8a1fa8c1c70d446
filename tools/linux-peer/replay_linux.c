/*
 * replay_linux.c - the Linux i386 backend of the trace replay (replay_os.h),
 * and /init of the Linux peer's initramfs (tools/linux-peer.sh).
 *
 * Every os_* call below is exactly one raw system call, issued either with
 * `int $0x80` or through the vDSO's __kernel_vsyscall (which uses sysenter
 * on Intel-like CPUs), so that the replay core times the same thing on
 * Linux as on split: the entry, the kernel's work, the exit. No libc
 * wrapper sits in between (no errno, no cancellation points).
 *
 * Build (static i386; the asm is also correct under -fPIE, Debian's default,
 * but tools/linux-peer.sh builds non-PIE):
 *     gcc -m32 -static -fno-pie -no-pie -O2 -Wall -Wextra -DREPLAY_LINUX \
 *         -Isrc/user/replay -Isrc/kernel \
 *         tools/linux-peer/replay_linux.c src/user/replay/[a-z]*.c -o init
 *
 * As /init (pid 1) it mounts /proc, /sys and /dev, hands `passes=N`,
 * `as=NAME` and the trace names from its argv (the kernel command line
 * after `--`) to replay_cli(), which replays /traces/NAME.trc, and powers
 * QEMU off through isa-debug-exit: status 33 on success, 35 on failure.
 * Run as any other pid (on a host with 32-bit support) it takes trace files
 * by path and just exits: handy for checking the backend without booting:
 *     ./init passes=3 as=tiny /tmp/tiny.trc
 *
 * Linux has no per-syscall event counters, so os_events() derives them
 * here, from the calls this backend issued:
 *   syscalls      os_* calls issued;
 *   cr3_writes    2 per call with PTI (one on entry, one on exit), and 2 per
 *                 page fault (below), else 0;
 *   pages_walked  4 KiB pages spanned by the user memory a successful call
 *                 copied (read/write buffers for the bytes transferred, the
 *                 stat64 buffer, the two pipe fds, path strings);
 *   bytes_copied  those bytes (a path counts its length + 1);
 *   faults        the kernel's own count: getrusage()'s ru_minflt (page
 *                 faults served without I/O, user-mode and during copies
 *                 alike, as this kernel's kevents.faults).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "replay_os.h"
#include "exec_args.h"
#include "x86/platform.h"   /* DEBUG_EXIT_PORT and the EXIT_* verdicts, as this kernel writes them */

#if !defined(__i386__)
#error "replay_linux.c is i386 only: build with gcc -m32"
#endif

/* i386 system call numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
#define NR_read     3
#define NR_write    4
#define NR_open     5
#define NR_close    6
#define NR_lseek   19
#define NR_dup     41
#define NR_pipe    42
#define NR_brk     45
#define NR_getppid 64
#define NR_getrusage 77
#define NR_munmap  91
#define NR_mprotect 125
#define NR_mmap2  192
#define NR_stat64 195
#define NR_fstat64 197
#define NR_exit_group 252
#define NR_fork     2
#define NR_waitpid  7
#define NR_execve  11
#define NR_clone  120
#define NR_futex  240
#define LINUX_FUTEX_WAIT 0            /* shared (not _PRIVATE): the words are in MAP_SHARED memory */
#define LINUX_FUTEX_WAKE 1

#define CLONE_VM    0x00000100
#define CLONE_VFORK 0x00004000
#define SIGCHLD_NR  17
#define EXEC_PROGRAM "/exit0"          /* tools/linux-peer/exit0.c: exit(0), one system call */
#define EXEC_MISSING "/exit0-missing"

#define PAGE 4096u

/* Arena for os_map: 128 MiB at 1 GiB (the 64 MiB trace arena, then OP_MAP's). A static i386 binary sits at
 * 0x08048000 with its brk heap just above; Linux places mmap()s top-down
 * under the stack (~0xb7xxxxxx) and the vDSO near there, so this range is
 * free unless a run maps more than ~1.8 GiB. check_arena() verifies it
 * against /proc/self/maps before the replay starts. */
#define ARENA_BASE  0x40000000u
#define ARENA_PAGES 32768u

static uintptr_t vsyscall;            /* __kernel_vsyscall, from AT_SYSINFO; 0 if none */
static int use_sysenter;              /* os_set_entry(ENTRY_SYSENTER) */
static int pti = -1;                  /* -1: not yet known */
static struct replay_events ev_boot;  /* derived counters, see the header comment ... */
static struct replay_events *ev = &ev_boot; /* ... in os_shared() memory once main has it, so
                                             * every replay process adds to the same ones */
static uint32_t minflt_seen;          /* this process's ru_minflt when os_events last looked */

/* ------------------------------------------------------------------ */
/* Raw system calls. __kernel_vsyscall preserves every register but eax,
 * as `int $0x80` does; the sysenter path passes the sixth argument in ebp
 * like int 0x80 (the vDSO pushes it where the kernel reads it). */

static inline long sys3(long nr, long a, long b, long c)
{
    long r;
    if (use_sysenter)
        __asm__ volatile("call *%[vs]"
                         : "=a"(r)
                         : "0"(nr), "b"(a), "c"(b), "d"(c), [vs] "m"(vsyscall)
                         : "memory", "cc");
    else
        __asm__ volatile("int $0x80"
                         : "=a"(r)
                         : "0"(nr), "b"(a), "c"(b), "d"(c)
                         : "memory", "cc");
    return r;
}

/* futex(word, op, val, NULL): four arguments, the fourth (the timeout) in
 * esi, always NULL here. */
static inline long sys_futex(volatile uint32_t *word, long op, long val)
{
    long r;
    if (use_sysenter)
        __asm__ volatile("call *%[vs]"
                         : "=a"(r)
                         : "0"(NR_futex), "b"(word), "c"(op), "d"(val), "S"(0), [vs] "m"(vsyscall)
                         : "memory", "cc");
    else
        __asm__ volatile("int $0x80"
                         : "=a"(r)
                         : "0"(NR_futex), "b"(word), "c"(op), "d"(val), "S"(0)
                         : "memory", "cc");
    return r;
}

/* mmap2: six arguments, the sixth (pgoff) in ebp, always 0 here. ebp may
 * be the frame pointer or hold the address of %[vs], so the call target is
 * pushed first and called from the stack. */
static inline long sys_mmap2_anon(long addr, long len, long prot, long flags)
{
    long r;
    if (use_sysenter)
        __asm__ volatile("pushl %[vs]\n\t"
                         "push %%ebp\n\t"
                         "xor %%ebp, %%ebp\n\t"
                         "call *4(%%esp)\n\t"
                         "pop %%ebp\n\t"
                         "add $4, %%esp"
                         : "=a"(r)
                         : "0"(NR_mmap2), "b"(addr), "c"(len), "d"(prot), "S"(flags), "D"(-1L),
                           [vs] "m"(vsyscall)
                         : "memory", "cc");
    else
        __asm__ volatile("push %%ebp\n\t"
                         "xor %%ebp, %%ebp\n\t"
                         "int $0x80\n\t"
                         "pop %%ebp"
                         : "=a"(r)
                         : "0"(NR_mmap2), "b"(addr), "c"(len), "d"(prot), "S"(flags), "D"(-1L)
                         : "memory", "cc");
    return r;
}

/* ------------------------------------------------------------------ */
/* Derived event counters. */

static void count_call(void)
{
    ev->syscalls++;
    if (pti > 0)
        ev->cr3_writes += 2;
}

static void count_copy(const void *p, uint32_t bytes)
{
    uintptr_t a = (uintptr_t)p;
    if (bytes == 0)
        return;
    ev->pages_walked += (uint32_t)(((a + bytes - 1) / PAGE) - (a / PAGE) + 1);
    ev->bytes_copied += bytes;
}

/* ------------------------------------------------------------------ */
/* Identity and set-up (not timed). */

/* First line of a small text file into buf (newline stripped); 0 or -1. */
static int read_line(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    if (!fgets(buf, (int)size, f)) {
        fclose(f);
        return -1;
    }
    fclose(f);
    buf[strcspn(buf, "\n")] = 0;
    return 0;
}

static int cmdline_has_word(const char *word)
{
    char line[1024], *tok, *save = NULL;
    if (read_line("/proc/cmdline", line, sizeof line) != 0)
        return 0;
    for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        if (strcmp(tok, word) == 0)
            return 1;
    return 0;
}

static void detect_pti(void)
{
    char m[256];
    if (pti >= 0)
        return;
    pti = 0;
    if (cmdline_has_word("pti=off") || cmdline_has_word("nopti"))
        return;
    if (read_line("/sys/devices/system/cpu/vulnerabilities/meltdown", m, sizeof m) == 0 &&
        strncmp(m, "Mitigation: PTI", 15) == 0)
        pti = 1;
}

const char *os_mode_name(void)
{
    detect_pti();
    return pti ? "linux-pti" : "linux-nopti";
}

int os_entry_supported(int entry)
{
    if (entry == ENTRY_INT80)
        return 1;
    if (entry == ENTRY_SYSENTER)
        return vsyscall != 0;
    return 0;
}

void os_set_entry(int entry)
{
    use_sysenter = (entry == ENTRY_SYSENTER && vsyscall != 0);
}

uintptr_t os_arena_base(void)
{
    return ARENA_BASE;
}

uint32_t os_arena_pages(void)
{
    return ARENA_PAGES;
}

/* ------------------------------------------------------------------ */
/* One system call each (timed by the core). */

long os_null(void)
{
    count_call();
    return sys3(NR_getppid, 0, 0, 0);
}

long os_open(const char *path, int flags)
{
    long r;
    count_call();
    r = sys3(NR_open, (long)path, flags, 0644);
    if (r >= 0)
        count_copy(path, (uint32_t)strlen(path) + 1);
    return r;
}

long os_stat(const char *path, void *st)
{
    long r;
    count_call();
    r = sys3(NR_stat64, (long)path, (long)st, 0);
    if (r == 0) {
        count_copy(path, (uint32_t)strlen(path) + 1);
        count_copy(st, REPLAY_STAT_BYTES);
    }
    return r;
}

long os_fstat(int fd, void *st)
{
    long r;
    count_call();
    r = sys3(NR_fstat64, fd, (long)st, 0);
    if (r == 0)
        count_copy(st, REPLAY_STAT_BYTES);
    return r;
}

/* read(2) or write(2) (@nr) of @len bytes at @buf: the bytes it moved count
 * as copied, as this kernel's kevents count them. */
static long os_read_write(long nr, int fd, const void *buf, uint32_t len)
{
    long r;
    count_call();
    r = sys3(nr, fd, (long)buf, (long)len);
    if (r > 0)
        count_copy(buf, (uint32_t)r);
    return r;
}

long os_read(int fd, void *buf, uint32_t len)
{
    return os_read_write(NR_read, fd, buf, len);
}

long os_write(int fd, const void *buf, uint32_t len)
{
    return os_read_write(NR_write, fd, buf, len);
}

long os_close(int fd)
{
    count_call();
    return sys3(NR_close, fd, 0, 0);
}

long os_lseek(int fd, int32_t offset, int whence)
{
    count_call();
    return sys3(NR_lseek, fd, offset, whence);
}

long os_dup(int fd)
{
    count_call();
    return sys3(NR_dup, fd, 0, 0);
}

long os_pipe(int fds[2])
{
    long r;
    count_call();
    r = sys3(NR_pipe, (long)fds, 0, 0);
    if (r == 0)
        count_copy(fds, 2 * sizeof(int));
    return r;
}

/* REPLAY_PROT_* are Linux's PROT_READ/PROT_WRITE; Linux maps on first touch. */
long os_map(uintptr_t va, uint32_t npages, int prot)
{
    count_call();
    return sys_mmap2_anon((long)va, (long)(npages * PAGE), prot,
                          0x10 | 0x02 | 0x20 /* MAP_FIXED|MAP_PRIVATE|MAP_ANONYMOUS */);
}

long os_protect(uintptr_t va, uint32_t npages, int prot)
{
    count_call();
    return sys3(NR_mprotect, (long)va, (long)(npages * PAGE), prot);
}

long os_unmap(uintptr_t va, uint32_t npages)
{
    count_call();
    return sys3(NR_munmap, (long)va, (long)(npages * PAGE), 0);
}

long os_brk(uintptr_t end)
{
    count_call();
    return sys3(NR_brk, (long)end, 0, 0);
}

long os_fork(void)
{
    count_call();
    long pid = sys3(NR_fork, 0, 0, 0);
    if (pid == 0)
        minflt_seen = 0;              /* a child's rusage starts at zero */
    return pid;
}

long os_futex_wait(volatile uint32_t *word, uint32_t val)
{
    count_call();
    count_copy((const void *)word, 4);
    return sys_futex(word, LINUX_FUTEX_WAIT, (long)val);
}

long os_futex_wake(volatile uint32_t *word, uint32_t n)
{
    count_call();
    count_copy((const void *)word, 4);
    return sys_futex(word, LINUX_FUTEX_WAKE, (long)(n > 0x7fffffffu ? 0x7fffffffu : n));
}

void os_exit(int code)
{
    count_call();
    sys3(NR_exit_group, code, 0, 0);
    for (;;)
        ;
}

long os_wait(long pid, int *status)
{
    long r;
    count_call();
    r = sys3(NR_waitpid, pid, (long)status, 0);
    if (r > 0 && status)
        count_copy(status, sizeof(int));
    return r;
}

/*
 * OP_EXEC on Linux: the equivalent of this kernel's spawn + wait, for real:
 * clone(CLONE_VM | CLONE_VFORK) (no page table copied: the child borrows
 * ours until it execs), execve of EXEC_PROGRAM (a static program that only
 * exits) with the same argv strings as this kernel's spawn gets, exit, and
 * waitpid. The child runs on exec_stack, whose top holds execve's three
 * arguments; it touches no other memory of ours. A missing program: one
 * execve that fails with -ENOENT (after copying its argv, as Linux does).
 */
static char exec_strings[REPLAY_EXEC_ARGS][REPLAY_EXEC_ARG_LEN];
static char *exec_argv[REPLAY_EXEC_ARGS + 1];
static uint32_t exec_stack[1024] __attribute__((aligned(16)));

static long clone_exec(uint32_t *sp)
{
    long r;
    __asm__ volatile("int $0x80\n\t"
                     "test %%eax, %%eax\n\t"
                     "jnz 1f\n\t"
                     "pop %%ebx\n\t"          /* the child, on exec_stack: path */
                     "pop %%ecx\n\t"          /* argv */
                     "pop %%edx\n\t"          /* envp */
                     "mov $11, %%eax\n\t"     /* NR_execve */
                     "int $0x80\n\t"
                     "mov $252, %%eax\n\t"    /* NR_exit_group: the execve failed */
                     "mov $127, %%ebx\n\t"
                     "int $0x80\n"
                     "1:"
                     : "=a"(r)
                     : "0"(NR_clone), "b"(CLONE_VM | CLONE_VFORK | SIGCHLD_NR), "c"(sp), "d"(0), "S"(0), "D"(0)
                     : "memory", "cc");
    return r;
}

long os_exec(uint32_t bytes, int exists, uint32_t *calls)
{
    replay_exec_argv(bytes, exec_strings, exec_argv);
    *calls = 1;
    count_call();
    if (!exists)
        return sys3(NR_execve, (long)EXEC_MISSING, (long)exec_argv, 0);
    uint32_t *sp = exec_stack + sizeof(exec_stack) / sizeof(exec_stack[0]) - 3;
    sp[0] = (uint32_t)(uintptr_t)EXEC_PROGRAM, sp[1] = (uint32_t)(uintptr_t)exec_argv, sp[2] = 0;
    long pid = clone_exec(sp);
    if (pid < 0)
        return pid;
    *calls = 4;                          /* clone, execve, the program's exit, waitpid */
    count_call();
    count_call();
    count_copy(exec_strings, bytes);
    long r = os_wait(pid, NULL);
    return r < 0 ? r : 0;
}

void *os_shared(uint32_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void os_unshared(void *p, uint32_t bytes)
{
    munmap(p, bytes);
}

/* ------------------------------------------------------------------ */
/* Measurement support. */

void os_events(struct replay_events *out)
{
    long ru[18] = { 0 };   /* i386 struct rusage: 2 timevals, then 14 longs; ru_minflt is ru[8] */
    if (sys3(NR_getrusage, 0 /* RUSAGE_SELF */, (long)ru, 0) == 0 && (uint32_t)ru[8] != minflt_seen) {
        /* ru_minflt is this process's own: add what it gained since this
         * process last looked to the counters every replay process shares */
        uint32_t d = (uint32_t)ru[8] - minflt_seen;
        minflt_seen = (uint32_t)ru[8];
        ev->faults += d;
        if (pti > 0)
            ev->cr3_writes += 2 * d; /* a user fault's entry and exit, as a call's */
    }
    *out = *ev;
}

long os_ring_trip(int entry)
{
    (void)entry;
    return -1; /* no way to enter ring 0 and leave without the kernel's own work */
}

long os_cr3_pair(uint32_t rounds)
{
    (void)rounds;
    return -1; /* no ring 0 code of ours runs on Linux */
}

long os_fills(struct replay_fills *out, uint32_t *pages)
{
    (void)out, (void)pages;
    return -1; /* no Accessed-bit readout: the fill columns are left empty */
}

/* ------------------------------------------------------------------ */
/* /init */

/* 1 if [ARENA_BASE, ARENA_BASE + ARENA_PAGES pages) overlaps no mapping. */
static int check_arena(void)
{
    char line[512];
    unsigned long lo, hi, end = ARENA_BASE + ARENA_PAGES * PAGE;
    int ok = 1;
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return 1; /* no /proc: nothing to check against */
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo < end && hi > ARENA_BASE) {
            fprintf(stderr, "linux-peer: arena 0x%08x-0x%08lx overlaps %s", ARENA_BASE, end, line);
            ok = 0;
        }
    fclose(f);
    return ok;
}

/* 1 if the "flags" line of /proc/cpuinfo lists `flag` (sep: __kernel_vsyscall
 * uses sysenter only then). */
static int cpu_has_flag(const char *flag)
{
    char line[2048], *tok, *save = NULL;
    int found = 0;
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return 0;
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, "flags", 5) != 0)
            continue;
        for (tok = strtok_r(strchr(line, ':') ? strchr(line, ':') + 1 : line, " \n", &save); tok;
             tok = strtok_r(NULL, " \n", &save))
            if (strcmp(tok, flag) == 0)
                found = 1;
        break;
    }
    fclose(f);
    return found;
}

static void mount_one(const char *src, const char *dir, const char *type)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        fprintf(stderr, "linux-peer: mkdir %s: %s\n", dir, strerror(errno));
    if (mount(src, dir, type, 0, NULL) != 0 && errno != EBUSY)
        fprintf(stderr, "linux-peer: mount %s on %s: %s\n", type, dir, strerror(errno));
}

/* The kernel opens /dev/console for init only if the initramfs has the
 * node; ours gets it from devtmpfs, so open it here when fd 1 is missing. */
static void console_fds(void)
{
    int fd;
    if (fcntl(1, F_GETFD) != -1)
        return;
    fd = open("/dev/console", O_RDWR | O_NOCTTY);
    if (fd < 0)
        return;
    for (int i = 0; i < 3; i++)
        if (fd != i)
            dup2(fd, i);
    if (fd > 2)
        close(fd);
}

/* Tell QEMU the verdict through isa-debug-exit (DEBUG_EXIT_PORT): EXIT_PASS
 * or EXIT_FAIL, as this kernel's power_off (QEMU exits with (value << 1) | 1:
 * tools/linux-peer.sh reads the statuses from $BUILD/gen/qemu_exit.sh). */
static void power_off(int ok)
{
    fflush(stdout);
    fflush(stderr);
    tcdrain(1); /* let the serial port send everything before QEMU quits */
    if (ioperm(DEBUG_EXIT_PORT, 4, 1) == 0)
        outb(ok ? EXIT_PASS : EXIT_FAIL, DEBUG_EXIT_PORT);
    else
        fprintf(stderr, "linux-peer: ioperm: %s; powering off instead\n", strerror(errno));
    sync();
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}

#define MAX_ARGS 128

int main(int argc, char **argv)
{
    char *args[MAX_ARGS + 1];
    int is_init = (getpid() == 1);
    int nargs = 0, ntraces = 0, passes = 10, rc;

    if (is_init) {
        mount_one("proc", "/proc", "proc");
        mount_one("sysfs", "/sys", "sysfs");
        mount_one("devtmpfs", "/dev", "devtmpfs");
        console_fds();
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* SCHED_BATCH: a woken task does not preempt the one that woke it (CFS
     * skips wakeup preemption for it), as on this kernel, where a wake only
     * queues the sleeper. The replay's turn-keeping (core.c) wakes the
     * process whose record comes next and then goes to sleep itself: with
     * wakeup preemption the woken one would run first, and a process that
     * passed its turn before a blocking call (a paired futex wait) would
     * find the wake done before it slept. Forked processes inherit it. */
    {
        struct sched_param sp = { .sched_priority = 0 };
        if (sched_setscheduler(0, SCHED_BATCH, &sp) != 0)
            printf("replay: sched_setscheduler(SCHED_BATCH) failed: %s\n", strerror(errno));
    }
    vsyscall = (uintptr_t)getauxval(AT_SYSINFO);
    detect_pti();
    {
        struct replay_events *shared_ev = os_shared(sizeof(*shared_ev));
        if (shared_ev)
            ev = shared_ev;
    }

    /* The kernel hands init the command-line words after `--` (and any
     * word before it that it does not know). Keep the replay's own words
     * (passes=N, as=NAME, trace names) for replay_cli; drop the rest. */
    args[nargs++] = argv[0];
    for (int i = 1; i < argc && nargs < MAX_ARGS; i++) {
        const char *a = argv[i];
        if (strncmp(a, "passes=", 7) == 0)
            passes = atoi(a + 7);
        else if (strncmp(a, "as=", 3) != 0 && (strchr(a, '=') || a[0] == '-'))
            continue;
        else if (strncmp(a, "as=", 3) != 0)
            ntraces++;
        args[nargs++] = argv[i];
    }
    args[nargs] = NULL;

    {
        char rel[128] = "?", melt[256] = "?";
        read_line("/proc/sys/kernel/osrelease", rel, sizeof rel);
        read_line("/sys/devices/system/cpu/vulnerabilities/meltdown", melt, sizeof melt);
        fprintf(stderr, "linux-peer: Linux %s, meltdown: %s, mode %s, __kernel_vsyscall %#lx (cpu %s sep), %d trace(s), %d pass(es)\n",
                rel, melt, os_mode_name(), (unsigned long)vsyscall, cpu_has_flag("sep") ? "has" : "lacks",
                ntraces, passes);
    }

    if (!check_arena()) {
        rc = 1;
    } else {
        /* As /init: trace NAME is /traces/NAME.trc of the initramfs. Run
         * by hand on a host: the words are file paths (as=NAME names them). */
        rc = replay_cli(nargs, args, is_init ? "/traces/" : "", is_init ? ".trc" : "");
        if (rc != 0)
            fprintf(stderr, "linux-peer: replay returned %d\n", rc);
    }

    if (is_init)
        power_off(rc == 0);
    return rc == 0 ? 0 : 1;
}
