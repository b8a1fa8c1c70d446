/*
 * sh - an interactive shell on the serial console. Prompt "sh> ".
 *
 *   help                 this list
 *   ls                   the boot modules (programs you can run)
 *   run NAME [ARGS]      spawn NAME and wait: [pid N exited with status S]
 *   NAME [ARGS]          the same as run NAME [ARGS]
 *   NAME [ARGS] &        spawn in the background: [pid N]
 *   ps                   the process table
 *   free                 free and total memory
 *   kill PID             kill a child of the shell
 *   poweroff             power the machine off
 *   exit                 leave the shell
 *
 * Keys (the kernel's line discipline, src/kernel/x86/console.c): Ctrl-C kills the
 * program in the foreground (the shell names it with setfg() while it waits)
 * or, at the prompt, drops the line; Ctrl-D at an empty prompt is end of
 * file, which the shell ignores with a hint (leaving it powers the machine
 * off: init powers off when its SPEC ends; type exit or poweroff for that);
 * Ctrl-D after some text runs that text as the line; arrow keys are dropped.
 *
 * wait() blocks, so finished background children are found with ps()
 * (state zombie) before each prompt and only then reaped.
 */
#include "ulib.h"

#define LINE_MAX 256
#define MAX_BG   32

static long bg[MAX_BG];
static int nbg;
static struct procinfo table[PS_ROWS];

static const char *errstr(long err)
{
    switch (-err) {
    case EPERM: return "not a child of this shell";
    case ENOENT: return "no such module";
    case ESRCH: return "no such process";
    case E2BIG: return "too many or too long arguments";
    case ENOEXEC: return "not a valid executable";
    case ECHILD: return "no such child";
    case EAGAIN: return "process table full";
    case ENOMEM: return "out of memory";
    case EFAULT: return "bad address";
    case EINVAL: return "invalid argument";
    default: return "error";
    }
}

static const char *const vector_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
    "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

/* How child @pid ended, from its wait() status @st (uapi/syscall.h). */
static void print_status(long pid, int st)
{
    if (WIFKILLED(st)) {
        printf("[pid %d killed]\n", (int)pid);
    } else if (WIFFAULTED(st)) {
        int v = WFAULTVECTOR(st);
        const char *vn = v < 32 && vector_names[v] ? vector_names[v] : "an exception";
        printf("[pid %d killed by %s, vector %d]\n", (int)pid, vn, v);
    } else {
        printf("[pid %d exited with status %d]\n", (int)pid, WEXITSTATUS(st));
    }
}

static const char *state_name(int s)
{
    switch (s) {
    case PROC_STATE_RUNNABLE: return "runnable";
    case PROC_STATE_RUNNING: return "running";
    case PROC_STATE_SLEEPING: return "sleeping";
    case PROC_STATE_ZOMBIE: return "zombie";
    default: return "?";
    }
}

/* Reap the background children ps() shows as zombies. */
static void reap_background(void)
{
    if (nbg == 0)
        return;
    long n = ps(table, PS_ROWS);
    if (n < 0)
        return;
    for (int i = 0; i < nbg;) {
        int state = 0;
        for (long k = 0; k < n; k++)
            if (table[k].pid == bg[i])
                state = table[k].state;
        if (state == PROC_STATE_ZOMBIE || state == 0) {
            int st = 0;
            long r = wait((int)bg[i], &st);
            if (r == bg[i]) {
                printf("[done] ");
                print_status(r, st);
            }
            bg[i] = bg[--nbg];
            continue;
        }
        i++;
    }
}

static void cmd_help(void)
{
    printf("commands:\n"
           "  help                this list\n"
           "  ls                  boot modules (programs)\n"
           "  run NAME [ARGS]     run a program and wait for it\n"
           "  NAME [ARGS]         the same as run\n"
           "  NAME [ARGS] &       run in the background\n"
           "  ps                  process table\n"
           "  free                memory\n"
           "  kill PID            kill a child of this shell\n"
           "  poweroff            power off\n"
           "  exit                leave the shell\n"
           "keys: Ctrl-C kills the program in the foreground; Ctrl-A X leaves QEMU\n");
}

static void cmd_ls(void)
{
    static char buf[1024];
    long n = modules(buf, sizeof(buf));
    if (n < 0) {
        printf("sh: modules: %s (%d)\n", errstr(n), (int)n);
        return;
    }
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;
    buf[n] = '\0';
    /* One name per line already; make sure the last line ends. */
    write(1, buf, (size_t)n);
    if (n > 0 && buf[n - 1] != '\n')
        write(1, "\n", 1);
}

static void cmd_ps(void)
{
    long n = ps(table, PS_ROWS);
    if (n < 0) {
        printf("sh: ps: %s (%d)\n", errstr(n), (int)n);
        return;
    }
    printf("  PID  PPID STATE     PAGES NAME\n");
    for (long i = 0; i < n; i++) {
        char name[MODULE_NAME_MAX + 1];
        memcpy(name, table[i].name, MODULE_NAME_MAX);
        name[MODULE_NAME_MAX] = '\0';
        char state[12];
        size_t k = strlen(state_name(table[i].state));
        memcpy(state, state_name(table[i].state), k);
        while (k < 9)
            state[k++] = ' ';
        state[k] = '\0';
        printf("%5d %5d %s %5u %s\n", table[i].pid, table[i].ppid, state, table[i].pages, name);
    }
}

static void cmd_free(void)
{
    struct sysinfo s;
    if (sysinfo(&s) < 0) {
        printf("sh: sysinfo failed\n");
        return;
    }
    printf("frames: %u free of %u (%u KiB free of %u KiB), %u processes\n", s.frames_free, s.frames_total,
           s.frames_free * 4, s.frames_total * 4, s.nprocs);
}

static int parse_pid(const char *s, long *out)
{
    long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000000)
            return -1;
        v = v * 10 + (*s - '0');
    }
    *out = v;
    return 0;
}

static void cmd_kill(int argc, char **argv)
{
    long pid;
    if (argc != 2 || parse_pid(argv[1], &pid) < 0) {
        printf("sh: usage: kill PID\n");
        return;
    }
    long r = kill((int)pid);
    if (r < 0)
        printf("sh: kill %d: %s\n", (int)pid, errstr(r));
}

/* spawn argv[0] with argv; wait unless @background. */
static void cmd_run(int argc, char **argv, int background)
{
    if (argc == 0) {
        printf("sh: usage: run NAME [ARGS]\n");
        return;
    }
    if (strlen(argv[0]) >= MODULE_NAME_MAX) {
        printf("sh: no such module: %s\n", argv[0]);
        return;
    }
    long pid = spawn(argv[0], argv);
    if (pid < 0) {
        if (pid == -ENOENT)
            printf("sh: no such module: %s (try ls)\n", argv[0]);
        else
            printf("sh: cannot run %s: %s (%d)\n", argv[0], errstr(pid), (int)pid);
        return;
    }
    if (background) {
        if (nbg < MAX_BG) {
            bg[nbg++] = pid;
        } else {
            printf("sh: too many background jobs; waiting for this one\n");
            background = 0;
        }
        if (background) {
            printf("[pid %d]\n", (int)pid);
            return;
        }
    }
    int st = 0;
    setfg((int)pid); /* Ctrl-C kills it (-ESRCH if it has already exited: fine) */
    long r = wait((int)pid, &st);
    setfg(0);
    if (r != pid) {
        printf("sh: wait %d: %s (%d)\n", (int)pid, errstr(r), (int)r);
        return;
    }
    print_status(pid, st);
}

/* Split @line in place into words; returns argc (at most MAX_ARGS). */
static int split(char *line, char **argv)
{
    int argc = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            *p++ = '\0';
        if (!*p)
            break;
        if (argc == MAX_ARGS)
            return -1;
        argv[argc++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    argv[argc] = NULL;
    return argc;
}

static void execute(char *line)
{
    char *argv[MAX_ARGS + 1];
    int background = 0;
    size_t len = strlen(line);
    while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
        line[--len] = '\0';
    if (len > 0 && line[len - 1] == '&') {
        background = 1;
        line[--len] = '\0';
    }
    int argc = split(line, argv);
    if (argc < 0) {
        printf("sh: too many arguments (at most %d words)\n", MAX_ARGS);
        return;
    }
    if (argc == 0) {
        if (background)
            printf("sh: nothing to run in the background\n");
        return;
    }
    const char *cmd = argv[0];
    if (strcmp(cmd, "help") == 0)
        cmd_help();
    else if (strcmp(cmd, "ls") == 0)
        cmd_ls();
    else if (strcmp(cmd, "ps") == 0)
        cmd_ps();
    else if (strcmp(cmd, "free") == 0)
        cmd_free();
    else if (strcmp(cmd, "kill") == 0)
        cmd_kill(argc, argv);
    else if (strcmp(cmd, "poweroff") == 0)
        printf("sh: poweroff: %s\n", errstr(poweroff(0))); /* returns only if refused: init spawns us */
    else if (strcmp(cmd, "exit") == 0)
        exit(0);
    else if (strcmp(cmd, "run") == 0)
        cmd_run(argc - 1, argv + 1, background);
    else
        cmd_run(argc, argv, background);
}

int main(void)
{
    static char line[LINE_MAX];
    printf("sh: type help for the commands\n");
    for (;;) {
        reap_background();
        printf("sh> ");
        long n = read(0, line, sizeof(line) - 1);
        if (n < 0) {
            printf("sh: read: error %d\n", (int)n);
            return 1;
        }
        if (n == 0) {                               /* Ctrl-D at an empty prompt */
            printf("\nsh: end of input ignored: type exit or poweroff to leave\n");
            continue;
        }
        if (line[n - 1] != '\n' && n < (long)sizeof(line) - 1) {
            printf("\n");                          /* Ctrl-D after some text: run it */
            line[n++] = '\n';
        }
        if (line[n - 1] != '\n') {
            /* Longer than the buffer: drop the rest of the line. */
            char junk[64];
            long m;
            do
                m = read(0, junk, sizeof(junk));
            while (m > 0 && junk[m - 1] != '\n');
            printf("sh: line too long (at most %d characters)\n", LINE_MAX - 2);
            continue;
        }
        line[n - 1] = '\0';
        if (n >= 2 && line[n - 2] == '\r')
            line[n - 2] = '\0';
        execute(line);
    }
}
