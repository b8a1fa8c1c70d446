/*
 * plugin.c - the QEMU TCG plugin behind `make pathtrace`: it writes every
 * instruction the guest executes between a PATHTRACE_START and a
 * PATHTRACE_STOP marker (src/user/lib/pathtrace.h), with its bytes and
 * every memory access it makes, to a text file that
 * tools/pathtrace/report.py turns into the per-segment table.
 *
 * Usage: qemu-system-i386 -plugin build/pathtrace/pathtrace.so,out=FILE ...
 * Output, one record per line (addresses hex, no 0x):
 *   W N                          window N opens (N = 1, 2, ...)
 *   I VADDR SIZE BYTES           one executed instruction: QEMU calls the
 *                                exec callback once per execution, so a
 *                                `rep` string instruction appears once per
 *                                iteration plus once with ECX = 0, exactly
 *                                as -icount counts it
 *   M VADDR PADDR SIZE R|W       one data access by the instruction above
 *                                (PADDR "-" when QEMU gives none, e.g. I/O)
 *   E N                          window N closes
 * Seen: the accesses of the instructions themselves, `iret`'s pops and the
 * GDT reads of segment-register loads included. Not seen (QEMU 7.2 reports
 * no callback for them): event delivery's accesses (the IDT, TSS and GDT
 * reads and the pushes of `int`) and page-table walks.
 *
 * The plugin API (version 1) is declared in tools/qemu-plugin-v1.h: Debian
 * 12 packages QEMU 7.2 without include/qemu/qemu-plugin.h.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATHTRACE_HOST
#include "pathtrace.h"

#include "../qemu-plugin-v1.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

#define INSN_MAX 16   /* bytes in an x86 instruction at most (Intel SDM Vol. 2A §2.3.11) */

/* What the exec callback needs of one translated instruction. */
struct insn {
    uint32_t vaddr;
    uint8_t size;
    uint8_t bytes[INSN_MAX];
};

static FILE *out;
static bool tracing;
static unsigned windows;

static void on_exec(unsigned int vcpu, void *udata)
{
    const struct insn *in = udata;
    (void)vcpu;
    if (!tracing)
        return;
    fprintf(out, "I %08" PRIx32 " %u ", in->vaddr, in->size);
    for (unsigned i = 0; i < in->size; i++)
        fprintf(out, "%02x", in->bytes[i]);
    fputc('\n', out);
}

static void on_mem(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    (void)vcpu, (void)udata;
    if (!tracing)
        return;
    struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, vaddr);
    char pa[20] = "-";
    if (hw && !qemu_plugin_hwaddr_is_io(hw))
        snprintf(pa, sizeof(pa), "%08" PRIx64, qemu_plugin_hwaddr_phys_addr(hw));
    fprintf(out, "M %08" PRIx64 " %s %u %c\n", vaddr & 0xffffffffu, pa, 1u << qemu_plugin_mem_size_shift(info),
            qemu_plugin_mem_is_store(info) ? 'W' : 'R');
}

static void on_marker(unsigned int vcpu, void *udata)
{
    (void)vcpu;
    if ((uintptr_t)udata == PATHTRACE_START && !tracing) {
        tracing = true;
        fprintf(out, "W %u\n", ++windows);
    } else if ((uintptr_t)udata == PATHTRACE_STOP && tracing) {
        tracing = false;
        fprintf(out, "E %u\n", windows);
        fflush(out);
    }
}

/* The marker number of `nopl PATHTRACE_MAGIC+n(%eax)` (0F 1F 80 disp32), or 0. */
static uint32_t marker_of(const uint8_t *b, size_t size)
{
    uint32_t disp;
    if (size != 7 || b[0] != 0x0f || b[1] != 0x1f || b[2] != 0x80)
        return 0;
    memcpy(&disp, b + 3, 4);
    if (disp == PATHTRACE_MAGIC + PATHTRACE_START || disp == PATHTRACE_MAGIC + PATHTRACE_STOP)
        return disp - PATHTRACE_MAGIC;
    return 0;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    for (size_t i = 0, n = qemu_plugin_tb_n_insns(tb); i < n; i++) {
        struct qemu_plugin_insn *qi = qemu_plugin_tb_get_insn(tb, i);
        size_t size = qemu_plugin_insn_size(qi);
        const uint8_t *bytes = qemu_plugin_insn_data(qi);
        uint32_t mark = marker_of(bytes, size);
        if (mark) {
            qemu_plugin_register_vcpu_insn_exec_cb(qi, on_marker, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)mark);
            continue;
        }
        struct insn *in = calloc(1, sizeof(*in));   /* lives as long as the translation may */
        if (!in)
            abort();
        in->vaddr = (uint32_t)qemu_plugin_insn_vaddr(qi);
        in->size = (uint8_t)(size < INSN_MAX ? size : INSN_MAX);
        memcpy(in->bytes, bytes, in->size);
        qemu_plugin_register_vcpu_insn_exec_cb(qi, on_exec, QEMU_PLUGIN_CB_NO_REGS, in);
        qemu_plugin_register_vcpu_mem_cb(qi, on_mem, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW, NULL);
    }
}

static void on_exit_cb(qemu_plugin_id_t id, void *udata)
{
    (void)id, (void)udata;
    if (out)
        fclose(out);
    out = NULL;
}

/* argv: "out=FILE" (required). Returns 0, or -1 (QEMU then refuses to start). */
QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    (void)info;
    const char *path = NULL;
    for (int i = 0; i < argc; i++)
        if (strncmp(argv[i], "out=", 4) == 0)
            path = argv[i] + 4;
    if (!path) {
        qemu_plugin_outs("pathtrace plugin: usage: -plugin pathtrace.so,out=FILE\n");
        return -1;
    }
    out = fopen(path, "w");
    if (!out) {
        qemu_plugin_outs("pathtrace plugin: cannot open the out= file\n");
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, on_exit_cb, NULL);
    return 0;
}
