/*
 * syscall.c - system calls (ABI in uapi/syscall.h). Arguments come from the
 * trap frame registers; user memory is reached only through uaccess.h.
 */
#include "defs.h"
#include "proc.h"
#include "uaccess.h"
#include "uapi/errno.h"
#include "uapi/syscall.h"

#define WRITE_CHUNK 256 /* bytes copied in per step */

static long sys_exit(uint32_t status)
{
    proc_exit((int)status);
}

/* write(fd, buf, len): fd 1 and 2 are the console. All or nothing: the
 * whole buffer is checked before the first byte goes out. */
static long sys_write(uint32_t fd, uint32_t buf, uint32_t len)
{
    if (fd != 1 && fd != 2)
        return -EBADF;
    if (user_range_ok(current->pd, buf, len, false) < 0)
        return -EFAULT;
    char chunk[WRITE_CHUNK];
    for (uint32_t done = 0; done < len;) {
        uint32_t n = len - done < WRITE_CHUNK ? len - done : WRITE_CHUNK;
        if (copy_from_user(current->pd, chunk, buf + done, n) < 0)
            return -EFAULT;
        console_write(chunk, n);
        done += n;
    }
    return (long)len;
}

static long sys_getpid(void)
{
    return current->pid;
}

static long sys_yield(void)
{
    proc_yield();
    return 0;
}

static long sys_nop(void)
{
    return 0;
}

static long sys_sysinfo(uint32_t out)
{
    struct sysinfo info = {
        .load_base = kernel_load_base,
        .frames_total = kernel_frames.total,
        .frames_free = kernel_frames.free,
        .pid = (unsigned)current->pid,
        .kernel_var = (unsigned)(uintptr_t)&kernel_load_base,
    };
    return copy_to_user(current->pd, out, &info, sizeof(info));
}

void syscall_dispatch(struct trapframe *tf)
{
    long r;
    switch (tf->eax) {
    case SYS_exit:    r = sys_exit(tf->ebx); break;
    case SYS_write:   r = sys_write(tf->ebx, tf->ecx, tf->edx); break;
    case SYS_getpid:  r = sys_getpid(); break;
    case SYS_yield:   r = sys_yield(); break;
    case SYS_nop:     r = sys_nop(); break;
    case SYS_sysinfo: r = sys_sysinfo(tf->ebx); break;
    default:          r = -ENOSYS; break;
    }
    tf->eax = (uint32_t)r;
}
