/*
 * test_uaccess - every bad pointer a syscall can be given gets -EFAULT, and
 * nothing is half done. One function per scenario.
 */
#include "ulib.h"
/* the layout this test probes (kernel addresses too): uapi/layout.h, through ulib.h */


static struct sysinfo info;

static int write_null(void) { return write(1, (void *)0, 4) == -EFAULT; }
static int write_page0_end(void) { return write(1, (void *)(USER_BASE - 1), 1) == -EFAULT; }
static int write_trampoline(void) { return write(1, (void *)TRAMPOLINE_BASE, 16) == -EFAULT; }
static int write_kernel_var(void) { return write(1, (void *)info.kernel_var, 4) == -EFAULT; }
static int write_direct_map(void) { return write(1, (void *)DIRECT_MAP_BASE, 4) == -EFAULT; }
static int write_wrapping(void) { return write(1, (void *)0xFFFFF000u, 0x2000) == -EFAULT; }
static int write_huge(void) { return write(1, (void *)USER_BASE, 0xFFFFFFFFu) == -EFAULT; }

/* The last 8 bytes of the stack, then 8 in the unmapped guard page above it:
 * nothing may be printed. */
static int write_into_unmapped(void)
{
    return write(1, (void *)(USER_STACK_TOP - 8), 16) == -EFAULT;
}

static int write_len0_bad_pointer(void) { return write(1, (void *)0, 0) == 0; }
static int write_bad_fd(void) { return write(7, "x", 1) == -EBADF; }

static int sysinfo_null(void) { return sysinfo((void *)0) == -EFAULT; }

/* Copy-out into our own read-only text must fail, and leave it unchanged. */
static int sysinfo_into_text(void)
{
    volatile uint32_t *text = (volatile uint32_t *)(uintptr_t)write_null;
    uint32_t before = *text;
    return sysinfo((struct sysinfo *)text) == -EFAULT && *text == before;
}

/* Straddling the guard page: the mapped part must not be written either. */
static int sysinfo_partial_unmapped(void)
{
    volatile uint32_t *last = (uint32_t *)(USER_STACK_TOP - 4);
    *last = 0x5A5A5A5A;
    return sysinfo((struct sysinfo *)(USER_STACK_TOP - 4)) == -EFAULT && *last == 0x5A5A5A5A;
}

static int sysinfo_ok(void)
{
    struct sysinfo s;
    return sysinfo(&s) == 0 && s.pid == (unsigned)getpid() && s.frames_free <= s.frames_total;
}

static int unknown_syscalls(void)
{
    return syscall_raw(-1, 0, 0, 0, 0, 0) == -ENOSYS && syscall_raw(NR_SYSCALLS, 0, 0, 0, 0, 0) == -ENOSYS &&
           syscall_raw((long)0x80000000u, 0, 0, 0, 0, 0) == -ENOSYS && syscall_raw(0, 0, 0, 0, 0, 0) == -ENOSYS;
}

static const struct {
    int (*fn)(void);
    const char *name;
} cases[] = {
    { write_null, "write_null_efault" },
    { write_page0_end, "write_0xfff_efault" },
    { write_trampoline, "write_trampoline_efault" },
    { write_kernel_var, "write_kernel_link_address_efault" },
    { write_direct_map, "write_direct_map_efault" },
    { write_wrapping, "write_wrapping_range_efault" },
    { write_huge, "write_huge_length_efault" },
    { write_into_unmapped, "write_into_unmapped_page_efault" },
    { write_len0_bad_pointer, "write_len0_bad_pointer_returns_0" },
    { write_bad_fd, "write_bad_fd_ebadf" },
    { sysinfo_null, "copy_out_null_efault" },
    { sysinfo_into_text, "copy_out_readonly_text_efault" },
    { sysinfo_partial_unmapped, "copy_out_straddling_guard_writes_nothing" },
    { sysinfo_ok, "copy_out_ok" },
    { unknown_syscalls, "unknown_syscall_enosys" },
};

int main(void)
{
    if (sysinfo(&info) < 0)
        return 100;
    int n = (int)(sizeof(cases) / sizeof(cases[0]));
    ktap_plan(n);
    for (int i = 0; i < n; i++)
        ktap_result(cases[i].fn(), cases[i].name);
    return ktap_failures();
}
