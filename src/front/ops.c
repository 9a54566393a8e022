/* ops.c - the out-of-line parts of ops.h: a thread's first call, the
 * slow unlock that ends in the real unlock, the cleanup of a
 * condition-variable wait that is cancelled, the quiet before an
 * unshare or setns, and the word about a dlmopen. */
#include "ops.h"
#include "hooks.h"
#include "init.h"
#include "mutex.h"
#include "out.h"
#include "watchdog.h"

struct lw__thread *lw__op_thread_first(void)
{
	if (lw__tls_gone)
		return NULL;
	lw__init();
	/* another thread may be inside lw__init still: the table must be
	 * complete before this thread's state exists (LW_REAL_FAST) */
	lw__real_init();
	return lw__thread_new();
}

void lw__op_alone(void)
{
	if (!lw__guard_up() && !lw__tsan_here())
		lw__watchdog_quiesce();
}

void lw__op_dlmopen_seen(const char *file)
{
	static int said;
	if (__atomic_exchange_n(&said, 1, __ATOMIC_ACQ_REL))
		return;
	int saved = errno;
	lw__guard_enter();
	lw__msg("WARNING: %s was loaded with dlmopen into a link-map namespace of its own, "
		"which LD_PRELOAD does not reach: its lock calls are not checked (said once)",
		file ? file : "a library");
	lw__guard_leave();
	errno = saved;
}

void lw__cond_cancelled(void *arg)
{
	struct lw__cond_cancel *c = arg;
	if (c->saved)
		lw__cond_reacquire(c->t, c->saved);
}

void lw__op_join_begin(struct lw__thread *t, pthread_t th, struct lw__site s)
{
	lw__store(&lw__forked_single, 0); /* the joined thread exists, or did */
	lw__watchdog_want(0); /* the joined thread may never lock */
	int saved = errno;
	lw__guard_enter();
	uint32_t st = lw__stack_capture(&s);
	lw__guard_leave();
	errno = saved;
	lw__join_begin(t, (uintptr_t)th, (uint64_t)lw__load(&lw__tick) | (uint64_t)st << 32);
}

void lw__op_join_cancelled(void *arg)
{
	struct lw__thread **t = arg;
	if (*t)
		lw__join_end(*t);
}

void lw__release_book(void *obj, struct lw__lock **cache, int kind, struct lw__site s)
{
	struct lw__thread *t = lw__op_self();
	if (t && !(t->n_held >= 2 && lw__release_below(t, obj, t->n_held)))
		lw__release_slow(t, obj, cache, kind, s);
}

int lw__release_slow_call(void *obj, struct lw__lock **cache, int kind, struct lw__site s)
{
	lw__release_book(obj, cache, kind, s);
	switch (kind) {
	case LW__MUTEX:
		return LW_REAL_FN(pthread_mutex_unlock)(obj);
	case LW__RWLOCK:
		return LW_REAL_FN(pthread_rwlock_unlock)(obj);
	case LW__SPIN:
		return LW_REAL_FN(pthread_spin_unlock)(obj);
	case LW__SEM:
		return LW_REAL_FN(sem_post)(obj);
	}
	lw__die("unlock of an unknown kind of lock");
}

