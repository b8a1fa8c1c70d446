/*
 * desc.c - fill the GDT, IDT and TSS that live in the trampoline, and load
 * them. Descriptor formats: Intel SDM Vol. 3A §3.4.5 (segment descriptors),
 * §6.11 (IDT gates), §7.2.1-7.2.2 (32-bit TSS and its descriptor).
 *
 * The GDTR, IDTR and TR hold linear addresses in the trampoline window,
 * which is mapped in every page directory: the CPU reads them on every
 * interrupt, before the entry code has switched CR3.
 */
#include "defs.h"
#include "memlayout.h"
#include "x86/x86.h"

#define SEG_ACCESSED   0x01     /* preset, so the CPU never writes the GDT */
#define SEG_CODE       0x1A     /* S=1, execute/read */
#define SEG_DATA       0x12     /* S=1, read/write */
#define SEG_PRESENT    0x80
#define SEG_DPL(n)     ((n) << 5)
#define SEG_FLAGS_4K32 0xC      /* G=1 (4 KiB granularity), D/B=1 (32-bit) */
#define TSS_AVAILABLE  0x89     /* P=1, DPL 0, type 9: 32-bit TSS available */
#define GATE_INTR32    0x8E     /* P=1, DPL 0, type 0xE: 32-bit interrupt gate */

/* 32-bit TSS (SDM Vol. 3A Figure 7-2); only ss0/esp0 and the I/O map base matter. */
struct tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == sizeof(tramp_tss), "TSS size differs from tables.asm");

struct pseudo_desc {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

static uint64_t segment(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    return (uint64_t)(limit & 0xFFFF) | (uint64_t)(base & 0xFFFFFF) << 16 |
           (uint64_t)access << 40 | (uint64_t)((limit >> 16) & 0xF) << 48 |
           (uint64_t)flags << 52 | (uint64_t)(base >> 24) << 56;
}

static uint64_t gate(uint32_t offset, uint16_t selector, uint8_t type)
{
    return (uint64_t)(offset & 0xFFFF) | (uint64_t)selector << 16 | (uint64_t)type << 40 |
           (uint64_t)(offset >> 16) << 48;
}

static void load_tables(void)
{
    struct pseudo_desc gdtr = { sizeof(tramp_gdt) - 1, (uint32_t)(uintptr_t)tramp_gdt };
    struct pseudo_desc idtr = { sizeof(tramp_idt) - 1, (uint32_t)(uintptr_t)tramp_idt };
    __asm__ volatile("lgdt %0" ::"m"(gdtr));
    __asm__ volatile("ljmp %0, $1f\n1:" ::"i"(KERNEL_CS));
    __asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss; mov %1, %%fs; mov %1, %%gs"
                     ::"r"(KERNEL_DS), "r"(0));
    __asm__ volatile("ltr %w0" ::"r"(TSS_SEL));
    /* A null LDT. LDTR is not reset to null by the CPU: left alone it
     * describes linear 0..0xFFFF, which is user memory in every user PD, and
     * a call gate written there would run user code at CPL 0. With a null
     * LDTR, every LDT selector raises #GP (SDM Vol. 3A §3.5.1, §5.8.3). */
    __asm__ volatile("lldt %w0" ::"r"(0));
    __asm__ volatile("lidt %0" ::"m"(idtr));
    /* No FPU for anyone: the kernel does not save x87 state per process, so
     * CR0.EM makes every x87/MMX instruction fault (#NM, #UD) and kill only
     * the process that tried, instead of leaking registers across address
     * spaces (SDM Vol. 3A §2.5, Table 2-2). */
    write_cr0((read_cr0() | CR0_EM) & ~CR0_MP);
}

bool sysenter_available;

/* MSR_SYSENTER_CS/ESP/EIP: trapframe.h (test_hostile's wrmsr uses them too). */
#define CPUID_1_EDX_SEP  (1u << 11)

static void wrmsr(uint32_t msr, uint32_t value)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"(value), "d"(0));
}

/* SYSENTER: written once here, never per syscall or per context switch
 * (under KVM a WRMSR exits to the hypervisor). Every sysenter lands on the
 * trampoline's entry stack, like an interrupt from ring 3 (SDM Vol. 3A
 * §5.8.7). */
static void sysenter_init(void)
{
    uint32_t eax = 1, ebx, ecx, edx;
    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx));
    uint32_t family = (eax >> 8) & 0xF, model = (eax >> 4) & 0xF, stepping = eax & 0xF;
    /* Pentium Pro with model < 3 and stepping < 3 reports SEP without having it (SDM Vol. 2A, CPUID). */
    if (!(edx & CPUID_1_EDX_SEP) || (family == 6 && model < 3 && stepping < 3))
        return;
    wrmsr(MSR_SYSENTER_CS, KERNEL_CS);
    /* 8 bytes below the top: the general path's pushfd lands in a frame's
     * EFLAGS slot, under user_esp and user_ss (entry.asm). */
    wrmsr(MSR_SYSENTER_ESP, (uint32_t)(uintptr_t)tramp_entry_stack_top - (TRAPFRAME_SIZE - TF_USER_ESP));
    wrmsr(MSR_SYSENTER_EIP, (uint32_t)(uintptr_t)tramp_sysenter_entry);
    sysenter_available = true;
}

void desc_init(void)
{
    tramp_gdt[KERNEL_CS >> 3] = segment(0, 0xFFFFF, SEG_PRESENT | SEG_DPL(0) | SEG_CODE | SEG_ACCESSED, SEG_FLAGS_4K32);
    tramp_gdt[KERNEL_DS >> 3] = segment(0, 0xFFFFF, SEG_PRESENT | SEG_DPL(0) | SEG_DATA | SEG_ACCESSED, SEG_FLAGS_4K32);
    tramp_gdt[USER_CS >> 3] = segment(0, 0xFFFFF, SEG_PRESENT | SEG_DPL(3) | SEG_CODE | SEG_ACCESSED, SEG_FLAGS_4K32);
    tramp_gdt[USER_DS >> 3] = segment(0, 0xFFFFF, SEG_PRESENT | SEG_DPL(3) | SEG_DATA | SEG_ACCESSED, SEG_FLAGS_4K32);
    tramp_gdt[TSS_SEL >> 3] = segment((uint32_t)(uintptr_t)tramp_tss, sizeof(struct tss) - 1, TSS_AVAILABLE, 0);

    struct tss *tss = (struct tss *)tramp_tss;
    tss->ss0 = KERNEL_DS;
    tss->esp0 = (uint32_t)(uintptr_t)tramp_entry_stack_top; /* every ring-3 entry lands here */
    tss->iomap_base = sizeof(struct tss);                   /* no I/O bitmap: ring 3 gets #GP on in/out */

    for (uint32_t v = 0; v < IDT_VECTORS; v++) {
        uint8_t dpl = v == SYSCALL_VECTOR || v == RING_TRIP_VECTOR || v == AFILL_VECTOR ? SEG_DPL(3) : SEG_DPL(0);
        tramp_idt[v] = gate(tramp_vectors[v], KERNEL_CS, GATE_INTR32 | dpl);
    }
    tramp_kernel_cr3 = kernel_cr3;
    load_tables();
    sysenter_init();
}
