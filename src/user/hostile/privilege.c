/*
 * privilege.c - calls only some processes may make: poweroff (init
 * and what it spawned) and setfg (the caller or its child, not a background
 * job).
 * (hostile.h: what the scenarios share; test_hostile.c runs them.)
 */
#include "hostile.h"

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
void poweroff_refused_to_ordinary_processes(void)
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
    while (state_of(g) != 0 && ticks() - start < 3 * TIMER_HZ)
        yield();                                            /* init reaps it */
    EXPECT_FRAMES(f0);
}

/* setfg: who may name the console's foreground process (the one Ctrl-C
 * kills). Only the caller or its child; a nonexistent pid is -ESRCH; and
 * while a child of ours is in the foreground, a sibling (a background job)
 * can neither take it over nor clear it. (The fuzzer, running beside us,
 * never names itself or a child, so it never holds the foreground.) */
void setfg_permissions(void)
{
    long me = getpid();
    EXPECT_EQ(setfg(0x7fffffff), -ESRCH);
    EXPECT_EQ(setfg(-1), -ESRCH);
    EXPECT_EQ(setfg(1), state_of(1) ? -EPERM : -ESRCH);  /* init: not ours */
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
