/*
 * exit0 - the Linux peer's counterpart of src/user/exit0.c: a static i386
 * program with no libc whose only system call is exit_group(0). The replay's
 * OP_EXEC runs it (tools/linux-peer/replay_linux.c, os_exec).
 * Build: gcc -m32 -static -nostdlib -fno-pie -no-pie -o exit0 exit0.c
 */
__asm__(".globl _start\n"
        "_start:\n\t"
        "movl $252, %eax\n\t"   /* NR_exit_group (i386) */
        "xorl %ebx, %ebx\n\t"
        "int $0x80\n");
