/*
 * strace2trace - convert strace text output into a SPLITTRC binary trace
 * for the kernel's replay module (format: src/kernel/uapi/trace.h,
 * docs/trace-format.md).
 *
 *     strace2trace [-q] [--strict] IN.log [IN2.log ...] OUT.trace
 *     strace2trace --dump FILE.trace      (validate, then print it as text)
 *
 * IN is what `strace -o IN CMD`, `strace -f -ttt -T -o IN CMD` or
 * `strace -ff -o IN CMD` wrote ("-" reads standard input). With several
 * inputs (the NAME.PID files of -ff), the records of each file follow those
 * of the previous one, and lines without a pid prefix belong to the pid in
 * the file name's ".PID" suffix.
 *
 * The summary goes to standard error (-q: only problems). Malformed lines
 * are counted and the first 20 shown; they never stop the conversion
 * (--strict: exit status 1 and no output if there was any). Input with no
 * system call at all (an empty file, a binary, only exit lines, a strace -c
 * summary) is refused: exit status 1, no output. Exit status 2: usage, 1:
 * that, or an input or output error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strace_parse.h"

#define CHUNK (1u << 20)

static void usage(void)
{
    fprintf(stderr,
            "usage: strace2trace [-q] [--strict] IN.log [IN2.log ...] OUT.trace\n"
            "  IN.log: strace text output (strace [-f|-ff] [-ttt] [-T] -o IN.log CMD), '-' = stdin\n"
            "  OUT.trace: SPLITTRC binary trace (docs/trace-format.md)\n"
            "  -q: no summary unless something was malformed\n"
            "  --strict: exit status 1 (and no OUT.trace) if any line was malformed\n"
            "       strace2trace --dump FILE.trace\n"
            "  check FILE.trace with trace_validate() and print its records, one a line\n");
    exit(2);
}

/* The pid in a -ff file name "NAME.PID", or 0. */
static long pid_from_name(const char *path)
{
    const char *dot = strrchr(path, '.');
    long pid = 0;

    if (dot == NULL || dot[1] == '\0' || strchr(dot, '/'))
        return 0;
    for (const char *p = dot + 1; *p; p++) {
        if (*p < '0' || *p > '9' || pid > 99999999)
            return 0;
        pid = pid * 10 + (*p - '0');
    }
    return pid;
}

/* Feed every line of f; lines longer than S2T_MAX_LINE are reported, not kept. */
static int convert_file(struct s2t *c, FILE *f)
{
    static char buf[CHUNK];
    char *line = NULL;
    size_t llen = 0, lcap = 0, got;
    int overlong = 0, pending = 0;

    while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
        size_t i = 0;
        while (i < got) {
            char *nl = memchr(buf + i, '\n', got - i);
            size_t seg = nl ? (size_t)(nl - (buf + i)) : got - i;

            if (!pending && nl) {
                s2t_feed(c, buf + i, seg);       /* the common case: no copy */
            } else {
                size_t take = seg;
                pending = 1;
                if (!overlong && llen + seg > S2T_MAX_LINE) {
                    overlong = 1;
                    take = llen < S2T_BAD_TEXT ? S2T_BAD_TEXT - llen : 0;
                    if (take > seg)
                        take = seg;
                } else if (overlong) {
                    take = 0;
                }
                if (take) {
                    if (llen + take > lcap) {
                        size_t nc = lcap ? lcap : 4096;
                        char *q;
                        while (nc < llen + take)
                            nc *= 2;
                        q = realloc(line, nc);
                        if (q == NULL) {
                            free(line);
                            fprintf(stderr, "strace2trace: out of memory\n");
                            return -1;
                        }
                        line = q;
                        lcap = nc;
                    }
                    memcpy(line + llen, buf + i, take);
                    llen += take;
                }
                if (nl) {
                    if (overlong)
                        s2t_feed_overlong(c, line, llen);
                    else
                        s2t_feed(c, line, llen);
                    llen = 0;
                    overlong = pending = 0;
                }
            }
            i += seg + (nl ? 1 : 0);
        }
    }
    if (pending) {  /* the last line had no newline */
        if (overlong)
            s2t_feed_overlong(c, line, llen);
        else
            s2t_feed(c, line, llen);
    }
    free(line);
    return ferror(f) ? -1 : 0;
}

/* Why a conversion holds nothing to replay, or NULL if it has records. */
static const char *empty_reason(const struct s2t *c)
{
    const struct s2t_stats *st = s2t_stats(c);

    if (s2t_nrecords(c) > 0)
        return NULL;
    if (st->lines == st->empty)
        return "the input is empty";
    if (st->summary > 0 && st->malformed == 0)
        return "it is only a strace -c summary (record without -c; -C keeps the calls)";
    if (st->malformed > 0)
        return "no line is strace output (a binary, or another program's text?)";
    return "no system call lines, only exit, signal or strace notes";
}

static const char *const valid_err[] = {
    "ok", "buffer not 4-byte aligned", "shorter than the header", "bad magic", "bad version",
    "sizes disagree with the file size", "bad name table", "bad record",
};

static void flag_text(uint8_t f, char *out)
{
    static const char *const names[8] = {
        "TRUNCATED", "NOSTRING", "UNFINISHED", "FROM_ARG", "RESTART", "PROTECT", "SHRINK", "JOINED",
    };
    out[0] = '\0';
    for (int b = 0; b < 8; b++)
        if (f & (1u << b)) {
            if (out[0])
                strcat(out, "|");
            strcat(out, names[b]);
        }
    if (!out[0])
        strcpy(out, "-");
}

/* --dump: the file is read into a 4-byte aligned buffer, as the kernel would see it. */
static int dump(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint32_t *buf = NULL, bad = 0;
    size_t cap = 0, len = 0, got;
    const struct trace_header *h;
    const struct trace_record *r;
    int v;

    if (f == NULL) {
        fprintf(stderr, "strace2trace: %s: %s\n", path, strerror(errno));
        return 1;
    }
    for (;;) {
        if (len == cap) {
            uint32_t *q;
            cap = cap ? cap * 2 : 65536;
            if (cap > UINT32_MAX || (q = realloc(buf, cap)) == NULL) {
                fprintf(stderr, "strace2trace: %s: too large\n", path);
                free(buf);
                fclose(f);
                return 1;
            }
            buf = q;
        }
        got = fread((char *)buf + len, 1, cap - len, f);
        if (got == 0)
            break;
        len += got;
    }
    fclose(f);
    v = trace_validate(buf, (uint32_t)len, &bad);
    if (v != TRACE_OK) {
        fprintf(stderr, "strace2trace: %s: invalid trace: %s", path, valid_err[v]);
        if (v == TRACE_E_RECORD)
            fprintf(stderr, " (record %u)", bad);
        fprintf(stderr, "\n");
        free(buf);
        return 1;
    }
    h = (const struct trace_header *)buf;
    r = trace_records(buf);
    printf("# %s: SPLITTRC v%u, %u records, %u names, name table %u bytes, %zu bytes\n", path,
           h->version, h->nrecords, h->nnames, h->names_bytes, len);
    printf("# index task name op result bytes aux err flags\n");
    for (uint32_t i = 0; i < h->nrecords; i++) {
        char fl[96];
        static const char *const res[] = { "ok", "err", "?" };
        flag_text(r[i].flags, fl);
        printf("%u %u %s %s %s %u %u %u %s\n", i, r[i].task, trace_name(buf, r[i].name),
               trace_op_name(r[i].op), res[r[i].result], r[i].bytes, r[i].aux, r[i].err, fl);
    }
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    const char **inputs;
    const char *outpath;
    size_t ninputs = 0, len = 0;
    int quiet = 0, strict = 0, argi = 1, status = 0;
    const char *why = NULL;
    unsigned char *img;
    struct s2t *c;
    FILE *out;

    if (argc == 3 && strcmp(argv[1], "--dump") == 0)
        return dump(argv[2]);
    for (; argi < argc && argv[argi][0] == '-' && argv[argi][1] != '\0'; argi++) {
        if (strcmp(argv[argi], "-q") == 0)
            quiet = 1;
        else if (strcmp(argv[argi], "--strict") == 0)
            strict = 1;
        else if (strcmp(argv[argi], "--") == 0) {
            argi++;
            break;
        } else
            usage();
    }
    if (argc - argi < 2)
        usage();
    inputs = (const char **)&argv[argi];
    ninputs = (size_t)(argc - argi - 1);
    outpath = argv[argc - 1];

    c = s2t_new();
    if (c == NULL) {
        fprintf(stderr, "strace2trace: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < ninputs; i++) {
        int is_stdin = strcmp(inputs[i], "-") == 0;
        FILE *f = is_stdin ? stdin : fopen(inputs[i], "rb");
        if (f == NULL) {
            fprintf(stderr, "strace2trace: %s: %s\n", inputs[i], strerror(errno));
            s2t_free(c);
            return 1;
        }
        s2t_begin_file(c, is_stdin ? 0 : pid_from_name(inputs[i]));
        if (convert_file(c, f) != 0) {
            fprintf(stderr, "strace2trace: %s: read error\n", inputs[i]);
            status = 1;
        }
        s2t_end_file(c);
        if (!is_stdin)
            fclose(f);
        if (status)
            break;
    }
    if (s2t_error(c) != 0) {
        fprintf(stderr, "strace2trace: out of memory\n");
        status = 1;
    }
    if (status == 0 && (why = empty_reason(c)) != NULL) {
        fprintf(stderr, "strace2trace: nothing to replay: %s; %s not written\n", why, outpath);
        status = 1;
    }
    if (status == 0 && strict && s2t_stats(c)->malformed) {
        fprintf(stderr, "strace2trace: --strict: %llu malformed lines; %s not written\n",
                (unsigned long long)s2t_stats(c)->malformed, outpath);
        status = 1;
    }
    if (status == 0) {
        if (s2t_serialize(c, &img, &len) != 0) {
            fprintf(stderr, "strace2trace: trace too large or out of memory\n");
            status = 1;
        } else {
            out = fopen(outpath, "wb");
            if (out == NULL) {
                status = 1;
            } else {
                if (fwrite(img, 1, len, out) != len)
                    status = 1;
                if (fclose(out) != 0)
                    status = 1;
            }
            if (status) {
                fprintf(stderr, "strace2trace: %s: %s\n", outpath, strerror(errno));
                if (out != NULL)
                    remove(outpath);  /* no half-written trace */
            }
            free(img);
        }
    }
    if (!quiet || s2t_stats(c)->malformed || status) {
        s2t_summary(c, stderr, inputs, ninputs);
        if (status == 0)
            fprintf(stderr, "strace2trace: wrote %s: %zu bytes\n", outpath, len);
        else if (why != NULL)   /* the reason again, last, where a user looks */
            fprintf(stderr, "strace2trace: nothing to replay: %s\n", why);
    }
    s2t_free(c);
    return status;
}
