/*
 * usertests - processes, memory, shared memory and IPC from user mode, in
 * the style of xv6's usertests: one function per scenario, each a KTAP
 * subtest. Every scenario asserts exact return values and, where it
 * creates anything, that sysinfo().frames_free is back to its value from
 * before the scenario (the kernel keeps an exact count). Failure details
 * are printed as "    # ..." diagnostics before the "not ok" line.
 *
 * Helper processes are the `child` module (src/user/child.c). Forked
 * children always leave through exit(); a fork that should have failed but
 * did not exits at once in the child so it never runs the rest of a test.
 *
 * frames_free is machine-wide, so usertests first waits until every other
 * process is asleep or gone (the other boot modules of a test boot).
 * `usertests NAME...` runs only the named scenarios.
 */
#include "ulib.h"
/* the layout this test probes (kernel addresses too): uapi/layout.h, through ulib.h */
#include "expect.h"

#define RW              (PROT_READ | PROT_WRITE)

extern char __end[];                    /* user.ld: end of bss */

static int ok;                          /* the current scenario passes so far */
static const char *scenario;
static long initial_break;              /* brk(NULL) before anything ran */


/* ------------------------------------------------------------ helpers */



/* spawn("child", {"child", mode, a, b, c, NULL}); a NULL ends the list early. */
static long spawn_child(const char *mode, const char *a, const char *b, const char *c)
{
    char *argv[] = { "child", (char *)mode, (char *)a, (char *)b, (char *)c, NULL };
    return spawn("child", argv);
}

static const char *num(char *buf, long v)
{
    snprintf(buf, 12, "%d", (int)v);
    return buf;
}


/* A bad user address the compiler cannot see through. */
static void *bad(uintptr_t addr)
{
    __asm__("" : "+r"(addr));
    return (void *)addr;
}


/* Map pages from @base up in chunks of 256, then single pages, until map
 * fails. Returns the pages mapped; *err = the failing map's return value.
 * Also checks that each failed map left frames_free unchanged. */
#define EXHAUST_BASE  0x40000000u
#define EXHAUST_LIMIT 0x70000u          /* pages: stops at 0xB0000000 whatever happens */
static unsigned exhaust(uintptr_t base, long *err)
{
    static const unsigned chunks[] = { 256, 1 };
    unsigned n = 0;
    long r = 0;
    for (unsigned k = 0; k < 2; k++) {
        unsigned chunk = chunks[k];
        while (n + chunk <= EXHAUST_LIMIT) {
            unsigned before = frames_free();
            r = map((void *)(base + n * PAGE_SIZE), chunk, RW);
            if (r != 0) {
                EXPECT_FRAMES(before);  /* all or nothing */
                break;
            }
            n += chunk;
        }
    }
    *err = r;
    return n;
}

/* 64-bit / 32-bit without libgcc: shift-subtract. */
static uint32_t div64(uint64_t n, uint32_t d)
{
    uint64_t q = 0, rem = 0;
    for (int i = 63; i >= 0; i--) {
        rem = rem << 1 | ((n >> i) & 1);
        if (rem >= d) {
            rem -= d;
            q |= (uint64_t)1 << i;
        }
    }
    return (uint32_t)q;
}

/* ------------------------------------------------------------ scenarios */

static void getpid_getppid(void)
{
    struct sysinfo s;
    long me = getpid();
    EXPECT_EQ(sysinfo(&s), 0);
    EXPECT_EQ(s.pid, me);
    EXPECT(me > 0, "pid %d", (int)me);
    long pp = getppid();
    EXPECT(pp >= 0 && pp != me, "getppid() = %d", (int)pp);
    DIAG("usertests is pid %d, parent %d", (int)me, (int)pp);

    unsigned f0 = frames_free();
    long c = spawn_child("getpid", NULL, NULL, NULL);
    EXPECT(c > 0 && c != me, "spawn = %d", (int)c);
    if (c > 0)
        EXPECT_EQ(exit_code(c), c);
    c = spawn_child("getppid", NULL, NULL, NULL);
    EXPECT(c > 0, "spawn = %d", (int)c);
    if (c > 0)
        EXPECT_EQ(exit_code(c), me);
    EXPECT_FRAMES(f0);
}

static void spawn_wait_exit_status(void)
{
    static const struct { const char *arg; int status; } exits[] = {
        { "42", 42 }, { "0", 0 }, { "-7", -7 }, { "100000", 100000 },
    };
    unsigned f0 = frames_free();
    long me = getpid();
    for (unsigned i = 0; i < sizeof(exits) / sizeof(exits[0]); i++) {
        long c = spawn_child("exit", exits[i].arg, NULL, NULL);
        EXPECT(c > 0, "spawn child exit %s = %d", exits[i].arg, (int)c);
        if (c <= 0)
            continue;
        EXPECT_EQ(exit_code(c), exits[i].status);
        int st = NO_STATUS;
        EXPECT_EQ(wait((int)c, &st), -ECHILD);      /* already reaped */
        EXPECT_EQ(st, NO_STATUS);
    }
    if (me != 1)
        EXPECT_EQ(wait(1, NULL), -ECHILD);          /* not our child */
    EXPECT_EQ(wait(99999, NULL), -ECHILD);
    EXPECT_EQ(wait(me, NULL), -ECHILD);

    char *argv[] = { "nosuchmodule", NULL };
    EXPECT_EQ(spawn("nosuchmodule", argv), -ENOENT);
    char *cargv[] = { "child", "exit", "0", NULL };
    EXPECT_EQ(spawn(bad(0x10), cargv), -EFAULT);
    EXPECT_EQ(spawn(bad(TRAMPOLINE_BASE), cargv), -EFAULT);
    EXPECT_EQ(spawn("child", bad(0x10)), -EFAULT);
    char *badstr[] = { "child", bad(0x10), NULL };
    EXPECT_EQ(spawn("child", badstr), -EFAULT);

    char *many[MAX_ARGS + 2];
    many[0] = "child";
    many[1] = "argc";
    for (int i = 2; i < MAX_ARGS + 1; i++)
        many[i] = "x";
    many[MAX_ARGS] = NULL;                          /* exactly MAX_ARGS */
    long c = spawn("child", many);
    EXPECT(c > 0, "spawn with %d args = %d", MAX_ARGS, (int)c);
    if (c > 0)
        EXPECT_EQ(exit_code(c), MAX_ARGS);
    many[MAX_ARGS] = "x";
    many[MAX_ARGS + 1] = NULL;                      /* one too many */
    c = spawn("child", many);
    EXPECT_EQ(c, -E2BIG);
    if (c > 0)
        wait((int)c, NULL);

    static char longarg[MAX_ARG_LEN + 8];
    memset(longarg, 'a', sizeof(longarg) - 1);
    char *longv[] = { "child", "argc", longarg, NULL };
    c = spawn("child", longv);
    EXPECT_EQ(c, -E2BIG);
    if (c > 0)
        wait((int)c, NULL);
    longarg[MAX_ARG_LEN - 1] = '\0';              /* exactly MAX_ARG_LEN bytes with the NUL */
    c = spawn("child", longv);
    EXPECT(c > 0, "spawn with a %d-byte argument = %d", MAX_ARG_LEN, (int)c);
    if (c > 0)
        EXPECT_EQ(exit_code(c), 3);

    c = spawn("child", NULL);                       /* argv = {"child"}: no mode */
    EXPECT(c > 0, "spawn(child, NULL) = %d", (int)c);
    if (c > 0)
        EXPECT_EQ(exit_code(c), 200);

    /* A bad status pointer fails before anything is reaped. */
    c = spawn_child("exit", "6", NULL, NULL);
    EXPECT(c > 0, "spawn = %d", (int)c);
    if (c > 0) {
        EXPECT_EQ(wait((int)c, bad(0x10)), -EFAULT);
        EXPECT_EQ(wait((int)c, bad(USER_LINK_BASE)), -EFAULT);  /* our read-only text */
        EXPECT_EQ(exit_code(c), 6);
    }

    c = spawn_child("fault", NULL, NULL, NULL);
    EXPECT(c > 0, "spawn = %d", (int)c);
    if (c > 0)
        EXPECT_EQ(wait_status(c), STATUS_FAULT(14));
    EXPECT_FRAMES(f0);
}

static void wait_any(void)
{
    unsigned f0 = frames_free();
    long pids[3];
    int seen[3] = { 0, 0, 0 };
    char b[12];
    for (int i = 0; i < 3; i++) {
        pids[i] = spawn_child("exit", num(b, 11 + i), NULL, NULL);
        EXPECT(pids[i] > 0, "spawn = %d", (int)pids[i]);
    }
    for (int n = 0; n < 3; n++) {
        int st = NO_STATUS;
        long r = wait(-1, &st);
        int k = -1;
        for (int i = 0; i < 3; i++)
            if (pids[i] > 0 && r == pids[i])
                k = i;
        EXPECT(k >= 0, "wait(-1) = %d, not one of %d %d %d", (int)r, (int)pids[0], (int)pids[1], (int)pids[2]);
        if (k < 0)
            break;
        EXPECT(!seen[k], "pid %d reaped twice", (int)r);
        seen[k] = 1;
        EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 11 + k, "status %#x", st);
    }
    EXPECT_EQ(wait(-1, NULL), -ECHILD);
    long c = spawn_child("exit", "5", NULL, NULL);
    EXPECT(c > 0, "spawn = %d", (int)c);
    if (c > 0)
        EXPECT_EQ(wait(-1, NULL), c);               /* NULL status is fine */
    EXPECT_FRAMES(f0);
}

static void kill_child(void)
{
    unsigned f0 = frames_free();
    long me = getpid();

    long b = spawn_child("block", NULL, NULL, NULL);
    EXPECT(b > 0, "spawn = %d", (int)b);
    if (b > 0) {
        for (int i = 0; i < 5; i++)
            yield();                                /* let it block in ipc_recv */
        EXPECT_EQ(kill((int)b), 0);
        EXPECT_EQ(wait_status(b), STATUS_KILLED);
        EXPECT_EQ(kill((int)b), -ESRCH);            /* reaped */
    }

    /* A running (spinning) child. */
    char t[12];
    long until = ticks() + 1000;
    long s = spawn_child("spin", num(t, until), NULL, NULL);
    EXPECT(s > 0, "spawn = %d", (int)s);
    if (s > 0) {
        yield();
        EXPECT_EQ(kill((int)s), 0);
        EXPECT_EQ(wait_status(s), STATUS_KILLED);
        EXPECT(ticks() < until, "the spinning child ran to its deadline");
    }

    /* A zombie keeps its own exit status. */
    long z = spawn_child("exit", "3", NULL, NULL);
    EXPECT(z > 0, "spawn = %d", (int)z);
    if (z > 0) {
        long start = ticks();
        while (proc_state(z) != PROC_STATE_ZOMBIE && ticks() - start < 300)
            yield();
        EXPECT_EQ(proc_state(z), PROC_STATE_ZOMBIE);
        EXPECT_EQ(kill((int)z), -ESRCH);            /* not a live process */
        EXPECT_EQ(exit_code(z), 3);
    }

    if (me != 1)
        EXPECT_EQ(kill(1), -EPERM);
    long pp = getppid();
    if (pp > 0)
        EXPECT_EQ(kill((int)pp), -EPERM);
    EXPECT_EQ(kill(99999), -ESRCH);
    EXPECT_FRAMES(f0);
}

/* Yield until @pid is a zombie, at most 5 s (a killed child gets there the
 * first time it is scheduled); whether it got there. */
static int becomes_zombie(long pid)
{
    long start = ticks();
    while (proc_state(pid) != PROC_STATE_ZOMBIE && ticks() - start < 5 * TIMER_HZ)
        yield();
    return proc_state(pid) == PROC_STATE_ZOMBIE;
}

/* Issue 10: a kill() that comes before the child ever ran ends it before
 * its first user instruction: it writes nothing to the pipe and forks
 * nothing (it used to run main() and get as far as its first syscall).
 * Between the fork and the kill only a timer tick can let the child run
 * first (that would be fair), so an attempt counts only if ticks() did not
 * move across them; at most 20 attempts. */
static void kill_before_first_run(void)
{
    unsigned f0 = frames_free();
    int tries, counted = 0;
    for (tries = 1; tries <= 20 && !counted; tries++) {
        int fds[2];
        EXPECT_EQ(pipe(fds), 0);
        if (!ok)
            return;
        yield();                                    /* a fresh time slice */
        long t0 = ticks();
        long c = fork();
        if (c == 0) {
            write(fds[1], "c", 1);
            if (fork() == 0)
                write(fds[1], "g", 1);
            exit(5);
        }
        long k = c > 0 ? kill((int)c) : c;
        counted = ticks() == t0;
        close(fds[1]);
        EXPECT(c > 0, "fork() = %d", (int)c);
        if (c > 0) {
            int st = wait_status(c);
            if (counted) {
                char b[4];
                EXPECT_EQ(k, 0);
                EXPECT(WIFKILLED(st), "status %#x: the child was not killed", st);
                EXPECT_EQ(read(fds[0], b, sizeof(b)), 0);   /* end of file: no byte, no grandchild */
            }
        }
        close(fds[0]);
        if (c <= 0)
            return;
    }
    EXPECT(counted, "a timer tick came between fork and kill in all %d attempts", tries - 1);
    if (tries == 2)
        EXPECT_FRAMES(f0);      /* (a child that ran first may have left an orphan behind) */
}

/* Issue 10: a kill() before the child's first call blocks it. Spawned
 * `child block` first calls ipc_recv; a forked child first reads an empty
 * pipe (it holds the write end itself). Killed before they run, both must
 * end: they used to run and sleep forever, the kill spent. */
static void kill_before_first_blocking_call(void)
{
    unsigned f0 = frames_free();
    long b = spawn_child("block", NULL, NULL, NULL);
    EXPECT(b > 0, "spawn = %d", (int)b);
    if (b > 0) {
        EXPECT_EQ(kill((int)b), 0);
        EXPECT(becomes_zombie(b), "pid %d still in state %d 5 s after kill()", (int)b, proc_state(b));
        kill((int)b);                               /* (asleep now, if it failed: let it go) */
        EXPECT_EQ(wait_status(b), STATUS_KILLED);
    }
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    long c = fork();
    if (c == 0) {
        char x;
        read(fds[0], &x, 1);
        exit(6);
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c > 0) {
        EXPECT_EQ(kill((int)c), 0);
        EXPECT(becomes_zombie(c), "pid %d still in state %d 5 s after kill()", (int)c, proc_state(c));
        kill((int)c);
        EXPECT_EQ(wait_status(c), STATUS_KILLED);
    }
    close(fds[0]);
    close(fds[1]);
    EXPECT_FRAMES(f0);
}

/* Issue 10: no exit() argument reads as a kill or a fault in wait(), and
 * kills and faults read as themselves. exit(-137) and exit(-142) were the
 * old STATUS_KILLED and STATUS_FAULT(14). */
static void exit_status_cannot_pose_as_killed(void)
{
    static const int codes[] = { -137, -142, -141, STATUS_KILLED, STATUS_FAULT(14), 9, 11, 255, 256, -1,
                                 8388607, -8388608 };
    for (unsigned i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        long c = fork();
        if (c == 0)
            exit(codes[i]);
        EXPECT(c > 0, "fork() = %d", (int)c);
        if (c <= 0)
            return;
        int st = wait_status(c);
        EXPECT(WIFEXITED(st) && !WIFKILLED(st) && !WIFFAULTED(st), "exit(%d): status %#x", codes[i], st);
        EXPECT(st != STATUS_KILLED && st != STATUS_FAULT(14), "exit(%d): status %#x", codes[i], st);
        EXPECT(WEXITSTATUS(st) == codes[i], "exit(%d): WEXITSTATUS %d", codes[i], WEXITSTATUS(st));
    }
    long k = spawn_child("block", NULL, NULL, NULL);
    EXPECT(k > 0, "spawn = %d", (int)k);
    if (k > 0) {
        EXPECT_EQ(kill((int)k), 0);
        int st = wait_status(k);
        EXPECT(WIFKILLED(st) && !WIFEXITED(st) && !WIFFAULTED(st), "killed: status %#x", st);
    }
    long f = spawn_child("fault", NULL, NULL, NULL);
    EXPECT(f > 0, "spawn = %d", (int)f);
    if (f > 0) {
        int st = wait_status(f);
        EXPECT(WIFFAULTED(st) && WFAULTVECTOR(st) == 14 && !WIFEXITED(st) && !WIFKILLED(st), "#PF: status %#x", st);
    }
}

static void fork_returns(void)
{
    unsigned f0 = frames_free();
    long parent = getpid();
    long pid = fork();
    if (pid == 0)
        exit(getppid() == parent && getpid() != parent ? (int)getpid() : -1);
    EXPECT(pid > 0 && pid != parent, "fork() = %d", (int)pid);
    if (pid > 0)
        EXPECT_EQ(exit_code(pid), pid);           /* the child saw 0, its own pid, and us as parent */
    EXPECT_EQ(getpid(), parent);
    EXPECT_FRAMES(f0);
}

static volatile int global_word = 0x1234;

static void fork_copies_memory(void)
{
    volatile int stack_arr[256];
    for (int i = 0; i < 256; i++)
        stack_arr[i] = i * 7;
    volatile unsigned char *heap = malloc(10000);
    EXPECT(heap != NULL, "malloc failed");
    if (!heap)
        return;
    for (int i = 0; i < 10000; i++)
        heap[i] = (unsigned char)(i * 13);
    global_word = 0x1234;

    unsigned f0 = frames_free();
    long pid = fork();
    if (pid == 0) {
        int code = 0;
        if (global_word != 0x1234)
            code |= 1;
        for (int i = 0; i < 256; i++)
            if (stack_arr[i] != i * 7)
                code |= 2;
        for (int i = 0; i < 10000; i++)
            if (heap[i] != (unsigned char)(i * 13))
                code |= 4;
        global_word = 0x5678;
        for (int i = 0; i < 256; i++)
            stack_arr[i] = -1;
        for (int i = 0; i < 10000; i++)
            heap[i] = 0xEE;
        if (global_word != 0x5678 || stack_arr[100] != -1 || heap[9999] != 0xEE)
            code |= 8;
        exit(code);
    }
    EXPECT(pid > 0, "fork() = %d", (int)pid);
    if (pid > 0) {
        int st = exit_code(pid);
        EXPECT(st == 0, "child status %d (1: global, 2: stack, 4: heap differed in the child; 8: its writes)", st);
    }
    EXPECT_EQ(global_word, 0x1234);
    int bad_stack = 0, bad_heap = 0;
    for (int i = 0; i < 256; i++)
        bad_stack += stack_arr[i] != i * 7;
    for (int i = 0; i < 10000; i++)
        bad_heap += heap[i] != (unsigned char)(i * 13);
    EXPECT_EQ(bad_stack, 0);
    EXPECT_EQ(bad_heap, 0);
    EXPECT_FRAMES(f0);
    free((void *)heap);
}

static void preempt_fairness(void)
{
    unsigned f0 = frames_free();
    char t[12];
    long until = ticks() + 30;
    num(t, until);
    long a = spawn_child("spin", t, NULL, NULL);
    long b = spawn_child("spin", t, NULL, NULL);
    EXPECT(a > 0 && b > 0, "spawn = %d, %d", (int)a, (int)b);
    if (a > 0)
        EXPECT_EQ(exit_code(a), 1);
    if (b > 0)
        EXPECT_EQ(exit_code(b), 1);
    EXPECT(ticks() >= until, "ticks() = %d before the deadline %d", (int)ticks(), (int)until);
    EXPECT_FRAMES(f0);
}

/* Issue 10: a shrink over a heap with holes (pages the program unmapped)
 * unmaps every page still mapped above the new break and frees exactly
 * those frames; it used to fail inside (the unmap was all-or-nothing),
 * report success, and leave the pages mapped. */
static void brk_shrink_over_holes(void)
{
    unsigned f0 = frames_free();
    long b0 = brk(NULL);
    uintptr_t a = ((uintptr_t)b0 + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
    EXPECT_EQ(brk((void *)(a + 6 * PAGE_SIZE)), (long)(a + 6 * PAGE_SIZE));
    if (!ok)
        return;
    for (int i = 0; i < 6; i++)
        ((volatile char *)a)[i * PAGE_SIZE] = (char)i;
    EXPECT_EQ(unmap((void *)(a + PAGE_SIZE), 1), 0);      /* holes at pages 1 and 4 */
    EXPECT_EQ(unmap((void *)(a + 4 * PAGE_SIZE), 1), 0);
    EXPECT_EQ(brk((void *)(a + 3 * PAGE_SIZE)), (long)(a + 3 * PAGE_SIZE));
    EXPECT_EQ(brk(NULL), (long)(a + 3 * PAGE_SIZE));
    EXPECT_EQ(map((void *)(a + 3 * PAGE_SIZE), 3, RW), 0); /* pages 3-5 are free: map may have them */
    EXPECT_EQ(unmap((void *)(a + 3 * PAGE_SIZE), 3), 0);
    EXPECT_EQ(((volatile char *)a)[2 * PAGE_SIZE], 2);      /* below the break: kept */
    EXPECT_EQ(brk((void *)b0), b0);                    /* over the hole at page 1 */
    EXPECT_EQ(map((void *)a, 3, RW), 0);
    EXPECT_EQ(unmap((void *)a, 3), 0);
    EXPECT_FRAMES(f0);
}

static void brk_grow_shrink(void)
{
    uintptr_t image_end = ((uintptr_t)__end + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
    EXPECT(initial_break >= (long)image_end && initial_break % PAGE_SIZE == 0,
           "initial break %p, image ends at %p", (void *)initial_break, (void *)image_end);

    unsigned f0 = frames_free();
    long b0 = brk(NULL);
    char *p = sbrk(65536);
    EXPECT_EQ(p, b0);
    EXPECT_EQ(brk(NULL), b0 + 65536);
    if (p != (void *)-1) {
        for (int i = 0; i < 65536; i++)
            p[i] = (char)(i ^ (i >> 8));
        /* The heap is demand-paged (lazy_brk_faults): frames come with the touch. */
        EXPECT(frames_free() + 16 <= f0, "frames_free %u after touching 64 KiB of new heap from %u",
               frames_free(), f0);
        int bad = 0;
        for (int i = 0; i < 65536; i++)
            bad += p[i] != (char)(i ^ (i >> 8));
        EXPECT_EQ(bad, 0);
        EXPECT_EQ(sbrk(-65536), b0 + 65536);
    }
    EXPECT_EQ(brk(NULL), b0);
    EXPECT_FRAMES(f0);

    /* Grow again: the pages come back zeroed. */
    p = sbrk(8192);
    EXPECT_EQ(p, b0);
    if (p != (void *)-1) {
        int nonzero = 0;
        for (int i = 0; i < 8192; i++)
            nonzero += p[i] != 0;
        EXPECT_EQ(nonzero, 0);
        EXPECT_EQ(brk((void *)b0), b0);
    }
    EXPECT_FRAMES(f0);

    /* The break is byte-granular; the pages behind it are whole. */
    EXPECT_EQ(brk((void *)(b0 + 100)), b0 + 100);
    EXPECT_EQ(brk(NULL), b0 + 100);
    ((volatile char *)b0)[99] = 1;
    EXPECT_EQ(brk((void *)b0), b0);
    EXPECT_FRAMES(f0);

    EXPECT_EQ(brk((void *)USER_LINK_BASE), -EINVAL);
    EXPECT_EQ(brk((void *)(image_end - PAGE_SIZE)), -EINVAL);
    EXPECT_EQ(brk(NULL), b0);
    EXPECT_EQ(brk((void *)0x7FFF0000), -ENOMEM);
    EXPECT_EQ(brk(NULL), b0);
    EXPECT_EQ(sbrk(0x70000000), (long)-1);
    EXPECT_EQ(brk(NULL), b0);
    EXPECT_FRAMES(f0);
}

#define MAP_VA 0x50000000u

static void map_unmap_valid(void)
{
    unsigned f0 = frames_free();
    volatile uint32_t *w = (volatile uint32_t *)MAP_VA;
    EXPECT_EQ(map((void *)MAP_VA, 4, RW), 0);
    EXPECT(frames_free() + 4 <= f0, "frames_free %u after mapping 4 pages from %u", frames_free(), f0);
    int nonzero = 0;
    for (unsigned i = 0; i < 4 * PAGE_SIZE / 4; i++)
        nonzero += w[i] != 0;
    EXPECT_EQ(nonzero, 0);
    for (unsigned i = 0; i < 4 * PAGE_SIZE / 4; i++)
        w[i] = i * 0x9E3779B9u;
    int bad = 0;
    for (unsigned i = 0; i < 4 * PAGE_SIZE / 4; i++)
        bad += w[i] != i * 0x9E3779B9u;
    EXPECT_EQ(bad, 0);

    volatile uint32_t *ro = (volatile uint32_t *)(MAP_VA + 0x10000);
    EXPECT_EQ(map((void *)ro, 1, PROT_READ), 0);
    EXPECT_EQ(ro[0] | ro[1023], 0);

    EXPECT_EQ(unmap((void *)MAP_VA, 4), 0);
    EXPECT_EQ(unmap((void *)ro, 1), 0);
    EXPECT_FRAMES(f0);

    /* Mapped again: fresh zeroed frames, not the old data. */
    EXPECT_EQ(map((void *)MAP_VA, 4, RW), 0);
    nonzero = 0;
    for (unsigned i = 0; i < 4 * PAGE_SIZE / 4; i++)
        nonzero += w[i] != 0;
    EXPECT_EQ(nonzero, 0);
    EXPECT_EQ(unmap((void *)MAP_VA, 4), 0);

    /* Across a page-table (4 MiB) boundary. */
    uintptr_t x = MAP_VA + LARGE_PAGE_SIZE - PAGE_SIZE;
    EXPECT_EQ(map((void *)x, 2, RW), 0);
    *(volatile uint32_t *)x = 1;
    *(volatile uint32_t *)(x + PAGE_SIZE) = 2;
    EXPECT_EQ(*(volatile uint32_t *)x + *(volatile uint32_t *)(x + PAGE_SIZE), 3);
    EXPECT_EQ(unmap((void *)x, 2), 0);

    /* The last page below the trampoline (the unmapped page above the stack). */
    EXPECT_EQ(map((void *)(TRAMPOLINE_BASE - PAGE_SIZE), 1, RW), 0);
    *(volatile uint32_t *)(TRAMPOLINE_BASE - 4) = 0xABCD;
    EXPECT_EQ(*(volatile uint32_t *)(TRAMPOLINE_BASE - 4), 0xABCD);
    EXPECT_EQ(unmap((void *)(TRAMPOLINE_BASE - PAGE_SIZE), 1), 0);

    /* High up: the page below the stack's lower guard page. */
    uintptr_t below_stack = USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE - 2 * PAGE_SIZE;
    EXPECT_EQ(map((void *)below_stack, 1, RW), 0);
    *(volatile uint32_t *)below_stack = 7;
    EXPECT_EQ(unmap((void *)below_stack, 1), 0);
    EXPECT_FRAMES(f0);
}

static void map_invalid(void)
{
    unsigned f0 = frames_free();
    EXPECT_EQ(map((void *)(MAP_VA + 1), 1, RW), -EINVAL);
    EXPECT_EQ(map((void *)(MAP_VA + 0x800), 1, RW), -EINVAL);
    EXPECT_EQ(map((void *)MAP_VA, 0, RW), -EINVAL);
    EXPECT_EQ(map((void *)0, 1, RW), -EINVAL);
    EXPECT_EQ(map((void *)0, 2, RW), -EINVAL);
    EXPECT_EQ(map((void *)TRAMPOLINE_BASE, 1, RW), -EINVAL);
    EXPECT_EQ(map((void *)(TRAMPOLINE_BASE - PAGE_SIZE), 2, RW), -EINVAL);   /* touches it */
    EXPECT_EQ(map((void *)0xFFFFF000u, 1, RW), -EINVAL);
    EXPECT_EQ(map((void *)0xFFFFF000u, 2, RW), -EINVAL);           /* wraps */
    EXPECT_EQ(map((void *)0x80000000u, 0x80000, RW), -EINVAL);     /* end wraps to 0 */
    EXPECT_EQ(map((void *)MAP_VA, 0x100000, RW), -EINVAL);         /* npages * 4096 overflows */
    EXPECT_EQ(map((void *)MAP_VA, 0xFFFFFFFFu, RW), -EINVAL);
    EXPECT_EQ(map((void *)USER_LINK_BASE, 1, RW), -EINVAL);                /* our text */
    EXPECT_EQ(map((void *)(USER_STACK_TOP - PAGE_SIZE), 1, RW), -EINVAL);  /* our stack */
    EXPECT_EQ(map((void *)MAP_VA, 1, 0x4), -EINVAL);                /* unknown prot bit */
    EXPECT_EQ(map((void *)MAP_VA, 1, RW | 0x100), -EINVAL);
    EXPECT_FRAMES(f0);

    /* Overlap: all or nothing. */
    EXPECT_EQ(map((void *)MAP_VA, 2, RW), 0);
    EXPECT_EQ(map((void *)(MAP_VA + PAGE_SIZE), 2, RW), -EINVAL);
    EXPECT_EQ(map((void *)(MAP_VA - PAGE_SIZE), 2, RW), -EINVAL);
    EXPECT_EQ(map((void *)(MAP_VA + 2 * PAGE_SIZE), 1, RW), 0);        /* was not left mapped */
    EXPECT_EQ(map((void *)(MAP_VA - PAGE_SIZE), 1, RW), 0);
    EXPECT_EQ(unmap((void *)(MAP_VA - PAGE_SIZE), 4), 0);
    EXPECT_FRAMES(f0);

    EXPECT_EQ(unmap((void *)MAP_VA, 1), -EINVAL);                  /* not mapped */
    EXPECT_EQ(map((void *)MAP_VA, 1, RW), 0);
    EXPECT_EQ(unmap((void *)MAP_VA, 2), -EINVAL);                  /* partly mapped */
    EXPECT_EQ(map((void *)MAP_VA, 1, RW), -EINVAL);                /* still mapped */
    EXPECT_EQ(*(volatile uint32_t *)MAP_VA, 0);
    EXPECT_EQ(unmap((void *)(MAP_VA + 1), 1), -EINVAL);
    EXPECT_EQ(unmap((void *)MAP_VA, 1), 0);
    EXPECT_EQ(unmap((void *)0, 1), -EINVAL);
    EXPECT_EQ(unmap((void *)TRAMPOLINE_BASE, 1), -EINVAL);
    EXPECT_EQ(unmap((void *)(TRAMPOLINE_BASE - PAGE_SIZE), 2), -EINVAL);
    EXPECT_EQ(unmap((void *)0xFFFFF000u, 2), -EINVAL);
    EXPECT_EQ(unmap((void *)MAP_VA, 0x100000), -EINVAL);
    EXPECT_FRAMES(f0);
}

static void map_readonly_write_faults(void)
{
    unsigned f0 = frames_free();
    volatile uint32_t *ro = (volatile uint32_t *)MAP_VA;
    EXPECT_EQ(map((void *)ro, 1, PROT_READ), 0);
    EXPECT_EQ(ro[0], 0);
    unsigned f1 = frames_free();
    long pid = fork();
    if (pid == 0) {
        uint32_t v = ro[5];
        ro[5] = 1;                                  /* must fault: read-only in the copy too */
        exit(v == 0 ? 100 : 101);
    }
    EXPECT(pid > 0, "fork() = %d", (int)pid);
    if (pid > 0)
        EXPECT_EQ(wait_status(pid), STATUS_FAULT(14));
    EXPECT_FRAMES(f1);
    EXPECT_EQ(ro[5], 0);
    EXPECT_EQ(unmap((void *)ro, 1), 0);
    EXPECT_FRAMES(f0);
}

/* After unmap (or a brk shrink) the page must fault at once, though its
 * translation was in the TLB a moment before: aspace=shared leaves to ring 3
 * without a CR3 write, so the kernel has to invlpg (found by the trace
 * replay: a stale entry let a process reach a frame already reused). */
static void unmap_then_touch_faults(void)
{
    volatile uint32_t *p = (volatile uint32_t *)MAP_VA;
    unsigned f0 = frames_free();
    long pid = fork();
    if (pid == 0) {
        if (map((void *)p, 1, PROT_READ | PROT_WRITE) != 0)
            exit(102);
        p[0] = 0x5EED;                              /* the translation is cached now */
        if (p[0] != 0x5EED || unmap((void *)p, 1) != 0)
            exit(103);
        exit(p[0] == 0x5EED ? 100 : 101);           /* must fault before it exits */
    }
    EXPECT(pid > 0, "fork() = %d", (int)pid);
    if (pid > 0)
        EXPECT_EQ(wait_status(pid), STATUS_FAULT(14));
    pid = fork();
    if (pid == 0) {
        char *top = sbrk(0);
        volatile char *page = (volatile char *)(((uintptr_t)top + 4095) & ~4095u);
        if (sbrk(page + 4096 - top) == (void *)-1)
            exit(102);
        page[0] = 1;
        brk((void *)page);                           /* the heap page is gone */
        exit(page[0] == 1 ? 100 : 101);
    }
    EXPECT(pid > 0, "fork() = %d", (int)pid);
    if (pid > 0)
        EXPECT_EQ(wait_status(pid), STATUS_FAULT(14));
    EXPECT_FRAMES(f0);
}

/* ------------------------------------------------------------ demand paging (issue 12) */

#define LAZY_VA 0x58000000u             /* its own 4 MiB: the first map there takes a page table */
#define RWL     (PROT_READ | PROT_WRITE | PROT_LAZY)

static unsigned faults_now(void)
{
    struct kevents k;
    return kevents(&k) == 0 ? k.faults : 0;
}

/* map(PROT_LAZY) takes no frame for its pages; each first touch is one fault
 * and one frame; a second touch is free; unmap gives every frame back. */
static void lazy_map_faults_per_page(void)
{
    volatile uint32_t *p = (volatile uint32_t *)LAZY_VA;
    unsigned f0 = frames_free();
    EXPECT_EQ(map((void *)p, 8, RWL), 0);
    EXPECT(frames_free() + 1 >= f0, "frames_free %u after a lazy map of 8 pages from %u (1 page table)",
           frames_free(), f0);
    unsigned k0 = faults_now();
    uint64_t t0 = rdtsc();
    for (int i = 0; i < 8; i++)
        p[i * 1024] = (uint32_t)i + 1;
    uint64_t t1 = rdtsc();
    EXPECT_EQ(faults_now() - k0, 8);
    EXPECT(frames_free() + 8 <= f0, "frames_free %u after touching 8 pages from %u", frames_free(), f0);
    uint64_t t2 = rdtsc();
    for (int i = 0; i < 8; i++)
        p[i * 1024 + 1] = p[i * 1024];
    uint64_t t3 = rdtsc();
    EXPECT_EQ(faults_now() - k0, 8);                     /* present now: no more faults */
    /* Information only (docs/benchmarking.md; under -icount a tick is an instruction). */
    DIAG("8 first touches (faults) %u ticks, 8 second touches %u ticks",
         (unsigned)(t1 - t0), (unsigned)(t3 - t2));
    EXPECT_EQ(p[7 * 1024 + 1], 8);
    EXPECT_EQ(unmap((void *)p, 8), 0);
    EXPECT_FRAMES(f0);
}

/* A read of an untouched lazy page gives zeros (and maps it); so does a read
 * of a read-only lazy page. */
static void lazy_read_zero(void)
{
    volatile uint32_t *p = (volatile uint32_t *)LAZY_VA;
    unsigned f0 = frames_free();
    EXPECT_EQ(map((void *)p, 2, RWL), 0);
    EXPECT_EQ(map((void *)(LAZY_VA + 0x10000), 1, PROT_READ | PROT_LAZY), 0);
    unsigned k0 = faults_now();
    EXPECT_EQ(p[1023] | p[1024 + 5], 0);
    EXPECT_EQ(((volatile uint32_t *)(LAZY_VA + 0x10000))[9], 0);
    EXPECT_EQ(faults_now() - k0, 3);
    EXPECT_EQ(unmap((void *)p, 2), 0);
    EXPECT_EQ(unmap((void *)(LAZY_VA + 0x10000), 1), 0);
    EXPECT_FRAMES(f0);
}

/* copy-out into a lazy page fills it as the user's own write would (one
 * fault per page, also across a page boundary); copy-in from one works too;
 * copy-out into a read-only lazy page is -EFAULT and takes no frame. */
static void lazy_copy_out(void)
{
    unsigned f0 = frames_free();
    EXPECT_EQ(map((void *)LAZY_VA, 3, RWL), 0);
    EXPECT_EQ(map((void *)(LAZY_VA + 0x10000), 1, PROT_READ | PROT_LAZY), 0);
    unsigned k0 = faults_now();
    struct sysinfo *si = (struct sysinfo *)LAZY_VA;
    EXPECT_EQ(sysinfo(si), 0);
    EXPECT_EQ(si->pid, getpid());
    EXPECT_EQ(faults_now() - k0, 1);
    struct kevents *ke = (struct kevents *)(LAZY_VA + 2 * PAGE_SIZE - 8);   /* spans pages 1 and 2 */
    EXPECT_EQ(kevents(ke), 0);
    EXPECT_EQ(faults_now() - k0, 3);
    unsigned before = frames_free();
    EXPECT_EQ(sysinfo((struct sysinfo *)(LAZY_VA + 0x10000)), -EFAULT);
    EXPECT_EQ(frames_free(), before);
    long fd = open("/dev/null", O_WRONLY);
    EXPECT(fd >= 0, "open /dev/null = %d", (int)fd);
    EXPECT_EQ(write((int)fd, (void *)(LAZY_VA + 0x10000), 100), 100);     /* copy-in fills it */
    EXPECT_EQ(faults_now() - k0, 4);
    close((int)fd);
    EXPECT_EQ(unmap((void *)LAZY_VA, 3), 0);
    EXPECT_EQ(unmap((void *)(LAZY_VA + 0x10000), 1), 0);
    EXPECT_FRAMES(f0);
}

/* The break is demand-paged too: growing takes no frame, touching does. */
static void lazy_brk_faults(void)
{
    unsigned f0 = frames_free();
    long b0 = brk(NULL);
    EXPECT_EQ(brk((void *)(b0 + (long)(f0 + 1) * PAGE_SIZE)), -ENOMEM);   /* could never be filled */
    char *p = sbrk(4 * PAGE_SIZE);
    EXPECT(p != (void *)-1, "sbrk failed");
    if (p == (void *)-1)
        return;
    uintptr_t first = ((uintptr_t)p + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
    EXPECT(frames_free() >= f0, "frames_free %u after sbrk from %u", frames_free(), f0);
    unsigned k0 = faults_now();
    ((volatile char *)first)[0] = 1;
    ((volatile char *)first)[PAGE_SIZE + 7] = ((volatile char *)first)[2 * PAGE_SIZE];
    EXPECT_EQ(faults_now() - k0, 3);
    EXPECT_EQ(sbrk(-4 * (long)PAGE_SIZE), (long)p + 4 * PAGE_SIZE);
    EXPECT_FRAMES(f0);
}

/* protect(PROT_READ) on a written page, then a write: the process is killed
 * by #PF; PROT_NONE: a read kills it; a read-only lazy page: a write kills
 * it. In the parent: copy-out into a read-only page is -EFAULT, and PROT_WRITE
 * again makes it writable with its data kept. */
static void protect_ro_write_kills(void)
{
    volatile uint32_t *p = (volatile uint32_t *)LAZY_VA;
    unsigned f0 = frames_free();
    static const int kinds[] = { 0, 1, 2 };   /* RO + write, NONE + read, lazy RO + write */
    for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        long pid = fork();
        if (pid == 0) {
            if (map((void *)p, 2, k == 2 ? RWL : RW) != 0)
                exit(102);
            if (k != 2)
                p[0] = 0xC0FFEE;
            if (protect((void *)p, 2, k == 1 ? 0 : PROT_READ) != 0)
                exit(103);
            if (k == 0 && p[0] != 0xC0FFEE)
                exit(104);                        /* still readable */
            if (k == 1)
                exit(p[0] == 0xC0FFEE ? 100 : 101); /* must fault first */
            p[0] = 1;
            exit(100);                            /* must fault first */
        }
        EXPECT(pid > 0, "fork() = %d", (int)pid);
        if (pid > 0) {
            int st = wait_status(pid);
            EXPECT(st == STATUS_FAULT(14), "kind %u: child status %#x, expected a #PF kill", k, st);
        }
    }
    EXPECT_EQ(map((void *)p, 1, RW), 0);
    p[3] = 77;
    EXPECT_EQ(protect((void *)p, 1, PROT_READ), 0);
    EXPECT_EQ(sysinfo((struct sysinfo *)p), -EFAULT);
    EXPECT_EQ(p[3], 77);
    EXPECT_EQ(protect((void *)p, 1, PROT_READ | PROT_WRITE), 0);
    p[4] = 78;
    EXPECT_EQ(p[3] + p[4], 155);
    EXPECT_EQ(protect((void *)p, 1, 0), 0);
    EXPECT_EQ(protect((void *)p, 1, PROT_WRITE), 0);          /* write implies read */
    EXPECT_EQ(p[3], 77);
    EXPECT_EQ(unmap((void *)p, 1), 0);
    EXPECT_FRAMES(f0);
}

/* Bad protect() ranges change nothing. */
static void protect_bad_range(void)
{
    volatile uint32_t *p = (volatile uint32_t *)LAZY_VA;
    unsigned f0 = frames_free();
    EXPECT_EQ(map((void *)p, 2, RW), 0);
    EXPECT_EQ(protect((void *)(LAZY_VA + 4), 1, PROT_READ), -EINVAL);       /* misaligned */
    EXPECT_EQ(protect((void *)p, 0, PROT_READ), -EINVAL);
    EXPECT_EQ(protect((void *)p, 1, 4), -EINVAL);                          /* unknown bit */
    EXPECT_EQ(protect((void *)p, 1, PROT_READ | PROT_LAZY), -EINVAL);
    EXPECT_EQ(protect(bad(0), 1, PROT_READ), -EINVAL);                     /* page 0 */
    EXPECT_EQ(protect(bad(USER_STACK_TOP), 1, PROT_READ), -ENOMEM);        /* the guard page */
    EXPECT_EQ(protect(bad(TRAMPOLINE_BASE), 1, PROT_READ), -EINVAL);       /* not user memory */
    EXPECT_EQ(protect((void *)p, 0xFFFFFFFFu, PROT_READ), -EINVAL);        /* wraps */
    EXPECT_EQ(protect((void *)p, 3, PROT_READ), -ENOMEM);                  /* page 2 not mapped */
    EXPECT_EQ(protect((void *)(LAZY_VA + 0x100000), 1, PROT_READ), -ENOMEM);
    p[1024] = 5;                                   /* all or nothing: still writable */
    EXPECT_EQ(p[1024], 5);
    EXPECT_EQ(unmap((void *)p, 2), 0);
    EXPECT_FRAMES(f0);
}

/* unmap() of any part of a mapping: untouched pages, touched ones, one page
 * in the middle; the rest stays; frames are exact at every step. */
static void unmap_partial(void)
{
    volatile char *p = (volatile char *)LAZY_VA;
    unsigned f0 = frames_free();
    EXPECT_EQ(map((void *)p, 8, RWL), 0);
    p[0] = 1, p[PAGE_SIZE] = 2, p[6 * PAGE_SIZE] = 7;
    unsigned f1 = frames_free();
    EXPECT_EQ(unmap((void *)(LAZY_VA + 2 * PAGE_SIZE), 3), 0);   /* never touched */
    EXPECT_FRAMES(f1);
    EXPECT_EQ(unmap((void *)(LAZY_VA + PAGE_SIZE), 1), 0);       /* touched */
    EXPECT_FRAMES(f1 + 1);
    EXPECT_EQ(unmap((void *)(LAZY_VA + 2 * PAGE_SIZE), 1), -EINVAL); /* gone already */
    EXPECT_EQ(p[0] + p[6 * PAGE_SIZE], 8);                        /* the rest stays */
    EXPECT_EQ(p[5 * PAGE_SIZE], 0);
    EXPECT_EQ(map((void *)(LAZY_VA + 2 * PAGE_SIZE), 3, RWL), 0); /* the hole takes a new map */
    EXPECT_EQ(unmap((void *)(LAZY_VA + 2 * PAGE_SIZE), 6), 0);
    EXPECT_EQ(unmap((void *)p, 1), 0);
    EXPECT_FRAMES(f0);
}

/* fork copies touched lazy pages and keeps untouched ones reserved in the
 * child; everything is freed when both are done. */
static void lazy_fork_conserves_frames(void)
{
    volatile uint32_t *p = (volatile uint32_t *)LAZY_VA;
    unsigned f0 = frames_free();
    EXPECT_EQ(map((void *)p, 4, RWL), 0);
    p[0] = 42;
    EXPECT_EQ(protect((void *)(LAZY_VA + 3 * PAGE_SIZE), 1, PROT_READ), 0);
    long pid = fork();
    if (pid == 0) {
        if (p[0] != 42 || p[1024] != 0)
            exit(101);
        p[2048] = 9;                              /* its own fault, its own frame */
        exit(p[3 * 1024] == 0 ? 100 : 102);
    }
    EXPECT(pid > 0, "fork() = %d", (int)pid);
    if (pid > 0)
        EXPECT_EQ(exit_code(pid), 100);
    EXPECT_EQ(p[2048], 0);                        /* the child's write stayed there */
    EXPECT_EQ(unmap((void *)p, 4), 0);
    EXPECT_FRAMES(f0);
}

/* Counter differences across one call of @what; a timer interrupt can only
 * add events, so the smallest difference over 5 tries is the call's own. */
static struct kevents kevents_delta(void (*what)(void))
{
    struct kevents best = { ~0u, ~0u, ~0u, ~0u, ~0u }, a, b;
    for (int i = 0; i < 5; i++) {
        kevents(&a);
        what();
        kevents(&b);
        unsigned d[5] = { b.syscalls - a.syscalls, b.cr3_writes - a.cr3_writes,
                          b.pages_walked - a.pages_walked, b.bytes_copied - a.bytes_copied,
                          b.faults - a.faults };
        unsigned *m = &best.syscalls;
        for (int k = 0; k < 5; k++)
            if (d[k] < m[k])
                m[k] = d[k];
    }
    return best;
}

static void one_getppid(void) { getppid(); }

static void ring_trips(void)
{
    struct sysinfo si;
    sysinfo(&si);                                        /* outside: counted as 1 syscall */
    for (int i = 0; i < 100; i++)
        __asm__ volatile("int %0" ::"i"(RING_TRIP_VECTOR) : "memory");
    if (si.features & SYSINFO_SYSENTER)
        for (int i = 0; i < 100; i++)
            __asm__ volatile("mov %%esp, %%ecx\n\tlea 1f, %%edx\n\tsysenter\n1:"
                             : : "a"(SYSENTER_RING_TRIP) : "ecx", "edx", "memory");
}

static long pair_result;
static void ten_cr3_pairs(void) { pair_result = cr3_pair(10); }

/* The measuring calls (docs/benchmarking.md): kevents() counts exactly the
 * calls made, the calibration trips enter no C and write no CR3, and
 * cr3_pair() refuses a round count out of range. */
static void kevents_and_calibration(void)
{
    struct sysinfo si;
    EXPECT_EQ(kevents(NULL), -EFAULT);
    EXPECT_EQ(kevents(bad(KERNEL_VIRT_BASE)), -EFAULT);
    EXPECT_EQ(kevents(bad(TRAMPOLINE_BASE)), -EFAULT);
    EXPECT_EQ(sysinfo(&si), 0);
    unsigned split = SYSINFO_ASPACE(si.features) != 2;

    struct kevents d = kevents_delta(one_getppid);
    EXPECT_EQ(d.syscalls, 2);                            /* getppid and the second kevents */
    EXPECT_EQ(d.cr3_writes, split ? 4 : 0);
    EXPECT_EQ(d.bytes_copied, sizeof(struct kevents));   /* the first kevents' copy-out */

    d = kevents_delta(ring_trips);
    EXPECT_EQ(d.syscalls, 2);                            /* sysinfo and kevents: the trips reach no C */
    EXPECT_EQ(d.cr3_writes, split ? 4 : 0);

    EXPECT_EQ(cr3_pair(0), -EINVAL);
    EXPECT_EQ(cr3_pair(100001), -EINVAL);
    d = kevents_delta(ten_cr3_pairs);
    EXPECT(pair_result >= 0, "cr3_pair(10) = %d", (int)pair_result);
    EXPECT_EQ(d.cr3_writes, 20 + (split ? 4 : 0));
}

/* Kernel-side fills in @a: the kinds a call loads between its CR3 writes. */
static unsigned kernel_side(const struct afill *a)
{
    return a->n[AFILL_KERNEL_4K] + a->n[AFILL_KERNEL_4M] + a->n[AFILL_TRAMP_K];
}

static void two_gates(void) { afill_gate(NULL, NULL); afill_gate(NULL, NULL); }

/* The TLB-fill instrument (docs/benchmarking.md "TLB fills, measured"):
 * afill() through its gate, `int AFILL_VECTOR`, answers as through int 0x80;
 * the gate's own path loads no kernel-side translation (an empty bracket
 * counts none, in every mode), so a bracket around getppid counts the fast
 * path's pages and nothing else; bad pointers get -EFAULT; the gate with
 * another EAX is int 0x80; kevents counts each readout as one system call
 * with two CR3 writes (split modes). */
static void afill_gate_exact(void)
{
    static unsigned pages[AFILL_LIST_MAX];
    struct afill a;
    struct sysinfo si;
    EXPECT_EQ(sysinfo(&si), 0);
    unsigned split = SYSINFO_ASPACE(si.features) != 2;

    long n = afill(&a, NULL);                            /* int 0x80: the general path */
    EXPECT(n >= 0 && (unsigned long)n == a.n[0] + a.n[1] + a.n[2] + a.n[3] + a.n[4] + a.n[5],
           "afill = %d", (int)n);
    n = afill_gate(&a, pages);
    EXPECT(n > 0 && (unsigned long)n == a.n[0] + a.n[1] + a.n[2] + a.n[3] + a.n[4] + a.n[5],
           "afill_gate = %d", (int)n);
    EXPECT_EQ(a.listed, (unsigned)n < AFILL_LIST_MAX ? (unsigned)n : AFILL_LIST_MAX);
    EXPECT(a.n[AFILL_INSTR] > 0, "the instrument's own pages are counted apart: %u", a.n[AFILL_INSTR]);
    EXPECT_EQ(afill_gate(bad(KERNEL_VIRT_BASE), NULL), -EFAULT);
    EXPECT_EQ(afill_gate(bad(TRAMPOLINE_BASE), NULL), -EFAULT);
    EXPECT_EQ(afill_gate(&a, bad(0x10)), -EFAULT);       /* the list is never empty: the instrument's pages */

    unsigned empty = ~0u, call = ~0u, tramp = ~0u;       /* fewest of 5: an interrupt can only add */
    for (int i = 0; i < 5; i++) {
        afill_gate(NULL, NULL);
        afill_gate(&a, NULL);
        if (kernel_side(&a) < empty)
            empty = kernel_side(&a);
        afill_gate(NULL, NULL);
        getppid();
        afill_gate(&a, NULL);
        if (kernel_side(&a) < call)
            call = kernel_side(&a), tramp = a.n[AFILL_TRAMP_K];
    }
    EXPECT_EQ(empty, 0);
    if (SYSINFO_ASPACE(si.features) == 0) {              /* split (Global trampoline PTEs may survive elsewhere): */
        EXPECT(tramp >= 1, "getppid's trampoline fills: %u", tramp); /* the fast path's text, and the hot */
        EXPECT(call >= 2, "getppid's kernel-side fills: %u", call);  /* data line; exactly these two but */
    }                                                    /* in DEBUG=1 (test/bench/pathtrace.sh, smoke.sh) */

    long pid;
    __asm__ volatile("int %1" : "=a"(pid) : "i"(AFILL_VECTOR), "0"(SYS_getpid) : "memory");
    EXPECT_EQ(pid, getpid());
    struct kevents d = kevents_delta(two_gates);
    EXPECT_EQ(d.syscalls, 3);                            /* two readouts and the second kevents */
    EXPECT_EQ(d.cr3_writes, split ? 6 : 0);
    EXPECT_EQ(d.bytes_copied, sizeof(struct kevents));   /* the readouts copied nothing out */
}

static void map_exhaust_enomem(void)
{
    unsigned f0 = frames_free();
    long err;
    unsigned n = exhaust(EXHAUST_BASE, &err);
    EXPECT_EQ(err, -ENOMEM);
    EXPECT(n > 1000, "only %u pages mapped", n);
    unsigned f1 = frames_free();
    DIAG("mapped %u pages (%u KiB) before -ENOMEM; %u frames left", n, n * 4, f1);
    /* Still alive, and everything else fails cleanly. */
    EXPECT(getpid() > 0, "getpid");
    EXPECT_EQ(map((void *)(EXHAUST_BASE + n * PAGE_SIZE), 1, RW), -ENOMEM);
    long c = spawn_child("exit", "0", NULL, NULL);
    EXPECT_EQ(c, -ENOMEM);
    if (c > 0)
        wait((int)c, NULL);
    long b0 = brk(NULL);
    EXPECT_EQ(brk((void *)(b0 + 16 * PAGE_SIZE)), -ENOMEM);
    EXPECT_EQ(brk(NULL), b0);
    EXPECT_FRAMES(f1);
    /* The last pages are still usable. */
    volatile uint32_t *last = (volatile uint32_t *)(EXHAUST_BASE + (n - 1) * PAGE_SIZE);
    if (n) {
        EXPECT_EQ(*last, 0);
        *last = 0xFEEDF00D;
        EXPECT_EQ(*last, 0xFEEDF00D);
    }
    EXPECT_EQ(unmap((void *)EXHAUST_BASE, n), 0);
    EXPECT_FRAMES(f0);
    c = spawn_child("exit", "0", NULL, NULL);
    EXPECT(c > 0, "spawn after unmapping = %d", (int)c);
    if (c > 0)
        EXPECT_EQ(wait_status(c), 0);
    EXPECT_FRAMES(f0);
}

static void fork_enomem(void)
{
    unsigned f0 = frames_free();
    long err;
    unsigned n = exhaust(EXHAUST_BASE, &err);
    EXPECT_EQ(err, -ENOMEM);
    unsigned f1 = frames_free();

    long pid = fork();
    if (pid == 0)
        exit(0);
    EXPECT_EQ(pid, -ENOMEM);
    if (pid > 0)
        wait((int)pid, NULL);
    EXPECT_FRAMES(f1);

    /* Now with room for part of the copy: fork must fail half way and
     * give back what it took. */
    unsigned keep = n / 10 * 6;
    EXPECT_EQ(unmap((void *)(EXHAUST_BASE + keep * PAGE_SIZE), n - keep), 0);
    unsigned f2 = frames_free();
    EXPECT(f2 < keep, "%u frames free for a copy of more than %u pages", f2, keep);
    pid = fork();
    if (pid == 0)
        exit(0);
    EXPECT_EQ(pid, -ENOMEM);
    if (pid > 0)
        wait((int)pid, NULL);
    EXPECT_FRAMES(f2);

    EXPECT_EQ(unmap((void *)EXHAUST_BASE, keep), 0);
    EXPECT_FRAMES(f0);

    /* And fork works again. */
    pid = fork();
    if (pid == 0)
        exit(9);
    EXPECT(pid > 0, "fork() after unmapping = %d", (int)pid);
    if (pid > 0)
        EXPECT_EQ(exit_code(pid), 9);
    EXPECT_FRAMES(f0);
}

#define SHM_A 0x60000000u
#define SHM_B 0x70000000u
#define SHM_WORDS (2 * PAGE_SIZE / 4)

static int shm_child(void)
{
    volatile uint32_t *a = (volatile uint32_t *)SHM_A, *b = (volatile uint32_t *)SHM_B;
    long parent = getppid();
    char m[8];
    int sender;
    if (ipc_recv((int)parent, m, sizeof(m), &sender) != 2)
        return 1;
    long n = shm_map((int)parent, (void *)SHM_B);
    if (n != 2)
        return n < 0 ? 100 - (int)n : 2;            /* 100 + errno */
    for (unsigned i = 0; i < SHM_WORDS; i++)
        if (b[i] != 0xC0DE0000u + i)
            return 3;
    for (unsigned i = 0; i < SHM_WORDS; i++)
        if (a[i] != 0)                              /* our fork copy predates the pattern */
            return 4;
    b[100] = 0xBEEF;
    b[1024] = 0xCAFE;
    if (ipc_call((int)parent, "done", 4, m, sizeof(m)) != 2)
        return 5;
    /* The parent has unmapped its side: ours must still hold the data. */
    for (unsigned i = 0; i < SHM_WORDS; i++)
        if (b[i] != (i == 100 ? 0xBEEF : i == 1024 ? 0xCAFE : 0xC0DE0000u + i))
            return 6;
    b[5] = 42;
    if (unmap((void *)SHM_B, 2) != 0)
        return 7;
    return 0;
}

static void shm_between_processes(void)
{
    unsigned f0 = frames_free();
    volatile uint32_t *a = (volatile uint32_t *)SHM_A;
    EXPECT_EQ(map((void *)SHM_A, 2, RW), 0);
    long pid = fork();
    if (pid == 0)
        exit(shm_child());
    EXPECT(pid > 0, "fork() = %d", (int)pid);
    if (pid <= 0) {
        unmap((void *)SHM_A, 2);
        return;
    }
    for (unsigned i = 0; i < SHM_WORDS; i++)
        a[i] = 0xC0DE0000u + i;

    EXPECT_EQ(shm_map((int)pid, (void *)SHM_B), -ESRCH);       /* the child granted us nothing */
    EXPECT_EQ(shm_grant((int)pid, (void *)0x6F000000u, 1), -EINVAL);   /* not mapped */
    EXPECT_EQ(shm_grant((int)pid, (void *)SHM_A, 3), -EINVAL);         /* runs past the mapping */
    EXPECT_EQ(shm_grant((int)pid, (void *)USER_LINK_BASE, 1), -EINVAL);        /* read-only text */
    EXPECT_EQ(shm_grant((int)pid, (void *)(SHM_A + 1), 1), -EINVAL);   /* misaligned */
    EXPECT_EQ(shm_grant((int)getpid(), (void *)SHM_A, 2), -EINVAL);    /* self */
    EXPECT_EQ(shm_grant(99999, (void *)SHM_A, 2), -ESRCH);
    EXPECT_EQ(shm_grant((int)pid, (void *)SHM_A, 2), 0);
    EXPECT_EQ(ipc_send((int)pid, "go", 2), 0);

    char m[8];
    int sender = 0;
    EXPECT_EQ(ipc_recv((int)pid, m, sizeof(m), &sender), 4);
    EXPECT_EQ(sender, pid);
    EXPECT_EQ(a[100], 0xBEEF);
    EXPECT_EQ(a[1024], 0xCAFE);
    unsigned before_unmap = frames_free();
    EXPECT_EQ(unmap((void *)SHM_A, 2), 0);
    /* The child still maps both frames: at most a page table may come back. */
    EXPECT(frames_free() <= before_unmap + 1, "frames_free %u after our unmap, %u before: shared frames freed while mapped",
           frames_free(), before_unmap);
    EXPECT_EQ(ipc_reply((int)pid, "ok", 2), 0);
    int st = exit_code(pid);
    EXPECT(st == 0, "child status %d (1 no go, 2 shm_map count, 100+e shm_map error, 3 pattern, 4 fork copy shared, "
           "5 ipc_call, 6 data lost after the granter unmapped, 7 unmap)", st);
    EXPECT_FRAMES(f0);
}

/* A granted page is shared, not copied, by fork (docs/processes.md), and
 * its frame is freed only when the last mapping goes. */
static void shm_shared_across_fork(void)
{
    unsigned f0 = frames_free();
    volatile uint32_t *a = (volatile uint32_t *)SHM_A;
    EXPECT_EQ(map((void *)SHM_A, 1, RW), 0);
    a[0] = 1;
    long grantee = spawn_child("block", NULL, NULL, NULL);
    EXPECT(grantee > 0, "spawn = %d", (int)grantee);
    if (grantee > 0)
        EXPECT_EQ(shm_grant((int)grantee, (void *)SHM_A, 1), 0);
    unsigned f1 = frames_free();
    long pid = fork();
    if (pid == 0) {
        uint32_t v = a[0];
        a[0] = 0x5A5A;
        exit(v == 1 ? 0 : 1);
    }
    EXPECT(pid > 0, "fork() = %d", (int)pid);
    if (pid > 0)
        EXPECT_EQ(wait_status(pid), 0);
    EXPECT_EQ(a[0], 0x5A5A);                        /* the child wrote our frame */
    EXPECT_FRAMES(f1);
    if (grantee > 0) {
        EXPECT_EQ(kill((int)grantee), 0);
        EXPECT_EQ(wait_status(grantee), STATUS_KILLED);
    }
    EXPECT_EQ(a[0], 0x5A5A);
    EXPECT_EQ(unmap((void *)SHM_A, 1), 0);
    EXPECT_FRAMES(f0);
}

/* map(PROT_SHARED): pages a forked child shares instead of copying (the
 * trace replay's os_shared); plain pages stay copies. */
static void map_shared_across_fork(void)
{
    unsigned f0 = frames_free();
    volatile uint32_t *a = (volatile uint32_t *)SHM_A, *b = (volatile uint32_t *)(SHM_A + PAGE_SIZE);
    EXPECT_EQ(map((void *)SHM_A, 1, RW | PROT_SHARED), 0);
    EXPECT_EQ(map((void *)(SHM_A + PAGE_SIZE), 1, RW), 0);
    a[0] = 1, b[0] = 1;
    long pid = fork();
    if (pid == 0) {
        uint32_t v = a[0] + b[0];
        a[0] = 0x5A5A, b[0] = 0x5A5A;
        exit(v == 2 ? 0 : 1);
    }
    EXPECT(pid > 0, "fork() = %d", (int)pid);
    if (pid > 0)
        EXPECT_EQ(wait_status(pid), 0);
    EXPECT_EQ(a[0], 0x5A5A);                        /* the child wrote our frame */
    EXPECT_EQ(b[0], 1);                             /* and its own copy of this one */
    EXPECT_EQ(unmap((void *)SHM_A, 2), 0);
    EXPECT_FRAMES(f0);
}

/* ------------------------------------------------------------ futex */

/* Until process @pid sleeps (in FUTEX_WAIT here): 1, or 0 after 10 s. */
static int until_sleeping(long pid)
{
    static struct procinfo tab[64];
    long start = ticks();
    while (ticks() - start < 10 * TIMER_HZ) {
        long n = ps(tab, 64);
        for (long i = 0; i < n; i++)
            if (tab[i].pid == pid && tab[i].state == PROC_STATE_SLEEPING)
                return 1;
        yield();
    }
    return 0;
}

/* FUTEX_WAIT on a word that differs from val returns -EAGAIN at once. */
static void futex_wait_mismatch(void)
{
    static volatile uint32_t word = 5;
    EXPECT_EQ(futex(&word, FUTEX_WAIT, 6), -EAGAIN);
    EXPECT_EQ(futex(&word, FUTEX_WAIT, ~5u), -EAGAIN);
    EXPECT_EQ(word, 5);
}

/* Bad words and ops: -EFAULT, -EINVAL; nothing blocks. */
static void futex_bad_args(void)
{
    static volatile uint32_t word[2];
    EXPECT_EQ(futex(NULL, FUTEX_WAIT, 0), -EFAULT);
    EXPECT_EQ(futex((volatile uint32_t *)KERNEL_VIRT_BASE, FUTEX_WAIT, 0), -EFAULT);
    EXPECT_EQ(futex((volatile uint32_t *)TRAMPOLINE_BASE, FUTEX_WAKE, 1), -EFAULT);
    EXPECT_EQ(futex((volatile uint32_t *)SHM_A, FUTEX_WAIT, 0), -EFAULT);   /* not mapped */
    EXPECT_EQ(futex((volatile uint32_t *)SHM_A, FUTEX_WAKE, 1), -EFAULT);
    EXPECT_EQ(futex((volatile uint32_t *)((uintptr_t)word + 1), FUTEX_WAIT, 0), -EINVAL);
    EXPECT_EQ(futex((volatile uint32_t *)((uintptr_t)word + 2), FUTEX_WAKE, 1), -EINVAL);
    EXPECT_EQ(futex(word, 2, 0), -EINVAL);
    EXPECT_EQ(futex(word, -1, 0), -EINVAL);
}

/* FUTEX_WAKE with nobody waiting wakes nobody. */
static void futex_wake_nobody(void)
{
    static volatile uint32_t word;
    EXPECT_EQ(futex(&word, FUTEX_WAKE, 1), 0);
    EXPECT_EQ(futex(&word, FUTEX_WAKE, 0xffffffffu), 0);
}

/* A child waits on a word of a PROT_SHARED page: it really sleeps (ps),
 * a WAKE on a private word at another address wakes nobody, a WAKE on the
 * shared word wakes exactly it, and it sees the new value. */
static void futex_shared_pair(void)
{
    unsigned f0 = frames_free();
    volatile uint32_t *w = (volatile uint32_t *)SHM_A, *priv = (volatile uint32_t *)(SHM_A + PAGE_SIZE);
    EXPECT_EQ(map((void *)SHM_A, 1, RW | PROT_SHARED), 0);
    EXPECT_EQ(map((void *)(SHM_A + PAGE_SIZE), 1, RW), 0);
    w[0] = 0, priv[0] = 0;
    long pid = fork();
    if (pid == 0) {
        long r = futex(w, FUTEX_WAIT, 0);
        exit(r == 0 && w[0] == 1 ? 0 : 1);
    }
    EXPECT(pid > 0, "fork() = %d", (int)pid);
    if (pid > 0) {
        EXPECT(until_sleeping(pid), "child %d never slept", (int)pid);
        EXPECT_EQ(futex(priv, FUTEX_WAKE, 1), 0);   /* another frame: not its word */
        EXPECT(until_sleeping(pid), "child %d woke by a wrong WAKE", (int)pid);
        w[0] = 1;
        EXPECT_EQ(futex(w, FUTEX_WAKE, 5), 1);
        EXPECT_EQ(wait_status(pid), 0);
        EXPECT_EQ(futex(w, FUTEX_WAKE, 5), 0);      /* it left the queue */
    }
    EXPECT_EQ(unmap((void *)SHM_A, 2), 0);
    EXPECT_FRAMES(f0);
}

/* Three children wait on one shared word: WAKE(2) wakes two, WAKE(2)
 * again the last one. */
static void futex_wake_count(void)
{
    unsigned f0 = frames_free();
    volatile uint32_t *w = (volatile uint32_t *)SHM_A;
    EXPECT_EQ(map((void *)SHM_A, 1, RW | PROT_SHARED), 0);
    w[0] = 0;
    long pids[3];
    for (int i = 0; i < 3; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            exit(futex(w, FUTEX_WAIT, 0) == 0 ? 0 : 1);
        EXPECT(pids[i] > 0, "fork() = %d", (int)pids[i]);
    }
    for (int i = 0; i < 3; i++)
        if (pids[i] > 0)
            EXPECT(until_sleeping(pids[i]), "child %d never slept", (int)pids[i]);
    w[0] = 1;
    EXPECT_EQ(futex(w, FUTEX_WAKE, 2), 2);
    EXPECT_EQ(futex(w, FUTEX_WAKE, 2), 1);
    for (int i = 0; i < 3; i++)
        if (pids[i] > 0)
            EXPECT_EQ(wait_status(pids[i]), 0);
    EXPECT_EQ(unmap((void *)SHM_A, 1), 0);
    EXPECT_FRAMES(f0);
}

/* kill() of a process in FUTEX_WAIT: it ends (STATUS_KILLED) and leaves no
 * queue entry behind (a later WAKE finds nobody; frames come back). */
static void futex_kill_waiter(void)
{
    unsigned f0 = frames_free();
    volatile uint32_t *w = (volatile uint32_t *)SHM_A;
    EXPECT_EQ(map((void *)SHM_A, 1, RW | PROT_SHARED), 0);
    w[0] = 7;
    long pid = fork();
    if (pid == 0) {
        futex(w, FUTEX_WAIT, 7);
        exit(3);                                    /* not reached: killed */
    }
    EXPECT(pid > 0, "fork() = %d", (int)pid);
    if (pid > 0) {
        EXPECT(until_sleeping(pid), "child %d never slept", (int)pid);
        EXPECT_EQ(kill((int)pid), 0);
        EXPECT_EQ(wait_status(pid), STATUS_KILLED);
    }
    EXPECT_EQ(futex(w, FUTEX_WAKE, 1), 0);
    EXPECT_EQ(unmap((void *)SHM_A, 1), 0);
    EXPECT_FRAMES(f0);
}

static void ipc_pingpong(void)
{
    enum { ROUNDS = 100000 };
    unsigned f0 = frames_free();
    long pid = spawn_child("pong", NULL, NULL, NULL);
    EXPECT(pid > 0, "spawn = %d", (int)pid);
    if (pid <= 0)
        return;
    uint32_t msg, rep = 0;
    int i;
    long r = 0;
    uint64_t t0 = rdtsc();
    for (i = 0; i < ROUNDS; i++) {
        msg = (uint32_t)i * 2654435761u;
        rep = ~msg;
        r = ipc_call((int)pid, &msg, 4, &rep, 4);
        if (r != 4 || rep != msg)
            break;
    }
    uint64_t t1 = rdtsc();
    EXPECT(i == ROUNDS, "round %d: ipc_call = %d, reply %x for %x", i, (int)r, rep, msg);
    if (i == ROUNDS)
        printf("    # ipc round trip: %u cycles (rdtsc, mean of %d)\n", div64(t1 - t0, ROUNDS), ROUNDS);
    char bye[8] = { 0 };
    EXPECT_EQ(ipc_call((int)pid, "quit", 4, bye, sizeof(bye)), 4);
    EXPECT(memcmp(bye, "bye!", 4) == 0, "reply to quit: %s", bye);
    EXPECT_EQ(wait_status(pid), 0);
    EXPECT_FRAMES(f0);
}

static void ipc_errors(void)
{
    static char big[IPC_MAX_MSG + 1];
    unsigned f0 = frames_free();
    long me = getpid();
    char buf[16];
    int sender;
    EXPECT_EQ(ipc_send(0, "x", 1), -ESRCH);
    EXPECT_EQ(ipc_send(-5, "x", 1), -ESRCH);
    EXPECT_EQ(ipc_send(99999, "x", 1), -ESRCH);
    EXPECT_EQ(ipc_send((int)me, "x", 1), -EDEADLK);
    EXPECT_EQ(ipc_call((int)me, "x", 1, buf, sizeof(buf)), -EDEADLK);
    EXPECT_EQ(ipc_call(99999, "x", 1, buf, sizeof(buf)), -ESRCH);
    EXPECT_EQ(ipc_recv(99999, buf, sizeof(buf), &sender), -ESRCH);
    EXPECT_EQ(ipc_reply(99999, "x", 1), -ESRCH);

    /* Bad buffers fail at once (from a partner that never sends: a kernel
     * that blocked instead would return -ESRCH when it exits, 200 ms on). */
    char t[12];
    long quiet = spawn_child("spin", num(t, ticks() + 20), NULL, NULL);
    EXPECT(quiet > 0, "spawn = %d", (int)quiet);
    if (quiet > 0) {
        EXPECT_EQ(ipc_recv((int)quiet, bad(0x10), 8, &sender), -EFAULT);
        EXPECT_EQ(ipc_recv((int)quiet, bad(USER_LINK_BASE), 8, &sender), -EFAULT);       /* read-only text */
        EXPECT_EQ(ipc_recv((int)quiet, buf, sizeof(buf), bad(USER_LINK_BASE)), -EFAULT);
        EXPECT_EQ(ipc_call((int)quiet, "x", 1, bad(USER_LINK_BASE), 8), -EFAULT);
        EXPECT_EQ(ipc_call((int)quiet, bad(TRAMPOLINE_BASE), 1, buf, sizeof(buf)), -EFAULT);
        EXPECT_EQ(exit_code(quiet), 1);
    }

    char mine[12], b[12];
    num(mine, me);
    long r = spawn_child("recvonce", mine, num(b, IPC_MAX_MSG), "goodmsg");
    EXPECT(r > 0, "spawn = %d", (int)r);
    if (r > 0) {
        EXPECT_EQ(ipc_reply((int)r, "x", 1), -ESRCH);   /* it is not in ipc_call on us */
        EXPECT_EQ(ipc_send((int)r, big, IPC_MAX_MSG + 1), -EMSGSIZE);
        EXPECT_EQ(ipc_send((int)r, bad(0x10), 8), -EFAULT);
        EXPECT_EQ(ipc_send((int)r, bad(TRAMPOLINE_BASE), 8), -EFAULT);
        EXPECT_EQ(ipc_send((int)r, "goodmsg", 7), 0);
        int st = exit_code(r);
        EXPECT(st == 7, "receiver status %d: 7 = got only the good message, 999 = got other bytes", st);
    }

    /* Larger than the receiver's buffer, the receiver there first: the
     * sender gets -EMSGSIZE, the receiver keeps waiting. */
    r = spawn_child("recvonce", mine, "4", "abcd");
    EXPECT(r > 0, "spawn = %d", (int)r);
    if (r > 0) {
        long start = ticks();
        while (proc_state(r) != PROC_STATE_SLEEPING && ticks() - start < 300)
            yield();
        EXPECT_EQ(proc_state(r), PROC_STATE_SLEEPING);
        EXPECT_EQ(ipc_send((int)r, "12345678", 8), -EMSGSIZE);
        EXPECT_EQ(ipc_send((int)r, "abcd", 4), 0);
        EXPECT_EQ(exit_code(r), 4);
    }
    /* The same with the sender there first (the receiver spins 100 ms
     * before its ipc_recv): the same outcome. */
    char until[12];
    r = spawn("child", (char *[]){ "child", "recvonce", mine, "4", "abcd", (char *)num(until, ticks() + 10), NULL });
    EXPECT(r > 0, "spawn = %d", (int)r);
    if (r > 0) {
        EXPECT_EQ(ipc_send((int)r, "12345678", 8), -EMSGSIZE);
        long s = ipc_send((int)r, "abcd", 4);
        EXPECT_EQ(s, 0);
        int st = exit_code(r);
        EXPECT(st == 4, "receiver status %d (4: got abcd; %d: the receiver got -EMSGSIZE instead of the sender)", st,
               -EMSGSIZE);
    }

    /* A full 4096-byte message arrives intact. */
    for (int i = 0; i < IPC_MAX_MSG; i++)
        big[i] = (char)('a' + i % 26);
    big[IPC_MAX_MSG] = 0;
    r = spawn_child("pong", NULL, NULL, NULL);
    EXPECT(r > 0, "spawn = %d", (int)r);
    if (r > 0) {
        static char back[IPC_MAX_MSG];
        EXPECT_EQ(ipc_call((int)r, big, IPC_MAX_MSG, back, sizeof(back)), IPC_MAX_MSG);
        EXPECT_EQ(memcmp(back, big, IPC_MAX_MSG), 0);
        EXPECT_EQ(ipc_call((int)r, "quit", 4, buf, sizeof(buf)), 4);
        EXPECT_EQ(wait_status(r), 0);
    }
    EXPECT_FRAMES(f0);
}

static void ipc_partner_dies(void)
{
    unsigned f0 = frames_free();
    char t[12], b[12];
    char buf[8];

    /* A sender blocked on a receiver that exits without receiving. */
    long s = spawn_child("spin", num(t, ticks() + 20), NULL, NULL);
    EXPECT(s > 0, "spawn = %d", (int)s);
    if (s > 0) {
        EXPECT_EQ(ipc_send((int)s, "hi", 2), -ESRCH);
        EXPECT_EQ(exit_code(s), 1);
    }
    s = spawn_child("exit", "0", NULL, NULL);
    EXPECT(s > 0, "spawn = %d", (int)s);
    if (s > 0) {
        EXPECT_EQ(ipc_call((int)s, "hi", 2, buf, sizeof(buf)), -ESRCH);
        EXPECT_EQ(wait_status(s), 0);
    }

    /* A caller whose server receives, then exits without replying. */
    s = spawn_child("recvexit", NULL, NULL, NULL);
    EXPECT(s > 0, "spawn = %d", (int)s);
    if (s > 0) {
        EXPECT_EQ(ipc_call((int)s, "hi", 2, buf, sizeof(buf)), -ESRCH);
        EXPECT_EQ(wait_status(s), 0);
    }

    /* A receiver blocked on a sender that exits without sending. */
    long p2 = spawn_child("spin", num(t, ticks() + 20), NULL, NULL);
    EXPECT(p2 > 0, "spawn = %d", (int)p2);
    if (p2 > 0) {
        long rcv = spawn_child("recvonce", num(b, p2), NULL, NULL);
        EXPECT(rcv > 0, "spawn = %d", (int)rcv);
        if (rcv > 0)
            EXPECT_EQ(exit_code(rcv), -ESRCH);
        EXPECT_EQ(exit_code(p2), 1);
    }

    /* The same through fork: the child waits for a message from p3. */
    long p3 = spawn_child("spin", num(t, ticks() + 20), NULL, NULL);
    EXPECT(p3 > 0, "spawn = %d", (int)p3);
    if (p3 > 0) {
        long c = fork();
        if (c == 0) {
            int sender;
            long r = ipc_recv((int)p3, buf, sizeof(buf), &sender);
            exit(r == -ESRCH ? 0 : r < 0 ? (int)r : 1000 + (int)r);
        }
        EXPECT(c > 0, "fork() = %d", (int)c);
        if (c > 0)
            EXPECT_EQ(wait_status(c), 0);
        EXPECT_EQ(exit_code(p3), 1);
    }
    EXPECT_FRAMES(f0);
}

static void proc_limit(void)
{
    enum { MAX_TRY = 200 };
    static long pids[MAX_TRY];
    unsigned f0 = frames_free();
    struct sysinfo si;
    sysinfo(&si);
    static struct procinfo tab[PS_ROWS];
    long used = ps(tab, PS_ROWS);                   /* slots in use, zombies included */
    int n = 0;
    long r = 0;
    while (n < MAX_TRY) {
        r = spawn_child("block", NULL, NULL, NULL);
        if (r <= 0)
            break;
        pids[n++] = r;
    }
    EXPECT_EQ(r, -EAGAIN);
    EXPECT(n >= 50, "only %d children before %d", n, (int)r);
    EXPECT_EQ(si.proc_limit, 64);
    EXPECT_EQ(n, (long)si.proc_limit - used);
    DIAG("%d children blocked before -EAGAIN (%d slots were in use, limit %u)", n, (int)used, si.proc_limit);
    long f = fork();
    if (f == 0)
        exit(0);
    EXPECT_EQ(f, -EAGAIN);
    if (f > 0)
        wait((int)f, NULL);
    int killed = 0, bad = 0;
    for (int i = 0; i < n; i++) {
        if (kill((int)pids[i]) == 0)
            killed++;
        int st = NO_STATUS;
        if (wait((int)pids[i], &st) != pids[i] || st != STATUS_KILLED)
            bad++;
    }
    EXPECT_EQ(killed, n);
    EXPECT_EQ(bad, 0);
    EXPECT_EQ(wait(-1, NULL), -ECHILD);
    EXPECT_FRAMES(f0);
    /* And the table has room again. */
    r = spawn_child("exit", "0", NULL, NULL);
    EXPECT(r > 0, "spawn after the limit = %d", (int)r);
    if (r > 0)
        EXPECT_EQ(wait_status(r), 0);
}

static void spawn_1000_leak(void)
{
    enum { N = 1000 };
    unsigned f0 = frames_free();
    long t0 = ticks();
    int spawned = 0, exited0 = 0;
    long first_err = 0;
    for (int i = 0; i < N; i++) {
        long pid = spawn_child("exit", "0", NULL, NULL);
        if (pid <= 0) {
            if (!first_err)
                first_err = pid;
            continue;
        }
        spawned++;
        int st = NO_STATUS;
        if (wait((int)pid, &st) == pid && st == 0)
            exited0++;
    }
    unsigned f1 = frames_free();
    printf("    # spawn_1000_leak: %d spawned, %d exited 0, frames_free %u before, %u after, %d ticks\n", spawned,
           exited0, f0, f1, (int)(ticks() - t0));
    EXPECT_EQ(first_err, 0);
    EXPECT_EQ(spawned, N);
    EXPECT_EQ(exited0, N);
    EXPECT_FRAMES(f0);
}

static void orphan_reparented_to_init(void)
{
    long me = getpid();
    long c = fork();
    if (c == 0) {
        char rep[12], orig[12];
        long g = spawn_child("ppid", num(rep, me), num(orig, getpid()), NULL);
        exit(g > 0 ? (int)g : -1000 + (int)g);      /* exits at once: g is orphaned */
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c <= 0)
        return;
    int g = exit_code(c);
    EXPECT(g > 0, "the child could not spawn the grandchild: status %d (-1000 - errno)", g);
    if (g <= 0 || g == NO_STATUS)
        return;
    int ppid = -1, sender = 0;
    long n = ipc_recv(g, &ppid, sizeof(ppid), &sender);
    EXPECT_EQ(n, 4);
    EXPECT_EQ(sender, g);
    EXPECT_EQ(ppid, 1);
    EXPECT_EQ(wait(g, NULL), -ECHILD);              /* init's child now, not ours */
}

/* The calls whose work grows with a user-chosen size, at sizes where the
 * time with interrupts off used to exceed the published bound
 * (docs/security.md "Interrupt latency"): a 1024-page map, protect, fork
 * copy, shm_grant/shm_map and unmap, a 64 MiB brk shrunk over holes, and
 * afill readouts after touching 64 page tables. Here they must work and
 * give every frame back; the irqoff boot (test/run.sh, tools/irqoff.sh)
 * runs this case under the interrupt-latency plugin and fails if any stretch
 * with interrupts off exceeds its bound. */
#define LONG_VA     0x10000000u                     /* below the kernel's PDEs (aspace=shared) */
#define LONG_PAGES  1024u
#define LONG_TABLES 64u
#define SPARSE_VA   0x20000000u                     /* LONG_TABLES x 4 MiB */
static void long_calls_bounded(void)
{
    unsigned f0 = frames_free();
    EXPECT_EQ(map((void *)LONG_VA, LONG_PAGES, RW), 0);
    if (!ok)
        return;
    EXPECT_EQ(protect((void *)LONG_VA, LONG_PAGES, PROT_READ), 0);
    EXPECT_EQ(protect((void *)LONG_VA, LONG_PAGES, RW), 0);
    long pid = fork();                               /* copies 1024 pages */
    if (pid == 0) {
        long n;
        while ((n = shm_map((int)getppid(), (void *)(LONG_VA + 0x1000000u))) == -ESRCH)
            yield();
        exit(n == (long)LONG_PAGES ? 0 : 1);         /* exit frees 2048 pages */
    }
    EXPECT(pid > 0, "fork() = %d", (int)pid);
    if (pid > 0) {
        EXPECT_EQ(shm_grant((int)pid, (void *)LONG_VA, LONG_PAGES), 0);
        EXPECT_EQ(exit_code(pid), 0);
    }
    EXPECT_EQ(unmap((void *)LONG_VA, LONG_PAGES), 0);

    long b0 = brk(NULL);                             /* 64 MiB of heap, 4 pages used, a hole */
    uintptr_t a = ((uintptr_t)b0 + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
    uintptr_t top = a + 16384 * PAGE_SIZE;
    EXPECT_EQ(brk((void *)top), (long)top);
    for (uintptr_t p = a; p < top; p += 4096 * PAGE_SIZE)
        *(volatile char *)p = 1;
    EXPECT_EQ(unmap((void *)a, 1), 0);
    EXPECT_EQ(brk((void *)b0), b0);

    for (unsigned i = 0; i < LONG_TABLES; i++)       /* 64 page tables, each walked through */
        EXPECT_EQ(map((void *)(SPARSE_VA + i * LARGE_PAGE_SIZE), 1, RW), 0);
    for (unsigned i = 0; i < LONG_TABLES; i++)
        *(volatile char *)(SPARSE_VA + i * LARGE_PAGE_SIZE) = 1;
    EXPECT(afill(NULL, NULL) >= (long)LONG_TABLES, "afill after %u tables touched", LONG_TABLES);
    for (unsigned i = 0; i < LONG_TABLES; i++)
        *(volatile char *)(SPARSE_VA + i * LARGE_PAGE_SIZE) = 2;
    EXPECT(afill_gate(NULL, NULL) >= (long)LONG_TABLES, "afill_gate after %u tables touched", LONG_TABLES);
    for (unsigned i = 0; i < LONG_TABLES; i++)
        EXPECT_EQ(unmap((void *)(SPARSE_VA + i * LARGE_PAGE_SIZE), 1), 0);
    EXPECT_FRAMES(f0);
}

/* ------------------------------------------------------------ main */

static const struct scenario cases[] = {
    { getpid_getppid, "getpid_getppid" },
    { spawn_wait_exit_status, "spawn_wait_exit_status" },
    { wait_any, "wait_any" },
    { kill_child, "kill_child" },
    { kill_before_first_run, "kill_before_first_run" },
    { kill_before_first_blocking_call, "kill_before_first_blocking_call" },
    { exit_status_cannot_pose_as_killed, "exit_status_cannot_pose_as_killed" },
    { fork_returns, "fork_returns" },
    { fork_copies_memory, "fork_copies_memory" },
    { preempt_fairness, "preempt_fairness" },
    { brk_grow_shrink, "brk_grow_shrink" },
    { brk_shrink_over_holes, "brk_shrink_over_holes" },
    { map_unmap_valid, "map_unmap_valid" },
    { map_invalid, "map_invalid" },
    { map_readonly_write_faults, "map_readonly_write_faults" },
    { unmap_then_touch_faults, "unmap_then_touch_faults" },
    { lazy_map_faults_per_page, "lazy_map_faults_per_page" },
    { lazy_read_zero, "lazy_read_zero" },
    { lazy_copy_out, "lazy_copy_out" },
    { lazy_brk_faults, "lazy_brk_faults" },
    { protect_ro_write_kills, "protect_ro_write_kills" },
    { protect_bad_range, "protect_bad_range" },
    { unmap_partial, "unmap_partial" },
    { lazy_fork_conserves_frames, "lazy_fork_conserves_frames" },
    { kevents_and_calibration, "kevents_and_calibration" },
    { afill_gate_exact, "afill_gate_exact" },
    { long_calls_bounded, "long_calls_bounded" },
    { map_exhaust_enomem, "map_exhaust_enomem" },
    { fork_enomem, "fork_enomem" },
    { shm_between_processes, "shm_between_processes" },
    { shm_shared_across_fork, "shm_shared_across_fork" },
    { map_shared_across_fork, "map_shared_across_fork" },
    { futex_wait_mismatch, "futex_wait_mismatch" },
    { futex_bad_args, "futex_bad_args" },
    { futex_wake_nobody, "futex_wake_nobody" },
    { futex_shared_pair, "futex_shared_pair" },
    { futex_wake_count, "futex_wake_count" },
    { futex_kill_waiter, "futex_kill_waiter" },
    { ipc_errors, "ipc_errors" },
    { ipc_partner_dies, "ipc_partner_dies" },
    { ipc_pingpong, "ipc_pingpong" },
    { proc_limit, "proc_limit" },
    { spawn_1000_leak, "spawn_1000_leak" },
    { orphan_reparented_to_init, "orphan_reparented_to_init" },
};

/* frames_free is global: in a test boot the other boot modules run next to
 * us. Wait (at most 10 s) until every other process is asleep or gone. */
static void wait_for_quiet(void)
{
    static struct procinfo tab[PS_ROWS];
    long me = getpid(), start = ticks();
    for (;;) {
        long n = ps(tab, PS_ROWS), busy = 0;
        for (long i = 0; i < n; i++)
            if (tab[i].pid != me && tab[i].state != PROC_STATE_SLEEPING)
                busy++;
        if (busy == 0)
            return;
        if (ticks() - start > 10 * TIMER_HZ) {
            printf("    # usertests: %d other processes still running after 10 s\n", (int)busy);
            return;
        }
        yield();
    }
}

int main(int argc, char **argv)
{
    initial_break = brk(NULL);
    wait_for_quiet();
    return RUN_SCENARIOS(cases, argc, argv); /* usertests NAME...: only those */
}
