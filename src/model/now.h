/* now.h - "what is that thread doing now": its current stack, asked for
 * with a signal (option stack_signal) whose handler unwinds the
 * interrupted thread into a buffer. One request at a time: the watchdog
 * thread asks, for the threads of a report only. */
#ifndef LW_NOW_H
#define LW_NOW_H

#include "common.h"

/* The current stack of thread tid into pcs (LW__STACK_MAX entries);
 * returns the frame count, or 0 and a note saying why not. */
int lw__now_stack(int tid, uintptr_t *pcs, const char **note);

#endif
