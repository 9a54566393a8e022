/* api.c - the wrapper lock types of lockwatch.h: each call is the pthread
 * call on the wrapped object, checked by the ops of ops.h. The record is
 * cached in the wrapper, so no lookup by address is needed. */
#include "ops.h"

#define SITE struct lw__site s = { LW__RA(), NULL }

/* The slow unlock calls the real unlock on the wrapper's address. */
_Static_assert(offsetof(lw_mutex_t, m) == 0 && offsetof(lw_rwlock_t, rw) == 0 &&
		       offsetof(lw_spinlock_t, s) == 0,
	       "the pthread object comes first in each wrapper type");

/* int fn(T *x, params...): op on wrapper x, whose field f is the pthread
 * object, by the real call `real` (and an acquire's slow twin, fn_slow).
 * params and args are parenthesised, each with a leading comma: (, int a). */
#define WRAP(op, fn, T, f, kind, mode, real, params, args)                          \
	LW__TWIN(op, fn##_slow, (T *x LW__UNPAREN params), x, &x->lw__rec, kind, mode, \
		 LW_REAL_FN(real)(&x->f LW__UNPAREN args))                            \
	int fn(T *x LW__UNPAREN params)                                             \
	{                                                                           \
		SITE;                                                               \
		LW__OP_##op(x, &x->lw__rec, kind, mode, &s,                         \
			    LW_REAL_FN(real)(&x->f LW__UNPAREN args),               \
			    fn##_slow(x LW__UNPAREN args, s));                      \
	}

static int mutex_init_at(lw_mutex_t *m, const pthread_mutexattr_t *attr,
			 const struct lw__site *site)
{
	LW__OP_INIT(m, &m->lw__rec, LW__MUTEX, 0, site, LW_REAL_FN(pthread_mutex_init)(&m->m, attr),
		    0);
}

int lw_mutex_init(lw_mutex_t *m, const pthread_mutexattr_t *attr)
{
	SITE;
	return mutex_init_at(m, attr, &s);
}

int lw_mutex_init_type(lw_mutex_t *m, int type)
{
	SITE;
	pthread_mutexattr_t a;
	int rc = pthread_mutexattr_init(&a);
	if (rc == 0 && (rc = pthread_mutexattr_settype(&a, type)) == 0)
		rc = mutex_init_at(m, &a, &s);
	pthread_mutexattr_destroy(&a);
	return rc;
}

WRAP(DESTROY, lw_mutex_destroy, lw_mutex_t, m, LW__MUTEX, 0, pthread_mutex_destroy, (), ())
WRAP(ACQUIRE, lw_mutex_lock, lw_mutex_t, m, LW__MUTEX, LW__WRITE, pthread_mutex_lock, (), ())
WRAP(TRY, lw_mutex_trylock, lw_mutex_t, m, LW__MUTEX, LW__WRITE, pthread_mutex_trylock, (), ())
WRAP(ACQUIRE, lw_mutex_timedlock, lw_mutex_t, m, LW__MUTEX, LW__WRITE, pthread_mutex_timedlock,
     (, const struct timespec *abstime), (, abstime))
WRAP(RELEASE, lw_mutex_unlock, lw_mutex_t, m, LW__MUTEX, 0, pthread_mutex_unlock, (), ())

WRAP(INIT, lw_rwlock_init, lw_rwlock_t, rw, LW__RWLOCK, 0, pthread_rwlock_init,
     (, const pthread_rwlockattr_t *attr), (, attr))
WRAP(DESTROY, lw_rwlock_destroy, lw_rwlock_t, rw, LW__RWLOCK, 0, pthread_rwlock_destroy, (), ())
WRAP(ACQUIRE, lw_rwlock_rdlock, lw_rwlock_t, rw, LW__RWLOCK, LW__READ, pthread_rwlock_rdlock,
     (), ())
WRAP(TRY, lw_rwlock_tryrdlock, lw_rwlock_t, rw, LW__RWLOCK, LW__READ, pthread_rwlock_tryrdlock,
     (), ())
WRAP(ACQUIRE, lw_rwlock_timedrdlock, lw_rwlock_t, rw, LW__RWLOCK, LW__READ,
     pthread_rwlock_timedrdlock, (, const struct timespec *abstime), (, abstime))
WRAP(ACQUIRE, lw_rwlock_wrlock, lw_rwlock_t, rw, LW__RWLOCK, LW__WRITE, pthread_rwlock_wrlock,
     (), ())
WRAP(TRY, lw_rwlock_trywrlock, lw_rwlock_t, rw, LW__RWLOCK, LW__WRITE, pthread_rwlock_trywrlock,
     (), ())
WRAP(ACQUIRE, lw_rwlock_timedwrlock, lw_rwlock_t, rw, LW__RWLOCK, LW__WRITE,
     pthread_rwlock_timedwrlock, (, const struct timespec *abstime), (, abstime))
WRAP(RELEASE, lw_rwlock_unlock, lw_rwlock_t, rw, LW__RWLOCK, 0, pthread_rwlock_unlock, (), ())

WRAP(INIT, lw_spin_init, lw_spinlock_t, s, LW__SPIN, 0, pthread_spin_init, (, int pshared),
     (, pshared))
WRAP(DESTROY, lw_spin_destroy, lw_spinlock_t, s, LW__SPIN, 0, pthread_spin_destroy, (), ())
WRAP(ACQUIRE, lw_spin_lock, lw_spinlock_t, s, LW__SPIN, LW__WRITE, pthread_spin_lock, (), ())
WRAP(TRY, lw_spin_trylock, lw_spinlock_t, s, LW__SPIN, LW__WRITE, pthread_spin_trylock, (), ())
WRAP(RELEASE, lw_spin_unlock, lw_spinlock_t, s, LW__SPIN, 0, pthread_spin_unlock, (), ())

int lw_cond_wait(pthread_cond_t *c, lw_mutex_t *m)
{
	SITE;
	LW__OP_COND_WAIT(m, &m->lw__rec, LW__MUTEX, 0, &s, LW_REAL_FN(pthread_cond_wait)(c, &m->m),
			 0);
}

int lw_cond_timedwait(pthread_cond_t *c, lw_mutex_t *m, const struct timespec *abstime)
{
	SITE;
	LW__OP_COND_WAIT(m, &m->lw__rec, LW__MUTEX, 0, &s,
			 LW_REAL_FN(pthread_cond_timedwait)(c, &m->m, abstime), 0);
}
