/*
 * strace_parse.c - one line of strace text output -> struct sp_line, and the
 * argument helpers the mapping uses.
 *
 * Accepted line shapes (any of them may start with "1234  " or "[pid 1234] "
 * and then a -t/-tt/-ttt/-r timestamp, and end with a -T "<0.000012>"):
 *
 *     read(3, "abc"..., 832) = 832
 *     openat(AT_FDCWD, "/x", O_RDONLY) = -1 ENOENT (No such file or directory)
 *     exit_group(0) = ?
 *     brk(NULL) = 0x55d0c0a2b000
 *     wait4(-1,  <unfinished ...>
 *     <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 12
 *     --- SIGCHLD {si_signo=SIGCHLD, ...} ---
 *     +++ exited with 0 +++          +++ killed by SIGKILL +++
 *     strace: Process 12 attached    [ Process PID=12 runs in 32 bit mode. ]
 *     read(0,  <detached ...>                                   (strace -p, then ^C)
 *      > /usr/lib/x86_64-linux-gnu/libc.so.6(read+0xd) [0xf82ad]  (-k: a stack frame)
 *      | 00000  7f 45 4c 46 02 01 01 03  ...  .ELF....... |      (-e read=, -e write=)
 *     % time     seconds  usecs/call     calls    errors syscall (-c, -C: the summary
 *     ------ ----------- ----------- --------- --------- -------  table: header, rules,
 *       9.80    0.000016           1        16           read     rows)
 *
 * Between the pid prefix and the call, -Y adds the process name to the pid
 * ("1234<sh>  ", "[pid 1234<sh>] "), -n the syscall number ("[  59] ") and
 * -i the instruction pointer ("[00007f61dbb8bc47] ", "[????????????????] "),
 * in that order after any timestamp.
 *
 * The parser never reads outside [s, s + n) and never allocates; spans in
 * struct sp_line point into the caller's buffer.
 */
#include <string.h>

#include "strace_parse.h"

#define MAX_NEST 64

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_space(char c) { return c == ' ' || c == '\t'; }
static int is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}
static int is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static unsigned hex_val(char c)
{
    return is_digit(c) ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

static int starts(const char *s, size_t n, size_t i, const char *lit)
{
    size_t l = strlen(lit);
    return i <= n && n - i >= l && memcmp(s + i, lit, l) == 0;
}

static int ends(const char *s, size_t n, size_t i, const char *lit)
{
    size_t l = strlen(lit);
    return n >= i && n - i >= l && memcmp(s + n - l, lit, l) == 0;
}

#define COMM_TEXT_MAX 64   /* bytes of a -Y "<comm>": 15 characters, escaped as \ooo at most */

/* -Y: a "<comm>" right after a pid at s[i]: the index after its '>', or i if there is none. */
static size_t skip_comm(const char *s, size_t n, size_t i)
{
    if (i >= n || s[i] != '<')
        return i;
    for (size_t j = i + 1; j < n && j - i <= COMM_TEXT_MAX; j++)
        if (s[j] == '>')
            return j + 1;
    return i;
}

/* -n "[ nnn] " (1-5 digits, padded) and -i "[hex] " (8 or 16 hex digits, or
 * '?' where strace could not read it) at s[*i], at most one of each, -n
 * first: *i moves past them and the blanks after. */
static void skip_nr_ip(const char *s, size_t n, size_t *i)
{
    int seen_nr = 0, seen_ip = 0;

    while (*i < n && s[*i] == '[') {
        size_t j = *i + 1, d;
        while (j < n && s[j] == ' ')
            j++;
        d = j;
        while (j < n && is_digit(s[j]))
            j++;
        if (!seen_nr && !seen_ip && j > d && j - d <= 5 && j < n && s[j] == ']' && j + 1 < n &&
            is_space(s[j + 1])) {
            seen_nr = 1;
        } else {
            j = *i + 1;
            while (j < n && (is_hex(s[j]) || s[j] == '?'))
                j++;
            if (seen_ip || (j - *i - 1 != 8 && j - *i - 1 != 16) || j + 1 >= n || s[j] != ']' ||
                !is_space(s[j + 1]))
                return;
            seen_ip = 1;
        }
        *i = j + 1;
        while (*i < n && is_space(s[*i]))
            (*i)++;
    }
}

/* A -c/-C summary line (s[i, n) trimmed): 1 for the header or a rule, 2 for
 * a row (numbers, then a syscall name or "total"), 0 if it is not one. */
static int summary_line(const char *s, size_t n, size_t i)
{
    size_t j, nums = 0, dots = 0;

    if (starts(s, n, i, "% time") || starts(s, n, i, "System call usage summary for "))
        return 1;
    for (j = i; j < n && (s[j] == '-' || s[j] == ' '); j++)
        ;
    if (j == n && n - i >= 6 && s[i] == '-')
        return 1;
    /* a row: blank-separated tokens, all but the last [0-9.]+ */
    j = i;
    for (;;) {
        size_t t = j;
        while (j < n && (is_digit(s[j]) || s[j] == '.'))
            dots += s[j++] == '.';
        if (j == t || j >= n || !is_space(s[j]))
            break;
        nums++;
        while (j < n && is_space(s[j]))
            j++;
    }
    if (nums < 3 || dots == 0 || j == n || !is_ident(s[j]))
        return 0;
    while (j < n && is_ident(s[j]))
        j++;
    return j == n ? 2 : 0;
}

/* Seconds in "D+[.D*]" or "HH:MM:SS[.D*]" at s[*i]; must be followed by a blank. */
static int parse_time(const char *s, size_t n, size_t *i, double *out)
{
    size_t j = *i;
    double v = 0, scale;
    int fields = 0;

    for (;;) {
        double part = 0;
        size_t d = j;
        while (j < n && is_digit(s[j]))
            part = part * 10 + (s[j++] - '0');
        if (j == d || j - d > 12)
            return -1;
        v = v * (fields ? 60 : 1) + part;
        fields++;
        if (j < n && s[j] == ':' && fields < 3) {
            j++;
            continue;
        }
        break;
    }
    if (fields == 2)
        return -1;
    if (j < n && s[j] == '.') {
        j++;
        scale = 0.1;
        if (j >= n || !is_digit(s[j]))
            return -1;
        while (j < n && is_digit(s[j])) {
            v += (s[j++] - '0') * scale;
            scale /= 10;
        }
    }
    if (j >= n || !is_space(s[j]))
        return -1;
    *out = v;
    *i = j;
    return 0;
}

/* A -T duration "<D+.D+>" ending the line at s[n-1], preceded by a blank:
 * returns the new end (before the blanks), or n if there is none. */
static size_t strip_duration(const char *s, size_t n, size_t start, struct sp_line *L)
{
    size_t j, dot = 0;
    double v = 0, scale = 0.1;

    if (n < start + 4 || s[n - 1] != '>')
        return n;
    j = n - 1;
    while (j > start && (is_digit(s[j - 1]) || s[j - 1] == '.')) {
        j--;
        if (s[j] == '.') {
            if (dot)
                return n;
            dot = j;
        }
    }
    if (!dot || j == start || s[j - 1] != '<' || dot == j || dot == n - 2)
        return n;
    j--;  /* at '<' */
    if (j == start || !is_space(s[j - 1]))
        return n;
    for (size_t k = j + 1; k < dot; k++)
        v = v * 10 + (s[k] - '0');
    for (size_t k = dot + 1; k < n - 1; k++) {
        v += (s[k] - '0') * scale;
        scale /= 10;
    }
    L->has_dur = 1;
    L->dur = v;
    while (j > start && is_space(s[j - 1]))
        j--;
    return j;
}

/*
 * Scan an argument list from s[i]: strings (with escapes), C comments (as
 * -X verbose prints them) and ([{ nesting. Stops at the ')' that closes the list (returns its index)
 * or at n (returns n). *why is set on a hard error (returns n too).
 */
static size_t scan_args(const char *s, size_t n, size_t i, const char **why)
{
    char stack[MAX_NEST];
    int depth = 0;

    *why = NULL;
    while (i < n) {
        char c = s[i];
        if (c == '"') {
            i++;
            while (i < n && s[i] != '"')
                i += (s[i] == '\\') ? 2 : 1;
            if (i >= n) {
                *why = "unterminated string";
                return n;
            }
            i++;
            continue;
        }
        if (c == '/' && i + 1 < n && s[i + 1] == '*') {
            size_t j = i + 2;
            while (j + 1 < n && !(s[j] == '*' && s[j + 1] == '/'))
                j++;
            if (j + 1 >= n) {
                *why = "unterminated comment";
                return n;
            }
            i = j + 2;
            continue;
        }
        if (c == '(' || c == '[' || c == '{') {
            if (depth == MAX_NEST) {
                *why = "nesting too deep";
                return n;
            }
            stack[depth++] = c == '(' ? ')' : c == '[' ? ']' : '}';
        } else if (c == ')' || c == ']' || c == '}') {
            if (depth == 0) {
                if (c == ')')
                    return i;
                *why = "unbalanced brackets";
                return n;
            }
            if (stack[--depth] != c) {
                *why = "mismatched brackets";
                return n;
            }
        }
        i++;
    }
    return n;
}

/* "= RESULT" from s[i] (just after the closing parenthesis). */
static enum sp_kind parse_result(const char *s, size_t n, size_t i, struct sp_line *L)
{
    int neg = 0;
    uint64_t v = 0;
    size_t d;

    while (i < n && is_space(s[i]))
        i++;
    if (i >= n || s[i] != '=') {
        L->why = "no '=' after the arguments";
        return L->kind = SP_MALFORMED;
    }
    i++;
    while (i < n && is_space(s[i]))
        i++;
    if (i < n && s[i] == '?') {
        L->result = TRACE_RES_UNKNOWN;
        i++;
        while (i < n && is_space(s[i]))
            i++;
        if (starts(s, n, i, "ERESTART"))
            L->restart = 1;
        return L->kind = SP_CALL;
    }
    if (i < n && s[i] == '-') {
        neg = 1;
        i++;
    }
    d = i;
    if (starts(s, n, i, "0x") || starts(s, n, i, "0X")) {
        i += 2;
        d = i;
        while (i < n && is_hex(s[i])) {
            if (v >> 60)
                break;
            v = v << 4 | hex_val(s[i++]);
        }
    } else {
        while (i < n && is_digit(s[i])) {
            if (v > (UINT64_MAX - 9) / 10)
                break;
            v = v * 10 + (uint64_t)(s[i++] - '0');
        }
    }
    if (i == d) {
        L->why = "bad return value";
        return L->kind = SP_MALFORMED;
    }
    if (i < n && !is_space(s[i]) && s[i] != '<') {
        L->why = is_digit(s[i]) || is_hex(s[i]) ? "return value too large" : "bad return value";
        return L->kind = SP_MALFORMED;
    }
    while (i < n && is_space(s[i]))
        i++;
    if (neg && v == 1 && i < n && s[i] == 'E') {
        size_t e = i;
        while (i < n && is_ident(s[i]))
            i++;
        L->result = TRACE_RES_ERR;
        L->err = (uint16_t)sp_errno_lookup(s + e, i - e);
        return L->kind = SP_CALL;
    }
    if (neg && v == 1 && starts(s, n, i, "(errno ")) {
        uint64_t e = 0;
        i += 7;
        while (i < n && is_digit(s[i]) && e < 100000)
            e = e * 10 + (uint64_t)(s[i++] - '0');
        L->result = TRACE_RES_ERR;
        L->err = e < 65536 ? (uint16_t)e : 0;
        return L->kind = SP_CALL;
    }
    L->result = TRACE_RES_OK;
    L->ret = (int64_t)(neg ? (uint64_t)0 - v : v);
    return L->kind = SP_CALL;
}

/* The identifier at s[i]: returns its end (i if there is none). */
static size_t scan_name(const char *s, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && is_ident(s[j]))
        j++;
    return j;
}

enum sp_kind sp_parse_line(const char *s, size_t n, struct sp_line *L)
{
    size_t i = 0, j;

    memset(L, 0, sizeof(*L));
    L->pid = -1;
    L->kind = SP_MALFORMED;

    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || is_space(s[n - 1])))
        n--;
    while (i < n && is_space(s[i]))
        i++;
    if (i == n)
        return L->kind = SP_EMPTY;
    switch (summary_line(s, n, i)) {
    case 2:
        L->summary_row = 1;
        __attribute__((fallthrough));
    case 1:
        return L->kind = SP_SUMMARY;
    default:
        break;
    }

    /* pid prefix, with -Y its "<comm>" */
    if (starts(s, n, i, "[pid")) {
        long pid = 0;
        i += 4;
        while (i < n && is_space(s[i]))
            i++;
        j = i;
        while (i < n && is_digit(s[i]) && i - j < 9)
            pid = pid * 10 + (s[i++] - '0');
        if (i > j)
            i = skip_comm(s, n, i);
        if (i == j || i >= n || s[i] != ']') {
            L->why = "bad [pid N] prefix";
            return L->kind;
        }
        L->pid = pid;
        i++;
        while (i < n && is_space(s[i]))
            i++;
    } else if (is_digit(s[i])) {
        long pid = 0;
        j = i;
        while (j < n && is_digit(s[j]) && j - i < 9)
            pid = pid * 10 + (s[j++] - '0');
        j = skip_comm(s, n, j);
        if (j < n && is_space(s[j])) {
            L->pid = pid;
            i = j;
            while (i < n && is_space(s[i]))
                i++;
        }
    }
    /* timestamp */
    if (i < n && is_digit(s[i])) {
        if (parse_time(s, n, &i, &L->ts) != 0) {
            L->why = "bad timestamp";
            return L->kind;
        }
        L->has_ts = 1;
        while (i < n && is_space(s[i]))
            i++;
        if (i == n) {
            L->why = "nothing after the timestamp";
            return L->kind;
        }
    }
    skip_nr_ip(s, n, &i);
    if (i == n) {
        L->why = "nothing after the -n/-i prefix";
        return L->kind;
    }
    n = strip_duration(s, n, i, L);

    if (starts(s, n, i, "> "))
        return L->kind = SP_STACK;
    if (starts(s, n, i, "| ") && n - i >= 7 && is_hex(s[i + 2]) && is_hex(s[i + 3]) &&
        is_hex(s[i + 4]) && is_hex(s[i + 5]) && is_hex(s[i + 6]))
        return L->kind = SP_DUMP;

    if (starts(s, n, i, "--- ")) {
        if (n - i < 7 || !ends(s, n, i + 3, " ---")) {
            L->why = "unterminated signal line";
            return L->kind;
        }
        return L->kind = SP_SIGNAL;
    }
    if (starts(s, n, i, "+++ ")) {
        if (n - i < 7 || !ends(s, n, i + 3, " +++")) {
            L->why = "unterminated exit line";
            return L->kind;
        }
        return L->kind = SP_EXIT;
    }
    if (starts(s, n, i, "strace: ") || starts(s, n, i, "[ Process "))
        return L->kind = SP_INFO;
    if (starts(s, n, i, "<... ")) {
        i += 5;
        j = scan_name(s, n, i);
        if (j == i || j - i > SP_NAME_MAX || !starts(s, n, j, " resumed>")) {
            L->why = "bad <... resumed> line";
            return L->kind;
        }
        L->name.p = s + i;
        L->name.n = j - i;
        j += 9;
        L->args.p = s + j;
        L->args.n = n - j;
        return L->kind = SP_RESUMED;
    }

    j = scan_name(s, n, i);
    if (j == i || j >= n || s[j] != '(') {
        L->why = "not a syscall line";
        return L->kind;
    }
    if (j - i > SP_NAME_MAX) {
        L->why = "name too long";
        return L->kind;
    }
    L->name.p = s + i;
    L->name.n = j - i;
    i = j + 1;

    if (ends(s, n, i, "<unfinished ...>") || ends(s, n, i, "<detached ...>")) {
        int det = ends(s, n, i, "<detached ...>");
        size_t end = n - (det ? 14 : 16);
        const char *why;
        size_t close = scan_args(s, end, i, &why);
        if (why) {
            L->why = why;
            return L->kind;
        }
        if (close < end) {
            L->why = "'<unfinished ...>' after a complete call";
            return L->kind;
        }
        L->args.p = s + i;
        L->args.n = end - i;
        L->detached = (uint8_t)det;
        return L->kind = SP_UNFINISHED;
    }

    {
        const char *why;
        size_t close = scan_args(s, n, i, &why);
        if (why) {
            L->why = why;
            return L->kind;
        }
        if (close >= n) {
            L->why = "unbalanced parentheses";
            return L->kind;
        }
        L->args.p = s + i;
        L->args.n = close - i;
        return parse_result(s, n, close + 1, L);
    }
}

/* ------------------------------------------------------------ argument helpers */

static struct sp_span trim(const char *p, size_t n)
{
    struct sp_span r;
    while (n > 0 && (is_space(*p) || *p == '\n' || *p == '\r')) {
        p++;
        n--;
    }
    while (n > 0 && (is_space(p[n - 1]) || p[n - 1] == '\n' || p[n - 1] == '\r'))
        n--;
    r.p = p;
    r.n = n;
    return r;
}

/* Skip the string or C comment starting at s[i]; returns the index after it. */
static size_t skip_opaque(const char *s, size_t n, size_t i)
{
    if (s[i] == '"') {
        i++;
        while (i < n && s[i] != '"')
            i += (s[i] == '\\') ? 2 : 1;
        return i < n ? i + 1 : n;
    }
    i += 2;
    while (i + 1 < n && !(s[i] == '*' && s[i + 1] == '/'))
        i++;
    return i + 1 < n ? i + 2 : n;
}

static int opaque_at(const char *s, size_t n, size_t i)
{
    return s[i] == '"' || (s[i] == '/' && i + 1 < n && s[i + 1] == '*');
}

size_t sp_split_args(struct sp_span args, struct sp_span *out, size_t max)
{
    const char *s = args.p;
    size_t n = args.n, i = 0, start = 0, count = 0;
    int depth = 0;

    if (trim(s, n).n == 0)
        return 0;
    while (i <= n) {
        if (i == n || (s[i] == ',' && depth == 0)) {
            if (count < max)
                out[count] = trim(s + start, i - start);
            count++;
            start = i + 1;
            i++;
            continue;
        }
        if (opaque_at(s, n, i)) {
            i = skip_opaque(s, n, i);
            continue;
        }
        if (s[i] == '(' || s[i] == '[' || s[i] == '{')
            depth++;
        else if ((s[i] == ')' || s[i] == ']' || s[i] == '}') && depth > 0)
            depth--;
        i++;
    }
    return count;
}

int sp_arg_num(struct sp_span a, uint64_t *v)
{
    const char *s = a.p;
    size_t n = a.n, i = 0, d;
    uint64_t x = 0;
    int neg = 0;

    if (n >= 4 && memcmp(s, "NULL", 4) == 0 && (n == 4 || !is_ident(s[4]))) {
        i = 4;
        goto tail;
    }
    if (i < n && s[i] == '-') {
        neg = 1;
        i++;
    }
    d = i;
    if (n - i >= 3 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X') && is_hex(s[i + 2])) {
        i += 2;
        d = i;
        while (i < n && is_hex(s[i])) {
            if (x >> 60)
                return -1;
            x = x << 4 | hex_val(s[i++]);
        }
    } else if (i < n && s[i] == '0') {
        while (i < n && s[i] >= '0' && s[i] <= '7') {
            if (x >> 61)
                return -1;
            x = x << 3 | (uint64_t)(s[i++] - '0');
        }
    } else {
        while (i < n && is_digit(s[i])) {
            if (x > (UINT64_MAX - 9) / 10)
                return -1;
            x = x * 10 + (uint64_t)(s[i++] - '0');
        }
    }
    if (i == d)
        return -1;
tail:
    while (i < n && is_space(s[i]))
        i++;
    if (i < n) {
        /* only a -X verbose comment may follow the number */
        if (n - i < 4 || s[i] != '/' || s[i + 1] != '*' || s[n - 2] != '*' || s[n - 1] != '/' ||
            skip_opaque(s, n, i) != n)
            return -1;
    }
    *v = neg ? (uint64_t)0 - x : x;
    return 0;
}

int sp_arg_str(struct sp_span a, uint32_t *len, int *trunc)
{
    const char *s = a.p;
    size_t n = a.n, i = 1;
    uint32_t l = 0;

    if (n < 2 || s[0] != '"')
        return -1;
    while (i < n && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < n) {
            char e = s[i + 1];
            i += 2;
            if (e == 'x') {                      /* \xHH */
                for (int k = 0; k < 2 && i < n && is_hex(s[i]); k++)
                    i++;
            } else if (e >= '0' && e <= '7') {   /* \N, \NN, \NNN */
                for (int k = 0; k < 2 && i < n && s[i] >= '0' && s[i] <= '7'; k++)
                    i++;
            }
        } else {
            i++;
        }
        if (l < UINT32_MAX)
            l++;
    }
    if (i >= n)
        return -1;
    i++;
    *trunc = 0;
    if (n - i >= 3 && memcmp(s + i, "...", 3) == 0) {
        *trunc = 1;
        i += 3;
    }
    while (i < n && is_space(s[i]))
        i++;
    if (i < n && !(s[i] == '/' && i + 1 < n && s[i + 1] == '*'))
        return -1;
    *len = l;
    return 0;
}

/* The identifier starting at s[i] (is_ident(s[i])): its end goes in *end;
 * returns 1 if it is exactly `word` (wl bytes), else 0. */
static int ident_is(const char *s, size_t n, size_t i, const char *word, size_t wl, size_t *end)
{
    size_t j = i;
    while (j < n && is_ident(s[j]))
        j++;
    *end = j;
    return j - i == wl && memcmp(s + i, word, wl) == 0;
}

int sp_has_word(struct sp_span a, const char *word)
{
    const char *s = a.p;
    size_t n = a.n, i = 0, wl = strlen(word);

    while (i < n) {
        if (s[i] == '"') {
            i = skip_opaque(s, n, i);
            continue;
        }
        if (is_ident(s[i])) {
            size_t j;
            if (ident_is(s, n, i, word, wl, &j))
                return 1;
            i = j;
            continue;
        }
        i++;
    }
    return 0;
}

uint64_t sp_sum_field(struct sp_span a, const char *field, unsigned *found)
{
    const char *s = a.p;
    size_t n = a.n, i = 0, fl = strlen(field);
    uint64_t sum = 0;

    *found = 0;
    while (i < n) {
        if (opaque_at(s, n, i)) {
            i = skip_opaque(s, n, i);
            continue;
        }
        if (is_ident(s[i])) {
            size_t j;
            if (ident_is(s, n, i, field, fl, &j) && j < n && s[j] == '=') {
                struct sp_span v;
                uint64_t x;
                size_t k = j + 1;
                while (k < n && s[k] != ',' && s[k] != '}' && s[k] != ']')
                    k++;
                v = trim(s + j + 1, k - j - 1);
                if (sp_arg_num(v, &x) == 0) {
                    sum = (sum + x < sum) ? UINT64_MAX : sum + x;
                    (*found)++;
                }
                i = k;
                continue;
            }
            i = j;
            continue;
        }
        i++;
    }
    return sum;
}
