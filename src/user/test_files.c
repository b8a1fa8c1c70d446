/*
 * test_files - the file system calls (docs/files.md): /mod, /dev, pipes,
 * descriptors, fork sharing, every error, and no leaks. One function per
 * scenario, each a KTAP subtest; exact return values, and
 * sysinfo().frames_free unchanged after each scenario.
 *
 * The kernel's open-file table is machine-wide and has no counter we can
 * read, so file_table_room() measures it: children open /dev/null until the
 * table is full (-ENFILE), and the count must be the same at the start and
 * at the end of the run (no entry leaked).
 *
 * frames_free is global: before it measures anything test_files waits
 * (asleep) until every process started before it has finished, as
 * test_hostile does; it comes after usertests in the GRUB menu (whose own
 * wait only waits for other processes to be asleep).
 */
#include "ulib.h"
/* the layout this test probes (kernel addresses too): uapi/layout.h, through ulib.h */
#include "expect.h"

#define BIG             20000           /* bytes through a pipe each way: > PIPE_BUF_SIZE */
#define MAX_KIDS        24              /* children file_table_room() may fork */

static int ok;
static const char *scenario;
static struct sysinfo info;
static long room_at_start;

/* A bad user address the compiler cannot see through. */
static void *bad(uintptr_t addr)
{
    __asm__("" : "+r"(addr));
    return (void *)addr;
}

static uint8_t big_out[BIG], big_in[BIG];
static uint8_t pages[4 * PAGE_SIZE] __attribute__((aligned(4096)));

static uint8_t pattern(uint32_t i, uint32_t seed)
{
    return (uint8_t)(i * 7 + seed + (i >> 8));
}

/* The byte offset of fd (lseek(fd, 0, SEEK_CUR)). */
static long offset_of(int fd)
{
    return lseek(fd, 0, SEEK_CUR);
}

/* Open @path or fail the scenario; returns the fd (or -1). */
#define OPEN_OK(path, flags)                                                   \
    ({                                                                         \
        long fd_ = open((path), (flags));                                      \
        if (fd_ < 0) {                                                         \
            DIAG("line %d: open(\"%s\", %d) = %d", __LINE__, (path), (flags),  \
                 (int)fd_);                                                    \
            ok = 0;                                                            \
        }                                                                      \
        (int)fd_;                                                              \
    })

static long module_size(const char *path)
{
    struct stat st;
    long r = stat(path, &st);
    return r < 0 ? r : (long)st.st_size;
}

/* Open fds still open above 2, as a bit mask: a scenario must leave none. */
static unsigned open_fds(void)
{
    unsigned mask = 0;
    struct stat st;
    for (int fd = 3; fd < NOFILE; fd++)
        if (fstat(fd, &st) == 0)
            mask |= 1u << fd;
    return mask;
}

/* Every descriptor above 2 can be opened again (NOFILE-3 opens of @path
 * succeed, the next fails), and closing them leaves none open. */
#define expect_fd_table_reusable(path)                                         \
    do {                                                                       \
        int n_ = 0;                                                            \
        while (open((path), O_RDONLY) >= 0)                                    \
            n_++;                                                              \
        EXPECT_EQ(n_, NOFILE - 3);                                             \
        for (int fd_ = 3; fd_ < NOFILE; fd_++)                                 \
            close(fd_);                                                        \
        EXPECT_EQ(open_fds(), 0);                                              \
    } while (0)

/*
 * file_table_room - how many more entries the kernel's open-file table
 * takes: children open /dev/null until it fails; a child stopped by its
 * NOFILE limit (-EMFILE) is followed by another, until one is stopped by
 * -ENFILE. While the table is full, @full (if any) runs in the parent. -1
 * if the table never filled.
 */
static long file_table_room(void (*full)(void))
{
    int rep[2], gate[2];
    if (pipe(rep) < 0 || pipe(gate) < 0) {
        DIAG("file_table_room: pipe failed");
        ok = 0;
        return -1;
    }
    long kids[MAX_KIDS], total = 0;
    int nkids = 0, filled = 0;
    while (nkids < MAX_KIDS && !filled) {
        long c = fork();
        if (c == 0) {
            close(rep[0]);
            close(gate[1]);
            int msg[2] = { 0, 0 };
            long r;
            while ((r = open("/dev/null", O_RDONLY)) >= 0)
                msg[0]++;
            msg[1] = (int)r;
            write(rep[1], msg, sizeof(msg));
            char b;
            read(gate[0], &b, 1);   /* until the parent closes the gate: EOF */
            exit(0);
        }
        if (c < 0) {
            DIAG("file_table_room: fork = %d", (int)c);
            ok = 0;
            break;
        }
        kids[nkids++] = c;
        int msg[2];
        EXPECT_EQ(read(rep[0], msg, sizeof(msg)), sizeof(msg));
        total += msg[0];
        if (msg[1] == -ENFILE)
            filled = 1;
        else
            EXPECT_EQ(msg[1], -EMFILE);
    }
    if (filled && full)
        full();
    close(gate[1]);                 /* every child reads EOF and exits */
    for (int i = 0; i < nkids; i++)
        EXPECT_EQ(wait_status(kids[i]), 0);
    close(gate[0]);
    close(rep[0]);
    close(rep[1]);
    EXPECT(filled, "the table never filled with %d children", nkids);
    return filled ? total : -1;
}

/* ------------------------------------------------------------ scenarios */

static void mod_hello_read(void)
{
    unsigned f0 = frames_free();
    int fd = OPEN_OK("/mod/hello", O_RDONLY);
    EXPECT_EQ(fd, 3);   /* the lowest free descriptor */
    char magic[4] = { 0 };
    EXPECT_EQ(read(fd, magic, 4), 4);
    EXPECT(memcmp(magic, "\x7f" "ELF", 4) == 0, "magic %x %x %x %x", magic[0], magic[1], magic[2], magic[3]);
    struct stat st, st2;
    memset(&st, 0xA5, sizeof(st));
    EXPECT_EQ(sizeof(struct stat), 96);
    EXPECT_EQ(fstat(fd, &st), 0);
    EXPECT_EQ(st.st_dev, 1);
    EXPECT_EQ(st.st_mode, S_IFREG | 0444);
    EXPECT_EQ(st.st_nlink, 1);
    EXPECT(st.st_size > 64, "st_size %u", st.st_size);
    EXPECT_EQ(st.st_blksize, 4096);
    EXPECT_EQ(st.st_blocks, (st.st_size + 511) / 512);
    EXPECT_EQ(st.st_rdev, 0);
    for (int i = 0; i < 16; i++)
        EXPECT_EQ(st.reserved[i], 0);
    EXPECT_EQ(stat("/mod/hello", &st2), 0);
    EXPECT_EQ(st2.st_ino, st.st_ino);
    EXPECT_EQ(st2.st_size, st.st_size);
    EXPECT_EQ(stat("/mod/child", &st2), 0);
    EXPECT(st2.st_ino != st.st_ino, "two modules with inode %u", st.st_ino);
    EXPECT_EQ(close(fd), 0);
    EXPECT_FRAMES(f0);
}

static void mod_offsets_lseek_eof(void)
{
    unsigned f0 = frames_free();
    long size = module_size("/mod/hello");
    int fd = OPEN_OK("/mod/hello", O_RDONLY), fd2 = OPEN_OK("/mod/hello", O_RDONLY);
    char buf[128], buf2[128];
    EXPECT_EQ(read(fd, buf, 16), 16);
    EXPECT_EQ(offset_of(fd), 16);
    EXPECT_EQ(offset_of(fd2), 0);   /* a separate open has its own offset */
    EXPECT_EQ(lseek(fd, 0, SEEK_SET), 0);
    EXPECT_EQ(read(fd, buf2, 16), 16);
    EXPECT(memcmp(buf, buf2, 16) == 0, "same 16 bytes twice");
    EXPECT_EQ(lseek(fd, 4, SEEK_CUR), 20);
    EXPECT_EQ(lseek(fd, -4, SEEK_CUR), 16);
    EXPECT_EQ(lseek(fd, -4, SEEK_END), size - 4);
    EXPECT_EQ(read(fd, buf, sizeof(buf)), 4);   /* only what is left */
    EXPECT_EQ(read(fd, buf, sizeof(buf)), 0);   /* end of file */
    EXPECT_EQ(read(fd, buf, sizeof(buf)), 0);
    EXPECT_EQ(lseek(fd, size + 100, SEEK_SET), size + 100);   /* past the end is allowed */
    EXPECT_EQ(read(fd, buf, sizeof(buf)), 0);
    EXPECT_EQ(lseek(fd, -1, SEEK_SET), -EINVAL);
    EXPECT_EQ(lseek(fd, -(size + 1), SEEK_END), -EINVAL);
    EXPECT_EQ(lseek(fd, -(size + 101), SEEK_CUR), -EINVAL);
    EXPECT_EQ(lseek(fd, 0, 3), -EINVAL);
    EXPECT_EQ(lseek(fd, 0, -1), -EINVAL);
    EXPECT_EQ(lseek(fd, 0x7fffffff, SEEK_END), -EINVAL);      /* not representable */
    EXPECT_EQ(offset_of(fd), size + 100);       /* failed seeks change nothing */
    EXPECT_EQ(read(fd, buf, 0), 0);

    /* The whole file in odd pieces equals the whole file in big ones. */
    EXPECT_EQ(lseek(fd, 0, SEEK_SET), 0);
    long total = 0;
    uint32_t sum1 = 0, sum2 = 0;
    for (;;) {
        long n = read(fd, buf, 97);
        if (n <= 0) {
            EXPECT_EQ(n, 0);
            break;
        }
        for (long i = 0; i < n; i++)
            sum1 = sum1 * 31 + (uint8_t)buf[i];
        total += n;
    }
    EXPECT_EQ(total, size);
    long n2 = read(fd2, big_in, sizeof(big_in));
    EXPECT_EQ(n2, size < BIG ? size : BIG);
    for (long i = 0; i < n2; i++)
        sum2 = sum2 * 31 + big_in[i];
    EXPECT(size > BIG || sum1 == sum2, "checksums %x and %x", sum1, sum2);

    /* lseek's third argument travels on the user stack with sysenter. */
    if (info.features & SYSINFO_SYSENTER) {
        EXPECT_EQ(sysenter_call(SYS_lseek, fd, 8, SEEK_SET, 0, 0), 8);
        EXPECT_EQ(sysenter_call(SYS_lseek, fd, -2, SEEK_END, 0, 0), size - 2);
        EXPECT_EQ(sysenter_call(SYS_read, fd, (long)buf, 100, 0, 0), 2);
    }
    EXPECT_EQ(close(fd), 0);
    EXPECT_EQ(close(fd2), 0);
    EXPECT_FRAMES(f0);
}

static void dev_zero_null(void)
{
    unsigned f0 = frames_free();
    int z = OPEN_OK("/dev/zero", O_RDWR), n = OPEN_OK("/dev/null", O_RDWR);
    memset(big_in, 0xAA, sizeof(big_in));
    EXPECT_EQ(read(z, big_in, 5000), 5000);
    int nonzero = 0;
    for (int i = 0; i < 5000; i++)
        nonzero += big_in[i] != 0;
    EXPECT_EQ(nonzero, 0);
    EXPECT_EQ(big_in[5000], 0xAA);                  /* not one byte more */
    EXPECT_EQ(read(z, big_in, 0), 0);
    EXPECT_EQ(write(z, big_out, 5000), 5000);       /* zero swallows writes */
    EXPECT_EQ(read(n, big_in, 100), 0);             /* null is always at EOF */
    EXPECT_EQ(read(n, bad(KERNEL_VIRT_BASE), 100), 0);   /* ... whatever the buffer */
    EXPECT_EQ(write(n, big_out, BIG), BIG);
    EXPECT_EQ(write(n, bad(0), 0), 0);
    EXPECT_EQ(lseek(n, 100, SEEK_SET), 0);          /* Linux: nothing to position */
    EXPECT_EQ(lseek(z, 5, SEEK_END), 0);

    /* A write to /dev/null copies every byte in, one page walk per page:
     * 3 pages starting 100 bytes into a page touch 4 pages. */
    struct kevents k0, k1, k2;
    EXPECT_EQ(kevents(&k0), 0);
    EXPECT_EQ(kevents(&k1), 0);
    EXPECT_EQ(write(n, pages + 100, 3 * PAGE_SIZE), 3 * PAGE_SIZE);
    EXPECT_EQ(kevents(&k2), 0);
    unsigned base_pages = k1.pages_walked - k0.pages_walked, base_bytes = k1.bytes_copied - k0.bytes_copied;
    EXPECT_EQ(k2.pages_walked - k1.pages_walked - base_pages, 4);
    EXPECT_EQ(k2.bytes_copied - k1.bytes_copied - base_bytes, 3 * PAGE_SIZE);

    struct stat st;
    EXPECT_EQ(fstat(n, &st), 0);
    EXPECT_EQ(st.st_mode, S_IFCHR | 0666);
    EXPECT_EQ(st.st_dev, 2);
    EXPECT_EQ(st.st_size, 0);
    unsigned ino_null = st.st_ino;
    EXPECT_EQ(stat("/dev/zero", &st), 0);
    EXPECT_EQ(st.st_mode, S_IFCHR | 0666);
    EXPECT(st.st_ino != ino_null, "null and zero share inode %u", ino_null);
    EXPECT_EQ(close(z), 0);
    EXPECT_EQ(close(n), 0);
    EXPECT_FRAMES(f0);
}

static void console_fds(void)
{
    static const char line[] = "    # console: written through fd 1\n";
    static const char line2[] = "    # console: written through an fd of /dev/console\n";
    EXPECT_EQ(write(1, line, sizeof(line) - 1), sizeof(line) - 1);
    struct stat st0, st1, st2;
    EXPECT_EQ(fstat(0, &st0), 0);
    EXPECT_EQ(fstat(1, &st1), 0);
    EXPECT_EQ(fstat(2, &st2), 0);
    EXPECT_EQ(st1.st_mode, S_IFCHR | 0666);
    EXPECT_EQ(st1.st_dev, 2);
    EXPECT(st0.st_ino == st1.st_ino && st1.st_ino == st2.st_ino, "inodes %u %u %u", st0.st_ino, st1.st_ino,
           st2.st_ino);
    EXPECT_EQ(lseek(0, 0, SEEK_SET), -ESPIPE);
    EXPECT_EQ(lseek(1, 0, SEEK_CUR), -ESPIPE);
    EXPECT_EQ(read(1, big_in, 16), -EBADF);     /* fds 1 and 2 are write-only */
    EXPECT_EQ(read(2, big_in, 16), -EBADF);
    EXPECT_EQ(write(0, "x", 1), -EBADF);        /* fd 0 is read-only */
    EXPECT_EQ(write(2, "", 0), 0);
    int fd = OPEN_OK("/dev/console", O_WRONLY);
    EXPECT_EQ(write(fd, line2, sizeof(line2) - 1), sizeof(line2) - 1);
    EXPECT_EQ(write(fd, bad(KERNEL_VIRT_BASE), 4), -EFAULT);
    EXPECT_EQ(close(fd), 0);
    /* Console reads would block for input: only the checks that come first. */
    fd = OPEN_OK("//dev//console", O_RDWR);
    EXPECT_EQ(read(fd, big_in, 0), 0);
    EXPECT_EQ(read(fd, bad(KERNEL_VIRT_BASE), 16), -EFAULT);
    EXPECT_EQ(close(fd), 0);
}

static void dup_shares_offset(void)
{
    unsigned f0 = frames_free();
    int fd = OPEN_OK("/mod/hello", O_RDONLY);
    long d = dup(fd);
    EXPECT_EQ(d, fd + 1);
    char a[16], b[16];
    EXPECT_EQ(read(fd, a, 10), 10);
    EXPECT_EQ(offset_of((int)d), 10);       /* one open file, one offset */
    EXPECT_EQ(read((int)d, b, 6), 6);
    EXPECT_EQ(offset_of(fd), 16);
    EXPECT_EQ(lseek((int)d, 1, SEEK_SET), 1);
    EXPECT_EQ(read(fd, b, 3), 3);
    EXPECT(memcmp(b, "ELF", 3) == 0, "read after the dup's lseek");
    struct stat s1, s2;
    EXPECT_EQ(fstat(fd, &s1), 0);
    EXPECT_EQ(fstat((int)d, &s2), 0);
    EXPECT_EQ(s1.st_ino, s2.st_ino);
    EXPECT_EQ(close(fd), 0);
    EXPECT_EQ(read((int)d, b, 1), 1);       /* the dup keeps the file open */
    EXPECT_EQ(offset_of((int)d), 5);
    /* dup and open take the lowest free descriptor. */
    long d2 = dup((int)d);
    EXPECT_EQ(d2, fd);
    EXPECT_EQ(close((int)d), 0);
    long o = open("/dev/null", O_RDONLY);
    EXPECT_EQ(o, d);
    EXPECT_EQ(close((int)o), 0);
    EXPECT_EQ(close((int)d2), 0);
    long d1 = dup(1);                       /* the console, write-only */
    EXPECT_EQ(d1, 3);
    EXPECT_EQ(write((int)d1, "", 0), 0);
    EXPECT_EQ(read((int)d1, a, 1), -EBADF);
    EXPECT_EQ(close((int)d1), 0);
    EXPECT_EQ(dup(-1), -EBADF);
    EXPECT_EQ(dup(NOFILE), -EBADF);
    EXPECT_EQ(dup(17), -EBADF);
    EXPECT_EQ(open_fds(), 0);
    EXPECT_FRAMES(f0);
}

static void close_errors(void)
{
    EXPECT_EQ(close(-1), -EBADF);
    EXPECT_EQ(close(NOFILE), -EBADF);
    EXPECT_EQ(close(1000), -EBADF);
    EXPECT_EQ(close((int)0x80000000u), -EBADF);
    EXPECT_EQ(close(20), -EBADF);           /* never opened */
    int fd = OPEN_OK("/dev/zero", O_RDONLY);
    EXPECT_EQ(close(fd), 0);
    EXPECT_EQ(close(fd), -EBADF);           /* closed twice */
    EXPECT_EQ(read(fd, big_in, 1), -EBADF);
    EXPECT_EQ(write(fd, big_in, 1), -EBADF);
    EXPECT_EQ(lseek(fd, 0, SEEK_SET), -EBADF);
    struct stat st;
    EXPECT_EQ(fstat(fd, &st), -EBADF);
    EXPECT_EQ(fstat(-5, &st), -EBADF);
    EXPECT_EQ(read(NOFILE, big_in, 1), -EBADF);
    EXPECT_EQ(write(-1, big_in, 1), -EBADF);
}

static void efault_everywhere(void)
{
    unsigned f0 = frames_free();
    struct stat st;
    EXPECT_EQ(open(bad(0), O_RDONLY), -EFAULT);
    EXPECT_EQ(open(bad(KERNEL_VIRT_BASE), O_RDONLY), -EFAULT);
    EXPECT_EQ(open(bad(TRAMPOLINE_BASE), O_RDONLY), -EFAULT);
    EXPECT_EQ(open(bad(0xFFF), O_RDONLY), -EFAULT);
    EXPECT_EQ(stat(bad(0), &st), -EFAULT);
    EXPECT_EQ(stat(bad(KERNEL_VIRT_BASE), &st), -EFAULT);
    EXPECT_EQ(stat("/dev/null", bad(0)), -EFAULT);
    EXPECT_EQ(stat("/dev/null", bad(KERNEL_VIRT_BASE)), -EFAULT);
    EXPECT_EQ(stat("/dev/null", (struct stat *)(uintptr_t)mod_hello_read), -EFAULT); /* our text: read-only */
    int m = OPEN_OK("/mod/hello", O_RDONLY), z = OPEN_OK("/dev/zero", O_RDWR), n = OPEN_OK("/dev/null", O_WRONLY);
    EXPECT_EQ(fstat(m, bad(0)), -EFAULT);
    EXPECT_EQ(fstat(m, bad(KERNEL_VIRT_BASE)), -EFAULT);
    EXPECT_EQ(read(m, bad(KERNEL_VIRT_BASE), 16), -EFAULT);
    EXPECT_EQ(read(m, bad(0), 16), -EFAULT);
    EXPECT_EQ(read(m, (void *)(uintptr_t)mod_hello_read, 16), -EFAULT);
    EXPECT_EQ(offset_of(m), 0);             /* nothing was read */
    EXPECT_EQ(read(z, bad(KERNEL_VIRT_BASE), 16), -EFAULT);
    EXPECT_EQ(read(z, (void *)(uintptr_t)mod_hello_read, 16), -EFAULT);
    EXPECT_EQ(write(n, bad(KERNEL_VIRT_BASE), 16), -EFAULT);
    EXPECT_EQ(write(n, bad(0), 16), -EFAULT);
    EXPECT_EQ(write(n, pages, UACCESS_MAX_LEN + 1), -EFAULT);   /* over UACCESS_MAX_LEN */
    EXPECT_EQ(write(z, bad(TRAMPOLINE_BASE - 4), 16), -EFAULT);
    EXPECT_EQ(close(m), 0);
    EXPECT_EQ(close(z), 0);
    EXPECT_EQ(close(n), 0);

    /* pipe(): a bad array undoes everything: no fd, no entry, no frame. */
    EXPECT_EQ(pipe(bad(0)), -EFAULT);
    EXPECT_EQ(pipe(bad(KERNEL_VIRT_BASE)), -EFAULT);
    EXPECT_EQ(pipe((int *)(uintptr_t)mod_hello_read), -EFAULT);
    EXPECT_EQ(open_fds(), 0);
    EXPECT_FRAMES(f0);

    /* Pipes check the buffer before they block or move anything. */
    int p[2];
    EXPECT_EQ(pipe(p), 0);
    EXPECT_EQ(read(p[0], bad(KERNEL_VIRT_BASE), 16), -EFAULT);  /* empty, writer open: must not block */
    EXPECT_EQ(write(p[1], bad(KERNEL_VIRT_BASE), 16), -EFAULT);
    EXPECT_EQ(write(p[1], "abc", 3), 3);
    EXPECT_EQ(read(p[0], (void *)(uintptr_t)mod_hello_read, 3), -EFAULT);
    EXPECT_EQ(fstat(p[0], &st), 0);
    EXPECT_EQ(st.st_size, 3);               /* nothing consumed */
    EXPECT_EQ(close(p[0]), 0);
    EXPECT_EQ(close(p[1]), 0);
    EXPECT_FRAMES(f0);
}

static void bad_paths(void)
{
    struct stat st;
    EXPECT_EQ(open("", O_RDONLY), -ENOENT);
    EXPECT_EQ(open("/nosuch", O_RDONLY), -ENOENT);
    EXPECT_EQ(open("/mod/nosuch", O_RDONLY), -ENOENT);
    EXPECT_EQ(open("/dev/nosuch", O_RDONLY), -ENOENT);
    EXPECT_EQ(open("mod/hello", O_RDONLY), -ENOENT);      /* relative */
    EXPECT_EQ(open("dev", O_RDONLY), -ENOENT);
    EXPECT_EQ(open("/mod/kernel.sym", O_RDONLY), -ENOENT);
    EXPECT_EQ(open("/mod/hell", O_RDONLY), -ENOENT);
    EXPECT_EQ(open("/mod/hellox", O_RDONLY), -ENOENT);
    EXPECT_EQ(open("/dev/./null", O_RDONLY), -ENOENT);    /* "." and ".." are not supported */
    EXPECT_EQ(open("/dev/../dev/null", O_RDONLY), -ENOENT);
    EXPECT_EQ(stat("/mod/nosuch", &st), -ENOENT);
    EXPECT_EQ(open("/mod/hello/x", O_RDONLY), -ENOTDIR);
    EXPECT_EQ(open("/dev/null/", O_RDONLY), -ENOTDIR);
    EXPECT_EQ(stat("/dev/zero/x/y", &st), -ENOTDIR);
    EXPECT_EQ(open("/dev/null", 4), -EINVAL);
    EXPECT_EQ(open("/dev/null", O_ACCMODE), -EINVAL);
    EXPECT_EQ(open("/dev/null", 0x40), -EINVAL);           /* O_CREAT */
    EXPECT_EQ(open("/dev/null", -1), -EINVAL);

    /* Repeated slashes collapse. */
    long fd = open("////dev//zero", O_RDONLY);
    EXPECT_EQ(fd, 3);
    EXPECT_EQ(fstat((int)fd, &st), 0);
    unsigned ino = st.st_ino;
    EXPECT_EQ(stat("/dev/zero", &st), 0);
    EXPECT_EQ(st.st_ino, ino);
    EXPECT_EQ(close((int)fd), 0);
    EXPECT_EQ(stat("//mod///hello", &st), 0);
    EXPECT_EQ(st.st_mode, S_IFREG | 0444);
    EXPECT_EQ(stat("/mod/", &st), 0);
    EXPECT_EQ(st.st_mode, S_IFDIR | 0555);
    EXPECT_EQ(stat("/", &st), 0);
    EXPECT_EQ(st.st_mode, S_IFDIR | 0555);
    EXPECT_EQ(stat("//", &st), 0);
    EXPECT_EQ(open_fds(), 0);
}

static void name_too_long(void)
{
    static char path[PATH_MAX + 64];
    /* 255 bytes and the NUL fit PATH_MAX exactly. */
    int len = PATH_MAX - 1, tail = (int)strlen("dev/null");
    memset(path, '/', (size_t)(len - tail));
    memcpy(path + len - tail, "dev/null", (size_t)tail + 1);
    EXPECT_EQ((int)strlen(path), PATH_MAX - 1);
    long fd = open(path, O_RDONLY);
    EXPECT_EQ(fd, 3);
    if (fd >= 0)
        close((int)fd);
    /* One more slash and the NUL no longer fits. */
    memset(path, '/', (size_t)(len + 1 - tail));
    memcpy(path + len + 1 - tail, "dev/null", (size_t)tail + 1);
    EXPECT_EQ(open(path, O_RDONLY), -ENAMETOOLONG);
    struct stat st;
    EXPECT_EQ(stat(path, &st), -ENAMETOOLONG);
    memset(path, 'a', sizeof(path) - 1);
    path[0] = '/';
    EXPECT_EQ(open(path, O_RDONLY), -ENAMETOOLONG);
    EXPECT_EQ(open_fds(), 0);
}

static void erofs_eisdir(void)
{
    unsigned f0 = frames_free();
    EXPECT_EQ(open("/mod/hello", O_WRONLY), -EROFS);
    EXPECT_EQ(open("/mod/hello", O_RDWR), -EROFS);
    EXPECT_EQ(open("/mod", O_WRONLY), -EISDIR);
    EXPECT_EQ(open("/dev/", O_RDWR), -EISDIR);
    EXPECT_EQ(open("/", O_WRONLY), -EISDIR);
    int d = OPEN_OK("/mod", O_RDONLY);
    char b[16];
    EXPECT_EQ(read(d, b, sizeof(b)), -EISDIR);
    EXPECT_EQ(write(d, b, 1), -EBADF);              /* opened read-only */
    struct stat st;
    EXPECT_EQ(fstat(d, &st), 0);
    EXPECT_EQ(st.st_mode, S_IFDIR | 0555);
    EXPECT_EQ(st.st_dev, 1);
    EXPECT_EQ(st.st_nlink, 2);
    EXPECT_EQ(close(d), 0);
    d = OPEN_OK("/", O_RDONLY);
    EXPECT_EQ(read(d, b, sizeof(b)), -EISDIR);
    EXPECT_EQ(close(d), 0);
    EXPECT_EQ(stat("/dev", &st), 0);
    EXPECT_EQ(st.st_mode, S_IFDIR | 0555);
    EXPECT_EQ(st.st_dev, 2);
    EXPECT_EQ(open_fds(), 0);
    EXPECT_FRAMES(f0);
}

static void emfile(void)
{
    unsigned f0 = frames_free();
    int opened = 0;
    long r;
    while ((r = open("/dev/null", O_RDONLY)) >= 0) {
        EXPECT_EQ(r, 3 + opened);
        opened++;
    }
    EXPECT_EQ(r, -EMFILE);
    EXPECT_EQ(opened, NOFILE - 3);
    EXPECT_EQ(dup(0), -EMFILE);
    int p[2] = { -7, -7 };
    EXPECT_EQ(pipe(p), -EMFILE);
    EXPECT(p[0] == -7 && p[1] == -7, "pipe() wrote %d %d", p[0], p[1]);
    /* One free descriptor is not enough for a pipe. */
    EXPECT_EQ(close(NOFILE - 1), 0);
    EXPECT_EQ(pipe(p), -EMFILE);
    EXPECT_EQ(dup(0), NOFILE - 1);
    for (int fd = 3; fd < NOFILE; fd++)
        EXPECT_EQ(close(fd), 0);
    EXPECT_EQ(open_fds(), 0);
    EXPECT_FRAMES(f0);
}

static void access_modes_ebadf(void)
{
    unsigned f0 = frames_free();
    int w = OPEN_OK("/dev/zero", O_WRONLY), r = OPEN_OK("/dev/null", O_RDONLY), m = OPEN_OK("/mod/hello", O_RDONLY);
    char b[8];
    EXPECT_EQ(read(w, b, 8), -EBADF);
    EXPECT_EQ(write(w, b, 8), 8);
    EXPECT_EQ(write(r, b, 8), -EBADF);
    EXPECT_EQ(read(r, b, 8), 0);
    EXPECT_EQ(write(m, b, 8), -EBADF);
    EXPECT_EQ(write(m, bad(0), 8), -EBADF);         /* the fd is checked first */
    int p[2];
    EXPECT_EQ(pipe(p), 0);
    EXPECT_EQ(write(p[0], "x", 1), -EBADF);
    EXPECT_EQ(read(p[1], b, 1), -EBADF);
    EXPECT_EQ(read(p[1], bad(0), 1), -EBADF);
    EXPECT_EQ(close(p[0]), 0);
    EXPECT_EQ(close(p[1]), 0);
    EXPECT_EQ(close(w), 0);
    EXPECT_EQ(close(r), 0);
    EXPECT_EQ(close(m), 0);
    EXPECT_FRAMES(f0);
}

static void pipe_basics_espipe(void)
{
    unsigned f0 = frames_free();
    int p[2] = { -1, -1 };
    EXPECT_EQ(pipe(p), 0);
    EXPECT(p[0] == 3 && p[1] == 4, "pipe fds %d %d", p[0], p[1]);
    EXPECT(frames_free() + 1 == f0, "frames_free %u, %u before: one frame per pipe", frames_free(), f0);
    EXPECT_EQ(lseek(p[0], 0, SEEK_SET), -ESPIPE);
    EXPECT_EQ(lseek(p[1], 0, SEEK_CUR), -ESPIPE);
    EXPECT_EQ(write(p[1], "hello, pipe", 11), 11);
    struct stat s0, s1;
    EXPECT_EQ(fstat(p[0], &s0), 0);
    EXPECT_EQ(fstat(p[1], &s1), 0);
    EXPECT_EQ(s0.st_mode, S_IFIFO | 0600);
    EXPECT_EQ(s0.st_dev, 3);
    EXPECT_EQ(s0.st_size, 11);
    EXPECT_EQ(s1.st_ino, s0.st_ino);
    char b[64];
    EXPECT_EQ(read(p[0], b, 5), 5);                 /* what is asked */
    EXPECT_EQ(read(p[0], b + 5, sizeof(b)), 6);     /* what is there, without waiting */
    EXPECT(memcmp(b, "hello, pipe", 11) == 0, "bytes through the pipe");
    EXPECT_EQ(read(p[0], b, 0), 0);
    EXPECT_EQ(write(p[1], b, 0), 0);

    /* Wrap around the ring: 4096 bytes in 3 passes of 3000. */
    for (int pass = 0; pass < 3; pass++) {
        for (int i = 0; i < 3000; i++)
            big_out[i] = pattern((uint32_t)i, (uint32_t)pass);
        EXPECT_EQ(write(p[1], big_out, 3000), 3000);
        EXPECT_EQ(read(p[0], big_in, 3000), 3000);
        EXPECT(memcmp(big_in, big_out, 3000) == 0, "pass %d", pass);
    }
    /* Exactly full: 4096 bytes go in at once. */
    EXPECT_EQ(write(p[1], big_out, PIPE_BUF_SIZE), PIPE_BUF_SIZE);
    EXPECT_EQ(fstat(p[0], &s0), 0);
    EXPECT_EQ(s0.st_size, PIPE_BUF_SIZE);
    EXPECT_EQ(read(p[0], big_in, BIG), PIPE_BUF_SIZE);

    /* The write end closed: what is buffered, then end of file. */
    EXPECT_EQ(write(p[1], "end", 3), 3);
    EXPECT_EQ(close(p[1]), 0);
    EXPECT_EQ(read(p[0], b, sizeof(b)), 3);
    EXPECT_EQ(read(p[0], b, sizeof(b)), 0);
    EXPECT_EQ(read(p[0], b, sizeof(b)), 0);
    EXPECT_EQ(close(p[0]), 0);
    EXPECT_EQ(open_fds(), 0);
    EXPECT_FRAMES(f0);
}

static void epipe(void)
{
    unsigned f0 = frames_free();
    int p[2];
    EXPECT_EQ(pipe(p), 0);
    EXPECT_EQ(close(p[0]), 0);
    EXPECT_EQ(write(p[1], "x", 1), -EPIPE);
    EXPECT_EQ(write(p[1], big_out, BIG), -EPIPE);
    EXPECT_EQ(write(p[1], "x", 0), 0);
    EXPECT_EQ(close(p[1]), 0);

    /* A writer blocked on a full pipe gets -EPIPE when the reader goes. */
    EXPECT_EQ(pipe(p), 0);
    EXPECT_EQ(write(p[1], big_out, PIPE_BUF_SIZE), PIPE_BUF_SIZE);
    long me = getpid(), c = fork();
    if (c == 0) {
        close(p[1]);
        long start = ticks();
        while (proc_state(me) != PROC_STATE_SLEEPING && ticks() - start < 3 * TIMER_HZ)
            yield();
        exit(proc_state(me) == PROC_STATE_SLEEPING ? 0 : 1); /* closes the read end */
    }
    EXPECT(c > 0, "fork = %d", (int)c);
    EXPECT_EQ(close(p[0]), 0);
    EXPECT_EQ(write(p[1], "y", 1), -EPIPE);
    if (c > 0)
        EXPECT_EQ(wait_status(c), 0);       /* 0: we were asleep in write() */

    /* A long write with a reader that leaves after one read: partial count. */
    EXPECT_EQ(close(p[1]), 0);
    EXPECT_EQ(pipe(p), 0);
    c = fork();
    if (c == 0) {
        close(p[1]);
        long n = read(p[0], big_in, PIPE_BUF_SIZE);
        exit((int)n);
    }
    EXPECT_EQ(close(p[0]), 0);
    long w = write(p[1], big_out, BIG);
    EXPECT(w == PIPE_BUF_SIZE || w == 2 * PIPE_BUF_SIZE, "write = %d", (int)w);
    if (c > 0)
        EXPECT_EQ(exit_code(c), PIPE_BUF_SIZE);
    EXPECT_EQ(write(p[1], "z", 1), -EPIPE);
    EXPECT_EQ(close(p[1]), 0);
    EXPECT_EQ(open_fds(), 0);
    EXPECT_FRAMES(f0);
}

/* The child of pipe_fork_both_ways: reads BIG bytes in odd pieces from
 * @in, checks them, writes BIG bytes back on @out, exits without closing. */
static int pipe_child(int in, int out)
{
    uint32_t got = 0;
    static uint8_t buf[1500];
    while (got < BIG) {
        long n = read(in, buf, sizeof(buf) - (got % 7));
        if (n <= 0)
            return 10;
        for (long i = 0; i < n; i++)
            if (buf[i] != pattern(got + (uint32_t)i, 1))
                return 11;
        got += (uint32_t)n;
    }
    char extra;
    if (read(in, &extra, 1) != 0)           /* the parent closed its end: EOF */
        return 12;
    for (uint32_t i = 0; i < BIG; i++)
        big_out[i] = pattern(i, 2);
    if (write(out, big_out, BIG) != BIG)
        return 13;
    return 0;                               /* exit closes `out`: the parent sees EOF */
}

static void pipe_fork_both_ways(void)
{
    unsigned f0 = frames_free();
    int down[2], up[2];
    EXPECT_EQ(pipe(down), 0);
    EXPECT_EQ(pipe(up), 0);
    long c = fork();
    if (c == 0) {
        close(down[1]);
        close(up[0]);
        exit(pipe_child(down[0], up[1]));
    }
    EXPECT(c > 0, "fork = %d", (int)c);
    EXPECT_EQ(close(down[0]), 0);
    EXPECT_EQ(close(up[1]), 0);
    for (uint32_t i = 0; i < BIG; i++)
        big_out[i] = pattern(i, 1);
    EXPECT_EQ(write(down[1], big_out, BIG), BIG);   /* blocks: 4096 bytes at a time */
    EXPECT_EQ(close(down[1]), 0);
    uint32_t got = 0;
    int bad_bytes = 0;
    for (;;) {
        long n = read(up[0], big_in, 3000);         /* blocks while the child computes */
        if (n <= 0) {
            EXPECT_EQ(n, 0);
            break;
        }
        for (long i = 0; i < n; i++)
            bad_bytes += big_in[i] != pattern(got + (uint32_t)i, 2);
        got += (uint32_t)n;
    }
    EXPECT_EQ(got, BIG);
    EXPECT_EQ(bad_bytes, 0);
    if (c > 0)
        EXPECT_EQ(wait_status(c), 0);
    EXPECT_EQ(close(up[0]), 0);
    EXPECT_EQ(open_fds(), 0);
    EXPECT_FRAMES(f0);
}

static void fork_inherits_fds(void)
{
    unsigned f0 = frames_free();
    int fd = OPEN_OK("/mod/hello", O_RDONLY);
    char b[8];
    EXPECT_EQ(read(fd, b, 4), 4);
    long c = fork();
    if (c == 0) {
        /* The same descriptors, the same open files, the same offsets. */
        if (read(fd, b, 4) != 4 || offset_of(fd) != 8)
            exit(1);
        if (lseek(fd, 100, SEEK_SET) != 100)
            exit(2);
        static const char msg[] = "    # fork_inherits_fds: the child writes through its inherited fd 1\n";
        if (write(1, msg, sizeof(msg) - 1) != sizeof(msg) - 1)
            exit(3);
        if (close(fd) != 0)                 /* only the child's descriptor */
            exit(4);
        exit(0);
    }
    EXPECT(c > 0, "fork = %d", (int)c);
    if (c > 0)
        EXPECT_EQ(wait_status(c), 0);
    EXPECT_EQ(offset_of(fd), 100);          /* the child's lseek moved ours */
    EXPECT_EQ(read(fd, b, 1), 1);
    EXPECT_EQ(close(fd), 0);

    /* A spawned process starts with fds 0, 1 and 2 only, not ours. */
    fd = OPEN_OK("/dev/null", O_RDONLY);
    char *argv[] = { "child", "exit", "5", NULL };
    c = spawn("child", argv);
    EXPECT(c > 0, "spawn = %d", (int)c);
    if (c > 0)
        EXPECT_EQ(exit_code(c), 5);
    EXPECT_EQ(close(fd), 0);
    EXPECT_FRAMES(f0);
}

/* A process killed while it sleeps in a pipe read or write leaves. */
static void kill_blocked_in_pipe(void)
{
    unsigned f0 = frames_free();
    for (int writer = 0; writer <= 1; writer++) {
        int p[2];
        EXPECT_EQ(pipe(p), 0);
        long c = fork();
        if (c == 0) {
            if (writer) {
                write(p[1], big_out, BIG);  /* nobody reads: blocks when full */
            } else {
                char b;
                read(p[0], &b, 1);          /* nobody writes: blocks */
            }
            exit(99);
        }
        EXPECT(c > 0, "fork = %d", (int)c);
        if (c <= 0)
            continue;
        long start = ticks();
        while (proc_state(c) != PROC_STATE_SLEEPING && ticks() - start < 3 * TIMER_HZ)
            yield();
        EXPECT_EQ(proc_state(c), PROC_STATE_SLEEPING);
        EXPECT_EQ(kill((int)c), 0);
        EXPECT_EQ(wait_status(c), STATUS_KILLED);
        EXPECT_EQ(close(p[0]), 0);
        EXPECT_EQ(close(p[1]), 0);
    }
    EXPECT_EQ(open_fds(), 0);
    EXPECT_FRAMES(f0);
}

/* What must hold while the open-file table is full. */
static void while_table_full(void)
{
    unsigned f0 = frames_free();
    EXPECT_EQ(open("/dev/null", O_RDONLY), -ENFILE);
    EXPECT_EQ(open("/mod/hello", O_RDONLY), -ENFILE);
    int p[2] = { -7, -7 };
    EXPECT_EQ(pipe(p), -ENFILE);
    EXPECT(p[0] == -7 && p[1] == -7, "pipe() wrote %d %d", p[0], p[1]);
    long d = dup(1);                        /* no new entry: still works */
    EXPECT(d > 2, "dup(1) = %d", (int)d);
    if (d >= 0)
        EXPECT_EQ(close((int)d), 0);
    char *argv[] = { "child", "exit", "0", NULL };
    EXPECT_EQ(spawn("child", argv), -ENFILE);   /* no room for its console fds */
    EXPECT_FRAMES(f0);
}

static void enfile_and_table_back(void)
{
    unsigned f0 = frames_free();
    long room = file_table_room(while_table_full);
    DIAG("the open-file table took %d more entries (%d at the start)", (int)room, (int)room_at_start);
    EXPECT(room > 0, "room %d", (int)room);
    EXPECT_EQ(room, room_at_start);
    expect_fd_table_reusable("/dev/zero");
    EXPECT_FRAMES(f0);
}

static void leak_200_rounds(void)
{
    unsigned f0 = frames_free();
    char b[100];
    for (int round = 0; round < 200 && ok; round++) {
        int m = (int)open("/mod/hello", O_RDONLY), z = (int)open("/dev/zero", O_RDONLY), p[2] = { -1, -1 };
        EXPECT_EQ(m, 3);
        EXPECT_EQ(z, 4);
        EXPECT_EQ(read(m, b, 16), 16);
        EXPECT_EQ(read(z, b, sizeof(b)), sizeof(b));
        EXPECT_EQ(pipe(p), 0);
        EXPECT_EQ(write(p[1], b, sizeof(b)), sizeof(b));
        long d = dup(p[0]);
        EXPECT_EQ(read((int)d, b, sizeof(b)), sizeof(b));
        EXPECT_EQ(pipe(bad(0)), -EFAULT);
        EXPECT_EQ(close(m), 0);
        EXPECT_EQ(close(z), 0);
        EXPECT_EQ(close(p[1]), 0);
        EXPECT_EQ(close(p[0]), 0);
        EXPECT_EQ(read((int)d, b, sizeof(b)), 0);
        EXPECT_EQ(close((int)d), 0);
    }
    EXPECT_EQ(open_fds(), 0);
    EXPECT_FRAMES(f0);
    expect_fd_table_reusable("/mod/hello");
    EXPECT_FRAMES(f0);
}

static const struct scenario cases[] = {
    { mod_hello_read, "mod_hello_read" },
    { mod_offsets_lseek_eof, "mod_offsets_lseek_eof" },
    { dev_zero_null, "dev_zero_null" },
    { console_fds, "console_fds" },
    { dup_shares_offset, "dup_shares_offset" },
    { close_errors, "close_errors" },
    { efault_everywhere, "efault_everywhere" },
    { bad_paths, "bad_paths" },
    { name_too_long, "name_too_long" },
    { erofs_eisdir, "erofs_eisdir" },
    { emfile, "emfile" },
    { access_modes_ebadf, "access_modes_ebadf" },
    { pipe_basics_espipe, "pipe_basics_espipe" },
    { epipe, "epipe" },
    { pipe_fork_both_ways, "pipe_fork_both_ways" },
    { fork_inherits_fds, "fork_inherits_fds" },
    { kill_blocked_in_pipe, "kill_blocked_in_pipe" },
    { leak_200_rounds, "leak_200_rounds" },
    { enfile_and_table_back, "enfile_and_table_back" },
};

int main(int argc, char **argv)
{
    if (sysinfo(&info) < 0)
        return 100;
    wait_for_turn();
    scenario = "start";
    ok = 1;
    room_at_start = file_table_room(NULL);
    if (!ok)
        printf("    # test_files: could not measure the open-file table\n");
    return RUN_SCENARIOS(cases, argc, argv);
}
