/* now.h - "what is that thread doing now": its current stack. A thread
 * blocked in a system call is read from outside, with no signal (its
 * stack pointer and pc from /proc, unwound by stack_at.c); a running one
 * is asked with a signal (option stack_signal) whose handler unwinds the
 * interrupted thread into a buffer. One request at a time: the watchdog
 * thread asks, for the threads of a report only. */
#ifndef LW_NOW_H
#define LW_NOW_H

#include "common.h"

#include <signal.h>

/* The current stack of thread tid into pcs (LW__STACK_MAX entries);
 * returns the frame count, or 0 and a note saying why not. */
int lw__now_stack(int tid, uintptr_t *pcs, const char **note);

/* The program sets (`setting`) or asks about the action of signal sig
 * (the preload library's sigaction and signal, before the real call). For
 * the stack signal while lockwatch's handler is in: returns 1 with
 * *before the action the program would see without lockwatch; and when
 * the program sets one, lockwatch stops using the signal for good. */
int lw__now_program_signal(int sig, int setting, struct sigaction *before);

/* The signals lockwatch's own handler is in for (the stack signal), as a
 * mask (bit sig - 1): none of the program's handlers. */
unsigned long long lw__now_own_signals(void);

#endif
