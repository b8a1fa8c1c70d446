/*
 * errno.h - error numbers returned (negated) by the kernel. Values follow
 * Linux i386 so that strace logs and our traces speak the same language.
 * Shared by the kernel, the user library and the host tools.
 */
#ifndef UAPI_ERRNO_H
#define UAPI_ERRNO_H

#define EPERM        1   /* not your child */
#define ENOENT       2   /* no such boot module or file */
#define ESRCH        3   /* no such process, or it died */
#define EINTR        4   /* a long call stopped early: the process was killed */
#define E2BIG        7   /* argument list too long */
#define ENOEXEC      8   /* bad executable (ELF validation) */
#define EBADF        9   /* bad file descriptor */
#define ECHILD      10   /* no such child to wait for */
#define EAGAIN      11   /* table full, try later */
#define ENOMEM      12   /* out of frames */
#define EFAULT      14   /* bad user address or range */
#define EEXIST      17   /* already mapped */
#define ENOTDIR     20   /* a path component is not a directory */
#define EISDIR      21   /* read/write on a directory */
#define EINVAL      22   /* invalid argument */
#define ENFILE      23   /* the kernel's open-file table is full */
#define EMFILE      24   /* the process has NOFILE descriptors open */
#define ESPIPE      29   /* lseek on a pipe or device */
#define EROFS       30   /* /mod is read-only */
#define EPIPE       32   /* write to a pipe with no reader */
#define EDEADLK     35   /* IPC to yourself */
#define ENAMETOOLONG 36  /* string longer than the caller's limit */
#define ENOSYS      38   /* unknown syscall number */
#define EMSGSIZE    90   /* IPC message larger than 4 KiB or than the receiver's buffer */

#endif /* UAPI_ERRNO_H */
