/*
 * exec_args.h - the argv strings both replay backends hand OP_EXEC's program
 * (os_exec, replay_os.h): as many as this kernel's spawn() takes (MAX_ARGS
 * strings of MAX_ARG_LEN bytes, uapi/syscall.h; src/user/replay.c checks
 * that they agree), the Linux peer the same. Header only, included by
 * src/user/replay.c and tools/linux-peer/replay_linux.c.
 */
#ifndef REPLAY_EXEC_ARGS_H
#define REPLAY_EXEC_ARGS_H

#include <stdint.h>
#include "replay_os.h"

#define REPLAY_EXEC_ARGS    16   /* argv strings at most */
#define REPLAY_EXEC_ARG_LEN 128  /* bytes per string at most, NUL included */
_Static_assert(REPLAY_EXEC_BYTES == REPLAY_EXEC_ARGS * REPLAY_EXEC_ARG_LEN, "REPLAY_EXEC_BYTES is the argv cap");

/* replay_exec_argv - fill @strings with argv strings of @bytes bytes in all
 * (NULs included; at most REPLAY_EXEC_BYTES are used), each REPLAY_EXEC_ARG_LEN
 * bytes but the last, of 'a's, and point @argv at them, argv[argc] = NULL.
 * Returns argc (0 for @bytes 0). */
static inline int replay_exec_argv(uint32_t bytes, char strings[][REPLAY_EXEC_ARG_LEN], char *argv[])
{
    int argc = 0;
    while (bytes > 0 && argc < REPLAY_EXEC_ARGS) {
        uint32_t n = bytes < REPLAY_EXEC_ARG_LEN ? bytes : REPLAY_EXEC_ARG_LEN;
        __builtin_memset(strings[argc], 'a', n - 1);
        strings[argc][n - 1] = '\0';
        argv[argc] = strings[argc];
        argc++;
        bytes -= n;
    }
    argv[argc] = (char *)0;
    return argc;
}

#endif /* REPLAY_EXEC_ARGS_H */
