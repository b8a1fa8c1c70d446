/*
 * uapi/limits.h - limits the kernel enforces on system call arguments, for
 * the kernel and for user programs (the single source: uaccess.h, kevents.h
 * and ulib.h include it).
 */
#ifndef UAPI_LIMITS_H
#define UAPI_LIMITS_H

/* Bytes one copy-in or copy-out moves at most (uaccess.h): a read, write,
 * ipc or any other buffer argument longer than this gets -EFAULT. */
#define UACCESS_MAX_LEN (16u << 20)

/* Rounds one cr3_pair() call runs at most (kevents.c): 0, or more than
 * this, gets -EINVAL. */
#define CR3_PAIR_MAX_ROUNDS 100000

#endif /* UAPI_LIMITS_H */
