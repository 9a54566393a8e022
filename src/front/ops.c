/* ops.c - the out-of-line parts of ops.h: a thread's first call, the
 * slow unlock that ends in the real unlock, and the cleanup of a
 * condition-variable wait that is cancelled. */
#include "ops.h"
#include "init.h"

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

void lw__op_new_lock(struct lw__thread *t, void *obj, struct lw__lock **cache, int kind,
		     struct lw__site s)
{
	(void)kind; /* registered at its first use */
	if (s.src)
		lw__init_site_note(obj, s.src);
	if (cache)
		lw__store_rel(cache, (struct lw__lock *)NULL);
	if (lw__lock_find(obj))
		lw__destroyed(t, obj);
}

struct lw__thread *lw__op_resetting(void *obj, int destroy, const struct lw__site *s)
{
	struct lw__thread *t = lw__op_self();
	struct lw__lock *l = t ? lw__lock_find(obj) : NULL;
	if (l)
		lw__reset_check(t, l, destroy, s);
	return t;
}

void lw__op_destroyed(struct lw__thread *t, void *obj, struct lw__lock **cache,
		      const lw_site_t *src)
{
	if (src)
		lw__init_site_drop(obj);
	if (lw__lock_find(obj))
		lw__destroyed(t, obj);
	if (cache)
		lw__store_rel(cache, (struct lw__lock *)NULL);
}

void lw__cond_cancelled(void *arg)
{
	struct lw__cond_cancel *c = arg;
	if (c->saved)
		lw__cond_reacquire(c->t, c->saved);
}

int lw__release_slow_call(void *obj, struct lw__lock **cache, int kind, struct lw__site s)
{
	struct lw__thread *t = lw__op_self();
	if (t)
		lw__release_slow(t, obj, cache, kind, s);
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

