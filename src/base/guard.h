/* guard.h - the "inside lockwatch" guard: a thread-local count that, while
 * above zero, sends every lock call of this thread straight to the real
 * function, so nothing lockwatch does (allocating, unwinding, writing a
 * report) comes back into lockwatch. Also the flag the stack signal's
 * handler sets, so a semaphore wait it interrupted is restarted. */
#ifndef LW_GUARD_H
#define LW_GUARD_H

#include "common.h"

extern LW__TLS int lw__tls_guard;      /* > 0: inside lockwatch */
extern LW__TLS int lw__tls_signalled;  /* the watchdog's stack signal hit */

static inline void lw__guard_enter(void) { lw__tls_guard++; }
static inline void lw__guard_leave(void) { lw__tls_guard--; }

#endif
