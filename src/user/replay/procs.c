/*
 * procs.c - the replay core's processes and turns (docs/benchmarking.md,
 * "Processes"): one process per traced task; the records of all of them run
 * one at a time in trace order, the turn handed on through a shared position
 * and per-position futex bells; OP_FORK, OP_EXIT and a paired OP_FUTEX_WAIT
 * measured across processes; one pass over a trace (run_pass). core.c: the
 * whole.
 */
#include "replay_int.h"

/* ---------------------------------------------------------------- processes and turns */

#define TURN_IDLE    UINT32_MAX            /* sh->turn before a pass has begun */
#define WAKE_ALL     0x7fffffffu
enum { EXIT_NONE, EXIT_ARMED, EXIT_READY, EXIT_DROPPED };

/* The first position after pos whose record will run (t->nrec: none). */
static uint32_t next_live(const struct trace_run *t, uint32_t pos)
{
    do
        pos++;
    while (pos < t->nrec && t->dead[t->order[pos]]);
    return pos;
}

/*
 * Close a pending OP_EXIT window, if one is open, in the first process to
 * run after the exit (called right after a turn wait returns): its window
 * is the exit call, the switch and this process's return to user mode.
 * A window whose exiting process had not yet taken its rdtsc (it was
 * preempted in between) is dropped: that exit gets no sample this pass.
 */
static void exit_claim(struct trace_run *t, struct replay_state *s, enum pass_kind kind, uint32_t *samples)
{
    uint32_t t1 = tsc();
    struct replay_shared *sh = s->sh;
    struct replay_events b;
    if (sh->exit_state == EXIT_NONE)
        return;
    if (kind == PASS_EVENTS)
        os_events(&b);
    if (!__sync_bool_compare_and_swap(&sh->exit_state, EXIT_READY, EXIT_NONE)) {
        __sync_bool_compare_and_swap(&sh->exit_state, EXIT_ARMED, EXIT_DROPPED);
        return;
    }
    uint32_t i = sh->exit_rec - 1;
    struct name_stat *ns = &t->per_name[t->rec[i].name];
    if (kind == PASS_EVENTS) {
        struct replay_events one = { 0, 0, 0, 0, 0 };
        events_delta(&one, &sh->exit_ev, &b, &t->base);
        if (one.syscalls != 1)
            sh->window_errors++;
        events_delta(&ns->ev, &sh->exit_ev, &b, &t->base);
    } else if (kind == PASS_TIMED) {
        samples[i] = t1 - sh->exit_t0 > t->overhead ? t1 - sh->exit_t0 - t->overhead : 0;
    }                                          /* PASS_FILLS: no bracket spans two processes */
}

/* Sleep until position pos has the turn: on its bell (a futex word), read
 * before the turn so that a ring between the two makes the wait return at
 * once (-EAGAIN). Only the process whose turn comes is woken (and any
 * waiting for a position TURN_BELLS apart): the others stay asleep, so no
 * process runs a call inside another's window. Untimed: before the
 * record's window opens. */
static void turn_wait(struct trace_run *t, struct replay_state *s, uint32_t pos, enum pass_kind kind,
                      uint32_t *samples)
{
    volatile uint32_t *bell = &s->sh->bell[pos % TURN_BELLS];
    for (;;) {
        uint32_t v = *bell;
        if (s->sh->turn == pos)
            return;
        os_futex_wait(bell, v);
        exit_claim(t, s, kind, samples);
    }
}

/* Give the turn to position next and ring its bell. */
static void turn_give(struct replay_state *s, uint32_t next)
{
    volatile uint32_t *bell = &s->sh->bell[next % TURN_BELLS];
    s->sh->turn = next;
    __sync_fetch_and_add(bell, 1);
    os_futex_wake(bell, WAKE_ALL);
}

/* Hand the turn on from record i to the next live position; no system call
 * if that is this process's own next record. Untimed: after the record's
 * window has closed (or, for a record that sleeps, before it opens). */
static void turn_pass(struct trace_run *t, struct replay_state *s, uint32_t i)
{
    uint32_t next = next_live(t, t->pos_of[i]);
    if (next < t->nrec && t->order[next] == t->next_same[i])
        s->sh->turn = next;
    else
        turn_give(s, next);
}

/* Mark the lifetime starting at record k (through its OP_EXIT) as not run. */
static void kill_lifetime(struct trace_run *t, uint32_t k)
{
    for (; k != NONE; k = t->next_same[k]) {
        t->dead[k] = 1;
        if (t->rec[k].op == OP_EXIT)
            break;
    }
}

static void run_task(struct trace_run *t, struct replay_state *s, uint32_t start, enum pass_kind kind,
                     uint32_t *samples);

/*
 * OP_FORK record fork_i, in its turn: fork the replay process (timed, in the
 * parent); the child replays the lifetime the fork creates (fork_start),
 * each record in its turn, concurrently with every other process. The child
 * makes no system call until the parent has handed the turn on past the
 * fork (it spins on the turn word), so the fork's window holds only the
 * fork. If the fork fails, the lifetime's records are marked not run.
 */
static void run_fork(struct trace_run *t, struct replay_state *s, uint32_t fork_i, enum pass_kind kind,
                     uint32_t *samples)
{
    struct replay_shared *sh = s->sh;
    const struct trace_record *rec = &t->rec[fork_i];
    struct name_stat *ns = &t->per_name[rec->name];
    struct replay_events a, b;
    struct replay_fills f;
    uint32_t t0, t1, pos = t->pos_of[fork_i];

    if (kind == PASS_FILLS)
        os_fills(NULL, NULL);
    if (kind == PASS_EVENTS)
        os_events(&a);
    t0 = tsc();
    long pid = os_fork();
    t1 = tsc();
    if (pid == 0) {                            /* the child */
        while (sh->turn <= pos || sh->turn == TURN_IDLE)
            __asm__ volatile("pause" ::: "memory");
        for (uint32_t k = 0; k < s->npids; k++)
            s->pid_of[k] = 0;
        run_task(t, s, t->fork_start[fork_i], kind, samples);
        os_exit(0);                            /* the lifetime had no OP_EXIT record: untimed */
    }
    if (kind == PASS_EVENTS)
        os_events(&b);
    if (kind == PASS_FILLS)
        os_fills(&f, NULL);
    if ((pid < 0) != (rec->result == TRACE_RES_ERR) && rec->result != TRACE_RES_UNKNOWN)
        sh->mismatches++;
    if (kind == PASS_EVENTS) {
        struct replay_events one = { 0, 0, 0, 0, 0 };
        events_delta(&one, &a, &b, &t->base);
        if (one.syscalls != 1)
            sh->window_errors++;
        events_delta(&ns->ev, &a, &b, &t->base);
    } else if (kind == PASS_FILLS) {
        for (int k = 0; k < FILL_KINDS; k++)
            ns->fills[k] += f.n[k];
    } else {
        samples[fork_i] = t1 - t0 > t->overhead ? t1 - t0 - t->overhead : 0;
    }
    if (pid > 0 && rec->aux < s->npids)
        s->pid_of[rec->aux] = pid;
    if (pid < 0 && t->fork_start[fork_i] != NONE)
        kill_lifetime(t, t->fork_start[fork_i]);
}

/*
 * OP_FUTEX_WAIT record i, paired with a later OP_FUTEX_WAKE on the same
 * replay word: read the word, hand the turn on (the wake comes in a later
 * turn), then FUTEX_WAIT for real. Its ticks run from the call to its
 * return: the sleep included, while other processes replay the records
 * between the wait and its wake (as the trace's own duration does). Its
 * events are not counted (the window holds other processes' calls), nor its
 * fills. If the wake came first (it cannot on one CPU unless this process
 * was preempted before its call), the wait returns -EAGAIN: a mismatch.
 */
static void futex_wait_record(struct trace_run *t, struct replay_state *s, uint32_t i, enum pass_kind kind,
                              uint32_t *samples)
{
    const struct trace_record *rec = &t->rec[i];
    volatile uint32_t *w = &s->fwords[rec->aux % TRACE_FUTEX_WORDS];
    uint32_t v = *w;
    turn_pass(t, s, i);
    uint32_t t0 = tsc();
    long r = os_futex_wait(w, v);
    uint32_t t1 = tsc();
    if ((r < 0) != (rec->result == TRACE_RES_ERR) && rec->result != TRACE_RES_UNKNOWN)
        s->sh->mismatches++;
    if (kind == PASS_TIMED)
        samples[i] = t1 - t0 > t->overhead ? t1 - t0 - t->overhead : 0;
}

/* Replay the lifetime starting at record `start` in this process: the
 * task's records in trace order, each in its turn, up to its OP_EXIT
 * (which does not return). */
static void run_task(struct trace_run *t, struct replay_state *s, uint32_t start, enum pass_kind kind,
                     uint32_t *samples)
{
    for (uint32_t i = start; i != NONE; i = t->next_same[i]) {
        const struct trace_record *rec = &t->rec[i];
        turn_wait(t, s, t->pos_of[i], kind, samples);
        if (rec->op == OP_FORK) {
            run_fork(t, s, i, kind, samples);
        } else if (rec->op == OP_EXIT) {
            struct replay_shared *sh = s->sh;
            sh->exit_rec = i + 1;
            sh->exit_state = EXIT_ARMED;
            turn_pass(t, s, i);
            if (kind == PASS_EVENTS)
                os_events(&sh->exit_ev);
            sh->exit_t0 = tsc();
            if (!__sync_bool_compare_and_swap(&sh->exit_state, EXIT_ARMED, EXIT_READY))
                sh->exit_state = EXIT_NONE;    /* dropped (exit_claim): no sample */
            os_exit(0);
        } else if (rec->op == OP_FUTEX_WAIT && rec->result != TRACE_RES_ERR) {
            futex_wait_record(t, s, i, kind, samples);
            continue;                          /* the turn is passed already */
        } else {
            measure_record(t, s, i, kind, samples);
        }
        turn_pass(t, s, i);
    }
}

/*
 * One pass over the trace: PASS_EVENTS (the warm-up pass: event windows
 * and their totals), PASS_TIMED (ticks into samples[0..nrec), UINT32_MAX
 * for a record not measured) or PASS_FILLS. A trace with lifecycle records
 * starts a process for each root lifetime (untimed), then gives the turn to
 * the first record and sleeps until the last one has run (closing the last
 * exit window), and reaps every process left; one without runs all its
 * records here.
 */
void run_pass(struct trace_run *t, struct replay_state *s, enum pass_kind kind, uint32_t *samples)
{
    if (samples)
        memset(samples, 0xFF, sizeof(uint32_t) * t->nrec);
    t->base = events_baseline();
    if (!t->procs) {
        for (uint32_t i = 0; i < t->nrec; i++)
            measure_record(t, s, i, kind, samples);
    } else {
        struct replay_shared *sh = s->sh;
        memset((void *)t->dead, 0, t->nrec);
        sh->turn = TURN_IDLE;
        sh->exit_state = EXIT_NONE;
        for (uint32_t r = 0; r < t->nroots; r++) {
            long pid = os_fork();
            if (pid == 0) {
                for (uint32_t k = 0; k < s->npids; k++)
                    s->pid_of[k] = 0;
                run_task(t, s, t->roots[r], kind, samples);
                os_exit(0);
            }
            if (pid < 0) {
                printf("replay: fork failed: lifetime at record %u not run\n", t->roots[r]);
                kill_lifetime(t, t->roots[r]);
            }
        }
        turn_give(s, t->nrec > 0 && t->dead[t->order[0]] ? next_live(t, 0) : 0);
        turn_wait(t, s, t->nrec, kind, samples);
        while (os_wait(-1, NULL) > 0)          /* roots, and orphans (the Linux peer's pid 1 adopts them) */
            ;
    }
    reset_pass(s);
}

/* The fills pass (untimed): run_pass(PASS_FILLS), each record bracketed by
 * two os_fills(). Returns 0, or -1 (nothing counted) if the system cannot
 * count fills. */
int run_fills_pass(struct trace_run *t, struct replay_state *s)
{
    if (os_fills(NULL, NULL) < 0)
        return -1;
    run_pass(t, s, PASS_FILLS, NULL);
    return 0;
}
