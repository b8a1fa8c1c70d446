/*
 * common.c - test_hostile's shared state and helpers (hostile.h): the
 * per-scenario state expect.h's macros use, the addresses no pointer may
 * reach, and the forked helpers the scenarios start.
 */
#include "hostile.h"

int ok;
const char *scenario;
int shared_mode;

const uint32_t bad_ptrs[NBAD] = { 0, USER_BASE - 1, TRAMPOLINE_BASE, KERNEL_VIRT_BASE, DIRECT_MAP_BASE };

void run_scenario(const char *name, void (*fn)(void))
{
    scenario = name;
    ok = 1;
    fn();
    ktap_result(ok, name);
}

int wait_asleep(long pid)
{
    long start = ticks();
    while (state_of(pid) != PROC_STATE_SLEEPING && ticks() - start < 3 * TIMER_HZ)
        yield();
    return state_of(pid) == PROC_STATE_SLEEPING;
}

int child_status(void (*fn)(uint32_t), uint32_t arg)
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

long fork_run(int (*body)(void))
{
    long c = fork();
    if (c == 0)
        exit(body());
    EXPECT(c > 0, "fork() = %d", (int)c);
    return c;
}

int msg_status(long n, const void *got, const char *want)
{
    size_t len = strlen(want);
    if (n == (long)len && memcmp(got, want, len) == 0)
        return 0;
    return n < 0 ? 100 - (int)n : 1;
}

/* The idle partner: blocks in ipc_recv from its parent until it gets
 * anything, then exits 0. */
static int idle_partner(void)
{
    char b[16];
    int s;
    long n = ipc_recv((int)getppid(), b, sizeof(b), &s);
    return n >= 0 ? 0 : 1;
}

long fork_idle_partner(void)
{
    return fork_run(idle_partner);
}

int state_of(long pid)
{
    return proc_state(pid);
}

void release_partner(long c)
{
    if (c <= 0)
        return;
    EXPECT_EQ(ipc_send((int)c, "bye", 3), 0);
    EXPECT_EQ(wait_status(c), 0);
}
