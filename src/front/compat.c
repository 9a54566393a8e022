/* compat.c - the condition waits in both of glibc's ABIs, for the preload
 * library. glibc has two pthread_cond_* ABIs: the default (GLIBC_2.3.2)
 * and the old one (GLIBC_2.2.5), whose object holds a pointer to a
 * condition variable of the new kind. A caller's reference carries the
 * version it means: the default; the old one (a binary linked against an
 * old glibc, or bound with .symver); or none (an object linked without
 * versions: valgrind's DRD preload), which the loader gives the oldest.
 * Its init, signal, broadcast and destroy reach glibc's function of that
 * ABI; the wait must too, or the two ABIs meet on one object (a crash in
 * the old signal, or a waiter never woken: a false deadlock).
 *
 * So pthread_cond_wait and pthread_cond_timedwait are defined here twice,
 * in version nodes named as glibc's (preload.map): the loader binds each
 * reference to the one it would bind natively, whatever object makes it,
 * however it got there (a tail call), and dlsym gives the default. The
 * bodies are the same (ops.h); the old ones call glibc's old functions,
 * or the next definition where an interposer without versions comes
 * before glibc (ThreadSanitizer's runtime: it takes every caller's wait,
 * as natively). Every other symbol of the library stays unversioned. */
#include "ops.h"

#define LW__EXPORT __attribute__((visibility("default")))

typedef int (*wait_fn)(pthread_cond_t *, pthread_mutex_t *);
typedef int (*timedwait_fn)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
static void *old_wait, *old_timedwait;

static void *old_of(void **slot, const char *name)
{
	void *f = lw__load_acq(slot);
	if (lw__unlikely(!f)) {
		lw__guard_enter();
		f = lw__real_next(name, "GLIBC_2.2.5");
		if (!f)
			f = lw__real_next(name, 0); /* glibc without the old ABI */
		lw__store_rel(slot, f);
		lw__guard_leave();
	}
	return f;
}

__asm__(".symver lw__cond_wait_default, pthread_cond_wait@@GLIBC_2.3.2, remove");
LW__EXPORT int lw__cond_wait_default(pthread_cond_t *c, pthread_mutex_t *m);
LW__EXPORT int lw__cond_wait_default(pthread_cond_t *c, pthread_mutex_t *m)
LW__BODY_COND_WAIT(m, NULL, (LW__SITE(NULL)), LW_REAL_FN(pthread_cond_wait)(c, m))

__asm__(".symver lw__cond_wait_old, pthread_cond_wait@GLIBC_2.2.5, remove");
LW__EXPORT int lw__cond_wait_old(pthread_cond_t *c, pthread_mutex_t *m);
LW__EXPORT int lw__cond_wait_old(pthread_cond_t *c, pthread_mutex_t *m)
LW__BODY_COND_WAIT(m, NULL, (LW__SITE(NULL)),
		   ((wait_fn)old_of(&old_wait, "pthread_cond_wait"))(c, m))

__asm__(".symver lw__cond_timedwait_default, pthread_cond_timedwait@@GLIBC_2.3.2, remove");
LW__EXPORT int lw__cond_timedwait_default(pthread_cond_t *c, pthread_mutex_t *m,
					  const struct timespec *t);
LW__EXPORT int lw__cond_timedwait_default(pthread_cond_t *c, pthread_mutex_t *m,
					  const struct timespec *t)
LW__BODY_COND_WAIT(m, NULL, (LW__SITE(NULL)), LW_REAL_FN(pthread_cond_timedwait)(c, m, t))

__asm__(".symver lw__cond_timedwait_old, pthread_cond_timedwait@GLIBC_2.2.5, remove");
LW__EXPORT int lw__cond_timedwait_old(pthread_cond_t *c, pthread_mutex_t *m,
				      const struct timespec *t);
LW__EXPORT int lw__cond_timedwait_old(pthread_cond_t *c, pthread_mutex_t *m,
				      const struct timespec *t)
LW__BODY_COND_WAIT(m, NULL, (LW__SITE(NULL)),
		   ((timedwait_fn)old_of(&old_timedwait, "pthread_cond_timedwait"))(c, m, t))
