/*
 * syscall.h - the system call ABI, shared by the kernel and src/user/lib.
 *
 * Entry: `int 0x80` (SYSCALL_VECTOR). EAX = number, EBX, ECX, EDX, ESI, EDI =
 * arguments 1-5. Return value in EAX: >= 0 on success, -errno on failure.
 * Every other register, EFLAGS (except RF) and the segment registers come
 * back unchanged. An unknown number returns -ENOSYS.
 */
#ifndef UAPI_SYSCALL_H
#define UAPI_SYSCALL_H

#define SYS_exit     1  /* exit(int status): does not return */
#define SYS_write    2  /* write(int fd, const void *buf, size_t len) -> len; fd 1, 2 = console */
#define SYS_getpid   3  /* getpid() -> pid */
#define SYS_yield    4  /* yield() -> 0: let the next runnable process run */
#define SYS_nop      5  /* nop() -> 0: an empty call, for measuring entry/exit */
#define SYS_sysinfo  6  /* sysinfo(struct sysinfo *out) -> 0: copy-out of kernel facts */
#define NR_SYSCALLS  7

/* Filled in by SYS_sysinfo (copied out with copy_to_user). */
struct sysinfo {
    unsigned int load_base;      /* physical load base GRUB chose, bytes */
    unsigned int frames_total;   /* frames managed by the allocator */
    unsigned int frames_free;    /* frames free right now */
    unsigned int pid;            /* caller's pid */
    unsigned int kernel_var;     /* link address of a kernel variable (never mapped for you) */
};

#endif /* UAPI_SYSCALL_H */
