/*
 * ktap.c - KTAP subtest output for user test programs. Lines are indented
 * four spaces: they nest under the kernel's top-level result for the module.
 */
#include "ulib.h"

static int number, failures;

void ktap_plan(int ntests)
{
    printf("    KTAP version 1\n    1..%d\n", ntests);
}

void ktap_result(int ok, const char *name)
{
    number++;
    if (!ok)
        failures++;
    printf("    %s %d %s\n", ok ? "ok" : "not ok", number, name);
}

int ktap_failures(void)
{
    return failures;
}
