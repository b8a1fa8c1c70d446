/*
 * power.c - leave the machine. In order of preference:
 *  - QEMU isa-debug-exit at port 0xF4 (present in test runs): QEMU exits
 *    with status (code << 1) | 1, so EXIT_PASS gives 33;
 *  - ACPI S5 through the PIIX4 PM1a control register: QEMU's pc machine
 *    has it at 0x604, Bochs at 0xB004 (SLP_TYPa = 0, SLP_EN = bit 13);
 *  - the Bochs/QEMU "Shutdown" string on port 0x8900;
 *  - halt.
 */
#include "defs.h"
#include "x86/platform.h"     /* DEBUG_EXIT_PORT */
#include "x86/x86.h"

#define ACPI_SLP_EN     0x2000

void power_off(uint8_t exit_code)
{
    console_flush();
    outb(DEBUG_EXIT_PORT, exit_code);
    outw(0x604, ACPI_SLP_EN);
    outw(0xB004, ACPI_SLP_EN);
    for (const char *s = "Shutdown"; *s; s++)
        outb(0x8900, (uint8_t)*s);
    halt_forever();
}
