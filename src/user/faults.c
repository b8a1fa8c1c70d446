/*
 * faults - raise a CPU exception in ring 3; the kernel must kill only this
 * process. faults ud: ud2 (#UD, vector 6). faults de: divide by zero (#DE,
 * vector 0). faults gp: a privileged instruction (#GP, vector 13).
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "ud";
    printf("faults: raising %s\n", what);
    if (strcmp(what, "ud") == 0) {
        __asm__ volatile("ud2");
    } else if (strcmp(what, "de") == 0) {
        /* In asm: the compiler may turn a C division by zero into anything. */
        __asm__ volatile("xor %%ecx, %%ecx; mov $1, %%eax; xor %%edx, %%edx; div %%ecx" ::: "eax", "ecx", "edx");
    } else if (strcmp(what, "gp") == 0) {
        __asm__ volatile("cli");
    }
    printf("faults: FAILED, still running after %s\n", what);
    return 1;
}
