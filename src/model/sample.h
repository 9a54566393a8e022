/* sample.h - the registers and the top of the stack of another thread of
 * this process that is running its own code, sampled by the kernel with
 * no signal (sample.c); stack_at.c unwinds it. */
#ifndef LW_SAMPLE_H
#define LW_SAMPLE_H

#include "common.h"

#include <stddef.h>

struct lw__sample {
	uintptr_t ip, sp, bp, bx;
	uintptr_t r12_15[4];
	size_t n;                  /* bytes of the stack copied, from sp up */
	unsigned char stack[16384];
};

/* A sample of running thread tid, taken within about wait_ms: the
 * watchdog's static buffer (one at a time), or NULL: with *note set when
 * the kernel sampled nothing in time (the thread did not run, or went
 * into a system call), with *note NULL when sampling cannot be used here
 * (refused by the kernel, or a seccomp filter; never tried again). */
const struct lw__sample *lw__sample_take(int tid, int wait_ms, const char **note);

#endif
