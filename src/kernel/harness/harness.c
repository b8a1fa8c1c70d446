/*
 * harness.c - the test harness's per-process records, its module
 * command-line words, the boot summary and the end of a test run's init
 * (harness.h). Nothing here changes what a process does while it runs;
 * ktest.c judges the records at the end of a test boot.
 */
#include "defs.h"
#include "harness/harness.h"
#include "bench/kevents.h"        /* write_cr3 */
#include "lib/kstring.h"
#include "proc/proc.h"
#include "uapi/syscall.h"   /* WIFFAULTED, WEXITSTATUS, ... */
#include "x86/x86.h"

static struct harness_proc records[NPROC];   /* by process-table slot */

struct harness_proc *harness_of(const struct proc *p)
{
    struct harness_proc *h = &records[p - proc_slot(0)];
    if (h->pid != p->pid)                     /* pids are never reused */
        *h = (struct harness_proc){ .pid = p->pid };
    return h;
}

/* True if @w begins with @word followed by a blank or the end. */
static bool is_word(const char *w, const char *word, size_t n)
{
    return strncmp(w, word, n) == 0 && (w[n] == ' ' || !w[n]);
}

bool harness_word(const char *w)
{
    return strncmp(w, "expect=", 7) == 0 || is_word(w, "nostart", 7);
}

bool harness_module_nostart(const struct boot_module *m)
{
    return cmdline_has(m->cmdline, "nostart");
}

static uint32_t parse_uint(const char *s)
{
    uint32_t v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint32_t)(*s++ - '0');
    return v;
}

void harness_parse_expectation(const char *cmdline, struct expectation *out)
{
    *out = (struct expectation){ EXPECT_EXIT, 0 };
    const char *p = cmdline_word(cmdline, cmdline, "expect=");
    if (!p)
        return;
    if (strncmp(p, "exit:", 5) == 0)
        *out = (struct expectation){ EXPECT_EXIT, (int)parse_uint(p + 5) };
    else if (strncmp(p, "fault:", 6) == 0)
        *out = (struct expectation){ EXPECT_FAULT, (int)parse_uint(p + 6) };
    else if (strncmp(p, "reject", 6) == 0)
        *out = (struct expectation){ EXPECT_REJECT, 0 };
}

void harness_boot_process(const struct proc *p, const struct boot_module *m)
{
    struct harness_proc *h = harness_of(p);
    h->boot = true;
    harness_parse_expectation(m->cmdline, &h->expect);
}

bool harness_is_boot(const struct proc *p)
{
    return harness_of(p)->boot;
}

/* Finished boot processes, for the boot summary (harness_run_over). */
#define SUMMARY_MAX 64
static struct {
    int pid, status;            /* status: as wait() reports it */
    char name[PROC_NAME_MAX];
} finished[SUMMARY_MAX];
static uint32_t nfinished;

static void record_finished(const struct proc *p)
{
    if (nfinished < SUMMARY_MAX) {
        finished[nfinished].pid = p->pid;
        finished[nfinished].status = p->exit_status;
        memcpy(finished[nfinished].name, p->name, PROC_NAME_MAX);
    }
    nfinished++;
}

void harness_process_ended(struct proc *p)
{
    if (!harness_is_boot(p))
        return;
    record_finished(p);
    ktest_process_done(p);
}

void harness_run_over(void)
{
    kprintf("summary: %u boot processes finished\n", nfinished);
    for (uint32_t i = 0; i < nfinished && i < SUMMARY_MAX; i++) {
        int st = finished[i].status;
        if (WIFFAULTED(st))
            kprintf("  pid %2d %-12s killed by %s (vector %d)\n", finished[i].pid, finished[i].name,
                    trap_name((uint32_t)WFAULTVECTOR(st)), WFAULTVECTOR(st));
        else if (WIFKILLED(st))
            kprintf("  pid %2d %-12s killed by kill()\n", finished[i].pid, finished[i].name);
        else
            kprintf("  pid %2d %-12s exit %d\n", finished[i].pid, finished[i].name, WEXITSTATUS(st));
    }
}

void harness_destroy_init(void)
{
    struct proc *p = initproc;
    if (!p)
        return;
    if (runq_queued(&p->rq)) /* scheduler_run returns only with init asleep */
        panic("end of run: init (pid %d) is still queued to run", p->pid);
    for (uint32_t i = 0; i < NPROC; i++) {
        struct proc *c = proc_slot(i);
        if (c->state == P_ZOMBIE && c->parent == p)
            proc_free(c); /* orphans init has not waited for yet */
    }
    if (read_cr3() == p->pd)
        write_cr3(kernel_cr3);
    uvm_destroy(&kernel_frames, p->pd);
    initproc = NULL;
    proc_free(p);
}
