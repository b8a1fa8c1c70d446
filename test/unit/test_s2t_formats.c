/*
 * test_s2t_formats.c - host tests of strace's output options:
 * -i, -n, -Y, -k, -e read=/write=, -C, -p then ^C (<detached ...>), and
 * -e raw=all; each converts to the same records as the plain output.
 * (s2t_test.h lists the converter tests and their helpers.)
 */
#include "s2t_test.h"

/* ------------------------------------------------------------ strace output formats (issue 12) */

/* Convert `fmt` and `plain` (the same calls without the option's text) and
 * check that they give the same records and no malformed line. */
static struct s2t *same_as_plain(const char *fmt, const char *plain)
{
    struct s2t *a = conv(fmt), *b = conv(plain);

    if (s2t_stats(a)->malformed)
        fail_msg("%llu malformed, first: %s: \"%s\"", (unsigned long long)s2t_stats(a)->malformed,
                 s2t_bad(a, 0)->why, s2t_bad(a, 0)->text);
    assert_int_equal(s2t_stats(b)->malformed, 0);
    assert_true(s2t_nrecords(b) > 0);
    assert_int_equal(s2t_nrecords(a), s2t_nrecords(b));
    assert_memory_equal(s2t_records(a), s2t_records(b), s2t_nrecords(b) * sizeof(struct trace_record));
    for (uint32_t i = 0; i < s2t_nnames(b); i++)
        assert_string_equal(s2t_name(a, i), s2t_name(b, i));
    s2t_free(b);
    return a;
}

/* strace -i: "[ip] " before the call, also on resumed and exit lines. */
static void test_format_i(void **state)
{
    (void)state;
    struct s2t *c = same_as_plain(
        "[00007fa049909ad7] execve(\"/usr/bin/cat\", [\"cat\", \"/etc/hostname\"], 0x7fff6fec9f40 /* 41 vars */) = 0\n"
        "[00007f0497678c47] brk(NULL)            = 0x5623abf9f000\n"
        "25594 [00007f49cf4b03b8] vfork( <unfinished ...>\n"
        "25594 [00007f49cf4b03b8] <... vfork resumed>) = 25598\n"
        "[00007f049755de67] close(1)             = 0\n"
        "[00007f0497535409] exit_group(0)        = ?\n"
        "[????????????????] +++ exited with 0 +++\n",
        "execve(\"/usr/bin/cat\", [\"cat\", \"/etc/hostname\"], 0x7fff6fec9f40 /* 41 vars */) = 0\n"
        "brk(NULL)            = 0x5623abf9f000\n"
        "25594 vfork( <unfinished ...>\n"
        "25594 <... vfork resumed>) = 25598\n"
        "close(1)             = 0\n"
        "exit_group(0)        = ?\n"
        "+++ exited with 0 +++\n");
    assert_int_equal(s2t_stats(c)->exits, 1);
    s2t_free(c);
    /* an -i prefix is 8 or 16 hex digits; anything else is not one */
    assert_int_equal(parse("[0007f0] close(1) = 0").kind, SP_MALFORMED);
    assert_int_equal(parse("[00007f049755de67]").kind, SP_MALFORMED);
}

/* strace -n: "[ nnn] " (the syscall number, padded) before the call. */
static void test_format_n(void **state)
{
    (void)state;
    struct s2t *c = same_as_plain(
        "[  59] execve(\"/usr/bin/cat\", [\"cat\", \"/etc/hostname\"], 0x7ffd760e0010 /* 41 vars */) = 0\n"
        "[  12] brk(NULL)                        = 0x55e251cb1000\n"
        "[   9] mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f97dd561000\n"
        "[1234] foo() = 0\n",
        "execve(\"/usr/bin/cat\", [\"cat\", \"/etc/hostname\"], 0x7ffd760e0010 /* 41 vars */) = 0\n"
        "brk(NULL)                        = 0x55e251cb1000\n"
        "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f97dd561000\n"
        "foo() = 0\n");
    s2t_free(c);
}

/* strace -Y: "pid<comm>" prefixes and "= pid<comm>" results; with -f -n -i -ttt -T all at once. */
static void test_format_Y(void **state)
{
    (void)state;
    struct s2t *c = same_as_plain(
        "9416<strace> execve(\"/usr/bin/sh\", [\"sh\", \"-c\", \"cat /etc/hostname\"], 0x7fff16a41090 /* 41 vars */) = 0\n"
        "9416<sh> brk(NULL)                      = 0x562104868000\n"
        "9416<sh> wait4(-1,  <unfinished ...>\n"
        "9417<cat> exit_group(0) = ?\n"
        "9417<cat> +++ exited with 0 +++\n"
        "9416<sh> <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 9417<cat>\n"
        "[pid  9511<sh>] [00007f8072598dd4] rt_sigprocmask(SIG_SETMASK, [], ~[KILL STOP RTMIN RT_1], 8) = 0\n"
        "[00007f80725de4e7] getpid()             = 9510<sh>\n"
        "9443<sh> 1796244791.867693 [  58] [00007f61dba483b8] vfork( <unfinished ...>\n"
        "9443<sh> 1796244791.868032 [  58] [00007f61dba483b8] <... vfork resumed>) = 9444<cat> <0.000329>\n"
        "9443<sh> 1796244791.873129 [ 231] [00007f61dba48409] exit_group(0) = ?\n"
        "9443<sh> 1796244791.873326 [ 231] [????????????????] +++ exited with 0 +++\n",
        "9416 execve(\"/usr/bin/sh\", [\"sh\", \"-c\", \"cat /etc/hostname\"], 0x7fff16a41090 /* 41 vars */) = 0\n"
        "9416 brk(NULL)                      = 0x562104868000\n"
        "9416 wait4(-1,  <unfinished ...>\n"
        "9417 exit_group(0) = ?\n"
        "9417 +++ exited with 0 +++\n"
        "9416 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 9417\n"
        "[pid  9511] rt_sigprocmask(SIG_SETMASK, [], ~[KILL STOP RTMIN RT_1], 8) = 0\n"
        "getpid()             = 9510\n"
        "9443 1796244791.867693 vfork( <unfinished ...>\n"
        "9443 1796244791.868032 <... vfork resumed>) = 9444 <0.000329>\n"
        "9443 1796244791.873129 exit_group(0) = ?\n"
        "9443 1796244791.873326 +++ exited with 0 +++\n");
    assert_int_equal(s2t_stats(c)->joined, 2);
    assert_int_equal(s2t_stats(c)->ndur, 1);
    s2t_free(c);
    struct sp_line L = parse("[pid  9511<sh>] close(3) = 0");
    assert_int_equal(L.kind, SP_CALL);
    assert_int_equal(L.pid, 9511);
}

/* strace -k: " > frame" lines after each call. */
static void test_format_k_stack(void **state)
{
    (void)state;
    struct s2t *c = same_as_plain(
        "execve(\"/usr/bin/cat\", [\"cat\", \"/etc/hostname\"], 0x7ffe7b5d3970 /* 41 vars */) = 0\n"
        " > /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2(_dl_catch_error+0x26f0) [0x1ab70]\n"
        "brk(NULL)                               = 0x55d93b53d000\n"
        " > /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2(_dl_catch_error+0x77c7) [0x1fc47]\n"
        " > /usr/lib/x86_64-linux-gnu/libc.so.6(__read_nocancel+0x4) [0xfd104]\n"
        " > unexpected_backtracing_error [0x7f0be11ff000]\n",
        "execve(\"/usr/bin/cat\", [\"cat\", \"/etc/hostname\"], 0x7ffe7b5d3970 /* 41 vars */) = 0\n"
        "brk(NULL)                               = 0x55d93b53d000\n");
    assert_int_equal(s2t_stats(c)->stack, 4);
    s2t_free(c);
}

/* strace -e read=all -e write=all: " | 00000  hex  text |" after the call. */
static void test_format_read_write_dump(void **state)
{
    (void)state;
    struct s2t *c = same_as_plain(
        "18401 read(3, \"vm\\n\", 131072)           = 3\n"
        " | 00000  76 6d 0a                                          vm.              |\n"
        "read(3, \"\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\20t\\2\\0\\0\\0\\0\\0\"..., 832) = 832\n"
        " | 00000  7f 45 4c 46 02 01 01 03  00 00 00 00 00 00 00 00  .ELF............ |\n"
        " | 00010  03 00 3e 00 01 00 00 00  10 74 02 00 00 00 00 00  ..>......t...... |\n",
        "18401 read(3, \"vm\\n\", 131072)           = 3\n"
        "read(3, \"\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\20t\\2\\0\\0\\0\\0\\0\"..., 832) = 832\n");
    assert_int_equal(s2t_stats(c)->dump, 3);
    s2t_free(c);
}

/* strace -C: the -c summary table after the calls. */
static void test_format_C_summary(void **state)
{
    (void)state;
    static const char *const table =
        "% time     seconds  usecs/call     calls    errors syscall\n"
        "------ ----------- ----------- --------- --------- ----------------\n"
        " 33.88    0.000767          24        31        13 openat\n"
        "  0.00    0.000000           0         2           pread64\n"
        "------ ----------- ----------- --------- --------- ----------------\n"
        "100.00    0.000000           0       118        14 total\n";
    char text[1024];
    struct s2t *c;

    snprintf(text, sizeof(text), "close(1) = 0\nexit_group(0) = ?\n+++ exited with 0 +++\n%s", table);
    c = same_as_plain(text, "close(1) = 0\nexit_group(0) = ?\n+++ exited with 0 +++\n");
    assert_int_equal(s2t_stats(c)->summary, 6);
    s2t_free(c);
    /* strace -c alone: the summary and nothing else, no record */
    c = conv_clean(table, 0);
    assert_int_equal(s2t_stats(c)->summary, 6);
    s2t_free(c);
    /* a row without the header is not taken for one */
    c = conv(" 33.88    0.000767          24        31        13 openat\n");
    assert_int_equal(s2t_stats(c)->malformed, 1);
    s2t_free(c);
}

/* strace -p PID, then ^C: the call in progress ends "<detached ...>". */
static void test_format_detached(void **state)
{
    (void)state;
    struct s2t *c = conv_clean("read(0,  <detached ...>\n", 1);
    assert_int_equal(s2t_stats(c)->detached, 1);
    const struct rec_want recs[] = {
        { 0, OP_COPY_OUT, TRACE_RES_UNKNOWN, 0, 0, TRACE_F_UNFINISHED },
    };
    check_recs(c, recs);
    assert_string_equal(rname(c, 0), "read");
    s2t_free(c);
    c = conv_clean("restart_syscall(<... resuming interrupted read ...> <detached ...>\n", 1);
    assert_string_equal(rname(c, 0), "restart_syscall");
    s2t_free(c);
    /* a pending call, then detached in its resumed line: one record */
    c = conv("12 write(1, \"abc\", 3 <unfinished ...>\n12 <... write resumed> <detached ...>\n");
    assert_int_equal(s2t_nrecords(c), 1);
    assert_int_equal(s2t_stats(c)->detached, 1);
    const struct rec_want recs2[] = {
        { 0, OP_COPY_IN, TRACE_RES_UNKNOWN, 3, 3, TRACE_F_UNFINISHED | TRACE_F_FROM_ARG },
    };
    check_recs(c, recs2);
    s2t_free(c);
}

/* strace -e raw=all: paths are pointers; every such record is counted. */
static void test_format_raw_all_counted(void **state)
{
    (void)state;
    struct s2t *c = conv_clean("execve(0x7ffd9d069c40, 0x7ffd9d06b0e0, 0x7ffd9d06b0f8) = 0\n"
                               "access(0x7f47279ac2a0, 0x4)             = -1 ENOENT (No such file or directory)\n"
                               "openat(0xffffff9c, 0x7f47279ab0b1, 0x80000, 0) = 0x3\n"
                               "newfstatat(0x3, 0x7f47279abc99, 0x7fff3ca80310, 0x1000) = 0\n"
                               "close(0x3)                              = 0\n", 5);
    /* access, openat: paths of unknown length; newfstatat is the fd form;
     * execve: its strings not shown, counted apart */
    assert_int_equal(s2t_stats(c)->nostring, 2);
    assert_int_equal(s2t_stats(c)->exec_nostring, 1);
    assert_int_equal(rec(c, 0)->op, OP_EXEC);
    assert_int_equal(rec(c, 0)->flags & TRACE_F_NOSTRING, TRACE_F_NOSTRING);
    assert_int_equal(rec(c, 2)->flags & TRACE_F_NOSTRING, TRACE_F_NOSTRING);
    assert_int_equal(rec(c, 3)->op, OP_STAT_OUT);
    s2t_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_i),
        cmocka_unit_test(test_format_n),
        cmocka_unit_test(test_format_Y),
        cmocka_unit_test(test_format_k_stack),
        cmocka_unit_test(test_format_read_write_dump),
        cmocka_unit_test(test_format_C_summary),
        cmocka_unit_test(test_format_detached),
        cmocka_unit_test(test_format_raw_all_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
