/*
 * strace_summary.c - the converter's summary on standard error: lines read
 * by kind, records written, per-op counts, the skipped syscall names
 * (commonest first), the malformed lines kept and the time span.
 * strace_conv.c: the converter as a whole.
 */
#include <stdio.h>

#include "strace_conv.h"

static const struct s2t *sort_ctx;

static int by_skip_count(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    uint64_t cx = sort_ctx->nskip[x], cy = sort_ctx->nskip[y];
    if (cx != cy)
        return cx < cy ? 1 : -1;
    return strcmp(sort_ctx->ntab + sort_ctx->noff[x], sort_ctx->ntab + sort_ctx->noff[y]);
}

void s2t_summary(const struct s2t *c, FILE *f, const char *const *files, size_t nfiles)
{
    const struct s2t_stats *st = &c->st;
    uint32_t *idx, nidx = 0;
    uint64_t skipped = st->per_op[OP_SKIP];

    fprintf(f, "strace2trace: %llu lines read: %llu calls, %llu unfinished (%llu joined, %llu never resumed), "
               "%llu signals, %llu exits, %llu strace notes, %llu blank, %llu malformed\n",
            (unsigned long long)st->lines, (unsigned long long)st->calls,
            (unsigned long long)st->unfinished, (unsigned long long)st->joined,
            (unsigned long long)st->lost, (unsigned long long)st->signals,
            (unsigned long long)st->exits, (unsigned long long)st->info,
            (unsigned long long)st->empty, (unsigned long long)st->malformed);
    if (st->stack || st->dump || st->summary || st->detached)
        fprintf(f, "strace2trace: also %llu -k stack lines, %llu -e read=/write= dump lines, "
                   "%llu -c/-C summary lines (all ignored), %llu calls <detached ...>\n",
                (unsigned long long)st->stack, (unsigned long long)st->dump,
                (unsigned long long)st->summary, (unsigned long long)st->detached);
    fprintf(f, "strace2trace: %zu records written, %u syscall names, %zu tasks\n", c->nrec, c->nnames,
            c->ntasks);
    if (st->nostring)
        fprintf(f, "strace2trace: %llu records with a path of unknown length (a pointer under -e raw=all, "
                   "or NULL): replayed with 0 path bytes, flag NOSTRING\n",
                (unsigned long long)st->nostring);
    if (st->exec_nostring)
        fprintf(f, "strace2trace: %llu execve records without their envp (or argv) strings shown "
                   "(strace -v shows envp): their bytes count only what was shown\n",
                (unsigned long long)st->exec_nostring);
    if (st->futex_pairs)
        fprintf(f, "strace2trace: %llu blocked futex waits paired with the wake that ended them "
                   "(OP_FUTEX_WAIT / OP_FUTEX_WAKE)\n", (unsigned long long)st->futex_pairs);
    if (st->dropped)
        fprintf(f, "strace2trace: %llu records DROPPED (over %u records, or out of memory)\n",
                (unsigned long long)st->dropped, S2T_MAX_RECORDS);
    fprintf(f, "  per op:");
    for (unsigned op = 0; op < OP_COUNT; op++)
        fprintf(f, " %s %llu", trace_op_name(op), (unsigned long long)st->per_op[op]);
    fprintf(f, "\n");

    idx = malloc((c->nnames ? c->nnames : 1) * sizeof(*idx));
    for (uint32_t i = 0; idx && i < c->nnames; i++)
        if (c->nskip[i])
            idx[nidx++] = i;
    fprintf(f, "  skipped: %llu records, %u syscall names%s", (unsigned long long)skipped, nidx,
            nidx ? ":" : "");
    if (idx) {
        sort_ctx = c;
        qsort(idx, nidx, sizeof(*idx), by_skip_count);
        for (uint32_t i = 0; i < nidx; i++)
            fprintf(f, "%s %s %llu", i ? "," : "", c->ntab + c->noff[idx[i]],
                    (unsigned long long)c->nskip[idx[i]]);
        free(idx);
    }
    fprintf(f, "\n");

    fprintf(f, "  malformed: %llu\n", (unsigned long long)st->malformed);
    for (size_t i = 0; i < c->nbad; i++) {
        const struct s2t_bad *b = &c->bad[i];
        fprintf(f, "    %s:%llu: %s: \"%s\"\n",
                files && b->file < nfiles ? files[b->file] : "line", (unsigned long long)b->line, b->why,
                b->text);
    }
    if (st->malformed > c->nbad)
        fprintf(f, "    (%llu more not shown)\n", (unsigned long long)(st->malformed - c->nbad));
    if (st->has_ts || st->ndur)
        fprintf(f, "  time: %.6f s from the earliest to the latest timestamp, %.6f s in %llu -T durations\n",
                st->has_ts ? st->ts_last - st->ts_first : 0.0, st->dur_sum,
                (unsigned long long)st->ndur);
}
