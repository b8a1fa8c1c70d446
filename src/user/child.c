/*
 * child - a helper the tests spawn; argv[1] picks what it does:
 *
 *   child exit N              exit(N)
 *   child spin UNTIL          count loop iterations while ticks() < UNTIL;
 *                             exit(1) if it got at least one in before the
 *                             deadline (it was scheduled in time), else 0
 *   child block               ipc_recv from the parent forever: blocks until
 *                             killed
 *   child ppid REPORT [ORIG]  yield until getppid() != ORIG (default: the
 *                             parent at start), at most ~500 ticks; then
 *                             ipc_send(REPORT, &ppid, 4) and exit(0)
 *   child pong                IPC echo server: ipc_recv(IPC_ANY), ipc_reply
 *                             the same bytes; on the 4-byte message "quit"
 *                             reply "bye!" and exit(0)
 *   child recvonce PID [MAX [EXPECT [UNTIL]]]
 *                             (spin until ticks() >= UNTIL, so that a sender
 *                             blocks first), then one ipc_recv(PID, buf, MAX
 *                             (default 4096));
 *                             exit status = its return value: the length,
 *                             or -errno (e.g. -3 = -ESRCH; kills and faults
 *                             have their own wait() encodings, so they never clash).
 *                             With EXPECT, a message whose bytes differ
 *                             from EXPECT exits 999 instead.
 *   child recvexit            one ipc_recv(IPC_ANY); exit(0) without
 *                             replying (the caller's ipc_call must fail)
 *   child argc ...            exit(argc)
 *   child getpid              exit(getpid())
 *   child getppid             exit(getppid())
 *   child fault               write to address 0: killed with STATUS_FAULT(14)
 *
 * Unknown or missing mode: exit(200).
 */
#include "ulib.h"

static char buf[IPC_MAX_MSG];

static int spin(long until)
{
    unsigned count = 0;
    while (ticks() < until)
        count++;
    return count > 0;
}

static int block(void)
{
    int sender;
    for (;;) {
        if (ipc_recv((int)getppid(), buf, sizeof(buf), &sender) < 0)
            yield();
    }
    return 0;
}

static int report_ppid(int report, long orig)
{
    long start = ticks();
    long ppid = getppid();
    while (ppid == orig && ticks() - start < 500) {
        yield();
        ppid = getppid();
    }
    int v = (int)ppid;
    return ipc_send(report, &v, sizeof(v)) == 0 ? 0 : 1;
}

static int pong(void)
{
    for (;;) {
        int sender;
        long n = ipc_recv(IPC_ANY, buf, sizeof(buf), &sender);
        if (n < 0)
            return 2;
        if (n == 4 && memcmp(buf, "quit", 4) == 0) {
            ipc_reply(sender, "bye!", 4);
            return 0;
        }
        ipc_reply(sender, buf, (size_t)n);
    }
}

static int recvonce(int src, size_t max, const char *expect, long until)
{
    int sender;
    while (ticks() < until)
        ;
    long n = ipc_recv(src, buf, max, &sender);
    if (n >= 0 && expect && ((size_t)n != strlen(expect) || memcmp(buf, expect, (size_t)n) != 0))
        return 999;
    return (int)n;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 200;
    const char *mode = argv[1];
    if (strcmp(mode, "exit") == 0 && argc > 2)
        return atoi(argv[2]);
    if (strcmp(mode, "spin") == 0 && argc > 2)
        return spin(atoi(argv[2]));
    if (strcmp(mode, "block") == 0)
        return block();
    if (strcmp(mode, "ppid") == 0 && argc > 2)
        return report_ppid(atoi(argv[2]), argc > 3 ? atoi(argv[3]) : getppid());
    if (strcmp(mode, "pong") == 0)
        return pong();
    if (strcmp(mode, "recvonce") == 0 && argc > 2)
        return recvonce(atoi(argv[2]), argc > 3 ? (size_t)atoi(argv[3]) : sizeof(buf), argc > 4 ? argv[4] : NULL,
                        argc > 5 ? atoi(argv[5]) : 0);
    if (strcmp(mode, "recvexit") == 0) {
        int sender;
        ipc_recv(IPC_ANY, buf, sizeof(buf), &sender);
        return 0;
    }
    if (strcmp(mode, "argc") == 0)
        return argc;
    if (strcmp(mode, "getpid") == 0)
        return (int)getpid();
    if (strcmp(mode, "getppid") == 0)
        return (int)getppid();
    if (strcmp(mode, "fault") == 0) {
        volatile uintptr_t addr = 0;    /* not a constant: no UB games */
        *(volatile int *)addr = 1;
        return 201;
    }
    return 200;
}
