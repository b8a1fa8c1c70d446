/*
 * pic.c - the two 8259A PICs: remap IRQ 0-15 to vectors IRQ_BASE.. so they
 * do not collide with CPU exceptions, and mask them all (no device
 * until a driver unmasks its line). ICW sequence: 8259A datasheet,
 * "Initialization Command Words"; EOI: "Operation Command Words", OCW2.
 */
#include "defs.h"
#include "x86/x86.h"

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

void pic_unmask(uint32_t irq)
{
    uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
    outb(port, inb(port) & ~(1u << (irq % 8)));
    if (irq >= 8)
        outb(PIC1_DATA, inb(PIC1_DATA) & ~(1u << 2)); /* the cascade line */
}

void pic_eoi(uint32_t irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, 0x20);
    outb(PIC1_CMD, 0x20);
}
