/*
 * replay - the trace replay on this kernel: the replay_os.h backend and the
 * boot module's main. The measuring code is the core in src/user/replay/,
 * shared with the Linux peer.
 *
 * Usage (module command line): replay [passes=N] [as=NAME] TRACE...
 *   Each TRACE is a boot module holding a SPLITTRC trace (docs/trace-format.md),
 *   read through the file system as /mod/TRACE and reported as NAME. N
 *   measured passes follow one warm-up pass (default 10). Exit status: the
 *   number of traces that could not be replayed (1 for a usage error).
 *
 * Both entry paths run in the same process: every os_* call goes through
 * int 0x80 (syscall_raw) or SYSENTER (sysenter_call), chosen by os_set_entry.
 */
#include "ulib.h"
#include "replay/replay_os.h"
#include "replay/exec_args.h"
#include "uapi/trace.h"

/* The trace's page (the replay core's unit) is this kernel's. */
_Static_assert(TRACE_PAGE_SIZE == PAGE_SIZE, "uapi/trace.h's TRACE_PAGE_SIZE is not uapi/layout.h's PAGE_SIZE");

#define ARENA_BASE  0x40000000u    /* os_map's pages: far above the heap, far below the stack */
#define ARENA_PAGES 32768u         /* 128 MiB of address space (demand-paged) */

static long (*sys)(long nr, long a1, long a2, long a3, long a4, long a5) = syscall_raw;
static struct sysinfo info;

const char *os_mode_name(void)
{
    static const char *const names[] = { "split", "split-global", "shared", "?" };
    return names[SYSINFO_ASPACE(info.features)];
}

int os_entry_supported(int entry)
{
    return entry == ENTRY_INT80 || (entry == ENTRY_SYSENTER && (info.features & SYSINFO_SYSENTER));
}

void os_set_entry(int entry)
{
    sys = entry == ENTRY_SYSENTER ? sysenter_call : syscall_raw;
}

uintptr_t os_arena_base(void) { return ARENA_BASE; }
uint32_t os_arena_pages(void) { return ARENA_PAGES; }

long os_null(void) { return sys(SYS_getppid, 0, 0, 0, 0, 0); }
long os_open(const char *path, int flags) { return sys(SYS_open, (long)path, flags, 0, 0, 0); }
long os_stat(const char *path, void *st) { return sys(SYS_stat, (long)path, (long)st, 0, 0, 0); }
long os_fstat(int fd, void *st) { return sys(SYS_fstat, fd, (long)st, 0, 0, 0); }
long os_read(int fd, void *buf, uint32_t len) { return sys(SYS_read, fd, (long)buf, (long)len, 0, 0); }
long os_write(int fd, const void *buf, uint32_t len) { return sys(SYS_write, fd, (long)buf, (long)len, 0, 0); }
long os_close(int fd) { return sys(SYS_close, fd, 0, 0, 0, 0); }
long os_lseek(int fd, int32_t offset, int whence) { return sys(SYS_lseek, fd, offset, whence, 0, 0); }
long os_dup(int fd) { return sys(SYS_dup, fd, 0, 0, 0, 0); }
long os_pipe(int fds[2]) { return sys(SYS_pipe, (long)fds, 0, 0, 0, 0); }
/* REPLAY_PROT_* are PROT_READ/PROT_WRITE; PROT_LAZY: demand-paged, as Linux maps. */
long os_map(uintptr_t va, uint32_t npages, int prot) { return sys(SYS_map, (long)va, (long)npages, prot | PROT_LAZY, 0, 0); }
long os_unmap(uintptr_t va, uint32_t npages) { return sys(SYS_unmap, (long)va, (long)npages, 0, 0, 0); }
long os_protect(uintptr_t va, uint32_t npages, int prot) { return sys(SYS_protect, (long)va, (long)npages, prot, 0, 0); }
long os_brk(uintptr_t end) { return sys(SYS_brk, (long)end, 0, 0, 0, 0); }

long os_fork(void) { return sys(SYS_fork, 0, 0, 0, 0, 0); }
long os_wait(long pid, int *status) { return sys(SYS_wait, pid, (long)status, 0, 0, 0); }
long os_futex_wait(volatile uint32_t *word, uint32_t val) { return sys(SYS_futex, (long)word, FUTEX_WAIT, (long)val, 0, 0); }
long os_futex_wake(volatile uint32_t *word, uint32_t n) { return sys(SYS_futex, (long)word, FUTEX_WAKE, (long)n, 0, 0); }

void os_exit(int code)
{
    sys(SYS_exit, code, 0, 0, 0, 0);
    for (;;)
        ;
}

/* OP_EXEC here: spawn() of the boot module EXEC_MODULE (exit0: one system
 * call, exit) with argv strings of `bytes` bytes, and wait() for it. This
 * kernel has no exec that replaces the caller's image; spawn builds the
 * same thing (a new page directory from an ELF module, arguments copied in,
 * a process torn down at its exit), from a process that owns no pages yet.
 * A missing program: spawn() of a module that does not exist, -ENOENT. */
#define EXEC_MODULE "exit0"
#define EXEC_MISSING "exit0-missing"
_Static_assert(REPLAY_EXEC_ARGS == MAX_ARGS && REPLAY_EXEC_ARG_LEN == MAX_ARG_LEN, "os_exec's argv is what spawn takes");
static char exec_strings[REPLAY_EXEC_ARGS][REPLAY_EXEC_ARG_LEN];

long os_exec(uint32_t bytes, int exists, uint32_t *calls)
{
    char *argv[REPLAY_EXEC_ARGS + 1];
    int argc = replay_exec_argv(bytes, exec_strings, argv);
    *calls = 1;
    long pid = sys(SYS_spawn, (long)(exists ? EXEC_MODULE : EXEC_MISSING), argc ? (long)argv : 0, 0, 0, 0);
    if (pid < 0)
        return pid;
    *calls = 3;                                /* spawn, the program's exit, wait */
    long r = sys(SYS_wait, pid, 0, 0, 0, 0);
    return r < 0 ? r : 0;
}

/* os_shared: map(PROT_SHARED) pages from SHARED_BASE up; released blocks
 * are unmapped, and the next block starts over once none is left. */
#define SHARED_BASE  0x60000000u
#define SHARED_PAGES 65536u            /* 256 MiB of address space */
static uintptr_t shared_next = SHARED_BASE;
static uint32_t shared_live;

void *os_shared(uint32_t bytes)
{
    uint32_t npages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    if (npages == 0 || npages > SHARED_PAGES - (shared_next - SHARED_BASE) / PAGE_SIZE)
        return NULL;
    if (map((void *)shared_next, npages, PROT_READ | PROT_WRITE | PROT_SHARED) < 0)
        return NULL;
    void *p = (void *)shared_next;
    shared_next += (uintptr_t)npages * PAGE_SIZE;
    shared_live++;
    return p;
}

void os_unshared(void *p, uint32_t bytes)
{
    unmap(p, (bytes + PAGE_SIZE - 1) / PAGE_SIZE);
    if (--shared_live == 0)
        shared_next = SHARED_BASE;
}

void os_events(struct replay_events *out)
{
    _Static_assert(sizeof(struct replay_events) == sizeof(struct kevents), "same counters");
    kevents((struct kevents *)out);
}

/* The calibration trips: `int RING_TRIP_VECTOR` (its stub only irets) and
 * sysenter with EAX = SYSENTER_RING_TRIP (the trampoline sysexits at once). */
long os_ring_trip(int entry)
{
    if (entry == ENTRY_INT80) {
        __asm__ volatile("int %0" ::"i"(RING_TRIP_VECTOR) : "memory");
        return 0;
    }
    if (!(info.features & SYSINFO_SYSENTER))
        return -1;
    __asm__ volatile("mov %%esp, %%ecx\n\t"
                     "lea 1f, %%edx\n\t"
                     "sysenter\n"
                     "1:"
                     : : "a"(SYSENTER_RING_TRIP) : "ecx", "edx", "memory");
    return 0;
}

long os_cr3_pair(uint32_t rounds) { return cr3_pair(rounds); }

/* Through the instrument's gate (`int AFILL_VECTOR`, whatever the entry
 * being measured): it touches no kernel page but the instrument's own
 * (src/trampoline/afill.asm), so the kernel-side count is the call's. */
long os_fills(struct replay_fills *out, uint32_t *pages)
{
    _Static_assert(sizeof(struct replay_fills) == sizeof(struct afill), "same counts");
    _Static_assert(FILL_KINDS == AFILL_KINDS && FILL_INSTR == AFILL_INSTR && FILL_USER == AFILL_USER &&
                   FILL_TRAMP_K == AFILL_TRAMP_K && FILL_KERNEL_4M == AFILL_KERNEL_4M, "same kinds");
    _Static_assert(REPLAY_FILL_LIST_MAX == AFILL_LIST_MAX, "same list");
    long r = afill_gate((struct afill *)out, pages);
    return r < 0 ? -1 : r;
}

int main(int argc, char **argv)
{
    if (sysinfo(&info) < 0) {
        printf("replay: sysinfo failed\n");
        return 1;
    }
    int r = replay_cli(argc, argv, "/mod/", "");
    return r < 0 ? 1 : r;
}
