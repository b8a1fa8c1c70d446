/*
 * fuzz [SEED [N]] - N (default 50000) random system calls with trinity-style
 * arguments: boundary values (0, 1, 4095, 4096, 4097, 0x7fffffff,
 * 0x80000000, 0xffffffff, the kernel's link address, the trampoline, the
 * top of the stack), buffers of our own (valid, read-only, straddling a page
 * boundary or running into an unmapped page), small ints and -1. SEED picks
 * the xorshift32 sequence (default: from the TSC); it is printed first, so
 * a failing run can be repeated with `fuzz SEED N`. Each call goes in by
 * int 0x80 or, where the CPU has SEP, by sysenter, at random (its ABI puts
 * arguments 4 and 5 on the user stack: the stub's own, always valid).
 *
 * Every call in uapi/syscalls.def is fuzzed: `weight[]` is indexed by number
 * (from W_name; a call without one does not build), a sweep calls each number once before the random
 * calls, and KTAP line 4 checks that each one was called. The exceptions are
 * deliberate and listed in `never[]` / handled in one_call():
 *   poweroff is never called: any process may power the machine off, which
 *   would end the run (never[]);
 *   exit is called by every forked child, with a fuzzed status, right after
 *   fork returns 0 in it (so it counts as called when a fork succeeds);
 *   a call with weight 0 and not in never[] fails KTAP line 4: a new
 *   system call must be given a weight (or a documented exclusion).
 *
 * What it leaves out, so that the run ends and stays inside its own process:
 *   anything that could block for good: read(0) gets a zero length unless
 *   its buffer is surely invalid; ipc_recv and ipc_reply go only to pids
 *   that do not exist or to ourselves (-ESRCH / -EDEADLK), never IPC_ANY;
 *   ipc_send and ipc_call also go to the sink: an orphaned grandchild that
 *   receives from us forever and answers every message with ipc_reply of
 *   the same bytes (0 bytes if they do not fit), so that messages really
 *   move, between buffers of every kind;
 *   copies to the console: write(1 or 2) gets a zero length unless its
 *   buffer is surely invalid;
 *   files: before a read or write on any fd, fstat tells what it is: the
 *   console gets a zero length (it would block or print), a pipe no more
 *   than it holds (read) or has room for (write), so nothing blocks; close
 *   never takes fds 0-2 (the KTAP lines go to fd 1); every other fd is
 *   closed when 24 are open and at the end (no open file may be left);
 *   futex: a FUTEX_WAIT goes to a surely invalid address or to a word of
 *   our scratch pages with val != the word (-EAGAIN), never blocking;
 *   cr3_pair runs at most 1000 rounds (larger valid counts only take time);
 *   damage to itself: no pointer it passes for the kernel to write into
 *   lies in its image, heap or stack (except the top 8 bytes of the stack,
 *   argv strings it has already read), unmap and shm_grant never touch
 *   them, spawn only ever names `child` (with harmless modes), `notelf`
 *   (a few times), `kernel.sym` or no module at all;
 *   children: a forked child exits at once; spawned children exit by
 *   themselves; every child is killed and reaped before the end, and the
 *   sink is told to quit (it is init's child: wait() never sees it).
 * A fence page at FENCE keeps brk growth below 4 MiB (a larger brk fails
 * fast: something is mapped in the way).
 *
 * KTAP: 1 fuzz_no_crash (we got to the end, every result was >= 0 or a
 * known -errno, and the calls with fixed results returned them),
 * 2 fuzz_frames_back (frames_free as before, after unmapping everything
 * that was mapped and reaping every child), 3 fuzz_memory_intact (our
 * read-only pages are still zero and our own bss pattern is unchanged),
 * 4 fuzz_every_syscall_called (each number < NR_SYSCALLS not in never[]
 * was called at least once).
 * Like test_hostile, it first waits until every process started before it
 * has finished (frames_free is global).
 */
#include "ulib.h"
/* the layout this test probes (kernel addresses too): uapi/layout.h, through ulib.h */
#include "expect.h"

#define STACK_BOTTOM    (USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE)
#define FENCE           0x00400000u     /* brk ceiling: one mapped page */
#define SCRATCH         0x20000000u     /* 2 pages RW, then an unmapped page */
#define SCRATCH_PAGES   2
#define RO              0x21000000u     /* 2 pages read-only (zero) */
#define RO_PAGES        2
#define WINDOW          0x30000000u     /* most random maps land here */
#define WINDOW_PAGES    1024
#define RW              (PROT_READ | PROT_WRITE)
#define MAX_CHILDREN    16
#define MAX_MAPS        64
#define MAX_MAPPED      2048            /* pages: then unmap everything */
#define MAX_NOTELF      3               /* each one prints a "rejected" line */
#define MAX_FAULTING    3               /* `child fault`: each one prints a "killed" line */
#define MAX_OPEN_FDS    24              /* then close every fd above 2 */

/* ------------------------------------------------------------ random numbers */

static uint32_t rng;

static uint32_t rnd(void)
{
    uint32_t x = rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng = x;
}

static uint32_t below(uint32_t n) { return n ? rnd() % n : 0; }
#define PICK(arr) ((arr)[below(sizeof(arr) / sizeof((arr)[0]))])

/* ------------------------------------------------------------ state */

static long me, parent, initial_brk, sink;
static long children[MAX_CHILDREN];
static int nchildren;
static struct { uint32_t va, npages; } maps[MAX_MAPS];
static int nmaps;
static uint32_t mapped_pages;
static int notelf_spawns, faulting_spawns;
static unsigned anomalies;
static uint32_t pattern[1024];          /* bss: must be left alone */

static uint32_t counts[NR_SYSCALLS + 1][4];    /* per call: >= 0, -EFAULT, -EINVAL, other errors */

/* ------------------------------------------------------------ value pools */

static const uint32_t boundary[] = {
    0, 1, 2, 4095, 4096, 4097, 0x7fffffff, 0x80000000u, 0xffffffffu, KERNEL_VIRT_BASE, TRAMPOLINE_BASE,
    USER_STACK_TOP - 8, 0xfffffffeu, 16, 0xFFF, 0x10000, 0x1000000, 0x7ffff000, 0xfffff000u,
};

static uint32_t any_value(void)
{
    switch (below(4)) {
    case 0: return rnd();
    case 1: return below(64) - 8;                 /* small ints and -1 .. -8 */
    default: return PICK(boundary);
    }
}

/* Our writable memory the kernel must never be told to write into: image
 * (text is read-only but not worth telling apart), heap, fence, stack. */
static int in_own_memory(uint32_t p)
{
    return (p >= USER_BASE && p < FENCE + PAGE_SIZE) || (p >= STACK_BOTTOM && p < USER_STACK_TOP - 8);
}

/* A pointer for the kernel to read from or write into. */
static uint32_t any_pointer(void)
{
    static const uint32_t mine[] = {
        SCRATCH, SCRATCH + 8, SCRATCH + PAGE_SIZE - 3,                      /* straddles two mapped pages */
        SCRATCH + SCRATCH_PAGES * PAGE_SIZE - 8,                            /* runs into an unmapped page */
        SCRATCH + SCRATCH_PAGES * PAGE_SIZE - 2,
        RO, RO + PAGE_SIZE - 2,                                             /* read-only */
        USER_STACK_TOP - 8, USER_LINK_BASE, USER_LINK_BASE + 1,                            /* argv strings; text */
        WINDOW, WINDOW + PAGE_SIZE - 4,                                     /* mapped or not, by now */
    };
    uint32_t p;
    switch (below(3)) {
    case 0: p = PICK(mine); break;
    case 1: p = PICK(boundary); break;
    default: p = rnd(); break;
    }
    return in_own_memory(p) && p != USER_LINK_BASE && p != USER_LINK_BASE + 1 ? 0 : p;
}

/* A buffer that is surely ours and valid for 4 KiB (for IPC to the sink). */
static uint32_t good_buffer(void)
{
    static const uint32_t bufs[] = { SCRATCH, SCRATCH + 8, SCRATCH + PAGE_SIZE - 3, SCRATCH + PAGE_SIZE };
    return PICK(bufs);
}

static uint32_t any_length(void)
{
    static const uint32_t lens[] = { 0, 1, 4, 8, 16, 32, 100, 4095, 4096, 4097, 8192, 0x10000,
                                     0x7fffffff, 0x80000000u, 0xffffffffu, UACCESS_MAX_LEN, UACCESS_MAX_LEN + 1 };
    return below(4) ? PICK(lens) : any_value();
}

/* A page-aligned address for map/unmap/shm: mostly in our window. */
static uint32_t any_va(void)
{
    static const uint32_t vas[] = { 0, USER_LINK_BASE, FENCE, SCRATCH, RO, KERNEL_VIRT_BASE, DIRECT_MAP_BASE, 0x7ffff000,
                                    USER_STACK_TOP, USER_STACK_TOP - PAGE_SIZE, TRAMPOLINE_BASE - PAGE_SIZE, TRAMPOLINE_BASE,
                                    0xfffff000u, 0xFFF, 0x1001 };
    switch (below(4)) {
    case 0: return PICK(vas);
    case 1: return rnd() & ~(PAGE_SIZE - 1);
    default: return WINDOW + below(WINDOW_PAGES) * PAGE_SIZE;
    }
}

static uint32_t any_npages(void)
{
    static const uint32_t ns[] = { 0, 1, 1, 2, 3, 16, 255, 256, 0x7fffffff, 0x80000000u, 0xffffffffu,
                                   0x100000, 0xFFEFF, 0xFFF00 };
    return below(3) ? PICK(ns) : below(8);
}

/* pids: for calls that may block on a live process, only ones that are
 * surely not alive (or ourselves); the others also get our children. */
static uint32_t dead_pid(void)
{
    static const uint32_t pids[] = { 0, (uint32_t)-5, 99999, 0x7fffffff, 0x80000000u, 0xFFFF, (uint32_t)-2 };
    return below(4) ? PICK(pids) : (uint32_t)me;
}

/* For ipc_send and ipc_call: sometimes the sink. */
static uint32_t send_pid(void)
{
    return sink > 0 && below(3) == 0 ? (uint32_t)sink : dead_pid();
}

static uint32_t any_pid(void)
{
    switch (below(4)) {
    case 0: return nchildren ? (uint32_t)children[below(nchildren)] : sink > 0 ? (uint32_t)sink : (uint32_t)-1;
    case 1: return below(2) ? (uint32_t)-1 : 1;
    default: return dead_pid();
    }
}

/* spawn arguments: safe by construction (see the header). Never a pointer
 * into memory the kernel may have written module names into (copy-outs of
 * modules() or ps() could leave "init" there: spawning init would power the
 * machine off): only literals, surely invalid addresses, our text, the
 * read-only pages and the scratch tail that runs into the unmapped page. */
static const uint32_t bad_strings[] = { 0, 1, 0xFFF, USER_LINK_BASE, USER_LINK_BASE + 1, TRAMPOLINE_BASE, 0xfffff000u, 0xffffffffu,
                                        0xfffffffeu, RO,
                                        SCRATCH + SCRATCH_PAGES * PAGE_SIZE - 5 };
static char long_name[64];
static uint32_t any_name(void)
{
    static const char *const names[] = { "child", "child", "child", "nosuchmodule", "kernel.sym", "", "notelf" };
    switch (below(4)) {
    case 0: return PICK(bad_strings);
    case 1: return (uint32_t)(uintptr_t)long_name;
    default: {
        const char *n = PICK(names);
        if (n[0] == 'n' && n[1] == 'o' && n[2] == 't') {
            if (notelf_spawns >= MAX_NOTELF)
                n = "child";
            else
                notelf_spawns++;
        }
        return (uint32_t)(uintptr_t)n;
    }
    }
}

static char *argv_exit[] = { "child", "exit", "3", NULL };
static char *argv_argc[] = { "child", "argc", "a", "b", NULL };
static char *argv_getpid[] = { "child", "getpid", NULL };
static char *argv_fault[] = { "child", "fault", NULL };
static char *argv_many[20];             /* MAX_ARGS + 3 entries: -E2BIG */
static char *argv_long[] = { "child", NULL, NULL };
static char long_arg[MAX_ARG_LEN + 10];
static char *argv_bad[] = { "child", (char *)TRAMPOLINE_BASE, NULL };

static uint32_t any_argv(void)
{
    switch (below(9)) {
    case 0: return 0;
    case 1: return (uint32_t)(uintptr_t)argv_exit;
    case 2: return (uint32_t)(uintptr_t)argv_argc;
    case 3: return (uint32_t)(uintptr_t)argv_getpid;
    case 4:
        if (faulting_spawns >= MAX_FAULTING)
            return (uint32_t)(uintptr_t)argv_exit;
        faulting_spawns++;
        return (uint32_t)(uintptr_t)argv_fault;
    case 5: return (uint32_t)(uintptr_t)argv_many;
    case 6: return (uint32_t)(uintptr_t)argv_long;
    case 7: return (uint32_t)(uintptr_t)argv_bad;
    default: return below(2) ? PICK(bad_strings) : SCRATCH + SCRATCH_PAGES * PAGE_SIZE - 4;
    }
}

/* ------------------------------------------------------------ safety */

/* [p, p + len) is certainly not user memory, whatever is mapped. */
static int surely_invalid(uint32_t p, uint32_t len)
{
    return p < USER_BASE || p >= TRAMPOLINE_BASE || len > UACCESS_MAX_LEN || len > TRAMPOLINE_BASE - p;
}

/* Does [va, va + npages pages) touch what we must keep? */
static int touches_own(uint32_t va, uint32_t npages)
{
    uint64_t lo = va, hi = (uint64_t)va + (uint64_t)npages * PAGE_SIZE;
    static const uint32_t keep[][2] = {
        { USER_LINK_BASE, FENCE + PAGE_SIZE },
        { SCRATCH, SCRATCH + SCRATCH_PAGES * PAGE_SIZE },
        { RO, RO + RO_PAGES * PAGE_SIZE },
        { STACK_BOTTOM, USER_STACK_TOP },
    };
    for (unsigned i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        if (lo < keep[i][1] && keep[i][0] < hi)
            return 1;
    return 0;
}

static void note_map(uint32_t va, uint32_t npages)
{
    if (nmaps < MAX_MAPS) {
        maps[nmaps].va = va;
        maps[nmaps].npages = npages;
        nmaps++;
    }
    mapped_pages += npages;
}

/* Unmap everything map/shm_map gave us, page by page (some pages may have
 * been unmapped by the fuzz already). */
static void unmap_all(void)
{
    for (int i = 0; i < nmaps; i++)
        for (uint32_t k = 0; k < maps[i].npages; k++)
            unmap((void *)(uintptr_t)(maps[i].va + k * PAGE_SIZE), 1);
    nmaps = 0;
    mapped_pages = 0;
}

static void add_child(long pid)
{
    if (nchildren < MAX_CHILDREN)
        children[nchildren++] = pid;
}

static void forget_child(long pid)
{
    for (int i = 0; i < nchildren; i++)
        if (children[i] == pid) {
            children[i] = children[--nchildren];
            return;
        }
}

static void reap_all(void)
{
    for (int i = 0; i < nchildren; i++)
        kill((int)children[i]);
    while (wait(-1, NULL) > 0)
        ;
    nchildren = 0;
}

/* ------------------------------------------------------------ files */

static struct stat console_st;          /* fstat(1) at the start: what the console looks like */
static unsigned opened;                 /* fds opened since the last close_fds (an estimate) */
static char long_path[PATH_MAX + 8];

/* Close every fd above 2 (0-2 are the console: the KTAP lines need fd 1). */
static void close_fds(void)
{
    for (int fd = 3; fd < NOFILE; fd++)
        close(fd);
    opened = 0;
}

static uint32_t any_fd(void)
{
    return below(4) ? below(NOFILE + 1) : any_value();
}

static uint32_t any_path(void)
{
    static const char *const paths[] = { "/mod/child", "/mod/hello", "/mod/kernel.sym", "/dev/null", "/dev/zero",
                                         "/dev/console", "/dev", "/mod", "/", "/mod/nosuch", "", "//dev//null",
                                         "/dev/null/x", "/mod/../dev/zero", "dev/null" };
    switch (below(5)) {
    case 0: return PICK(bad_strings);
    case 1: return (uint32_t)(uintptr_t)long_path;
    case 2: return any_pointer();
    default: return (uint32_t)(uintptr_t)PICK(paths);
    }
}

/* The length a read or write of [buf, buf + len) on fd may have without
 * blocking or printing. The console: 0, unless the buffer is surely invalid
 * (console_read and the write path check all of it before anything else:
 * -EFAULT). A pipe: what it holds (read) or has room for (write), whatever
 * the buffer, since pipe_read checks only the bytes it may move. */
static uint32_t io_len(uint32_t fd, uint32_t buf, uint32_t len, int writing)
{
    static struct stat st;
    if (len == 0 || fstat((int)fd, &st) < 0)
        return len;
    if ((st.st_mode & S_IFMT) == S_IFIFO) {
        uint32_t room = writing ? PIPE_BUF_SIZE - st.st_size : st.st_size;
        return len < room ? len : room;
    }
    if (st.st_dev == console_st.st_dev && st.st_ino == console_st.st_ino && !surely_invalid(buf, len))
        return 0;
    return len;
}

/* ------------------------------------------------------------ one call */

/* How often each call is picked, by name; a row of uapi/syscalls.def
 * without a W_name here stops the build ("W_name undeclared"). A call with
 * weight 0 must be in never[]: fuzz_every_syscall_called checks both. */
enum {
    W_exit = 0 /* forked children: see one_call */, W_write = 6, W_getpid = 2, W_yield = 1, W_nop = 2,
    W_sysinfo = 5, W_read = 4, W_spawn = 2, W_wait = 3, W_getppid = 1, W_kill = 3, W_brk = 4, W_map = 6,
    W_unmap = 6, W_fork = 1, W_shm_grant = 4, W_shm_map = 4, W_ipc_send = 4, W_ipc_recv = 4,
    W_ipc_call = 4, W_ipc_reply = 4, W_ps = 4, W_modules = 4, W_poweroff = 0, W_ticks = 1, W_open = 5,
    W_close = 4, W_lseek = 3, W_stat = 4, W_fstat = 4, W_dup = 3, W_pipe = 2, W_kevents = 2,
    W_cr3_pair = 1, W_setfg = 1, W_afill = 1, W_protect = 4, W_futex = 4,
};
/* ... and by number (0: unknown numbers). */
#define SYSCALL(nr, name, nargs, class, desc) [nr] = W_##name,
static const unsigned char weight[NR_SYSCALLS] = {
    [0] = 3,
#include "uapi/syscalls.def"
};
#undef SYSCALL

/* Never called, on purpose (see the header). */
static const int never[] = { SYS_poweroff };

static int is_never(long nr)
{
    for (unsigned i = 0; i < sizeof(never) / sizeof(never[0]); i++)
        if (never[i] == nr)
            return 1;
    return 0;
}

static long pick_call(void)
{
    static unsigned total;
    if (!total)
        for (int k = 0; k < NR_SYSCALLS; k++)
            total += weight[k];
    unsigned w = below(total);
    for (int k = 0; k < NR_SYSCALLS; k++) {
        if (w < weight[k])
            return k;
        w -= weight[k];
    }
    return SYS_nop;
}

static long unknown_number(void)
{
    static const uint32_t nrs[] = { 0, NR_SYSCALLS, NR_SYSCALLS + 1, 0x7fffffff, 0x80000000u, 0xffffffffu,
                                    0xFFFF, 0x100 + SYS_write, (uint32_t)-SYS_fork };
    return (long)(below(4) ? PICK(nrs) : (rnd() | 0x100));
}

static int known_errno(long r)
{
    switch (-r) {
    case EPERM: case ENOENT: case ESRCH: case E2BIG: case ENOEXEC: case EBADF: case ECHILD: case EAGAIN:
    case ENOMEM: case EFAULT: case EEXIST: case EINVAL: case EDEADLK: case ENAMETOOLONG: case ENOSYS:
    case EMSGSIZE: case ENOTDIR: case EISDIR: case ENFILE: case EMFILE: case ESPIPE: case EROFS: case EPIPE:
        return 1;
    default:
        return 0;
    }
}

/* Each call goes in by int 0x80 or, on a CPU with SEP, by sysenter, one
 * or the other at random (the same checks apply to both). */
typedef long entry_fn(long nr, long a1, long a2, long a3, long a4, long a5);
static int sysenter_ok;
static unsigned via_sysenter;
static entry_fn *entry = syscall_raw;

static void anomaly(unsigned i, long nr, const uint32_t *a, long r, const char *why)
{
    if (anomalies++ < 10)
        printf("    # fuzz: call %u (%s): nr %d (%x, %x, %x, %x, %x) = %d: %s\n", i,
               entry == sysenter_call ? "sysenter" : "int 0x80", (int)nr, a[0], a[1], a[2], a[3], a[4],
               (int)r, why);
}

/* One call: number nr (0: an unknown number, unless `literal`). */
static void one_call(unsigned i, long nr, int literal)
{
    uint32_t a[5] = { any_value(), any_value(), any_value(), any_value(), any_value() };
    switch (nr) {
    case SYS_write:
    case SYS_read:
        a[0] = below(2) ? below(4) : any_fd();
        a[1] = any_pointer();
        a[2] = io_len(a[0], a[1], any_length(), nr == SYS_write);  /* no console I/O, no blocking */
        break;
    case SYS_open:
        a[0] = any_path();
        a[1] = below(4) ? below(4) : any_value();
        if (opened >= MAX_OPEN_FDS)
            close_fds();
        break;
    case SYS_stat:
        a[0] = any_path();
        a[1] = any_pointer();
        break;
    case SYS_fstat:
    case SYS_kevents:
        a[0] = nr == SYS_fstat ? any_fd() : any_pointer();
        a[1] = any_pointer();
        break;
    case SYS_close:
        a[0] = any_fd();
        if (a[0] <= 2)
            a[0] += 3;                              /* fds 0-2 stay open */
        break;
    case SYS_lseek:
        a[0] = any_fd();
        a[2] = below(4) ? below(4) : any_value();
        break;
    case SYS_dup:
    case SYS_pipe:
        a[0] = nr == SYS_dup ? any_fd() : any_pointer();
        if (opened >= MAX_OPEN_FDS)
            close_fds();
        break;
    case SYS_setfg: {
        /* never ourselves or a child: the fuzzer must not hold the console's
         * foreground (one per machine) while test_hostile checks setfg */
        static const uint32_t others[] = { 0, 1, 0x7fffffff, 0xffffffffu, 0x80000000u };
        a[0] = below(2) ? (uint32_t)getppid() : PICK(others);
        break;
    }
    case SYS_afill:
        a[0] = any_pointer();
        a[1] = below(2) ? 0 : any_pointer();
        break;
    case SYS_cr3_pair: {
        static const uint32_t rounds[] = { 0, 1, 2, 10, CR3_PAIR_ROUNDS, CR3_PAIR_MAX_ROUNDS + 1,
                                           0x7fffffff, 0xffffffffu };
        a[0] = below(2) ? PICK(rounds) : any_value();
        if (a[0] > CR3_PAIR_ROUNDS && a[0] <= CR3_PAIR_MAX_ROUNDS)
            a[0] = CR3_PAIR_ROUNDS;                 /* valid, only slow: the most it gets here */
        break;
    }
    case SYS_sysinfo:
        a[0] = any_pointer();
        break;
    case SYS_spawn:
        a[0] = any_name();
        a[1] = any_argv();
        if (nchildren >= MAX_CHILDREN)
            reap_all();
        break;
    case SYS_wait:
        a[0] = any_pid();
        a[1] = below(3) ? any_pointer() : 0;
        break;
    case SYS_kill:
        a[0] = any_pid();
        break;
    case SYS_brk:
        switch (below(4)) {
        case 0: a[0] = (uint32_t)initial_brk + below(64) * 1000; break;
        case 1: a[0] = (uint32_t)brk(NULL) - below(3) * PAGE_SIZE; break;
        case 2: a[0] = below(2) ? FENCE - 1 : FENCE + 1; break;
        default: a[0] = any_value(); break;
        }
        break;
    case SYS_map:
        a[0] = any_va();
        a[1] = any_npages();
        a[2] = below(4) ? below(4) : any_value();
        if (mapped_pages > MAX_MAPPED || nmaps == MAX_MAPS)
            unmap_all();
        break;
    case SYS_unmap:
        a[0] = any_va();
        a[1] = any_npages();
        if (touches_own(a[0], a[1]))
            a[0] = 0;
        break;
    case SYS_protect:                               /* never its own code, data, stack */
        a[0] = any_va();
        a[1] = any_npages();
        a[2] = below(4) ? below(4) : any_value();
        if (touches_own(a[0], a[1]))
            a[0] = 0;
        break;
    case SYS_futex:                                 /* a WAIT never matches: it cannot block */
        a[0] = below(2) ? good_buffer() : any_pointer();
        a[1] = below(4) ? below(3) : any_value();
        a[2] = below(2) ? below(4) : any_value();
        if (a[1] == FUTEX_WAIT && !surely_invalid(a[0], 4)) {
            if (a[0] >= SCRATCH && a[0] + 4 <= SCRATCH + SCRATCH_PAGES * PAGE_SIZE)
                a[2] = ~*(volatile uint32_t *)a[0];
            else
                a[0] = 0;
        }
        break;
    case SYS_fork:
        if (nchildren >= MAX_CHILDREN)
            reap_all();
        if (mapped_pages > 512)
            unmap_all();                            /* keep the copy small */
        if (brk(NULL) - initial_brk > 512 * (long)PAGE_SIZE)
            brk((void *)initial_brk);
        break;
    case SYS_shm_grant:
        a[0] = any_pid();
        a[1] = any_va();
        a[2] = any_npages();
        if (touches_own(a[1], a[2]) && !(a[1] == SCRATCH && a[2] <= SCRATCH_PAGES))
            a[1] = 0;
        break;
    case SYS_shm_map:
        a[0] = any_pid();
        a[1] = any_va();
        break;
    case SYS_ipc_send:
    case SYS_ipc_reply:
        a[0] = nr == SYS_ipc_send ? send_pid() : dead_pid();
        a[1] = below(2) ? good_buffer() : any_pointer();
        a[2] = below(2) ? below(IPC_MAX_MSG + 2) : any_length();
        break;
    case SYS_ipc_recv:
        a[0] = dead_pid();
        a[1] = any_pointer();
        a[2] = any_length();
        a[3] = below(3) ? any_pointer() : 0;
        break;
    case SYS_ipc_call:
        a[0] = send_pid();
        a[1] = below(2) ? good_buffer() : any_pointer();
        a[2] = below(2) ? below(IPC_MAX_MSG + 2) : any_length();
        a[3] = below(3) ? good_buffer() : any_pointer();
        a[4] = below(2) ? below(IPC_MAX_MSG + 2) : any_length();
        break;
    case SYS_ps:
    case SYS_modules:
        a[0] = any_pointer();
        a[1] = any_length();
        break;
    case 0:
        if (!literal)
            nr = unknown_number();
        break;
    default:
        break;
    }

    entry = sysenter_ok && below(2) ? sysenter_call : syscall_raw;
    via_sysenter += entry == sysenter_call;
    long r = entry(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4]);
    if (nr == SYS_fork && r == 0) {                 /* the child: exit at once, fuzzed status */
        syscall_raw(SYS_exit, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4]);
        exit(0);                                    /* not reached */
    }
    if (nr == SYS_fork && r > 0)
        counts[SYS_exit][0]++;                      /* that child called exit */
    if (r >= 0 && (nr == SYS_open || nr == SYS_dup || nr == SYS_pipe))
        opened += nr == SYS_pipe ? 2 : 1;

    int slot = nr >= 0 && nr < NR_SYSCALLS ? (int)nr : NR_SYSCALLS;
    counts[slot][r >= 0 ? 0 : r == -EFAULT ? 1 : r == -EINVAL ? 2 : 3]++;
    if (r < 0 && !known_errno(r))
        anomaly(i, nr, a, r, "not a known -errno");
    switch (nr) {
    case SYS_getpid: if (r != me) anomaly(i, nr, a, r, "wrong pid"); break;
    case SYS_getppid: if (r != parent) anomaly(i, nr, a, r, "wrong parent"); break;
    case SYS_nop: case SYS_yield: if (r != 0) anomaly(i, nr, a, r, "expected 0"); break;
    case SYS_write: if (r >= 0 && (uint32_t)r != a[2]) anomaly(i, nr, a, r, "short write"); break;
    case SYS_spawn: if (r > 0) add_child(r); break;
    case SYS_fork: if (r > 0) add_child(r); break;
    case SYS_wait: if (r > 0) forget_child(r); break;
    case SYS_map: if (r == 0) note_map(a[0], a[1]); break;
    case SYS_shm_map: if (r > 0) note_map(a[1], (uint32_t)r); break;
    case SYS_ps: case SYS_modules: case SYS_sysinfo: case SYS_ticks: case SYS_kill:
    case SYS_brk: case SYS_unmap: case SYS_shm_grant: case SYS_read:
    case SYS_ipc_send: case SYS_ipc_recv: case SYS_ipc_call: case SYS_ipc_reply:
    case SYS_open: case SYS_close: case SYS_lseek: case SYS_stat: case SYS_fstat: case SYS_dup:
    case SYS_pipe: case SYS_kevents: case SYS_cr3_pair: case SYS_setfg: case SYS_afill:
    case SYS_protect:
        break;
    case SYS_futex:
        if (r > 0 && a[1] == FUTEX_WAIT) anomaly(i, nr, a, r, "FUTEX_WAIT: expected < 0");
        if (r > 0 && a[1] == FUTEX_WAKE) anomaly(i, nr, a, r, "FUTEX_WAKE: nobody waits");
        break;
    default:
        /* Through sysenter, EAX = SYSENTER_RING_TRIP is the calibration ring
         * trip (docs/benchmarking.md): straight back, EAX unchanged. */
        if (entry == sysenter_call && (uint32_t)nr == SYSENTER_RING_TRIP) {
            if (r != nr)
                anomaly(i, nr, a, r, "sysenter ring trip: expected EAX unchanged");
        } else if (r != -ENOSYS) {
            anomaly(i, nr, a, r, "unknown number: expected -ENOSYS");
        }
        break;
    }
    if (r >= 0 && (nr == SYS_ipc_send || nr == SYS_ipc_recv || nr == SYS_ipc_call || nr == SYS_ipc_reply) &&
        (a[0] != (uint32_t)sink || sink <= 0))
        anomaly(i, nr, a, r, "IPC with a dead pid or ourselves succeeded");
    if (nr == SYS_ipc_call && a[0] == (uint32_t)sink && r >= 0 && (uint32_t)r != a[2] && r != 0)
        anomaly(i, nr, a, r, "the sink's echo has the wrong length");
}

/* ------------------------------------------------------------ the sink */

#define SINK_QUIT "sink-bye"

static void sink_loop(long fuzzer)
{
    static char sbuf[IPC_MAX_MSG];
    for (;;) {
        int s;
        long n = ipc_recv((int)fuzzer, sbuf, sizeof(sbuf), &s);
        if (n < 0 || (n == 8 && memcmp(sbuf, SINK_QUIT, 8) == 0))
            exit(0);
        long r = ipc_reply((int)fuzzer, sbuf, (size_t)n);   /* -ESRCH after a plain send */
        if (r < 0 && r != -ESRCH)
            ipc_reply((int)fuzzer, sbuf, 0);                  /* too long for its buffer */
    }
}

/* Fork a child that forks the sink and exits with its pid: the sink is
 * then init's, so wait(-1) in the fuzz never blocks on it. */
static long start_sink(void)
{
    long c = fork();
    if (c == 0) {
        long g = fork();
        if (g == 0)
            sink_loop(me);
        exit(g > 0 ? (int)g : -1);
    }
    int st = -1;
    if (c < 0 || wait((int)c, &st) != c || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

static int pid_alive(long pid)
{
    static struct procinfo tab[PS_ROWS];
    long n = ps(tab, PS_ROWS);
    for (long i = 0; i < n; i++)
        if (tab[i].pid == pid)
            return 1;
    return 0;
}

/* Tell the sink to quit; ipc_recv from it returns -ESRCH once it is gone;
 * then yield until init has reaped it (its kernel stack counts). */
static void stop_sink(void)
{
    if (sink <= 0)
        return;
    ipc_send((int)sink, SINK_QUIT, 8);
    char b[4];
    int s;
    while (ipc_recv((int)sink, b, sizeof(b), &s) >= 0)
        ;
    long start = ticks();
    while (pid_alive(sink) && ticks() - start < 5 * TIMER_HZ)
        yield();
    sink = 0;
}

/* ------------------------------------------------------------ setup */

static uint32_t parse_u32(const char *s)
{
    uint32_t v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint32_t)(*s++ - '0');
    return v;
}


#define SYSCALL(nr, name, nargs, class, desc) #name,
static const char *const call_names[] = {
    "nr 0",
#include "uapi/syscalls.def"
    "unknown",
};
#undef SYSCALL
_Static_assert(sizeof(call_names) / sizeof(call_names[0]) == NR_SYSCALLS + 1,
               "call_names: one name per call number below NR_SYSCALLS, then \"unknown\"");

int main(int argc, char **argv)
{
    uint32_t seed = argc > 1 ? parse_u32(argv[1]) : (uint32_t)rdtsc() ^ (uint32_t)ticks() * 0x9E3779B9u;
    uint32_t n = argc > 2 ? parse_u32(argv[2]) : 50000;
    me = getpid();
    parent = getppid();
    wait_for_turn();

    unsigned f0 = frames_free();
    ktap_plan(4);
    printf("    # fuzz: seed %u, %u calls\n", seed, n);
    rng = seed ? seed : 0x6D2B79F5u;
    struct sysinfo si;
    sysenter_ok = sysinfo(&si) == 0 && (si.features & SYSINFO_SYSENTER);
    initial_brk = brk(NULL);
    int setup = map((void *)SCRATCH, SCRATCH_PAGES, RW) == 0 && map((void *)RO, RO_PAGES, PROT_READ) == 0 &&
                map((void *)FENCE, 1, RW) == 0;
    if (!setup)
        printf("    # fuzz: setup failed (scratch, read-only or fence page)\n");
    for (int i = 0; i < 1024; i++)
        pattern[i] = 0x9E3779B9u * (uint32_t)(i + 1);
    memset(long_name, 'n', sizeof(long_name) - 1);
    memset(long_arg, 'a', sizeof(long_arg) - 1);
    argv_long[1] = long_arg;
    for (int i = 0; i < MAX_ARGS + 2; i++)
        argv_many[i] = i ? "x" : "child";

    sink = setup ? start_sink() : -1;
    if (sink <= 0)
        printf("    # fuzz: no sink (%d): IPC only to dead pids\n", (int)sink);
    memset(long_path, 'p', sizeof(long_path) - 1);
    long_path[0] = '/';
    if (fstat(1, &console_st) < 0)
        printf("    # fuzz: fstat(1) failed: console I/O is not told apart\n");
    long t0 = ticks();
    for (long k = 0; setup && k < NR_SYSCALLS; k++)    /* the sweep: every number once */
        if (!is_never(k) && k != SYS_exit)
            one_call((unsigned)k, k, 1);
    for (uint32_t i = 0; setup && i < n; i++) {
        if (i % 256 == 0)                           /* the scratch name runs into the unmapped page */
            memcpy((void *)(SCRATCH + SCRATCH_PAGES * PAGE_SIZE - 5), "child", 5);
        one_call(i, pick_call(), 0);
    }
    long t1 = ticks();

    reap_all();
    close_fds();
    stop_sink();
    unmap_all();
    brk((void *)initial_brk);
    int intact = 1;
    for (uint32_t k = 0; setup && k < RO_PAGES * PAGE_SIZE / 4; k++)
        if (((volatile uint32_t *)RO)[k] != 0) {
            printf("    # fuzz: read-only page word %u is %x\n", k, ((volatile uint32_t *)RO)[k]);
            intact = 0;
            break;
        }
    for (int i = 0; i < 1024; i++)
        if (pattern[i] != 0x9E3779B9u * (uint32_t)(i + 1)) {
            printf("    # fuzz: bss pattern word %d is %x\n", i, pattern[i]);
            intact = 0;
            break;
        }
    unmap((void *)SCRATCH, SCRATCH_PAGES);
    unmap((void *)RO, RO_PAGES);
    unmap((void *)FENCE, 1);
    unsigned f1 = frames_free();

    for (int k = 0; k <= NR_SYSCALLS; k++) {
        uint32_t *c = counts[k];
        size_t len = strlen(call_names[k]);
        if (c[0] + c[1] + c[2] + c[3])
            printf("    # fuzz: %s%s %5u ok %5u -EFAULT %5u -EINVAL %5u other\n", call_names[k],
                   "          " + (len < 10 ? len : 10), c[0], c[1], c[2], c[3]);
    }
    printf("    # fuzz: %u calls in %d ticks (%u through sysenter), %u anomalies; frames_free %u before, %u after\n",
           n, (int)(t1 - t0), via_sysenter, anomalies, f0, f1);
    ktap_result(setup && anomalies == 0, "fuzz_no_crash");
    ktap_result(f1 == f0, "fuzz_frames_back");
    ktap_result(setup && intact, "fuzz_memory_intact");
    int missed = 0;
    for (int k = 0; k < NR_SYSCALLS; k++) {
        uint32_t *c = counts[k];
        if (is_never(k))
            continue;
        if (c[0] + c[1] + c[2] + c[3] == 0 || (k != SYS_exit && weight[k] == 0)) {
            printf("    # fuzz: %s (%d) was never called%s\n", call_names[k], k,
                   weight[k] || k == SYS_exit ? "" : ": give it a weight, or list it in never[]");
            missed++;
        }
    }
    ktap_result(setup && missed == 0, "fuzz_every_syscall_called");
    return ktap_failures();
}
