/*
 * errno.h - error numbers returned (negated) by the kernel. Values follow
 * Linux i386 so that strace logs and our traces speak the same language.
 * Shared by the kernel, the user library and the host tools.
 */
#ifndef UAPI_ERRNO_H
#define UAPI_ERRNO_H

#define ESRCH        3   /* no such process */
#define ENOEXEC      8   /* bad executable (ELF validation) */
#define EBADF        9   /* bad file descriptor */
#define EAGAIN      11   /* table full, try later */
#define ENOMEM      12   /* out of frames */
#define EFAULT      14   /* bad user address or range */
#define EEXIST      17   /* already mapped */
#define EINVAL      22   /* invalid argument */
#define ENAMETOOLONG 36  /* string longer than the caller's limit */
#define ENOSYS      38   /* unknown syscall number */

#endif /* UAPI_ERRNO_H */
