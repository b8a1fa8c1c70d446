/*
 * test_hostile - a process doing everything a user process should not:
 * every pointer argument of every syscall aimed at page 0, the trampoline,
 * the kernel's link address and the direct map; ranges that wrap; unknown
 * syscall numbers; faults, privileged instructions and `int N` in forked
 * children (each must die by the exact vector); TF, NT, AC and IOPL in
 * EFLAGS across a syscall; a syscall with ESP at 0 or in unmapped memory;
 * null and RPL-0 data segment selectors; an LDT call gate built in user
 * memory; x87 state left behind for the next process. One function per
 * scenario, each a KTAP subtest (the fault cases and the `int N` sample
 * one each); exact return values, and sysinfo().frames_free unchanged
 * after each scenario.
 *
 * The order of checks inside the kernel decides some results (e.g. ipc_call
 * checks the reply buffer before the peer, ipc_send the peer before the
 * message): the expectations follow src/kernel/ipc/ipc.c, mem_syscalls.c, proc.c,
 * loader.c and docs/processes.md, docs/ipc.md, and say so where it matters.
 *
 * frames_free is global, so before it measures anything test_hostile waits
 * (asleep) until every process started before it has finished; it must come
 * after the other test modules in the GRUB menu (fuzz may follow it).
 * Helpers: src/user/hostile_asm.asm.
 */
#include "ulib.h"
/* the layout this test probes (kernel addresses too): uapi/layout.h, through ulib.h */
#include "expect.h"
#include "regs.h"
#include "entry/trapframe.h"      /* USER_DS, KERNEL_CS, EFLAGS_* */

#define SCRATCH         0x5A000000u     /* one mapped page, the next one unmapped */
#define SCRATCH_END     (SCRATCH + PAGE_SIZE)
#define SHM_VA          0x5B000000u     /* a child's page, granted to us */
#define RW              (PROT_READ | PROT_WRITE)

#define FLAGS_ARITH     0x00000CD5u     /* CF PF AF ZF SF DF OF */
#define USER_DS_RPL0    (USER_DS & ~3)  /* the user data selector asking for ring 0 */

/* ------------------------------------------------------------ asm helpers */

void hx_regs_syscall(const struct regs *in, struct regs *out);
long hx_syscall_esp(long nr, uint32_t esp, uint32_t *esp_after);
void hx_tf_syscall(long nr, long a1, long a2, long a3);
uint32_t hx_tf_ring_trip(void);
void hx_fpu_load(int32_t v);
int32_t hx_fpu_store(void);
extern const uint32_t hx_int_table[256];

/* Every one of these takes (and ignores, unless it is an address) one
 * argument, so that a child can run any of them through one pointer type. */
#define HX(name) void hx_##name(uint32_t arg);
HX(read) HX(write) HX(exec)
HX(ud2) HX(hlt) HX(cli) HX(sti) HX(in) HX(out) HX(lgdt) HX(lidt) HX(mov_cr3) HX(read_cr0)
HX(mov_dr7) HX(rdmsr) HX(wrmsr) HX(invlpg) HX(clts) HX(ltr) HX(lldt) HX(wbinvd)
HX(load_kernel_ds) HX(load_ldt_selector) HX(load_kernel_ss) HX(far_jmp_kernel_cs)
HX(iret_to_kernel_cs) HX(int3_cc) HX(into) HX(bound) HX(sysenter) HX(tf_sysenter) HX(syscall) HX(lcall)
HX(ring0_probe)
#undef HX

/* ------------------------------------------------------------ reporting */

static int ok;                          /* the current scenario passes so far */
static const char *scenario;


/* EXPECT_EQ inside a loop over addresses: names the address too. */
#define EXPECT_AT(addr, got, want)                                             \
    do {                                                                       \
        long got_ = (long)(got), want_ = (long)(want);                         \
        if (got_ != want_) {                                                   \
            DIAG("line %d: address %p: %s = %d, expected %d", __LINE__,        \
                 (void *)(uintptr_t)(addr), #got, (int)got_, (int)want_);      \
            ok = 0;                                                            \
        }                                                                      \
    } while (0)

/* ------------------------------------------------------------ helpers */

/* The five addresses no pointer argument may reach: page 0 (NULL and its
 * last byte), the trampoline window, the kernel's link address and the
 * direct map (the last two are simply unmapped in a user address space). */
static const uint32_t bad_ptrs[] = { 0, USER_BASE - 1, TRAMPOLINE_BASE, KERNEL_VIRT_BASE, DIRECT_MAP_BASE };
#define NBAD ((int)(sizeof(bad_ptrs) / sizeof(bad_ptrs[0])))

/* A pointer the compiler cannot see through. */
static void *P(uint32_t addr)
{
    __asm__("" : "+r"(addr));
    return (void *)(uintptr_t)addr;
}

/* Read-only memory of ours: the start of the text segment. */
#define TEXT ((uint32_t)USER_LINK_BASE)





/* Yield until @pid is asleep (blocked in the kernel), at most 3 s. */
static int wait_asleep(long pid)
{
    long start = ticks();
    while (proc_state(pid) != PROC_STATE_SLEEPING && ticks() - start < 3 * TIMER_HZ)
        yield();
    return proc_state(pid) == PROC_STATE_SLEEPING;
}

/* Run fn(arg) in a forked child; its wait() status. A child whose fn
 * returns exits 250 (no fault: a failure). */
static int child_status(void (*fn)(uint32_t), uint32_t arg)
{
    long c = fork();
    if (c == 0) {
        fn(arg);
        exit(250);
    }
    if (c < 0) {
        DIAG("fork() = %d", (int)c);
        ok = 0;
        return NO_STATUS;
    }
    return wait_status(c);
}

/* A forked child that blocks in ipc_recv from us until we send it anything,
 * then exits 0: a live process that is not us, for calls that check the
 * peer before the pointer. */
static long fork_idle_partner(void)
{
    long c = fork();
    if (c == 0) {
        char b[16];
        int s;
        long n = ipc_recv((int)getppid(), b, sizeof(b), &s);
        exit(n >= 0 ? 0 : 1);
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    return c;
}

static void release_partner(long c)
{
    if (c <= 0)
        return;
    EXPECT_EQ(ipc_send((int)c, "bye", 3), 0);
    EXPECT_EQ(wait_status(c), 0);
}

/* ------------------------------------------------------------ pointer arguments */

static void write_bad_buffers(void)
{
    unsigned f0 = frames_free();
    for (int fd = 1; fd <= 2; fd++)
        for (int i = 0; i < NBAD; i++)
            EXPECT_AT(bad_ptrs[i], write(fd, P(bad_ptrs[i]), 4), -EFAULT);
    EXPECT_EQ(write(1, P(SCRATCH_END - 2), 4), -EFAULT);           /* runs into an unmapped page */
    EXPECT_EQ(write(1, P(USER_STACK_TOP - 2), 4), -EFAULT);        /* into the stack guard */
    EXPECT_EQ(write(7, P(0), 4), -EBADF);                           /* the fd is checked first */
    EXPECT_FRAMES(f0);
}

static void write_wrapping_ranges(void)
{
    EXPECT_EQ(write(1, P(0xFFFFF000u), 0x2000), -EFAULT);
    EXPECT_EQ(write(1, P(TEXT), 0xFFFFFFFFu), -EFAULT);
    EXPECT_EQ(write(1, P(0xFFFFFFFFu), 2), -EFAULT);
    EXPECT_EQ(write(1, P(SCRATCH), 0u - SCRATCH + 0x10), -EFAULT);  /* wraps past 4 GiB to 0x10 */
    EXPECT_EQ(write(1, P(TEXT), UACCESS_MAX_LEN + 1), -EFAULT);       /* over UACCESS_MAX_LEN */
}

/* read(0) with a bad buffer must fail before it blocks for input. Run in a
 * child: if the kernel blocked instead, the child is found asleep and killed. */
static void read_bad_buffers(void)
{
    unsigned f0 = frames_free();
    long c = fork();
    if (c == 0) {
        for (int i = 0; i < NBAD; i++)
            EXPECT_AT(bad_ptrs[i], read(0, P(bad_ptrs[i]), 16), -EFAULT);
        EXPECT_EQ(read(0, P(TEXT), 16), -EFAULT);                       /* read-only */
        EXPECT_EQ(read(0, P(SCRATCH_END - 8), 16), -EFAULT);            /* straddles */
        EXPECT_EQ(read(0, P(0xFFFFF000u), 0x2000), -EFAULT);            /* wraps */
        EXPECT_EQ(read(0, P(TEXT), 0xFFFFFFFFu), -EFAULT);
        EXPECT_EQ(read(1, P(0), 16), -EBADF);
        EXPECT_EQ(read(0, P(0), 0), 0);                                 /* nothing to read into */
        exit(ok ? 0 : 1);
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c <= 0)
        return;
    long start = ticks();
    while (proc_state(c) != PROC_STATE_ZOMBIE && ticks() - start < 3 * TIMER_HZ)
        yield();
    if (proc_state(c) != PROC_STATE_ZOMBIE) {
        DIAG("the child is still in read() after 3 s (state %d): blocked instead of -EFAULT", proc_state(c));
        ok = 0;
        kill((int)c);
    }
    EXPECT_EQ(wait_status(c), 0);
    EXPECT_FRAMES(f0);
}

static void sysinfo_bad_buffers(void)
{
    unsigned f0 = frames_free();
    for (int i = 0; i < NBAD; i++)
        EXPECT_AT(bad_ptrs[i], sysinfo(P(bad_ptrs[i])), -EFAULT);
    EXPECT_EQ(sysinfo(P(TEXT)), -EFAULT);
    volatile uint32_t *tail = (volatile uint32_t *)P(SCRATCH_END - 8);
    tail[0] = tail[1] = 0xA5A5A5A5;
    EXPECT_EQ(sysinfo(P(SCRATCH_END - 8)), -EFAULT);
    EXPECT(tail[0] == 0xA5A5A5A5 && tail[1] == 0xA5A5A5A5, "a failed copy-out wrote %x %x", tail[0], tail[1]);
    EXPECT_FRAMES(f0);
}

static void spawn_bad_names(void)
{
    unsigned f0 = frames_free();
    struct sysinfo s0, s1;
    sysinfo(&s0);
    for (int i = 0; i < NBAD; i++)
        EXPECT_AT(bad_ptrs[i], spawn(P(bad_ptrs[i]), NULL), -EFAULT);
    char *tail = P(SCRATCH_END - 5);
    memcpy(tail, "child", 5);                                           /* no NUL before the unmapped page */
    EXPECT_EQ(spawn(tail, NULL), -EFAULT);
    char *name = P(SCRATCH);
    memset(name, 'c', 64);
    name[64] = '\0';
    EXPECT_EQ(spawn(name, NULL), -ENOENT);                              /* longer than a module name */
    EXPECT_EQ(spawn("kernel.sym", NULL), -ENOENT);                      /* a module, but not a program */
    sysinfo(&s1);
    EXPECT_EQ(s1.nprocs, s0.nprocs);
    EXPECT_FRAMES(f0);
}

static void spawn_bad_argv(void)
{
    unsigned f0 = frames_free();
    struct sysinfo s0, s1;
    sysinfo(&s0);
    for (int i = 1; i < NBAD; i++) {                                    /* argv == NULL is valid */
        EXPECT_AT(bad_ptrs[i], spawn("child", P(bad_ptrs[i])), -EFAULT);
        char *argv[] = { "child", P(bad_ptrs[i]), NULL };               /* argv[1] == NULL ends the list */
        EXPECT_AT(bad_ptrs[i], spawn("child", argv), -EFAULT);
    }
    /* The array runs into the unmapped page before its NULL. */
    char **arr = P(SCRATCH_END - 8);
    arr[0] = "child";
    arr[1] = "exit";
    EXPECT_EQ(spawn("child", arr), -EFAULT);
    /* A string runs into the unmapped page before its NUL. */
    char *tail = P(SCRATCH_END - 4);
    memcpy(tail, "exit", 4);
    char *argv[] = { "child", tail, NULL };
    EXPECT_EQ(spawn("child", argv), -EFAULT);
    sysinfo(&s1);
    EXPECT_EQ(s1.nprocs, s0.nprocs);
    EXPECT_FRAMES(f0);
}

static void wait_bad_status(void)
{
    unsigned f0 = frames_free();
    /* The status pointer is checked first: -EFAULT even with no child. */
    for (int i = 1; i < NBAD; i++) {                                    /* NULL: "no status wanted" */
        EXPECT_AT(bad_ptrs[i], wait(-1, P(bad_ptrs[i])), -EFAULT);
        EXPECT_AT(bad_ptrs[i], wait(99999, P(bad_ptrs[i])), -EFAULT);
    }
    EXPECT_EQ(wait(-1, NULL), -ECHILD);
    long c = fork();
    if (c == 0)
        exit(7);
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c > 0) {
        for (int i = 1; i < NBAD; i++)
            EXPECT_AT(bad_ptrs[i], wait((int)c, P(bad_ptrs[i])), -EFAULT);
        EXPECT_EQ(wait((int)c, P(TEXT)), -EFAULT);
        EXPECT_EQ(wait((int)c, P(SCRATCH_END - 2)), -EFAULT);
        EXPECT_EQ(exit_code(c), 7);                                   /* nothing was reaped before */
    }
    EXPECT_FRAMES(f0);
}

static void ps_modules_bad_buffers(void)
{
    unsigned f0 = frames_free();
    for (int i = 0; i < NBAD; i++) {
        EXPECT_AT(bad_ptrs[i], ps(P(bad_ptrs[i]), 4), -EFAULT);
        EXPECT_AT(bad_ptrs[i], modules(P(bad_ptrs[i]), 64), -EFAULT);
    }
    EXPECT_EQ(ps(P(TEXT), 1), -EFAULT);
    EXPECT_EQ(modules(P(TEXT), 64), -EFAULT);
    EXPECT_EQ(ps(P(0), 0), 0);                                          /* nothing to copy */
    volatile uint32_t *tail = (volatile uint32_t *)P(SCRATCH_END - 16);
    for (int i = 0; i < 4; i++)
        tail[i] = 0xA5A5A5A5;
    EXPECT_EQ(ps(P(SCRATCH_END - 16), 2), -EFAULT);                    /* 2 rows: 64 bytes, 16 mapped */
    EXPECT_EQ(modules(P(SCRATCH_END - 16), 4096), -EFAULT);
    for (int i = 0; i < 4; i++)
        EXPECT(tail[i] == 0xA5A5A5A5, "a failed copy-out wrote word %d: %x", i, tail[i]);
    EXPECT_EQ(ps(P(0xFFFFF000u), 64), -EFAULT);
    EXPECT_FRAMES(f0);
}

static void ipc_send_bad_message(void)
{
    unsigned f0 = frames_free();
    long me = getpid();
    /* The peer is checked before the message. */
    EXPECT_EQ(ipc_send(99999, P(0), 4), -ESRCH);
    EXPECT_EQ(ipc_send((int)me, P(0), 4), -EDEADLK);
    long c = fork();
    if (c == 0) {
        char b[16];
        int s;
        long n = ipc_recv((int)getppid(), b, sizeof(b), &s);
        exit(n == 4 && memcmp(b, "good", 4) == 0 ? 0 : n < 0 ? 100 - (int)n : 1);
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c <= 0)
        return;
    for (int i = 0; i < NBAD; i++)
        EXPECT_AT(bad_ptrs[i], ipc_send((int)c, P(bad_ptrs[i]), 4), -EFAULT);
    EXPECT_EQ(ipc_send((int)c, P(SCRATCH_END - 2), 4), -EFAULT);
    EXPECT_EQ(ipc_send((int)c, P(0xFFFFF000u), IPC_MAX_MSG), -EFAULT);
    EXPECT_EQ(ipc_send((int)c, P(0), IPC_MAX_MSG + 1), -EMSGSIZE);    /* size before the pointer */
    EXPECT_EQ(ipc_send((int)c, "good", 4), 0);
    EXPECT(wait_status(c) == 0, "the receiver got something other than \"good\" (status 100+errno, or 1)");
    EXPECT_FRAMES(f0);
}

/* Bad receive buffers, tried while a sender is already queued on us: each
 * fails with -EFAULT and the message stays queued (nothing half delivered). */
static void ipc_recv_bad_buffers(void)
{
    unsigned f0 = frames_free();
    long c = fork();
    if (c == 0)
        exit(ipc_send((int)getppid(), "queued", 6) == 0 ? 0 : 1);
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c <= 0)
        return;
    EXPECT(wait_asleep(c), "the sender never blocked");
    char buf[16];
    int sender = 0;
    for (int i = 0; i < NBAD; i++) {
        EXPECT_AT(bad_ptrs[i], ipc_recv(IPC_ANY, P(bad_ptrs[i]), 16, &sender), -EFAULT);
        EXPECT_AT(bad_ptrs[i], ipc_recv((int)c, P(bad_ptrs[i]), 16, &sender), -EFAULT);
        if (bad_ptrs[i])                                                /* sender == NULL: not wanted */
            EXPECT_AT(bad_ptrs[i], ipc_recv((int)c, buf, sizeof(buf), P(bad_ptrs[i])), -EFAULT);
    }
    EXPECT_EQ(ipc_recv((int)c, P(TEXT), 16, &sender), -EFAULT);
    EXPECT_EQ(ipc_recv((int)c, buf, sizeof(buf), P(TEXT)), -EFAULT);
    EXPECT_EQ(ipc_recv((int)c, P(SCRATCH_END - 8), 16, &sender), -EFAULT);
    EXPECT_EQ(ipc_recv((int)c, buf, sizeof(buf), P(SCRATCH_END - 2)), -EFAULT);
    EXPECT_EQ(ipc_recv(99999, P(0), 16, &sender), -ESRCH);              /* the peer first */
    EXPECT_EQ(proc_state(c), PROC_STATE_SLEEPING);                      /* still waiting to send */
    memset(buf, 0, sizeof(buf));
    EXPECT_EQ(ipc_recv((int)c, buf, sizeof(buf), &sender), 6);
    EXPECT(memcmp(buf, "queued", 6) == 0, "got \"%s\"", buf);
    EXPECT_EQ(sender, c);
    EXPECT_EQ(wait_status(c), 0);
    EXPECT_FRAMES(f0);
}

static void ipc_call_bad_buffers(void)
{
    unsigned f0 = frames_free();
    long me = getpid();
    char reply[16];
    /* ipc_call checks the reply buffer before the peer... */
    for (int i = 0; i < NBAD; i++)
        EXPECT_AT(bad_ptrs[i], ipc_call(99999, "x", 1, P(bad_ptrs[i]), 16), -EFAULT);
    EXPECT_EQ(ipc_call(99999, "x", 1, P(TEXT), 16), -EFAULT);
    EXPECT_EQ(ipc_call(99999, "x", 1, P(SCRATCH_END - 8), 16), -EFAULT);
    EXPECT_EQ(ipc_call(99999, "x", 1, P(0), 0), -ESRCH);               /* no reply wanted: fine */
    /* ...and the peer before the message. */
    EXPECT_EQ(ipc_call(99999, P(0), 4, reply, sizeof(reply)), -ESRCH);
    EXPECT_EQ(ipc_call((int)me, P(0), 4, reply, sizeof(reply)), -EDEADLK);
    long c = fork();
    if (c == 0) {
        char b[16];
        int s;
        long n = ipc_recv((int)getppid(), b, sizeof(b), &s);
        long r = ipc_reply((int)getppid(), "pong", 4);
        exit(n == 4 && memcmp(b, "ping", 4) == 0 && r == 0 ? 0 : 1);
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c <= 0)
        return;
    for (int i = 0; i < NBAD; i++)
        EXPECT_AT(bad_ptrs[i], ipc_call((int)c, P(bad_ptrs[i]), 4, reply, sizeof(reply)), -EFAULT);
    EXPECT_EQ(ipc_call((int)c, P(SCRATCH_END - 2), 4, reply, sizeof(reply)), -EFAULT);
    memset(reply, 0, sizeof(reply));
    EXPECT_EQ(ipc_call((int)c, "ping", 4, reply, sizeof(reply)), 4);
    EXPECT(memcmp(reply, "pong", 4) == 0, "reply \"%s\"", reply);
    EXPECT_EQ(wait_status(c), 0);
    EXPECT_FRAMES(f0);
}

static void ipc_reply_bad_buffers(void)
{
    unsigned f0 = frames_free();
    long me = getpid();
    EXPECT_EQ(ipc_reply(99999, P(0), 4), -ESRCH);
    EXPECT_EQ(ipc_reply((int)me, P(0), 4), -EDEADLK);
    long c = fork();
    if (c == 0) {
        char r[16];
        memset(r, 0, sizeof(r));
        long n = ipc_call((int)getppid(), "ping", 4, r, sizeof(r));
        exit(n == 4 && memcmp(r, "pong", 4) == 0 ? 0 : n < 0 ? 100 - (int)n : 1);
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c <= 0)
        return;
    char b[16];
    int s;
    EXPECT_EQ(ipc_recv((int)c, b, sizeof(b), &s), 4);                  /* c now waits for our reply */
    for (int i = 0; i < NBAD; i++)
        EXPECT_AT(bad_ptrs[i], ipc_reply((int)c, P(bad_ptrs[i]), 4), -EFAULT);
    EXPECT_EQ(ipc_reply((int)c, P(SCRATCH_END - 2), 4), -EFAULT);
    EXPECT_EQ(ipc_reply((int)c, P(0), 17), -EMSGSIZE);                 /* larger than its 16 bytes: size first */
    EXPECT_EQ(ipc_reply((int)c, "pong", 4), 0);
    EXPECT(wait_status(c) == 0, "the caller got a wrong reply (status 100+errno, or 1)");
    EXPECT_FRAMES(f0);
}

/* aspace=shared maps the kernel (direct map and image) into our PD,
 * supervisor-only: there those addresses are taken. Set by main. */
static int shared_mode;
#define FREE_VA 0x60000000u             /* free in every mode */

/* map/unmap/shm ranges are not copied through, they are mapped: a bad one
 * is -EINVAL (docs/processes.md). The kernel's link address and the direct
 * map are plain user addresses in a split address space: mapping them works;
 * under aspace=shared they are the kernel's and map() refuses them. */
static void map_unmap_hostile_ranges(void)
{
    unsigned f0 = frames_free();
    static const uint32_t bad_va[] = { 0, USER_BASE - 1, TRAMPOLINE_BASE, 0xFFFFF000u, TEXT, SCRATCH, USER_STACK_TOP - PAGE_SIZE };
    for (unsigned i = 0; i < sizeof(bad_va) / sizeof(bad_va[0]); i++)
        EXPECT_AT(bad_va[i], map(P(bad_va[i]), 1, RW), -EINVAL);
    for (unsigned i = 0; i < 4; i++)                                    /* not TEXT etc.: they would go */
        EXPECT_AT(bad_va[i], unmap(P(bad_va[i]), 1), -EINVAL);
    EXPECT_EQ(map(P(USER_STACK_TOP), 2, RW), -EINVAL);                 /* guard page + trampoline */
    EXPECT_EQ(map(P(SCRATCH_END), 0xFFFFFFFFu, RW), -EINVAL);          /* wraps */
    EXPECT_EQ(map(P(SCRATCH_END), 0x100000, RW), -EINVAL);             /* past USER_TOP */
    EXPECT_EQ(map(P(SCRATCH_END), 0, RW), -EINVAL);
    EXPECT_EQ(map(P(SCRATCH_END), 1, 4), -EINVAL);                     /* unknown prot bit */
    EXPECT_EQ(map(P(SCRATCH_END - PAGE_SIZE), 2, RW), -EINVAL);             /* overlaps SCRATCH */
    EXPECT_EQ(unmap(P(SCRATCH), 2), -EINVAL);                          /* SCRATCH_END not mapped */
    EXPECT_EQ(unmap(P(TEXT), 0xFFFFFFFFu), -EINVAL);
    EXPECT_EQ(unmap(P(KERNEL_VIRT_BASE), 1), -EINVAL);                      /* not mapped */
    static const uint32_t legal[] = { KERNEL_VIRT_BASE, DIRECT_MAP_BASE };
    for (int i = 0; i < 2 && shared_mode; i++) {
        EXPECT_AT(legal[i], map(P(legal[i]), 1, RW), -EINVAL);
        EXPECT_AT(legal[i], unmap(P(legal[i]), 1), -EINVAL);
    }
    for (int i = 0; i < 2 && !shared_mode; i++) {
        EXPECT_AT(legal[i], map(P(legal[i]), 1, RW), 0);
        volatile uint32_t *w = P(legal[i]);
        EXPECT(w[0] == 0 && w[1023] == 0, "map() at %p gave a page that is not zeroed", (void *)w);
        w[0] = 0x12345678;
        EXPECT_AT(legal[i], sysinfo(P(legal[i])), 0);                  /* and the kernel writes there */
        EXPECT_AT(legal[i], unmap(P(legal[i]), 1), 0);
        EXPECT_AT(legal[i], unmap(P(legal[i]), 1), -EINVAL);
    }
    EXPECT_FRAMES(f0);
}

static void brk_hostile_values(void)
{
    unsigned f0 = frames_free();
    long b0 = brk(NULL);
    EXPECT_EQ(brk(P(1)), -EINVAL);                                      /* below the heap start */
    EXPECT_EQ(brk(P(TEXT)), -EINVAL);
    EXPECT_EQ(brk(P(0xFFFFFFFFu)), -ENOMEM);
    EXPECT_EQ(brk(P(TRAMPOLINE_BASE)), -ENOMEM);
    EXPECT_EQ(brk(P(USER_STACK_TOP - 8)), -ENOMEM);                     /* over the stack */
    EXPECT_EQ(brk(NULL), b0);
    EXPECT_FRAMES(f0);
}

/* The last user page (the stack guard, which a process may map): a copy
 * ending exactly at USER_TOP works, one byte further is -EFAULT. */
static void last_user_page_boundary(void)
{
    unsigned f0 = frames_free();
    EXPECT_EQ(map(P(USER_STACK_TOP), 1, RW), 0);
    EXPECT_EQ(sysinfo(P(TRAMPOLINE_BASE - sizeof(struct sysinfo))), 0);
    EXPECT_EQ(sysinfo(P(TRAMPOLINE_BASE - sizeof(struct sysinfo) + 1)), -EFAULT);
    EXPECT_EQ(ps(P(TRAMPOLINE_BASE - sizeof(struct procinfo)), 1), 1);
    EXPECT_EQ(ps(P(TRAMPOLINE_BASE - sizeof(struct procinfo)), 2), -EFAULT);
    EXPECT_EQ(write(1, P(TRAMPOLINE_BASE - 1), 2), -EFAULT);
    EXPECT_EQ(write(1, P(TRAMPOLINE_BASE), 1), -EFAULT);
    EXPECT_EQ(map(P(TRAMPOLINE_BASE - PAGE_SIZE), 1, RW), -EINVAL);              /* mapped now */
    EXPECT_EQ(unmap(P(USER_STACK_TOP), 1), 0);
    EXPECT_FRAMES(f0);
}

static void shm_grant_hostile_ranges(void)
{
    unsigned f0 = frames_free();
    long me = getpid();
    EXPECT_EQ(shm_grant(99999, P(SCRATCH), 1), -ESRCH);
    EXPECT_EQ(shm_grant((int)me, P(SCRATCH), 1), -EINVAL);
    long c = fork_idle_partner();
    if (c <= 0)
        return;
    for (int i = 0; i < NBAD; i++)
        EXPECT_AT(bad_ptrs[i], shm_grant((int)c, P(bad_ptrs[i]), 1), -EINVAL);
    EXPECT_EQ(shm_grant((int)c, P(TEXT), 1), -EINVAL);                 /* not writable */
    EXPECT_EQ(shm_grant((int)c, P(SCRATCH), 2), -EINVAL);              /* second page unmapped */
    EXPECT_EQ(shm_grant((int)c, P(SCRATCH), 0), -EINVAL);
    EXPECT_EQ(shm_grant((int)c, P(SCRATCH), 0xFFFFFFFFu), -EINVAL);
    EXPECT_EQ(shm_grant((int)c, P(USER_STACK_TOP), 1), -EINVAL);       /* the guard page */
    EXPECT_EQ(shm_grant((int)c, P(0xFFFFF000u), 1), -EINVAL);
    release_partner(c);
    EXPECT_FRAMES(f0);
}

static void shm_map_hostile_ranges(void)
{
    unsigned f0 = frames_free();
    long me = getpid();
    EXPECT_EQ(shm_map(99999, P(KERNEL_VIRT_BASE)), -ESRCH);
    EXPECT_EQ(shm_map((int)me, P(KERNEL_VIRT_BASE)), -ESRCH);               /* no grant from ourselves */
    long c = fork();
    if (c == 0) {
        int st = 0;
        if (map(P(SHM_VA), 1, RW) != 0)
            st = 1;
        else
            *(volatile uint32_t *)P(SHM_VA) = 0xC0FFEE;
        if (!st && shm_grant((int)getppid(), P(SHM_VA), 1) != 0)
            st = 2;
        char r[4];
        ipc_call((int)getppid(), &st, sizeof(st), r, sizeof(r));        /* wait for the parent */
        exit(st);
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c <= 0)
        return;
    int st = -1, s;
    EXPECT_EQ(ipc_recv((int)c, &st, sizeof(st), &s), 4);
    EXPECT(st == 0, "the child could not grant (%d)", st);
    static const uint32_t bad_va[] = { 0, USER_BASE - 1, TRAMPOLINE_BASE, 0xFFFFF000u, TEXT, SCRATCH, USER_STACK_TOP - PAGE_SIZE };
    for (unsigned i = 0; i < sizeof(bad_va) / sizeof(bad_va[0]); i++)
        EXPECT_AT(bad_va[i], shm_map((int)c, P(bad_va[i])), -EINVAL);
    /* A failed shm_map leaves the grant; the kernel link address is legal
     * (but the kernel's own under aspace=shared). */
    uint32_t where = shared_mode ? FREE_VA : KERNEL_VIRT_BASE;
    if (shared_mode)
        EXPECT_EQ(shm_map((int)c, P(KERNEL_VIRT_BASE)), -EINVAL);
    EXPECT_EQ(shm_map((int)c, P(where)), 1);
    EXPECT(*(volatile uint32_t *)P(where) == 0xC0FFEE, "shared page reads %x", *(volatile uint32_t *)P(where));
    EXPECT_EQ(shm_map((int)c, P(DIRECT_MAP_BASE)), -ESRCH);                 /* one-shot: used up */
    EXPECT_EQ(unmap(P(where), 1), 0);
    EXPECT_EQ(ipc_reply((int)c, "ok", 2), 0);
    EXPECT_EQ(wait_status(c), 0);
    EXPECT_FRAMES(f0);
}

/* ------------------------------------------------------------ syscall numbers, registers */

static void unknown_numbers_preserve_registers(void)
{
    static const uint32_t numbers[] = { 0xFFFFFFFFu, NR_SYSCALLS, 0x80000000u, 0x7FFFFFFFu, 0xFFFF, 0x100 + SYS_getpid };
    for (unsigned i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        uint32_t magic = 0x9E3779B9u * (i + 3);
        struct regs in = {
            .eax = numbers[i], .ebx = magic ^ 0x11111111, .ecx = magic ^ 0x22222222,
            .edx = magic ^ 0x33333333, .esi = magic ^ 0x44444444, .edi = magic ^ 0x55555555,
            .ebp = magic ^ 0x66666666, .eflags = 0x2 | EFLAGS_IF | (i & 1 ? FLAGS_ARITH : EFLAGS_CF),
            .ds = USER_DS, .es = USER_DS, .fs = USER_DS, .gs = i & 1 ? 0 : USER_DS,
        }, out;
        memset(&out, 0, sizeof(out));
        hx_regs_syscall(&in, &out);
        int good = out.eax == (uint32_t)-ENOSYS && out.ebx == in.ebx && out.ecx == in.ecx &&
                   out.edx == in.edx && out.esi == in.esi && out.edi == in.edi && out.ebp == in.ebp &&
                   out.esp == out.esp_before && (out.eflags & FLAGS_ARITH) == (in.eflags & FLAGS_ARITH) &&
                   (out.ds & 0xFFFF) == in.ds && (out.es & 0xFFFF) == in.es &&
                   (out.fs & 0xFFFF) == in.fs && (out.gs & 0xFFFF) == in.gs;
        EXPECT(good, "nr %x: eax %x ebx %x ecx %x edx %x esi %x edi %x ebp %x esp %x/%x eflags %x "
               "ds %x es %x fs %x gs %x", numbers[i], out.eax, out.ebx, out.ecx, out.edx, out.esi,
               out.edi, out.ebp, out.esp, out.esp_before, out.eflags, out.ds, out.es, out.fs, out.gs);
    }
}

static struct regs plain_regs(uint32_t nr)
{
    return (struct regs){ .eax = nr, .ebx = 0xB0B0B0B0, .ecx = 0xC0C0C0C0, .edx = 0xD0D0D0D0,
                           .esi = 0x51515151, .edi = 0xD1D1D1D1, .ebp = 0xBEBEBEBE,
                           .eflags = 0x2 | EFLAGS_IF, .ds = USER_DS, .es = USER_DS, .fs = USER_DS, .gs = USER_DS };
}

static int same_gprs(const struct regs *in, const struct regs *out)
{
    return out->ebx == in->ebx && out->ecx == in->ecx && out->edx == in->edx && out->esi == in->esi &&
           out->edi == in->edi && out->ebp == in->ebp && out->esp == out->esp_before;
}

/* NT and AC are the user's (trap.c clears only IOPL and VM): they survive a
 * syscall, including one that switches to another process and back. The
 * interrupt gate clears NT for the kernel, so its iret is never a task return. */
static void eflags_nt_ac_preserved(void)
{
    long me = getpid();
    static const uint32_t nrs[] = { SYS_getpid, SYS_yield, 0x7777 };
    for (int i = 0; i < 3; i++) {
        struct regs in = plain_regs(nrs[i]), out;
        in.eflags |= EFLAGS_NT | EFLAGS_AC | EFLAGS_CF | EFLAGS_DF;
        memset(&out, 0, sizeof(out));
        hx_regs_syscall(&in, &out);
        long want = nrs[i] == SYS_getpid ? me : nrs[i] == SYS_yield ? 0 : -ENOSYS;
        EXPECT((long)out.eax == want && same_gprs(&in, &out), "nr %x: eax %x, registers changed",
               nrs[i], out.eax);
        uint32_t kept = EFLAGS_NT | EFLAGS_AC | EFLAGS_CF | EFLAGS_DF | EFLAGS_IF;
        EXPECT((out.eflags & kept) == kept, "nr %x: eflags %x, expected NT AC CF DF IF (%x) kept",
               nrs[i], out.eflags, kept);
    }
}

/* popfd at CPL 3 cannot raise IOPL, and the kernel would clear it anyway. */
static void eflags_iopl_stays_0(void)
{
    struct regs in = plain_regs(SYS_yield), out;
    in.eflags |= EFLAGS_IOPL;
    memset(&out, 0, sizeof(out));
    hx_regs_syscall(&in, &out);
    EXPECT(out.eax == 0 && (out.eflags & EFLAGS_IOPL) == 0, "eax %x eflags %x", out.eax, out.eflags);
    EXPECT_EQ(child_status(hx_cli, 0), STATUS_FAULT(13));
}

/* TF set across int 0x80: the gate clears TF, so the kernel runs the call
 * to its end; the iret brings TF back and the single-step trap after the
 * first instruction in ring 3 kills the process with #DB (vector 1). The
 * call is an ipc_send to us, so we see that it completed first. */
static void eflags_tf_across_syscall(void)
{
    unsigned f0 = frames_free();
    long me = getpid();
    static const char msg[4] = "tf!";
    long c = fork();
    if (c == 0) {
        hx_tf_syscall(SYS_ipc_send, me, (long)(uintptr_t)msg, 4);
        exit(251);
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c > 0) {
        char b[8];
        int s;
        memset(b, 0, sizeof(b));
        EXPECT_EQ(ipc_recv((int)c, b, sizeof(b), &s), 4);
        EXPECT(memcmp(b, "tf!", 4) == 0, "message \"%s\"", b);
        EXPECT_EQ(wait_status(c), STATUS_FAULT(1));
    }
    c = fork();
    if (c == 0) {
        hx_tf_syscall(SYS_getpid, 0, 0, 0);
        exit(251);
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c > 0)
        EXPECT_EQ(wait_status(c), STATUS_FAULT(1));
    EXPECT_FRAMES(f0);
}

/* Issue 10: the single-step state of a sysenter belongs to the process
 * that made it. A sysenter ring trip (EAX = SYSENTER_RING_TRIP) with TF set
 * takes the kernel's #DB at the entry but never reaches C: TF is dropped
 * (it comes back clear) and nothing is left behind. It was a kernel global,
 * and the next ordinary sysenter anywhere, here process B, came back with
 * TF and was killed by #DB. The same process's own next sysenters too. */
static void sysenter_tf_ring_trip_stays_in_its_process(void)
{
    struct sysinfo si;
    if (sysinfo(&si) < 0 || !(si.features & SYSINFO_SYSENTER)) {
        DIAG("no sysenter on this CPU: nothing to check");
        return;
    }
    unsigned f0 = frames_free();
    long a = fork();
    if (a == 0)
        exit(hx_tf_ring_trip() & EFLAGS_TF ? 2 : 0);        /* then exit by int 0x80 */
    EXPECT(a > 0, "fork() = %d", (int)a);
    if (a > 0)
        EXPECT_EQ(wait_status(a), 0);
    long b = fork();
    if (b == 0)
        exit(sysenter_call(SYS_getpid, 0, 0, 0, 0, 0) == getpid() ? 0 : 3);
    EXPECT(b > 0, "fork() = %d", (int)b);
    if (b > 0)
        EXPECT_EQ(wait_status(b), 0);                       /* was STATUS_FAULT(1) */
    long c = fork();
    if (c == 0) {
        hx_tf_ring_trip();
        long r1 = sysenter_call(SYS_getpid, 0, 0, 0, 0, 0);
        long r2 = sysenter_call(SYS_getppid, 0, 0, 0, 0, 0);
        exit(r1 == getpid() && r2 == getppid() ? 0 : 4);
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c > 0)
        EXPECT_EQ(wait_status(c), 0);
    EXPECT_EQ(sysenter_call(SYS_getpid, 0, 0, 0, 0, 0), getpid());
    EXPECT_FRAMES(f0);
}

/* A forked child asks to power off; the result it got (its exit code). */
static long child_poweroff(void)
{
    long c = fork();
    if (c == 0)
        exit((int)syscall_raw(SYS_poweroff, 1, 0, 0, 0, 0));
    if (c < 0)
        return c;
    return exit_code(c);
}

/* Issue 10: only init and the programs init spawned may power off
 * (docs/security.md). We are a boot process started by the kernel, our
 * child a forked process, the grandchild an orphan adopted by init: all
 * get -EPERM and the machine keeps running. poweroff(1) is asked for, so
 * a kernel that obeys ends the test run with a failure (QEMU status 35). */
static void poweroff_refused_to_ordinary_processes(void)
{
    unsigned f0 = frames_free();
    long me = getpid();
    EXPECT_EQ(syscall_raw(SYS_poweroff, 1, 0, 0, 0, 0), -EPERM);
    struct sysinfo si;
    if (sysinfo(&si) == 0 && (si.features & SYSINFO_SYSENTER))
        EXPECT_EQ(sysenter_call(SYS_poweroff, 1, 0, 0, 0, 0), -EPERM);
    long c = fork();
    if (c == 0) {
        long first_parent = getpid();
        long g = fork();
        if (g == 0) {
            while (getppid() == first_parent)
                yield();                /* until our parent has exited: init's now */
            long r = syscall_raw(SYS_poweroff, 1, 0, 0, 0, 0);
            ipc_send((int)me, &r, sizeof(r));
            exit(0);
        }
        exit(g > 0 ? (int)g : -1);
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c <= 0)
        return;
    EXPECT_EQ(child_poweroff(), -EPERM);
    int g = exit_code(c);
    EXPECT(g > 0 && g != NO_STATUS, "the child could not fork: %d", g);
    if (g <= 0 || g == NO_STATUS)
        return;
    long r = 0;
    EXPECT_EQ(ipc_recv(g, &r, sizeof(r), NULL), (long)sizeof(r));
    EXPECT_EQ(r, -EPERM);                                  /* an orphan init adopted */
    long start = ticks();
    while (proc_state(g) != 0 && ticks() - start < 3 * TIMER_HZ)
        yield();                                            /* init reaps it */
    EXPECT_FRAMES(f0);
}

/* setfg: who may name the console's foreground process (the one Ctrl-C
 * kills). Only the caller or its child; a nonexistent pid is -ESRCH; and
 * while a child of ours is in the foreground, a sibling (a background job)
 * can neither take it over nor clear it. (The fuzzer, running beside us,
 * never names itself or a child, so it never holds the foreground.) */
static void setfg_permissions(void)
{
    long me = getpid();
    EXPECT_EQ(setfg(0x7fffffff), -ESRCH);
    EXPECT_EQ(setfg(-1), -ESRCH);
    EXPECT_EQ(setfg(1), proc_state(1) ? -EPERM : -ESRCH);  /* init: not ours */
    EXPECT_EQ(setfg((int)me), 0);
    long fg = fork_idle_partner();                          /* our foreground job */
    if (fg <= 0)
        return;
    EXPECT_EQ(setfg((int)fg), 0);
    long c = fork();
    if (c == 0) {
        /* a background sibling: may neither take Ctrl-C nor clear it */
        long r1 = setfg((int)getpid()), r2 = setfg(0), r3 = setfg((int)me);
        exit(r1 == -EPERM && r2 == -EPERM && r3 == -EPERM ? 0 : 1);
    }
    EXPECT(c > 0, "fork() = %d", (int)c);
    if (c > 0)
        EXPECT_EQ(exit_code(c), 0);
    EXPECT_EQ(setfg(0), 0);                                  /* ours to clear */
    release_partner(fg);
}

/* The kernel never touches the user stack: a syscall with ESP anywhere
 * (0, the guard page, unmapped, the trampoline, the kernel's link address)
 * returns normally, with ESP as it was; yield switches away and back. */
static void syscall_with_hostile_esp(void)
{
    static const uint32_t esps[] = { 0, 4, USER_STACK_TOP + 0xFFF, 0x50000000u, TRAMPOLINE_BASE,
                                     KERNEL_VIRT_BASE, 0xFFFFFFFCu, 0xFFFFFFFFu };
    long me = getpid();
    for (unsigned i = 0; i < sizeof(esps) / sizeof(esps[0]); i++) {
        uint32_t after = 0x0BADBAD0;
        EXPECT_AT(esps[i], hx_syscall_esp(SYS_getpid, esps[i], &after), me);
        EXPECT_AT(esps[i], after, esps[i]);
        after = 0x0BADBAD0;
        EXPECT_AT(esps[i], hx_syscall_esp(SYS_yield, esps[i], &after), 0);
        EXPECT_AT(esps[i], after, esps[i]);
    }
}

/* Data segment registers the CPU lets ring 3 load: null, and USER_DS with
 * RPL 0 (max(CPL, RPL) <= DPL 3). They come back as they were: iret nulls
 * only a data segment whose DPL is below the new CPL, and USER_DS's is 3. */
static void syscall_with_odd_selectors(void)
{
    long me = getpid();
    static const uint32_t sels[][4] = {
        { 0, 0, 0, 0 },
        { USER_DS_RPL0, USER_DS_RPL0, USER_DS_RPL0, USER_DS_RPL0 },
        { 0, USER_DS_RPL0, USER_DS, 0 },
    };
    static const uint32_t nrs[] = { SYS_getpid, SYS_yield };
    for (int k = 0; k < 3; k++)
        for (int j = 0; j < 2; j++) {
            struct regs in = plain_regs(nrs[j]), out;
            in.ds = sels[k][0], in.es = sels[k][1], in.fs = sels[k][2], in.gs = sels[k][3];
            memset(&out, 0, sizeof(out));
            hx_regs_syscall(&in, &out);
            long want = nrs[j] == SYS_getpid ? me : 0;
            EXPECT((long)out.eax == want && same_gprs(&in, &out) && (out.ds & 0xFFFF) == in.ds &&
                   (out.es & 0xFFFF) == in.es && (out.fs & 0xFFFF) == in.fs && (out.gs & 0xFFFF) == in.gs,
                   "nr %d with ds %x es %x fs %x gs %x: eax %x, came back ds %x es %x fs %x gs %x",
                   (int)nrs[j], in.ds, in.es, in.fs, in.gs, out.eax, out.ds, out.es, out.fs, out.gs);
        }
}

/* ------------------------------------------------------------ faults in children */

static const struct fault_case {
    const char *name;
    void (*fn)(uint32_t);
    uint32_t arg;
    int vector;
} faults[] = {
    { "read_0x0", hx_read, 0, 14 },
    { "write_0x0", hx_write, 0, 14 },
    { "exec_0x0", hx_exec, 0, 14 },
    { "read_0xf123456c", hx_read, 0xF123456Cu, 14 },
    { "write_0xf123456c", hx_write, 0xF123456Cu, 14 },
    { "exec_0xf123456c", hx_exec, 0xF123456Cu, 14 },
    { "read_trampoline", hx_read, TRAMPOLINE_BASE, 14 },
    { "write_trampoline", hx_write, TRAMPOLINE_BASE, 14 },
    { "exec_trampoline", hx_exec, TRAMPOLINE_BASE, 14 },
    { "read_kernel_link_address", hx_read, KERNEL_VIRT_BASE, 14 },
    { "read_direct_map", hx_read, DIRECT_MAP_BASE, 14 },
    { "read_top_of_memory", hx_read, 0xFFFFFFFCu, 14 },
    { "write_own_text", hx_write, TEXT, 14 },
    { "write_stack_guard", hx_write, USER_STACK_TOP, 14 },
    { "ud2", hx_ud2, 0, 6 },
    { "syscall_insn", hx_syscall, 0, 6 },
    { "bound", hx_bound, 0, 5 },
    { "hlt", hx_hlt, 0, 13 },
    { "cli", hx_cli, 0, 13 },
    { "sti", hx_sti, 0, 13 },
    { "in", hx_in, 0, 13 },
    { "out", hx_out, 0, 13 },
    { "lgdt", hx_lgdt, 0, 13 },
    { "lidt", hx_lidt, 0, 13 },
    { "mov_cr3", hx_mov_cr3, 0, 13 },
    { "read_cr0", hx_read_cr0, 0, 13 },
    { "mov_dr7", hx_mov_dr7, 0, 13 },
    { "rdmsr", hx_rdmsr, 0, 13 },
    { "wrmsr", hx_wrmsr, 0, 13 },
    { "invlpg", hx_invlpg, 0, 13 },
    { "clts", hx_clts, 0, 13 },
    { "ltr", hx_ltr, 0, 13 },
    { "lldt", hx_lldt, 0, 13 },
    { "wbinvd", hx_wbinvd, 0, 13 },
    { "sysenter_returning_to_0", hx_sysenter, 0, 14 },
    { "tf_across_sysenter", hx_tf_sysenter, 0, 1 },
    { "load_kernel_ds", hx_load_kernel_ds, 0, 13 },
    { "load_ldt_selector", hx_load_ldt_selector, 0, 13 },
    { "load_kernel_ss", hx_load_kernel_ss, 0, 13 },
    { "far_jmp_kernel_cs", hx_far_jmp_kernel_cs, 0, 13 },
    { "iret_to_kernel_cs", hx_iret_to_kernel_cs, 0, 13 },
    { "int3_cc", hx_int3_cc, 0, 13 },
    { "into", hx_into, 0, 13 },
};
#define NFAULTS ((int)(sizeof(faults) / sizeof(faults[0])))

/* `int n` from ring 3 for n != 0x80 meets a DPL-0 gate: #GP (vector 13),
 * error code n * 8 + 2, whatever vector n is. */
static const uint8_t int_vectors[] = { 0, 1, 2, 3, 4, 5, 6, 8, 13, 14, 0x1F, 0x20, 0x21, 0x24,
                                       0x2F, 0x30, 0x7F, 0x82, 0xFF };
#define NINTS ((int)sizeof(int_vectors))

static const struct fault_case *current_fault;

static void run_fault(void)
{
    unsigned f0 = frames_free();
    int st = child_status(current_fault->fn, current_fault->arg);
    EXPECT(st == STATUS_FAULT(current_fault->vector), "status %d, expected %d (STATUS_FAULT(%d))", st,
           STATUS_FAULT(current_fault->vector), current_fault->vector);
    EXPECT_FRAMES(f0);
}

/* ------------------------------------------------------------ LDT */

/* The LDT must be unusable from ring 3. A kernel that never loads LDTR
 * leaves the value it had at reset: base 0, limit 0xFFFF. Then bytes at
 * [0x1000, 0x10000) of the user's own address space are LDT entries, and a
 * DPL-3 call gate there to KERNEL_CS runs user code at CPL 0. With a null
 * LDTR (lldt 0) the far call meets #GP (vector 13). The child maps 0xF000
 * (LDT index 0x1E00), writes the gate, and calls through it; if the probe
 * ever runs at CPL 0 it comes back and the child exits 0xC0. */
#define LDT_GATE_VA 0xF000u
#define LDT_GATE_SEL ((LDT_GATE_VA / 8) << 3 | 4 | 3)  /* TI = 1, RPL 3 */

static void ldt_call_gate_child(uint32_t arg)
{
    (void)arg;
    if (map(P(LDT_GATE_VA), 1, RW) != 0)
        exit(0xE0);
    uint32_t off = (uint32_t)(uintptr_t)hx_ring0_probe;
    volatile uint32_t *gate = P(LDT_GATE_VA);
    gate[0] = (uint32_t)KERNEL_CS << 16 | (off & 0xFFFF);               /* KERNEL_CS : offset 15..0 */
    gate[1] = (off & 0xFFFF0000u) | 0xEC00;                           /* P, DPL 3, 32-bit call gate */
    hx_lcall(LDT_GATE_SEL);
    exit(0xC0);
}

static void ldt_call_gate_unusable(void)
{
    unsigned f0 = frames_free();
    int st = child_status(ldt_call_gate_child, 0);
    EXPECT(st != 0xC0, "user code ran at CPL 0 through an LDT call gate at %p (LDTR never loaded: base 0)",
           (void *)LDT_GATE_VA);
    EXPECT(st != 0xE0, "could not map %p", (void *)LDT_GATE_VA);
    EXPECT_EQ(st, STATUS_FAULT(13));
    EXPECT_FRAMES(f0);
}

/* ------------------------------------------------------------ x87 state */

/* Process A leaves a value in ST(0) and blocks; process B then reads ST(0)
 * without loading anything. B must not see A's value, and A must find its
 * own value again. (Passes too if the kernel forbids x87 altogether: both
 * then die by #NM, vector 7.) */
static void x87_state_not_shared(void)
{
    unsigned f0 = frames_free();
    const int32_t secret = 0x5EC2E7;
    long b = fork();
    if (b == 0) {
        char go[4];
        int s;
        ipc_recv((int)getppid(), go, sizeof(go), &s);
        exit(hx_fpu_store() == secret ? 1 : 0);
    }
    long a = fork();
    if (a == 0) {
        hx_fpu_load(secret);
        char r[4];
        ipc_call((int)getppid(), "ready", 5, r, sizeof(r));             /* blocks with ST(0) loaded */
        exit(hx_fpu_store() == secret ? 0 : 2);
    }
    EXPECT(a > 0 && b > 0, "fork() = %d, %d", (int)a, (int)b);
    if (a <= 0 || b <= 0)
        return;
    char m[8];
    int s;
    long n = ipc_recv((int)a, m, sizeof(m), &s);                         /* -ESRCH if A died by #NM */
    EXPECT_EQ(ipc_send((int)b, "go", 2), 0);
    int sb = wait_status(b);
    if (n == 5)
        EXPECT_EQ(ipc_reply((int)a, "ok", 2), 0);
    int sa = wait_status(a);
    if (sa == STATUS_FAULT(7) && sb == STATUS_FAULT(7)) {
        DIAG("x87 is disabled (#NM)");
    } else {
        EXPECT(sb == 0, "process B read process A's x87 register (status %d)", sb);
        EXPECT(sa == 0, "process A lost its x87 register (status %d)", sa);
    }
    EXPECT_FRAMES(f0);
}

/* ------------------------------------------------------------ main */

static const struct scenario cases[] = {
    { write_bad_buffers, "write_bad_buffers_efault" },
    { write_wrapping_ranges, "write_wrapping_ranges_efault" },
    { read_bad_buffers, "read_bad_buffers_efault_without_blocking" },
    { sysinfo_bad_buffers, "sysinfo_bad_buffers_efault" },
    { spawn_bad_names, "spawn_bad_names_efault" },
    { spawn_bad_argv, "spawn_bad_argv_efault" },
    { wait_bad_status, "wait_bad_status_efault_before_reaping" },
    { ps_modules_bad_buffers, "ps_modules_bad_buffers_efault" },
    { ipc_send_bad_message, "ipc_send_bad_message_efault" },
    { ipc_recv_bad_buffers, "ipc_recv_bad_buffers_efault_message_stays_queued" },
    { ipc_call_bad_buffers, "ipc_call_bad_buffers_efault" },
    { ipc_reply_bad_buffers, "ipc_reply_bad_buffers_efault" },
    { map_unmap_hostile_ranges, "map_unmap_hostile_ranges_einval" },
    { brk_hostile_values, "brk_hostile_values" },
    { last_user_page_boundary, "copy_out_ending_at_user_top" },
    { shm_grant_hostile_ranges, "shm_grant_hostile_ranges_einval" },
    { shm_map_hostile_ranges, "shm_map_hostile_ranges_einval" },
    { unknown_numbers_preserve_registers, "unknown_syscall_numbers_enosys_registers_kept" },
    { eflags_nt_ac_preserved, "eflags_nt_ac_kept_across_syscall" },
    { eflags_iopl_stays_0, "eflags_iopl_cannot_be_raised" },
    { eflags_tf_across_syscall, "eflags_tf_across_syscall_db_after_return" },
    { sysenter_tf_ring_trip_stays_in_its_process, "sysenter_tf_ring_trip_stays_in_its_process" },
    { poweroff_refused_to_ordinary_processes, "poweroff_refused_to_ordinary_processes" },
    { setfg_permissions, "setfg_only_self_or_child_and_not_from_the_background" },
    { syscall_with_hostile_esp, "syscall_with_hostile_esp" },
    { syscall_with_odd_selectors, "syscall_with_null_and_rpl0_selectors" },
    { ldt_call_gate_unusable, "ldt_call_gate_in_user_memory_gp" },
    { x87_state_not_shared, "x87_state_not_shared_between_processes" },
};
#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))


int main(void)
{
    struct sysinfo si;
    if (sysinfo(&si) == 0)
        shared_mode = SYSINFO_ASPACE(si.features) == 2;
    wait_for_turn();
    if (map(P(SCRATCH), 1, RW) != 0) {
        printf("    # test_hostile: cannot map the scratch page\n");
        return 100;
    }
    ktap_plan(NCASES + NFAULTS + NINTS);
    for (int i = 0; i < NCASES; i++) {
        scenario = cases[i].name;
        ok = 1;
        cases[i].fn();
        ktap_result(ok, cases[i].name);
    }
    for (int i = 0; i < NFAULTS; i++) {
        char name[48];
        snprintf(name, sizeof(name), "fault_%s_vector_%d", faults[i].name, faults[i].vector);
        scenario = name;
        ok = 1;
        current_fault = &faults[i];
        run_fault();
        ktap_result(ok, name);
    }
    for (int i = 0; i < NINTS; i++) {
        char name[48];
        snprintf(name, sizeof(name), "int_0x%02x_gp", int_vectors[i]);
        struct fault_case fc = { name, (void (*)(uint32_t))hx_int_table[int_vectors[i]], 0, 13 };
        scenario = name;
        ok = 1;
        current_fault = &fc;
        run_fault();
        ktap_result(ok, name);
    }
    unmap(P(SCRATCH), 1);
    return ktap_failures();
}
