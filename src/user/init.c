/*
 * init - the first process. Orphans are reparented to it, so it is also the
 * system's reaper.
 *
 *   init SPEC...   runs each SPEC in turn: spawn, wait, report
 *                  "init: NAME exited with status S" (or how it was killed),
 *                  then powers the machine off. A SPEC is a module name
 *                  with its arguments joined by commas: `faults,ud` runs
 *                  spawn("faults", {"faults", "ud", NULL}). `sh` is the
 *                  interactive shell, run the same way.
 *   init           no SPEC: reap children forever.
 *
 * While it waits for a SPEC, init reaps whatever else exits (orphans handed
 * to it) with wait(-1): quietly, since their own parents are gone.
 *
 * For init, wait(-1) blocks even when it has no child yet (the kernel makes
 * that exception for init only), so orphans adopted later are reaped as
 * they exit, and init never busy-waits: the kernel ends a boot when nothing
 * but a sleeping init is left (docs/processes.md).
 */
#include "ulib.h"

#define SPEC_MAX 256

static const char *const vector_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
    "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

static const char *errno_name(long err)
{
    switch (-err) {
    case ENOENT: return "no such module";
    case EFAULT: return "bad address";
    case E2BIG: return "too many or too long arguments";
    case EAGAIN: return "process table full";
    case ENOMEM: return "out of memory";
    case ENOEXEC: return "not a valid executable";
    default: return "error";
    }
}

/* How SPEC @name (pid @pid) ended, from its wait() status @st (uapi/syscall.h). */
static void report(const char *name, long pid, int st)
{
    if (WIFKILLED(st)) {
        printf("init: %s (pid %d) was killed\n", name, (int)pid);
    } else if (WIFFAULTED(st)) {
        int v = WFAULTVECTOR(st);
        const char *vn = v < 32 && vector_names[v] ? vector_names[v] : "exception";
        printf("init: %s (pid %d) killed by %s (vector %d)\n", name, (int)pid, vn, v);
    } else {
        printf("init: %s exited with status %d\n", name, WEXITSTATUS(st));
    }
}

/* Split @spec (copied into @buf) at commas into argv; returns argc. */
static int split_spec(const char *spec, char *buf, char **argv)
{
    size_t len = strlen(spec);
    if (len >= SPEC_MAX)
        len = SPEC_MAX - 1;
    memcpy(buf, spec, len);
    buf[len] = '\0';
    int argc = 0;
    char *p = buf;
    while (argc < MAX_ARGS) {
        argv[argc++] = p;
        char *comma = strchr(p, ',');
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    argv[argc] = NULL;
    return argc;
}

static void run_spec(const char *spec)
{
    char buf[SPEC_MAX];
    char *argv[MAX_ARGS + 1];
    split_spec(spec, buf, argv);
    long pid = spawn(argv[0], argv);
    if (pid < 0) {
        printf("init: cannot start %s: %s (%d)\n", argv[0], errno_name(pid), (int)pid);
        return;
    }
    for (;;) {
        int st = 0;
        long r = wait(-1, &st);
        if (r == pid) {
            report(argv[0], pid, st);
            return;
        }
        if (r < 0) {                    /* cannot happen: pid is our child */
            printf("init: wait failed: %d\n", (int)r);
            return;
        }
        /* an orphan: reaped, nothing to say */
    }
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            run_spec(argv[i]);
        long r = poweroff(0);           /* returns only if refused: never, for init */
        printf("init: poweroff: %d\n", (int)r);
    }
    for (;;)
        wait(-1, NULL);
    return 0;
}
