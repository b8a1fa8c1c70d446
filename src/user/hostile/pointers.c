/*
 * pointers.c - every pointer argument of every syscall aimed where
 * it may not go (page 0, the trampoline, the kernel's link address, the
 * direct map), ranges that straddle an unmapped page or wrap past 4 GiB:
 * -EFAULT, nothing copied half-way, nothing leaked.
 * (hostile.h: what the scenarios share; test_hostile.c runs them.)
 */
#include "hostile.h"

void write_bad_buffers(void)
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

void write_wrapping_ranges(void)
{
    EXPECT_EQ(write(1, P(0xFFFFF000u), 0x2000), -EFAULT);
    EXPECT_EQ(write(1, P(TEXT), 0xFFFFFFFFu), -EFAULT);
    EXPECT_EQ(write(1, P(0xFFFFFFFFu), 2), -EFAULT);
    EXPECT_EQ(write(1, P(SCRATCH), 0u - SCRATCH + 0x10), -EFAULT);  /* wraps past 4 GiB to 0x10 */
    EXPECT_EQ(write(1, P(TEXT), UACCESS_MAX_LEN + 1), -EFAULT);       /* over UACCESS_MAX_LEN */
}

/* read(0) with a bad buffer must fail before it blocks for input. Run in a
 * child: if the kernel blocked instead, the child is found asleep and killed. */
void read_bad_buffers(void)
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
    while (state_of(c) != PROC_STATE_ZOMBIE && ticks() - start < 3 * TIMER_HZ)
        yield();
    if (state_of(c) != PROC_STATE_ZOMBIE) {
        DIAG("the child is still in read() after 3 s (state %d): blocked instead of -EFAULT", state_of(c));
        ok = 0;
        kill((int)c);
    }
    EXPECT_EQ(wait_status(c), 0);
    EXPECT_FRAMES(f0);
}

void sysinfo_bad_buffers(void)
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

void spawn_bad_names(void)
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

void spawn_bad_argv(void)
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

void wait_bad_status(void)
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

void ps_modules_bad_buffers(void)
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

/* The receiver of ipc_send_bad_message: exits msg_status() of "good". */
static int receive_good(void)
{
    char b[16];
    int s;
    long n = ipc_recv((int)getppid(), b, sizeof(b), &s);
    return msg_status(n, b, "good");
}

void ipc_send_bad_message(void)
{
    unsigned f0 = frames_free();
    long me = getpid();
    /* The peer is checked before the message. */
    EXPECT_EQ(ipc_send(99999, P(0), 4), -ESRCH);
    EXPECT_EQ(ipc_send((int)me, P(0), 4), -EDEADLK);
    long c = fork_run(receive_good);
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
void ipc_recv_bad_buffers(void)
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
    EXPECT_EQ(state_of(c), PROC_STATE_SLEEPING);                      /* still waiting to send */
    memset(buf, 0, sizeof(buf));
    EXPECT_EQ(ipc_recv((int)c, buf, sizeof(buf), &sender), 6);
    EXPECT(memcmp(buf, "queued", 6) == 0, "got \"%s\"", buf);
    EXPECT_EQ(sender, c);
    EXPECT_EQ(wait_status(c), 0);
    EXPECT_FRAMES(f0);
}

/* The callee of ipc_call_bad_buffers: receives "ping", replies "pong";
 * exits 0 if both went through. */
static int answer_ping(void)
{
    char b[16];
    int s;
    long n = ipc_recv((int)getppid(), b, sizeof(b), &s);
    long r = ipc_reply((int)getppid(), "pong", 4);
    return n == 4 && memcmp(b, "ping", 4) == 0 && r == 0 ? 0 : 1;
}

void ipc_call_bad_buffers(void)
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
    long c = fork_run(answer_ping);
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

/* The caller of ipc_reply_bad_buffers: exits msg_status() of the reply "pong". */
static int call_ping_pong(void)
{
    char r[16];
    memset(r, 0, sizeof(r));
    long n = ipc_call((int)getppid(), "ping", 4, r, sizeof(r));
    return msg_status(n, r, "pong");
}

void ipc_reply_bad_buffers(void)
{
    unsigned f0 = frames_free();
    long me = getpid();
    EXPECT_EQ(ipc_reply(99999, P(0), 4), -ESRCH);
    EXPECT_EQ(ipc_reply((int)me, P(0), 4), -EDEADLK);
    long c = fork_run(call_ping_pong);
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
