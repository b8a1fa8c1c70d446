/*
 * segv - read kernel memory from ring 3. The kernel is not mapped in a user
 * page directory at all, so this must end in a #PF kill, never in data.
 *   segv            reads the link address of a kernel variable
 *   segv directmap  reads the kernel's direct map of physical memory
 */
#include "ulib.h"

/* the layout this test probes (kernel addresses too): uapi/layout.h, through ulib.h */

int main(int argc, char **argv)
{
    struct sysinfo info;
    uint32_t target;
    if (argc > 1 && strcmp(argv[1], "directmap") == 0) {
        target = DIRECT_MAP_BASE + 0x100000;
        printf("segv: reading the direct map at %p\n", (void *)target);
    } else {
        if (sysinfo(&info) < 0)
            return 1;
        target = info.kernel_var;
        printf("segv: reading kernel variable kernel_load_base at %p\n", (void *)target);
    }
    uint32_t v = *(volatile uint32_t *)target;
    printf("segv: FAILED, read %x from kernel memory\n", v);
    return 1;
}
