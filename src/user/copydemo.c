/*
 * copydemo - write() a buffer that straddles a page boundary, and a string
 * from the stack: the kernel copies both in one page at a time.
 */
#include "ulib.h"

static char pages[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

int main(void)
{
    const char *msg = "copydemo: this line straddles a page boundary\n";
    size_t len = strlen(msg);
    char *start = pages + PAGE_SIZE - len / 2; /* half in one page, half in the next */
    memcpy(start, msg, len);
    printf("copydemo: buffer at %p..%p\n", (void *)start, (void *)(start + len - 1));
    if (write(1, start, len) != (long)len)
        return 1;

    char on_stack[] = "copydemo: and this one comes from the user stack\n";
    printf("copydemo: stack buffer at %p\n", (void *)on_stack);
    if (write(1, on_stack, sizeof(on_stack) - 1) != (long)(sizeof(on_stack) - 1))
        return 2;
    return 0;
}
