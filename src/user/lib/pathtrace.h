/*
 * pathtrace.h - the markers that open and close a path-trace window
 * (tools/pathtrace/, `make pathtrace`). The one source of the marker values:
 * src/user/pathtrace.c executes them and tools/pathtrace/plugin.c (built for
 * the host) recognises them.
 *
 * A marker is `nopl PATHTRACE_MAGIC+n(%eax)`, encoded 0F 1F 80 disp32: a
 * multi-byte NOP (Intel SDM Vol. 2B, NOP "0F 1F /0"), so it has no
 * architectural effect and costs one tick like any instruction. It is
 * executed outside the timed rdtsc bracket, so it never enters a figure.
 */
#ifndef PATHTRACE_H
#define PATHTRACE_H

#define PATHTRACE_MAGIC 0x50540000u  /* "PT" in the high half of disp32 */
#define PATHTRACE_START 1u           /* open a window: trace from the next instruction */
#define PATHTRACE_STOP  2u           /* close it: this marker is not traced */

#ifndef PATHTRACE_HOST
#define PATHTRACE_MARK(n) __asm__ volatile(".byte 0x0f, 0x1f, 0x80\n\t.long %c0" ::"i"(PATHTRACE_MAGIC + (n)) : "memory")
#endif

#endif
