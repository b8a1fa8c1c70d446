/*
 * timer.c - the 8254 PIT, channel 0, at TIMER_HZ (100 Hz) on IRQ 0, and
 * the 8259 end-of-interrupt. Divisor: 1193182 Hz / 100 = 11932 (the 8254
 * input clock, Intel 8254 datasheet; mode 2, rate generator).
 */
#include "defs.h"
#include "x86/platform.h"     /* IRQ_TIMER */
#include "uapi/syscall.h"
#include "x86/x86.h"

#define PIT_CH0     0x40
#define PIT_CMD     0x43
#define PIT_INPUT_HZ 1193182u

/* In the hot data line (fastpath.c): the fast path answers SYS_ticks from it. */
__attribute__((section(".data.hot"))) static volatile uint32_t tick_count;

void timer_init(void)
{
    uint32_t divisor = (PIT_INPUT_HZ + TIMER_HZ / 2) / TIMER_HZ;
    outb(PIT_CMD, 0x34);                    /* channel 0, lo/hi byte, mode 2 */
    outb(PIT_CH0, divisor & 0xFF);
    outb(PIT_CH0, divisor >> 8);
    pic_unmask(IRQ_TIMER);
}

void timer_tick(void)
{
    tick_count++;
}

uint32_t timer_ticks(void)
{
    return tick_count;
}

const volatile uint32_t *timer_tick_word(void)
{
    return &tick_count;
}
