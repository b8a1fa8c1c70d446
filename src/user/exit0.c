/*
 * exit0 - the smallest program: main returns 0, crt0 calls exit(0), so the
 * process makes exactly one system call. The trace replay's OP_EXEC runs
 * it (src/user/replay.c, os_exec): a new image built from a boot module,
 * its arguments copied in, one call, torn down.
 */
int main(void)
{
    return 0;
}
