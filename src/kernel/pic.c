/*
 * pic.c - the two 8259A PICs: remap IRQ 0-15 to vectors IRQ_BASE.. so they
 * do not collide with CPU exceptions, and mask them all (no device
 * interrupts are used yet). ICW sequence: 8259A datasheet, "Initialization
 * Command Words".
 */
#include "defs.h"
#include "x86.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xA0
#define PIC2_DATA 0xA1

void pic_init(void)
{
    outb(PIC1_CMD, 0x11);            /* ICW1: edge, cascade, ICW4 follows */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, IRQ_BASE);       /* ICW2: vector offsets */
    outb(PIC2_DATA, IRQ_BASE + 8);
    outb(PIC1_DATA, 0x04);           /* ICW3: slave on IRQ 2 */
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01);           /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, 0xFF);           /* mask everything */
    outb(PIC2_DATA, 0xFF);
}
