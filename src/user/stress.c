/*
 * stress - the load test of the adversarial-robustness issue: many processes
 * at once doing IPC ping-pong, fork/exit/wait cycles and map/unmap churn,
 * next to a memory hog that maps until -ENOMEM. Afterwards the free-frame
 * count must be back exactly where it was.
 *
 *   stress [SECONDS [WORKERS]]   the driver (default 8 s of timer ticks; as
 *                                many workers as fit, at most MAX_WORKERS)
 *
 * The process table has NPROC = 64 slots in all (sysinfo().proc_limit), and
 * init, the shell and the driver hold some of them. So "64 processes" means:
 * the driver fills the table. It spawns workers in pairs until
 *     proc_limit - (slots in use) - 1 (the hog) - FORK_SLOTS
 * (at most MAX_WORKERS = 60), which leaves FORK_SLOTS slots for the forks
 * of the workers; with init, sh and the driver that is 56 workers + 1 hog
 * = 60 processes, and the table is full (64) whenever four forks are alive
 * at once. A fork that finds the table full gets -EAGAIN; the worker counts
 * it and goes on. A spawn of a worker that gets -EAGAIN ends the spawning
 * (the pairs spawned so far run).
 *
 * Helper modes (the driver spawns its own module, argv[0], with these):
 *   stress serve DEADLINE        IPC server of a pair: ipc_recv from its
 *                                client (the first message names it),
 *                                ipc_reply; after every IPC_BURST messages a
 *                                map/unmap cycle and a fork/exit/wait cycle;
 *                                ends on the client's "quit" message
 *   stress client SERVER DEADLINE
 *                                until ticks() >= DEADLINE: IPC_BURST
 *                                ipc_calls to SERVER (each reply checked),
 *                                one map/unmap cycle, one fork cycle; then
 *                                "quit" to the server
 *   stress hog START DEADLINE    from ticks() = START, cycles while one more
 *                                fits before DEADLINE (at least one): map HOG_CHUNK-page chunks
 *                                and write to every page until map returns
 *                                -ENOMEM; hold them HOG_HOLD ticks, while
 *                                mapping one more page whenever one is free
 *                                (yielding after each -ENOMEM), so the
 *                                others keep meeting -ENOMEM; check and
 *                                unmap everything, rest HOG_REST ticks
 * Each helper sends its counters to the driver (ipc_send, struct report)
 * before it exits, and exits 0 unless something unexpected happened.
 *
 * Expected errors, counted and never failures: -ENOMEM from map or fork
 * (the hog holds the memory), -EAGAIN from fork (the table is full). Any
 * other error, a wrong reply, a wrong exit status of a fork child, a page
 * not zero when mapped, a failed unmap, an error of the hog other than the
 * final -ENOMEM: a failure, with a "    # stress: ..." diagnostic.
 *
 * KTAP (nested under the kernel's line for the module in a test boot):
 *   1 stress_spawn_workers        at least one pair; spawn errors only -EAGAIN
 *   2 stress_ipc_pingpong         every client did round trips, no IPC error
 *   3 stress_fork_exit            forks happened, no unexpected error
 *   4 stress_map_unmap            map cycles happened, no unexpected error
 *   5 stress_memory_hog           the hog reached -ENOMEM in every cycle
 *   6 stress_all_exited_0         every helper reported and exited 0
 *   7 stress_frames_back          frames_free equals its value from before
 * The exit status is the number of failures. Run as a boot module (no
 * parent), the driver first waits until every process started before it
 * has finished (wait_for_turn): frames_free is global, and the hog would
 * starve the other tests.
 */
#include "ulib.h"
#include "expect.h"

#define RW            (PROT_READ | PROT_WRITE)
#define MAX_WORKERS   60
#define FORK_SLOTS    4              /* table slots left for the workers' forks */
#define DEFAULT_SECS  8
#define IPC_BURST     16             /* round trips between two churn cycles */
#define CHURN_BASE    0x20000000u    /* map/unmap cycles of the workers */
#define CHURN_PAGES   8
#define HOG_BASE      0x40000000u
#define HOG_CHUNK     64             /* pages per map() of the hog */
#define HOG_LIMIT     0x70000u       /* pages: stops at 0xB0000000 whatever happens */
#define HOG_START     100            /* ticks after the driver started */
#define HOG_HOLD      100            /* ticks the hog sits on the memory */
#define HOG_REST      50             /* ticks between two hog cycles */
#define FRAMES_WAIT   100            /* ticks the driver waits for frames to come back */

enum { MSG_PING = 1, MSG_QUIT = 2 };
struct msg {
    uint32_t kind, seq, val;
};

enum role { ROLE_CLIENT = 1, ROLE_SERVER, ROLE_HOG };
struct report {
    uint32_t role;
    uint32_t ipc_rounds;             /* client: replies checked; server: messages answered */
    uint32_t ipc_errors;
    uint32_t forks, fork_eagain, fork_enomem, fork_errors;
    uint32_t maps, map_enomem, map_errors;
    uint32_t hog_cycles, hog_enomem, hog_max_pages, hog_topups, hog_min_free, hog_errors;
};

static int ok;                       /* expect.h: the current check passes so far */
static const char *scenario = "stress";
static struct report rep;
static volatile uint32_t fork_token; /* the fork child checks its copy */


/* First unexpected error of this process: say so once, count always. */
static void trouble(uint32_t *counter, const char *what, long value)
{
    if (rep.ipc_errors + rep.fork_errors + rep.map_errors + rep.hog_errors == 0)
        printf("    # stress: pid %d: %s: %d\n", (int)getpid(), what, (int)value);
    (*counter)++;
}

/* ------------------------------------------------------------ helpers */

/* fork, the child checks its copy of fork_token and exits with a status
 * derived from it, the parent waits for exactly that status. */
static void fork_cycle(void)
{
    uint32_t token = (uint32_t)ticks() * 2654435761u ^ (uint32_t)getpid();
    fork_token = token;
    long pid = fork();
    if (pid == 0)
        exit(fork_token == token ? (int)(token % 100) + 1 : 250);
    if (pid == -EAGAIN) {
        rep.fork_eagain++;
        yield();
        return;
    }
    if (pid == -ENOMEM) {
        rep.fork_enomem++;
        yield();
        return;
    }
    if (pid < 0) {
        trouble(&rep.fork_errors, "fork", pid);
        return;
    }
    int st = -1;
    long r = wait((int)pid, &st);
    if (r != pid)
        trouble(&rep.fork_errors, "wait for the fork child", r);
    else if (!WIFEXITED(st) || WEXITSTATUS(st) != (int)(token % 100) + 1)
        trouble(&rep.fork_errors, "exit status of the fork child", st);
    else
        rep.forks++;
}

/* map CHURN_PAGES pages, check they are zero, write and read back a
 * pattern on each, unmap. */
static void map_cycle(void)
{
    long r = map((void *)CHURN_BASE, CHURN_PAGES, RW);
    if (r == -ENOMEM) {
        rep.map_enomem++;
        yield();
        return;
    }
    if (r != 0) {
        trouble(&rep.map_errors, "map", r);
        return;
    }
    uint32_t pat = (uint32_t)getpid() << 16 ^ rep.maps;
    for (unsigned i = 0; i < CHURN_PAGES; i++) {
        volatile uint32_t *w = (volatile uint32_t *)(CHURN_BASE + i * PAGE_SIZE);
        if (w[0] != 0 || w[PAGE_SIZE / 4 - 1] != 0)
            trouble(&rep.map_errors, "a freshly mapped page is not zero", (long)i);
        w[0] = pat + i;
        w[PAGE_SIZE / 4 - 1] = ~(pat + i);
    }
    for (unsigned i = 0; i < CHURN_PAGES; i++) {
        volatile uint32_t *w = (volatile uint32_t *)(CHURN_BASE + i * PAGE_SIZE);
        if (w[0] != pat + i || w[PAGE_SIZE / 4 - 1] != ~(pat + i))
            trouble(&rep.map_errors, "pattern lost on a mapped page", (long)i);
    }
    r = unmap((void *)CHURN_BASE, CHURN_PAGES);
    if (r != 0)
        trouble(&rep.map_errors, "unmap", r);
    else
        rep.maps++;
}

static uint32_t answer(const struct msg *m)
{
    return (m->val ^ 0xA5A5A5A5u) + m->seq;
}

static int client(int server, long deadline)
{
    rep.role = ROLE_CLIENT;
    uint32_t seq = 0;
    int dead = 0;
    while (!dead && ticks() < deadline) {
        for (int i = 0; i < IPC_BURST; i++) {
            struct msg m = { MSG_PING, ++seq, (uint32_t)rdtsc() }, a = { 0, 0, 0 };
            long r = ipc_call(server, &m, sizeof(m), &a, sizeof(a));
            if (r != (long)sizeof(a) || a.kind != MSG_PING || a.seq != m.seq || a.val != answer(&m)) {
                trouble(&rep.ipc_errors, "ipc_call to the server (or its reply)", r);
                dead = r < 0;
                break;
            }
            rep.ipc_rounds++;
        }
        map_cycle();
        fork_cycle();
    }
    if (!dead) {
        struct msg q = { MSG_QUIT, ++seq, 0 }, a = { 0, 0, 0 };
        long r = ipc_call(server, &q, sizeof(q), &a, sizeof(a));
        if (r != (long)sizeof(a) || a.kind != MSG_QUIT)
            trouble(&rep.ipc_errors, "quit to the server", r);
    }
    return 0;
}

static int server(long deadline)
{
    (void)deadline; /* the client decides when it is over */
    rep.role = ROLE_SERVER;
    int peer = IPC_ANY;
    for (;;) {
        struct msg m;
        int sender = 0;
        long r = ipc_recv(peer, &m, sizeof(m), &sender);
        if (r != (long)sizeof(m)) {
            trouble(&rep.ipc_errors, "ipc_recv from the client", r);
            return 0;
        }
        if (peer == IPC_ANY)
            peer = sender;
        else if (sender != peer)
            trouble(&rep.ipc_errors, "message from a stranger", sender);
        struct msg a = { m.kind, m.seq, answer(&m) };
        r = ipc_reply(sender, &a, sizeof(a));
        if (r != 0) {
            trouble(&rep.ipc_errors, "ipc_reply", r);
            return 0;
        }
        if (m.kind == MSG_QUIT)
            return 0;
        if (++rep.ipc_rounds % IPC_BURST == 0) {
            map_cycle();
            fork_cycle();
        }
    }
}

static void sleep_until(long t)
{
    while (ticks() < t)
        yield();
}

/* One hog page: the first word holds its index, checked before unmap. */
static void hog_touch(unsigned i)
{
    *(volatile uint32_t *)(HOG_BASE + i * PAGE_SIZE) = i;
}

static int hog(long start, long deadline)
{
    rep.role = ROLE_HOG;
    rep.hog_min_free = ~0u;
    sleep_until(start);
    do {
        unsigned n = 0;
        long r = 0;
        while (n + HOG_CHUNK <= HOG_LIMIT) {
            r = map((void *)(HOG_BASE + n * PAGE_SIZE), HOG_CHUNK, RW);
            if (r != 0)
                break;
            for (unsigned i = 0; i < HOG_CHUNK; i++)
                hog_touch(n + i);
            n += HOG_CHUNK;
        }
        if (r == -ENOMEM)
            rep.hog_enomem++;
        else
            trouble(&rep.hog_errors, "the hog's last map (expected -ENOMEM)", r);
        /* Hold, and take every frame the others give back, one page at a
         * time, so that they keep running into -ENOMEM. */
        long until = ticks() + HOG_HOLD;
        while (ticks() < until) {
            r = n < HOG_LIMIT ? map((void *)(HOG_BASE + n * PAGE_SIZE), 1, RW) : -ENOMEM;
            if (r == 0) {
                hog_touch(n++);
                rep.hog_topups++;
                continue;
            }
            if (r != -ENOMEM)
                trouble(&rep.hog_errors, "the hog's map of one page", r);
            unsigned f = frames_free();
            if (f < rep.hog_min_free)
                rep.hog_min_free = f;
            yield();
        }
        if (n > rep.hog_max_pages)
            rep.hog_max_pages = n;
        for (unsigned i = 0; i < n; i += HOG_CHUNK) {
            unsigned k = n - i < HOG_CHUNK ? n - i : HOG_CHUNK;
            for (unsigned j = i; j < i + k; j++)
                if (*(volatile uint32_t *)(HOG_BASE + j * PAGE_SIZE) != j)
                    trouble(&rep.hog_errors, "a hog page lost its contents", (long)j);
            r = unmap((void *)(HOG_BASE + i * PAGE_SIZE), k);
            if (r != 0)
                trouble(&rep.hog_errors, "the hog's unmap", r);
        }
        rep.hog_cycles++;
        sleep_until(ticks() + HOG_REST);
    } while (ticks() + HOG_HOLD + HOG_REST < deadline); /* another cycle still fits */
    return 0;
}

/* Report to the driver, our parent. If it is gone (killed: we belong to
 * init now, which never receives), just exit. */
static int helper_exit(int status)
{
    long parent = getppid(), r = 0;
    if (parent > 1)
        r = ipc_send((int)parent, &rep, sizeof(rep));
    if (r != 0)
        printf("    # stress: pid %d: report to the driver: %d\n", (int)getpid(), (int)r);
    uint32_t bad = rep.ipc_errors + rep.fork_errors + rep.map_errors + rep.hog_errors;
    return status ? status : (bad ? 1 : 0);
}

/* ------------------------------------------------------------ driver */

static long spawn_helper(const char *self, const char *mode, long a, long b)
{
    char sa[12], sb[12];
    snprintf(sa, sizeof(sa), "%d", (int)a);
    snprintf(sb, sizeof(sb), "%d", (int)b);
    char *argv[] = { (char *)self, (char *)mode, sa, sb, NULL };
    return spawn(self, argv);
}

static struct {
    long pid;
    int got_report, status;
    struct report rep;
} helpers[MAX_WORKERS + 1];

static void add(struct report *sum, const struct report *r)
{
    sum->ipc_rounds += r->role == ROLE_CLIENT ? r->ipc_rounds : 0;
    sum->ipc_errors += r->ipc_errors;
    sum->forks += r->forks;
    sum->fork_eagain += r->fork_eagain;
    sum->fork_enomem += r->fork_enomem;
    sum->fork_errors += r->fork_errors;
    sum->maps += r->maps;
    sum->map_enomem += r->map_enomem;
    sum->map_errors += r->map_errors;
    sum->hog_cycles += r->hog_cycles;
    sum->hog_enomem += r->hog_enomem;
    if (r->hog_max_pages > sum->hog_max_pages)
        sum->hog_max_pages = r->hog_max_pages;
    sum->hog_topups += r->hog_topups;
    if (r->role == ROLE_HOG)
        sum->hog_min_free = r->hog_min_free;
    sum->hog_errors += r->hog_errors;
}

static int driver(const char *self, long seconds, long want)
{
    static struct procinfo tab[PS_ROWS];
    if (getppid() == 0)
        wait_for_turn();            /* a boot module: run alone */
    struct sysinfo si;
    sysinfo(&si);
    unsigned before = si.frames_free;
    long used = ps(tab, PS_ROWS);   /* slots in use, zombies included */
    long room = (long)si.proc_limit - used - 1 - FORK_SLOTS;
    long target = want > 0 ? want : room;
    if (target > MAX_WORKERS)
        target = MAX_WORKERS;
    target &= ~1L;
    long t0 = ticks(), deadline = t0 + seconds * TIMER_HZ;
    printf("    # stress: %d s, %d slots of %u in use, %u frames free: up to %d workers + 1 hog\n",
           (int)seconds, (int)used, si.proc_limit, before, (int)target);
    ktap_plan(7);

    /* 1: the workers, in pairs, then the hog. */
    int n = 0, spawn_bad = 0;
    long last_err = 0;
    while (n + 2 <= target) {
        long s = spawn_helper(self, "serve", deadline, 0);
        if (s < 0) {
            last_err = s;
            break;
        }
        helpers[n++].pid = s;
        long c = spawn_helper(self, "client", s, deadline);
        if (c < 0) {
            last_err = c;
            struct msg q = { MSG_QUIT, 1, 0 }, a;   /* the server has no client: end it */
            ipc_call((int)s, &q, sizeof(q), &a, sizeof(a));
            break;
        }
        helpers[n++].pid = c;
    }
    int workers = n;
    long h = spawn_helper(self, "hog", t0 + HOG_START, deadline);
    if (h > 0)
        helpers[n++].pid = h;
    else
        last_err = h;
    ok = 1;
    if (last_err != 0 && last_err != -EAGAIN) {
        DIAG("spawn: %d", (int)last_err);
        spawn_bad = 1;
    }
    EXPECT(workers >= 2 && !spawn_bad && h > 0, "%d workers, hog %d", workers, (int)h);
    ktap_result(ok, "stress_spawn_workers");

    /* Collect the reports, then the exit statuses. */
    int missing = 0, bad_status = 0, idle_clients = 0;
    struct report sum;
    memset(&sum, 0, sizeof(sum));
    for (int i = 0; i < n; i++) {
        int sender = 0;
        long r = ipc_recv((int)helpers[i].pid, &helpers[i].rep, sizeof(helpers[i].rep), &sender);
        helpers[i].got_report = r == (long)sizeof(struct report);
        if (!helpers[i].got_report) {
            missing++;
            printf("    # stress: no report from pid %d: %d\n", (int)helpers[i].pid, (int)r);
        } else {
            add(&sum, &helpers[i].rep);
            if (helpers[i].rep.role == ROLE_CLIENT && helpers[i].rep.ipc_rounds == 0)
                idle_clients++;
        }
    }
    for (int i = 0; i < n; i++) {
        helpers[i].status = -1;
        long r = wait((int)helpers[i].pid, &helpers[i].status);
        if (r != helpers[i].pid || helpers[i].status != 0) {
            bad_status++;
            printf("    # stress: pid %d: wait = %d, status %d\n", (int)helpers[i].pid, (int)r, helpers[i].status);
        }
    }
    long stray = wait(-1, NULL);
    long elapsed = ticks() - t0;

    /* Frames: every helper is reaped; give the kernel a few ticks anyway. */
    unsigned after = frames_free();
    long fw = ticks();
    while (after != before && ticks() - fw < FRAMES_WAIT) {
        yield();
        after = frames_free();
    }

    ok = 1;
    EXPECT(sum.ipc_rounds > 0 && idle_clients == 0, "%u round trips, %d clients without one", sum.ipc_rounds,
           idle_clients);
    EXPECT_EQ(sum.ipc_errors, 0);
    ktap_result(ok, "stress_ipc_pingpong");
    ok = 1;
    EXPECT(sum.forks > 0, "no fork succeeded (%u -EAGAIN, %u -ENOMEM)", sum.fork_eagain, sum.fork_enomem);
    EXPECT_EQ(sum.fork_errors, 0);
    ktap_result(ok, "stress_fork_exit");
    ok = 1;
    EXPECT(sum.maps > 0, "no map cycle succeeded (%u -ENOMEM)", sum.map_enomem);
    EXPECT_EQ(sum.map_errors, 0);
    ktap_result(ok, "stress_map_unmap");
    ok = 1;
    EXPECT(sum.hog_cycles >= 1 && sum.hog_enomem == sum.hog_cycles, "%u cycles, %u ended in -ENOMEM",
           sum.hog_cycles, sum.hog_enomem);
    EXPECT(sum.hog_max_pages > 1000, "the hog got only %u pages", sum.hog_max_pages);
    EXPECT_EQ(sum.hog_errors, 0);
    ktap_result(ok, "stress_memory_hog");
    ok = 1;
    EXPECT_EQ(missing, 0);
    EXPECT_EQ(bad_status, 0);
    EXPECT_EQ(stray, -ECHILD);
    ktap_result(ok, "stress_all_exited_0");

    printf("    # stress: %d workers (%d pairs) + 1 hog, %d ticks: %u IPC round trips, %u forks "
           "(%u -EAGAIN, %u -ENOMEM), %u map/unmap cycles (%u -ENOMEM)\n",
           workers, workers / 2, (int)elapsed, sum.ipc_rounds, sum.forks, sum.fork_eagain, sum.fork_enomem,
           sum.maps, sum.map_enomem);
    printf("    # stress: hog: %u cycles, %u reached -ENOMEM, at most %u pages (%u KiB, %u taken back "
           "one by one while holding), %u frames free at the lowest; -ENOMEM total %u\n",
           sum.hog_cycles, sum.hog_enomem, sum.hog_max_pages, sum.hog_max_pages * 4, sum.hog_topups,
           sum.hog_min_free, sum.fork_enomem + sum.map_enomem + sum.hog_enomem);
    printf("    # stress: frames free %u before, %u after\n", before, after);
    ok = 1;
    EXPECT_EQ(after, before);
    ktap_result(ok, "stress_frames_back");
    return ktap_failures();
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "serve") == 0 && argc > 2)
        return helper_exit(server(atoi(argv[2])));
    if (strcmp(mode, "client") == 0 && argc > 3)
        return helper_exit(client(atoi(argv[2]), atoi(argv[3])));
    if (strcmp(mode, "hog") == 0 && argc > 3)
        return helper_exit(hog(atoi(argv[2]), atoi(argv[3])));
    long seconds = argc > 1 ? atoi(argv[1]) : DEFAULT_SECS;
    long want = argc > 2 ? atoi(argv[2]) : 0;
    if (seconds < 1 || seconds > 3600 || want < 0) {
        printf("usage: stress [SECONDS [WORKERS]]  (SECONDS 1..3600, WORKERS even, 0 = as many as fit)\n");
        return 2;
    }
    return driver(argv[0], seconds, want);
}
