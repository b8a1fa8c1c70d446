/*
 * ulib.h - the user runtime: syscall stubs (syscall.asm), printf and string
 * functions (ulib.c), a malloc on sbrk (malloc.c), KTAP reporting for test
 * programs (ktap.c). Syscalls return >= 0 or -errno; there is no errno.
 */
#ifndef ULIB_H
#define ULIB_H

#include <stddef.h>
#include <stdint.h>
#include "uapi/errno.h"
#include "uapi/layout.h"
#include "uapi/limits.h"
#include "uapi/syscall.h"

/* Syscalls: return >= 0, or -errno. */
void exit(int status) __attribute__((noreturn));
long write(int fd, const void *buf, size_t len);
long getpid(void);
long yield(void);
long nop(void);
long sysinfo(struct sysinfo *out);
long syscall_raw(long nr, long a1, long a2, long a3, long a4, long a5);
/* The same call through SYSENTER (sysenter.asm); -ENOSYS-free CPUs only. */
long sysenter_call(long nr, long a1, long a2, long a3, long a4, long a5);
long read(int fd, void *buf, size_t len);
long spawn(const char *module, char *const argv[]);
long wait(int pid, int *status);
long getppid(void);
long kill(int pid);
long brk(void *end);
long map(void *va, unsigned npages, int prot);
long unmap(void *va, unsigned npages);
long protect(void *va, unsigned npages, int prot);
/* FUTEX_WAIT: 0 once woken, -EAGAIN if *word != val; FUTEX_WAKE: waiters woken (at most val). */
long futex(volatile uint32_t *word, int op, unsigned val);
long fork(void);
long shm_grant(int pid, void *va, unsigned npages);
long shm_map(int granter, void *va);
long ipc_send(int dest, const void *msg, size_t len);
long ipc_recv(int src, void *buf, size_t max, int *sender);
long ipc_call(int dest, const void *msg, size_t len, void *reply, size_t max);
long ipc_reply(int dest, const void *msg, size_t len);
long ps(struct procinfo *out, unsigned max);
#define PS_ROWS 128     /* rows of a ps() table: more than the kernel's process table */
long modules(char *buf, size_t size);
long poweroff(int failed);  /* returns only on failure: -EPERM unless init or init spawned us */
long ticks(void);
long open(const char *path, int flags);
long close(int fd);
long lseek(int fd, long offset, int whence);
long stat(const char *path, struct stat *out);
long fstat(int fd, struct stat *out);
long dup(int fd);
long pipe(int fds[2]);
long kevents(struct kevents *out);
long cr3_pair(unsigned rounds);
/* Rounds of one cr3_pair() measurement in the user programs (fuzz.c's
 * ceiling; src/user/replay/replay_int.h repeats the value for its Linux
 * build, and here the compiler checks the repeat: a different value is a redefinition). */
#define CR3_PAIR_ROUNDS 1000
long setfg(int pid);            /* Ctrl-C on the console kills pid (0: none); self or a child */
long afill(struct afill *out, unsigned *pages);
/* afill() through the instrument's gate, `int AFILL_VECTOR` (syscall.asm):
 * the readout the trace replay brackets each call with; same result. */
long afill_gate(struct afill *out, unsigned *pages);

/* sbrk on top of brk: returns the old break, or (void *)-1 with nothing changed. */
void *sbrk(long increment);
/* A first-fit allocator on top of sbrk (malloc.c). */
void *malloc(size_t size);
void free(void *ptr);

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* printf to fd 1 (at most 511 bytes a call). Conversions: those of src/lib/fmt.h
 * (%d %i %u %x %X %p %s %c %%, flags - and 0, width), as the kernel's kprintf. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* snprintf - src/lib/fmt.c's fmt_snprintf (the kernel's ksnprintf too). */
int snprintf(char *buf, size_t size, const char *fmt, ...) __asm__("fmt_snprintf") __attribute__((format(printf, 3, 4)));

size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
int atoi(const char *s);
int memcmp(const void *a, const void *b, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

/* KTAP subtests (printed indented, under the kernel's line for this module). */
void ktap_plan(int ntests);
void ktap_result(int ok, const char *name);
int ktap_failures(void);    /* exit(ktap_failures()) makes the kernel's verdict */

/* Bochs magic breakpoint: stops the Bochs debugger here (magic_break: enabled=1). */
#define BOCHS_BREAK() __asm__ volatile("xchg %bx, %bx")

#endif /* ULIB_H */
