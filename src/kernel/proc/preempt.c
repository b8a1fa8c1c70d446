/*
 * preempt.c - interrupt windows and safe points in long kernel work
 * (preempt.h). The kernel runs with IF = 0; a window is the only place
 * besides the idle loop (scheduler_run) and ring 3 where an IRQ can arrive:
 *
 *   sti            IF = 1, but recognition waits one more instruction
 *   nop            (SDM Vol. 2B "STI": the interrupt shadow)
 *   cli            a pending IRQ is taken before this one
 *
 * An IRQ taken in a window arrives through the trampoline's ring-0 path
 * (tramp_from_kernel: no stack switch, the frame goes onto the
 * process's kernel stack, CR3 is checked and restored) into
 * trap_from_kernel, which serves it and charges a timer tick to the
 * current process's slice (preempt_tick). The switch itself happens here,
 * in preempt_point, on the process's own kernel stack, never inside the
 * interrupt frame: proc_yield() from a point where the caller holds nothing
 * another process could change.
 */
#include "defs.h"
#include "proc/preempt.h"
#include "proc/proc.h"
#include "uapi/errno.h"

/* void irq_window(void): sti; nop; cli. A pending IRQ returns to irq_window_resume. */
void irq_window(void);
__asm__(".text\n"
        ".globl irq_window\n"
        ".type irq_window, @function\n"
        "irq_window:\n"
        "    sti\n"
        "    nop\n"
        ".globl irq_window_resume\n"
        "irq_window_resume:\n"
        "    cli\n"
        "    ret\n"
        ".size irq_window, . - irq_window\n");

static uint32_t preempt_off;    /* preempt_disable() depth */

void preempt_disable(void)
{
    preempt_off++;
}

void preempt_enable(void)
{
    if (preempt_off == 0)
        panic("preempt_enable without preempt_disable");
    preempt_off--;
}

void preempt_window(void)
{
    if (current)
        irq_window();
}

long preempt_point(void)
{
    struct proc *p = current;
    if (!p)
        return 0;
    irq_window();
    if (p->slice == 0 && !preempt_off && !p->killed)
        proc_yield();   /* the scheduler gives it a fresh slice when it runs again */
    return p->killed ? -EINTR : 0;
}

void preempt_tick(struct proc *p)
{
    if (p->slice > 0)
        p->slice--;
}
