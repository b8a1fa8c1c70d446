/*
 * harness.c - the test harness's per-process records and its module
 * command-line words (harness.h). Nothing here changes what a process does;
 * ktest.c judges the records at the end of a test boot.
 */
#include "defs.h"
#include "harness.h"
#include "kstring.h"
#include "proc.h"

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
    for (const char *p = m->cmdline; *p; p++)
        if ((p == m->cmdline || p[-1] == ' ') && is_word(p, "nostart", 7))
            return true;
    return false;
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
    for (const char *p = cmdline; *p; p++) {
        if ((p != cmdline && p[-1] != ' ') || strncmp(p, "expect=", 7) != 0)
            continue;
        p += 7;
        if (strncmp(p, "exit:", 5) == 0)
            *out = (struct expectation){ EXPECT_EXIT, (int)parse_uint(p + 5) };
        else if (strncmp(p, "fault:", 6) == 0)
            *out = (struct expectation){ EXPECT_FAULT, (int)parse_uint(p + 6) };
        else if (strncmp(p, "reject", 6) == 0)
            *out = (struct expectation){ EXPECT_REJECT, 0 };
        return;
    }
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
