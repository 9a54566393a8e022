/* compat.h - the old ABI of condition variables (GLIBC_2.2.5) for the
 * preload library's waits: which ABI a caller meant, and the old waits
 * themselves (compat.c). Built only into liblockwatch-preload.so. */
#ifndef LW_COMPAT_H
#define LW_COMPAT_H

#include "common.h"

#include <pthread.h>
#include <time.h>

/* Did the object that holds return address ra mean the old ABI? */
int lw__cond_old_abi(const void *ra);

/* glibc's old waits (the default ones where glibc has no old ABI). */
int lw__cond_wait_old(pthread_cond_t *c, pthread_mutex_t *m);
int lw__cond_timedwait_old(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t);

/* An object was unloaded: what was read of every object is forgotten
 * (another may be mapped at its address). */
void lw__cond_abi_forget(void);

#endif
