/* hello - greets, and shows what the kernel tells a process about itself. */
#include "ulib.h"

int main(int argc, char **argv)
{
    struct sysinfo info;
    printf("hello from user mode: pid %d, argv[0] = \"%s\", %d argument(s)\n", (int)getpid(), argv[0], argc);
    if (sysinfo(&info) == 0)
        printf("hello: the kernel was loaded at physical %p; %u of %u frames free\n",
               (void *)info.load_base, info.frames_free, info.frames_total);
    return 0;
}
