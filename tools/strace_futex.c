/*
 * strace_futex.c - futex wait/wake pairs (docs/trace-format.md, "Futex
 * pairs").
 *
 * The converter notes every futex call it records (struct sp_futex: its
 * record, task, word address, WAIT or WAKE, whether it blocked, its return
 * value, and for a call joined from "<unfinished ...>" / "<... resumed>"
 * the number of records started before it resumed). sp_futex_pair() then
 * finds, for each FUTEX_WAIT that blocked (joined, result 0), the
 * FUTEX_WAKE that ended it: the first wake on the same address by another
 * task, entered after the wait and before it resumed, that returned >= 1
 * and has not yet been credited with as many waits as it woke. The pair
 * becomes OP_FUTEX_WAIT / OP_FUTEX_WAKE on one replay word (aux). Of the
 * calls left unpaired, a failed FUTEX_WAIT (EAGAIN, ...) and every
 * FUTEX_WAKE become OP_FUTEX_WAIT / OP_FUTEX_WAKE on TRACE_FUTEX_IDLE, a
 * word nobody sleeps on; the rest (a wait that returned 0 with no wake
 * found, requeue and two-word ops) keep the mapping table's OP_COPY_IN of
 * the 4-byte word.
 */
#include <string.h>

#include "strace_parse.h"

static int starts(struct sp_span a, const char *lit)
{
    size_t n = strlen(lit);
    return a.n >= n && memcmp(a.p, lit, n) == 0;
}

int sp_futex_kind(struct sp_span op)
{
    if (starts(op, "FUTEX_WAIT_REQUEUE_PI") || starts(op, "FUTEX_WAKE_OP"))
        return SP_FUTEX_OTHER;          /* requeue and two-word wakes: left as copy-ins */
    if (starts(op, "FUTEX_WAIT"))       /* FUTEX_WAIT, _PRIVATE, _BITSET(_PRIVATE), |FUTEX_CLOCK_REALTIME */
        return SP_FUTEX_WAIT;
    if (starts(op, "FUTEX_WAKE"))       /* FUTEX_WAKE, _PRIVATE, _BITSET(_PRIVATE) */
        return SP_FUTEX_WAKE;
    return SP_FUTEX_OTHER;
}

size_t sp_futex_pair(struct trace_record *rec, size_t nrec, struct sp_futex *f, size_t nf, uint64_t *per_op)
{
    size_t pairs = 0;
    uint32_t next_word = 0;

    for (size_t i = 0; i < nf; i++) {
        struct sp_futex *w = &f[i];
        if (w->kind != SP_FUTEX_WAIT || !w->blocked || w->paired || w->rec >= nrec)
            continue;
        for (size_t j = i + 1; j < nf; j++) {
            struct sp_futex *k = &f[j];
            if (k->rec >= w->resume)
                break;                  /* f is in record order: nothing later can have woken it */
            if (k->kind != SP_FUTEX_WAKE || k->addr != w->addr || k->task == w->task || k->ret < 1 ||
                k->credited >= (uint64_t)k->ret || k->rec <= w->rec || k->rec >= nrec)
                continue;
            if (!k->paired) {
                k->paired = 1;
                k->word = next_word;
                next_word = (next_word + 1) % TRACE_FUTEX_IDLE;
                per_op[rec[k->rec].op]--;
                rec[k->rec].op = OP_FUTEX_WAKE;
                rec[k->rec].bytes = (uint32_t)k->ret;
                rec[k->rec].aux = k->word;
                per_op[OP_FUTEX_WAKE]++;
            }
            k->credited++;
            w->paired = 1;
            per_op[rec[w->rec].op]--;
            rec[w->rec].op = OP_FUTEX_WAIT;
            rec[w->rec].bytes = 4;
            rec[w->rec].aux = k->word;
            per_op[OP_FUTEX_WAIT]++;
            pairs++;
            break;
        }
    }
    /* What stays unpaired: a failed wait and any wake keep their own traffic
     * on the idle word (the replay's wait fails -EAGAIN, its wake finds
     * nobody); a wait that returned 0 unpaired stays a copy-in. */
    for (size_t i = 0; i < nf; i++) {
        struct sp_futex *x = &f[i];
        struct trace_record *r = x->rec < nrec ? &rec[x->rec] : NULL;
        if (x->paired || !r || r->op != OP_COPY_IN)
            continue;
        if (x->kind == SP_FUTEX_WAIT && r->result == TRACE_RES_ERR) {
            per_op[r->op]--;
            r->op = OP_FUTEX_WAIT;
            r->bytes = 4;
        } else if (x->kind == SP_FUTEX_WAKE && r->result == TRACE_RES_OK && x->ret >= 0) {
            per_op[r->op]--;
            r->op = OP_FUTEX_WAKE;
            r->bytes = (uint32_t)x->ret;
        } else {
            continue;
        }
        r->aux = TRACE_FUTEX_IDLE;
        per_op[r->op]++;
        x->paired = 2;
    }
    return pairs;
}
