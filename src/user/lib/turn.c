/*
 * turn.c - wait_for_turn() for user test programs that measure the global
 * free-frame count and so must run alone (test_hostile, fuzz).
 */
#include "expect.h"

/* Sleep until every process started before us has finished: frames_free is
 * global. Waits on one of them at a time with ipc_recv(pid), which returns
 * -ESRCH when that process exits. Not waited for: init (it never exits),
 * our own children, and boot processes started after us (they wait too).
 * Zombies still hold a kernel stack until init (or their parent) reaps
 * them: for those we yield, at most 10 s. */
void wait_for_turn(void)
{
    static struct procinfo tab[PS_ROWS];
    long me = getpid(), start = 0;
    for (;;) {
        long n = ps(tab, PS_ROWS), other = 0, zombies = 0;
        for (long i = 0; i < n && !other; i++) {
            const struct procinfo *p = &tab[i];
            if (p->pid == me || p->pid == 1 || p->ppid == me || (p->ppid == 0 && p->pid > me))
                continue;
            if (p->state == PROC_STATE_ZOMBIE)
                zombies++;
            else
                other = p->pid;
        }
        if (other) {
            char b[4];
            int s;
            ipc_recv((int)other, b, sizeof(b), &s);
        } else if (zombies) {
            if (!start)
                start = ticks();
            if (ticks() - start > 10 * TIMER_HZ)
                return;
            yield();
        } else {
            return;
        }
    }
}
