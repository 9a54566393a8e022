/* guard.h - the "inside lockwatch" guard: a thread-local count that, while
 * above zero, sends every lock call of this thread straight to the real
 * function, so nothing lockwatch does (allocating, unwinding, writing a
 * report) comes back into lockwatch. Also the flag the stack signal's
 * handler sets, so a semaphore wait it interrupted is restarted. */
#ifndef LW_GUARD_H
#define LW_GUARD_H

#include "common.h"

#include <signal.h>

extern LW__TLS int lw__tls_guard;      /* > 0: inside lockwatch */
extern LW__TLS int lw__tls_signalled;  /* the watchdog's stack signal hit */

static inline void lw__guard_enter(void) { lw__tls_guard++; }
static inline void lw__guard_leave(void) { lw__tls_guard--; }

/* Before creating one of lockwatch's own threads (the watchdog, the
 * reader): block every signal in the caller but SIGSYS, the old mask in
 * *old (restore it once the thread is made), so the new thread starts so.
 * The program's signals are never run there; but a system call of ours
 * that the program's seccomp filter traps (SECCOMP_RET_TRAP) must reach
 * the program's SIGSYS handler, which answers it: blocked, the kernel
 * kills the whole process instead. */
void lw__own_thread_mask(sigset_t *old);

#endif
