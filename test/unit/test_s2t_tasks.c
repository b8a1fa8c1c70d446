/*
 * test_s2t_tasks.c - host tests of the converter's process
 * handling (tools/strace_conv.c): strace -f/-ff traces, <unfinished ...> and
 * <... resumed> joined into one record, pids numbered as tasks, and the
 * fork/exit/wait/exec records.
 * (s2t_test.h lists the converter tests and their helpers.)
 */
#include "s2t_test.h"

/* ------------------------------------------------------------ -f traces: joining */

/* Real `strace -f -ttt -T -o` output of `sh -c 'ls /nonexist; ...'`, cut. */
static const char fork_log[] =
    "6383  1795272978.373515 rt_sigprocmask(SIG_SETMASK, ~[RTMIN RT_1], NULL, 8) = 0 <0.000043>\n"
    "6383  1795272978.373615 vfork( <unfinished ...>\n"
    "6384  1795272978.373768 rt_sigprocmask(SIG_SETMASK, [], ~[KILL STOP RTMIN RT_1], 8) = 0 <0.000045>\n"
    "6384  1795272978.373892 execve(\"/usr/bin/ls\", [\"ls\", \"/nonexist\"], 0x55f1d10a6cc8 /* 37 vars */ <unfinished ...>\n"
    "6383  1795272978.374013 <... vfork resumed>) = 6384 <0.000391>\n"
    "6383  1795272978.374061 wait4(-1,  <unfinished ...>\n"
    "6384  1795272978.374238 <... execve resumed>) = 0 <0.000332>\n"
    "6384  1795272978.374321 brk(NULL)       = 0x5586868e3000 <0.000046>\n"
    "6384  1795272978.390850 exit_group(2)   = ?\n"
    "6384  1795272978.391090 +++ exited with 2 +++\n"
    "6383  1795272978.391129 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 2}], 0, NULL) = 6384 <0.017061>\n"
    "6383  1795272978.391180 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=6384, si_uid=0, si_status=2, si_utime=0, si_stime=0} ---\n"
    "6383  1795272978.391760 newfstatat(AT_FDCWD, \"/root/.cargo/bin/cat\",  <unfinished ...>\n"
    "6385  1795272978.391775 close(3 <unfinished ...>\n"
    "6383  1795272978.391790 <... newfstatat resumed>0x7ffc46b22260, 0) = -1 ENOENT (No such file or directory) <0.000020>\n"
    "6385  1795272978.391816 <... close resumed>) = 0 <0.000034>\n"
    "6385  1795272978.392034 write(1, \"hi\\n\", 3 <unfinished ...>\n"
    "6383  1795272978.392115 newfstatat(AT_FDCWD, \"/usr/bin/cat\",  <unfinished ...>\n"
    "6385  1795272978.392087 <... write resumed>) = 3 <0.000043>\n"
    "6383  1795272978.392146 <... newfstatat resumed>{st_mode=S_IFREG|0755, st_size=44016, ...}, 0) = 0 <0.000022>\n"
    "6383  1795272978.392168 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>\n"
    "6385  1795272978.392125 exit_group(0 <unfinished ...>\n"
    "6385  1795272978.392177 <... exit_group resumed>) = ?\n"
    "6385  1795272978.392268 +++ exited with 0 +++\n"
    "6383  1795272978.392291 <... clone resumed>, child_tidptr=0x7fd955007a10) = 6386 <0.000116>\n"
    "6383  1795272978.403688 kill(6387, SIGKILL <unfinished ...>\n"
    "6387  1795272978.403699 set_robust_list(0x7fd955007a20, 24 <unfinished ...>\n"
    "6383  1795272978.403721 <... kill resumed>) = 0 <0.000024>\n"
    "6387  1795272978.403751 <... set_robust_list resumed>) = ?\n"
    "6387  1795272978.403810 +++ killed by SIGKILL +++\n"
    "6383  1795272978.403822 rt_sigsuspend([], 8) = ? ERESTARTNOHAND (To be restarted if no handler) <0.000006>\n"
    "6383  1795272978.403981 exit_group(0)   = ?\n"
    "6383  1795272978.404080 +++ exited with 0 +++\n";

static void test_join_fork_log(void **state)
{
    (void)state;
    struct s2t *c = conv(fork_log);
    const struct s2t_stats *st = s2t_stats(c);
    static const char *const order[] = {
        "rt_sigprocmask", "vfork", "rt_sigprocmask", "execve", "wait4", "brk", "exit_group",
        "newfstatat", "close", "write", "newfstatat", "clone", "exit_group", "kill",
        "set_robust_list", "rt_sigsuspend", "exit_group",
    };

    assert_int_equal(st->malformed, 0);
    assert_int_equal(st->lines, 33);
    assert_int_equal(st->unfinished, 11);
    assert_int_equal(st->joined, 11);
    assert_int_equal(st->lost, 0);
    assert_int_equal(st->signals, 1);
    assert_int_equal(st->exits, 4);
    assert_true(st->has_ts);
    assert_int_equal(st->ndur, 13);
    assert_int_equal(s2t_nrecords(c), sizeof(order) / sizeof(order[0]));
    /* records in the order the calls were entered */
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        assert_string_equal(rname(c, i), order[i]);
    /* tasks numbered by first appearance, as a prefix or as a clone's return
     * value: 6383 -> 0, 6384 -> 1, 6385 -> 2, 6386 -> 3 (clone), 6387 -> 4 */
    assert_int_equal(rec(c, 0)->task, 0);
    assert_int_equal(rec(c, 2)->task, 1);
    assert_int_equal(rec(c, 8)->task, 2);
    assert_int_equal(rec(c, 14)->task, 4);

    const struct rec_want fork_recs[] = {
        /* vfork -> task 1, whose records came before the vfork returned */
        { 1, OP_FORK, TRACE_RES_OK, 0, 1, TRACE_F_JOINED },
        /* execve: "ls\0/nonexist\0" = 13 bytes of argv, envp not shown; aux = the path */
        { 3, OP_EXEC, TRACE_RES_OK, 13, 11, TRACE_F_JOINED | TRACE_F_NOSTRING },
        /* wait4(-1, [status], ...) = 6384: task 1, the status word copied out */
        { 4, OP_WAIT, TRACE_RES_OK, 4, 1, TRACE_F_JOINED },
        { 6, OP_EXIT, TRACE_RES_UNKNOWN, 0, 0, 0 }, /* exit_group(2) = ? */
        { 11, OP_FORK, TRACE_RES_OK, 0, 3, TRACE_F_JOINED }, /* clone = 6386 */
        { 7, OP_PATH, TRACE_RES_ERR, 20, 0, TRACE_F_JOINED }, /* newfstatat */
        { 8, OP_CLOSE, TRACE_RES_OK, 0, 0, TRACE_F_JOINED },
        { 9, OP_COPY_IN, TRACE_RES_OK, 3, 3, TRACE_F_JOINED }, /* write */
        { 10, OP_PATH, TRACE_RES_OK, 12, 96, TRACE_F_JOINED },
        { 12, OP_EXIT, TRACE_RES_UNKNOWN, 0, 0, TRACE_F_JOINED }, /* exit_group = ? */
        /* set_robust_list, killed in the call: no copy either way */
        { 14, OP_NULL, TRACE_RES_UNKNOWN, 0, 0, TRACE_F_JOINED },
        { 15, OP_SKIP, TRACE_RES_UNKNOWN, 0, 0, TRACE_F_RESTART }, /* rt_sigsuspend */
    };
    check_recs(c, fork_recs);
    assert_int_equal(rec(c, 7)->err, 2);
    s2t_free(c);
}

static void test_join_unfinished_never_resumed(void **state)
{
    (void)state;
    struct s2t *c = conv(
        "[pid  200] write(1, \"hello\", 5 <unfinished ...>\n"
        "[pid  201] read(0,  <unfinished ...>\n"
        "[pid  200] +++ killed by SIGKILL +++\n"
        "[pid  202] openat(AT_FDCWD, \"/etc/hosts\", O_RDONLY <unfinished ...>\n"
        "[pid  203] select(4, [3] <unfinished ...>\n"
        "[pid  201] <... read resumed>\"x\", 10) = 1\n");
    const struct s2t_stats *st = s2t_stats(c);

    assert_int_equal(st->malformed, 0);
    assert_int_equal(st->lost, 3);
    assert_int_equal(st->joined, 1);
    assert_int_equal(s2t_nrecords(c), 4);
    const struct rec_want recs[] = {
        /* the write's count is known from its partial arguments */
        { 0, OP_COPY_IN, TRACE_RES_UNKNOWN, 5, 5, TRACE_F_UNFINISHED | TRACE_F_FROM_ARG },
        { 1, OP_COPY_OUT, TRACE_RES_OK, 1, 10, TRACE_F_JOINED },
        /* flushed at the end of the log */
        { 2, OP_PATH, TRACE_RES_UNKNOWN, 10, 0, TRACE_F_UNFINISHED },
        { 3, OP_SKIP, TRACE_RES_UNKNOWN, 0, 0, TRACE_F_UNFINISHED },
    };
    check_recs(c, recs);
    s2t_free(c);
}

static void test_join_resumed_unfinished_again(void **state)
{
    (void)state;
    struct s2t *c = conv_clean(
        "300  futex(0x7f00, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>\n"
        "300  <... futex resumed> <unfinished ...>\n"
        "300  <... futex resumed>) = 0\n"
        "301  read(3, <unfinished ...>\n"
        "301  <... read resumed> <unfinished ...>) = ?\n", 2);

    const struct rec_want recs[] = {
        { 0, OP_COPY_IN, TRACE_RES_OK, 4, 4, TRACE_F_JOINED }, /* the futex word */
        { 1, OP_COPY_OUT, TRACE_RES_UNKNOWN, 0, 0, TRACE_F_JOINED },
    };
    check_recs(c, recs);
    s2t_free(c);
}

/* ------------------------------------------------------------ join errors, stderr, i386 */

static void test_join_errors(void **state)
{
    (void)state;
    struct s2t *c = conv(
        "<... read resumed>\"abc\", 10) = 3\n"                     /* lone resumed */
        "400  read(3,  <unfinished ...>\n"
        "400  <... write resumed>) = 3\n"                          /* another name */
        "401  read(3,  <unfinished ...>\n"
        "401  <... read resumed>\"abc, 10) = 3\n"                  /* joined does not parse */
        "402  close(3 <unfinished ...>\n"
        "402  close(4) = 0\n");                                    /* new call while pending */
    const struct s2t_stats *st = s2t_stats(c);

    assert_int_equal(st->malformed, 3);
    assert_int_equal(s2t_nbad(c), 3);
    assert_int_equal(s2t_bad(c, 0)->line, 1);
    assert_int_equal(s2t_bad(c, 1)->line, 3);
    assert_int_equal(s2t_bad(c, 2)->line, 5);
    assert_string_equal(s2t_bad(c, 2)->why, "unterminated string");
    assert_null(s2t_bad(c, 3));
    /* the unfinished calls are kept, flagged */
    assert_int_equal(s2t_nrecords(c), 4);
    assert_int_equal(rec(c, 0)->flags, TRACE_F_UNFINISHED);
    assert_int_equal(rec(c, 1)->flags, TRACE_F_UNFINISHED);
    assert_int_equal(rec(c, 2)->flags, TRACE_F_UNFINISHED);
    assert_int_equal(rec(c, 3)->flags, 0);
    assert_int_equal(st->lost, 3);
    s2t_free(c);
}

/* strace -f writing to stderr: "strace: Process N attached" cuts a line, and
 * the pid prefix is left out while only one process is traced. */
static void test_stderr_form(void **state)
{
    (void)state;
    struct s2t *c = conv(
        "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLDstrace: Process 6452 attached\n"
        ", child_tidptr=0x7f47b5b10a10) = 6452\n"
        "[pid  6452] set_robust_list(0x7f47b5b10a20, 24) = 0\n"
        "[pid  6451] wait4(-1,  <unfinished ...>\n"
        "[pid  6452] exit_group(0)               = ?\n"
        "[pid  6452] +++ exited with 0 +++\n"
        "<... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 6452\n"
        "rt_sigsuspend([], 8strace: Process 9879 attached\n"
        " <unfinished ...>\n"
        "<... rt_sigsuspend resumed>)            = ? ERESTARTNOHAND (To be restarted if no handler)\n"
        "strace: Process 9880 attached\n");
    const struct s2t_stats *st = s2t_stats(c);

    assert_int_equal(st->malformed, 0);
    assert_int_equal(st->info, 3);
    assert_int_equal(st->joined, 2);
    assert_int_equal(s2t_nrecords(c), 5);
    assert_string_equal(rname(c, 0), "clone");
    assert_int_equal(rec(c, 0)->result, TRACE_RES_OK);
    assert_string_equal(rname(c, 2), "wait4");
    assert_int_equal(rec(c, 2)->flags, TRACE_F_JOINED);
    assert_string_equal(rname(c, 4), "rt_sigsuspend");
    assert_int_equal(rec(c, 4)->flags, TRACE_F_JOINED | TRACE_F_RESTART);
    /* after the unique match, unprefixed lines belong to 6451 */
    assert_int_equal(rec(c, 4)->task, rec(c, 2)->task);
    s2t_free(c);
}

/* A 32-bit (i386) program traced on the x86-64 host: i386 syscall names. */
static void test_i386_names(void **state)
{
    (void)state;
    struct s2t *c = conv(
        "execve(\"./m32\", [\"./m32\"], 0x7ffe250a4c30 /* 37 vars */) = 0\n"
        "[ Process PID=14918 runs in 32 bit mode. ]\n"
        "brk(NULL)                               = 0x9b85000\n"
        "brk(0x9b85880)                          = 0x9b85880\n"
        "set_thread_area({entry_number=-1, base_addr=0x9b85380, limit=0x0fffff, seg_32bit=1, contents=0, read_exec_only=0, limit_in_pages=1, seg_not_present=0, useable=1}) = 0 (entry_number=12)\n"
        "ugetrlimit(RLIMIT_STACK, {rlim_cur=8192*1024, rlim_max=RLIM_INFINITY}) = 0\n"
        "getuid32()                              = 0\n"
        "_llseek(3, 0, [0], SEEK_SET)            = 0\n"
        "mmap2(NULL, 200704, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0xf7f2d000\n"
        "fstat64(3, {st_mode=S_IFREG|0644, st_size=3, ...}) = 0\n"
        "fcntl64(3, F_DUPFD_CLOEXEC, 0)          = 4\n"
        "statx(1, \"\", AT_STATX_SYNC_AS_STAT|AT_NO_AUTOMOUNT|AT_EMPTY_PATH, STATX_BASIC_STATS, {stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFCHR|0666, stx_size=0, ...}) = 0\n"
        "exit_group(0)                           = ?\n"
        "+++ exited with 0 +++\n");

    assert_int_equal(s2t_stats(c)->malformed, 0);
    assert_int_equal(s2t_stats(c)->info, 1);
    assert_int_equal(s2t_nrecords(c), 12);
    const struct rec_want recs[] = {
        { 2, OP_BRK, TRACE_RES_OK, 0x880, 0x880, 0 },
        /* set_thread_area: struct user_desc in (16), entry_number=-1 -> 12 written back (4) */
        { 3, OP_COPY_IN, TRACE_RES_OK, 20, 20, 0 },
        { 5, OP_NULL, TRACE_RES_OK, 0, 0, 0 },
        { 6, OP_SEEK, TRACE_RES_OK, 8, 0, 0 },
        { 7, OP_MAP_AT, TRACE_RES_OK, TRACE_ARENA_PAGES / 2, 49 | TRACE_AT_READ | TRACE_AT_WRITE, 0 },
        { 8, OP_STAT_OUT, TRACE_RES_OK, 96, 96, 0 },
        { 9, OP_DUP, TRACE_RES_OK, 0, 0, 0 },
        { 10, OP_STAT_OUT, TRACE_RES_OK, 256, 256, 0 },
    };
    check_recs(c, recs);
    s2t_free(c);
}

/* ------------------------------------------------------------ the process lifecycle */

/* One call each: fork, exit, wait and exec records and their fields. */
static void test_lifecycle_one_line(void **state)
{
    (void)state;
    static const struct line_want lifecycle[] = {
        { "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 4242",
          OP_FORK, TRACE_RES_OK, 0, 1, 0, 0 },
        { "fork() = 77",
          OP_FORK, TRACE_RES_OK, 0, 1, 0, 0 },
        { "vfork() = 78",
          OP_FORK, TRACE_RES_OK, 0, 1, 0, 0 },
        { "clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
          "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0xf7, parent_tid=0xf7, "
          "exit_signal=0, stack=0xf7, stack_size=0x7fff00, tls=0xf7} => {parent_tid=[4243]}, 88) = 4243",
          OP_FORK, TRACE_RES_OK, 0, 1, 0, 0 }, /* a thread: a process here */
        { "clone(child_stack=NULL, flags=SIGCHLD) = -1 EAGAIN (Resource temporarily unavailable)",
          OP_FORK, TRACE_RES_ERR, 0, TRACE_TASK_NONE, 0, 0 },
        { "exit_group(3) = ?",
          OP_EXIT, TRACE_RES_UNKNOWN, 0, 0, 0, 0 },
        { "exit(0) = ?",
          OP_EXIT, TRACE_RES_UNKNOWN, 0, 0, 0, 0 },
        { "wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 12",
          OP_WAIT, TRACE_RES_OK, 4, 1, 0, 0 },
        { "wait4(-1, NULL, 0, NULL) = 12",
          OP_WAIT, TRACE_RES_OK, 0, 1, 0, 0 },
        { "wait4(-1, 0x7ffc, WNOHANG, NULL) = 0",
          OP_WAIT, TRACE_RES_OK, 0, TRACE_TASK_NONE, 0, 0 },
        { "wait4(-1, 0x7ffc, 0, NULL) = -1 ECHILD (No child processes)",
          OP_WAIT, TRACE_RES_ERR, 0, TRACE_TASK_ANY, 0, 0 },
        { "waitpid(55, NULL, 0) = -1 ECHILD (No child processes)",
          OP_WAIT, TRACE_RES_ERR, 0, 1, 0, 0 }, /* the pid argument */
        { "waitid(P_ALL, 0, {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=31, si_uid=0, si_status=0, "
          "si_utime=0, si_stime=0}, WEXITED, NULL) = 0",
          OP_WAIT, TRACE_RES_OK, 0, 1, 0, 0 },
        { "waitid(P_PID, 31, {}, WEXITED|WNOHANG, NULL) = 0",
          OP_WAIT, TRACE_RES_OK, 0, 1, 0, 0 },
        { "waitid(P_ALL, 0, {}, WEXITED|WNOHANG, NULL) = 0",
          OP_WAIT, TRACE_RES_OK, 0, TRACE_TASK_NONE, 0, 0 },
        /* execve: "cat\0/etc/hostname\0" = 18 bytes, envp not shown (no -v) */
        { "execve(\"/usr/bin/cat\", [\"cat\", \"/etc/hostname\"], 0x7fff40c6de38 /* 37 vars */) = 0",
          OP_EXEC, TRACE_RES_OK, 18, 12, TRACE_F_NOSTRING, 0 },
        /* strace -v: envp shown: + "A=1\0" + "HOME=/\0" */
        { "execve(\"/bin/true\", [\"true\"], [\"A=1\", \"HOME=/\"]) = 0",
          OP_EXEC, TRACE_RES_OK, 5 + 4 + 7, 9, 0, 0 },
        { "execve(\"/bin/true\", [], []) = 0",
          OP_EXEC, TRACE_RES_OK, 0, 9, 0, 0 },
        /* a cut string and a cut list: lower bounds */
        { "execve(\"/bin/sh\", [\"sh\", \"-c\", \"abc\"...], [\"X=1\", ...]) = 0",
          OP_EXEC, TRACE_RES_OK, 3 + 3 + 4 + 4, 7, TRACE_F_TRUNCATED, 0 },
        { "execve(\"/nope\", [\"a\"], [/* 2 vars */]) = -1 ENOENT (No such file or directory)",
          OP_EXEC, TRACE_RES_ERR, 2, 5, TRACE_F_NOSTRING, 2 },
        { "execveat(3, \"\", [\"x\"], [\"A=1\"], AT_EMPTY_PATH) = 0",
          OP_EXEC, TRACE_RES_OK, 2 + 4, 0, 0, 0 },
    };

    /* a child pid never seen on a line of its own still gets a task: 1 */
    check_lines(lifecycle);
}

/* strace -f with [pid N] prefixes: a clone whose child runs (and exits)
 * before the parent's clone returns, then a wait for it. */
static void test_lifecycle_f_prefixes(void **state)
{
    (void)state;
    struct s2t *c = conv_clean(
        "execve(\"/bin/sh\", [\"sh\", \"-c\", \"ls\"], 0x7ffd /* 3 vars */) = 0\n"
        "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>\n"
        "[pid   901] execve(\"/bin/ls\", [\"ls\"], 0x7ffd /* 3 vars */) = 0\n"
        "[pid   901] write(1, \"a\\n\", 2) = 2\n"
        "[pid   901] exit_group(0) = ?\n"
        "[pid   901] +++ exited with 0 +++\n"
        "<... clone resumed>, child_tidptr=0x7f) = 901\n"
        "wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 901\n"
        "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=901, si_uid=0, si_status=0} ---\n"
        "exit_group(0) = ?\n"
        "+++ exited with 0 +++\n", 7);

    assert_string_equal(rname(c, 1), "clone");
    /* the clone's slot comes first (entered first), its child is task 1 */
    assert_int_equal(rec(c, 1)->task, 0);
    const struct rec_want recs[] = {
        { 1, OP_FORK, TRACE_RES_OK, 0, 1, TRACE_F_JOINED },
        { 5, OP_WAIT, TRACE_RES_OK, 4, 1, 0 },
    };
    check_recs(c, recs);
    assert_int_equal(rec(c, 2)->task, 1);
    assert_int_equal(rec(c, 2)->op, OP_EXEC);
    assert_int_equal(rec(c, 4)->task, 1);
    assert_int_equal(rec(c, 4)->op, OP_EXIT);
    assert_int_equal(rec(c, 6)->op, OP_EXIT);
    assert_int_equal(rec(c, 6)->task, 0);
    assert_int_equal(s2t_stats(c)->per_op[OP_FORK], 1);
    assert_int_equal(s2t_stats(c)->per_op[OP_EXIT], 2);
    assert_int_equal(s2t_stats(c)->per_op[OP_EXEC], 2);
    check_image(c);
    s2t_free(c);
}

/* strace -ff: the child's file read before the parent's; the clone's
 * return value names the child's file pid. */
static void test_lifecycle_ff_child_first(void **state)
{
    (void)state;
    struct s2t *c = s2t_new();
    static const char *const child[] = { "write(1, \"x\", 1) = 1", "exit_group(0) = ?", "+++ exited with 0 +++" };
    static const char *const parent[] = { "clone(child_stack=NULL, flags=SIGCHLD) = 7001",
                                          "wait4(7001, NULL, 0, NULL) = 7001", "exit_group(0) = ?" };

    s2t_begin_file(c, 7001);
    for (size_t i = 0; i < 3; i++)
        s2t_feed(c, child[i], strlen(child[i]));
    s2t_end_file(c);
    s2t_begin_file(c, 7000);
    for (size_t i = 0; i < 3; i++)
        s2t_feed(c, parent[i], strlen(parent[i]));
    s2t_end_file(c);
    assert_int_equal(s2t_nrecords(c), 5);
    assert_int_equal(rec(c, 0)->task, 0);            /* 7001: first seen */
    assert_int_equal(rec(c, 2)->task, 1);            /* 7000 */
    const struct rec_want recs2[] = {
        { 2, OP_FORK, TRACE_RES_OK, 0, 0, 0 },
        { 3, OP_WAIT, TRACE_RES_OK, 0, 0, 0 },
    };
    check_recs(c, recs2);
    check_image(c);
    s2t_free(c);
}

/* strace -ff: one file per pid, no prefixes. */
static void test_ff_files(void **state)
{
    (void)state;
    struct s2t *c = s2t_new();
    static const char *const f1[] = { "execve(\"/bin/sh\", [\"sh\"], 0x7ffd /* 3 vars */) = 0",
                                      "pipe2([3, 4], 0) = 0", "exit_group(0) = ?", "+++ exited with 0 +++" };
    static const char *const f2[] = { "close(3) = 0", "write(4, \"x\", 1) = 1", "exit_group(0) = ?",
                                      "+++ exited with 0 +++" };

    s2t_begin_file(c, 6427);
    for (size_t i = 0; i < 4; i++)
        s2t_feed(c, f1[i], strlen(f1[i]));
    s2t_end_file(c);
    s2t_begin_file(c, 6428);
    for (size_t i = 0; i < 4; i++)
        s2t_feed(c, f2[i], strlen(f2[i]));
    s2t_end_file(c);
    assert_int_equal(s2t_nrecords(c), 6);
    assert_int_equal(rec(c, 0)->task, 0);
    assert_int_equal(rec(c, 3)->task, 1);
    assert_int_equal(rec(c, 1)->op, OP_PIPE);
    assert_int_equal(rec(c, 4)->op, OP_COPY_IN);
    check_image(c);
    s2t_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join_fork_log),
        cmocka_unit_test(test_join_unfinished_never_resumed),
        cmocka_unit_test(test_join_resumed_unfinished_again),
        cmocka_unit_test(test_join_errors),
        cmocka_unit_test(test_stderr_form),
        cmocka_unit_test(test_i386_names),
        cmocka_unit_test(test_lifecycle_one_line),
        cmocka_unit_test(test_lifecycle_f_prefixes),
        cmocka_unit_test(test_lifecycle_ff_child_first),
        cmocka_unit_test(test_ff_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
