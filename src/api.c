/* api.c - the wrapper lock types of lockwatch.h: each call is the pthread
 * call on the wrapped object, checked by the ops of ops.h. The record is
 * cached in the wrapper, so no lookup by address is needed. */
#include "ops.h"

#define SITE struct lw__site s = { LW__RA(), NULL }

static int mutex_init_at(lw_mutex_t *m, const pthread_mutexattr_t *attr,
			 const struct lw__site *site)
{
	LW__OP_INIT(m, &m->lw__rec, LW__MUTEX, 0, site, LW_REAL_FN(pthread_mutex_init)(&m->m, attr));
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

int lw_mutex_destroy(lw_mutex_t *m)
{
	SITE;
	LW__OP_DESTROY(m, &m->lw__rec, LW__MUTEX, 0, &s, LW_REAL_FN(pthread_mutex_destroy)(&m->m));
}

int lw_mutex_lock(lw_mutex_t *m)
{
	SITE;
	LW__OP_ACQUIRE(m, &m->lw__rec, LW__MUTEX, LW__WRITE, &s,
		       LW_REAL_FN(pthread_mutex_lock)(&m->m));
}

int lw_mutex_trylock(lw_mutex_t *m)
{
	SITE;
	LW__OP_TRY(m, &m->lw__rec, LW__MUTEX, LW__WRITE, &s,
		   LW_REAL_FN(pthread_mutex_trylock)(&m->m));
}

int lw_mutex_timedlock(lw_mutex_t *m, const struct timespec *abstime)
{
	SITE;
	LW__OP_ACQUIRE(m, &m->lw__rec, LW__MUTEX, LW__WRITE, &s,
		       LW_REAL_FN(pthread_mutex_timedlock)(&m->m, abstime));
}

int lw_mutex_unlock(lw_mutex_t *m)
{
	SITE;
	LW__OP_RELEASE(m, &m->lw__rec, LW__MUTEX, 0, &s, LW_REAL_FN(pthread_mutex_unlock)(&m->m));
}

int lw_rwlock_init(lw_rwlock_t *rw, const pthread_rwlockattr_t *attr)
{
	SITE;
	LW__OP_INIT(rw, &rw->lw__rec, LW__RWLOCK, 0, &s,
		    LW_REAL_FN(pthread_rwlock_init)(&rw->rw, attr));
}

int lw_rwlock_destroy(lw_rwlock_t *rw)
{
	SITE;
	LW__OP_DESTROY(rw, &rw->lw__rec, LW__RWLOCK, 0, &s,
		       LW_REAL_FN(pthread_rwlock_destroy)(&rw->rw));
}

int lw_rwlock_rdlock(lw_rwlock_t *rw)
{
	SITE;
	LW__OP_ACQUIRE(rw, &rw->lw__rec, LW__RWLOCK, LW__READ, &s,
		       LW_REAL_FN(pthread_rwlock_rdlock)(&rw->rw));
}

int lw_rwlock_tryrdlock(lw_rwlock_t *rw)
{
	SITE;
	LW__OP_TRY(rw, &rw->lw__rec, LW__RWLOCK, LW__READ, &s,
		   LW_REAL_FN(pthread_rwlock_tryrdlock)(&rw->rw));
}

int lw_rwlock_timedrdlock(lw_rwlock_t *rw, const struct timespec *abstime)
{
	SITE;
	LW__OP_ACQUIRE(rw, &rw->lw__rec, LW__RWLOCK, LW__READ, &s,
		       LW_REAL_FN(pthread_rwlock_timedrdlock)(&rw->rw, abstime));
}

int lw_rwlock_wrlock(lw_rwlock_t *rw)
{
	SITE;
	LW__OP_ACQUIRE(rw, &rw->lw__rec, LW__RWLOCK, LW__WRITE, &s,
		       LW_REAL_FN(pthread_rwlock_wrlock)(&rw->rw));
}

int lw_rwlock_trywrlock(lw_rwlock_t *rw)
{
	SITE;
	LW__OP_TRY(rw, &rw->lw__rec, LW__RWLOCK, LW__WRITE, &s,
		   LW_REAL_FN(pthread_rwlock_trywrlock)(&rw->rw));
}

int lw_rwlock_timedwrlock(lw_rwlock_t *rw, const struct timespec *abstime)
{
	SITE;
	LW__OP_ACQUIRE(rw, &rw->lw__rec, LW__RWLOCK, LW__WRITE, &s,
		       LW_REAL_FN(pthread_rwlock_timedwrlock)(&rw->rw, abstime));
}

int lw_rwlock_unlock(lw_rwlock_t *rw)
{
	SITE;
	LW__OP_RELEASE(rw, &rw->lw__rec, LW__RWLOCK, 0, &s,
		       LW_REAL_FN(pthread_rwlock_unlock)(&rw->rw));
}

int lw_spin_init(lw_spinlock_t *sp, int pshared)
{
	SITE;
	LW__OP_INIT(sp, &sp->lw__rec, LW__SPIN, 0, &s, LW_REAL_FN(pthread_spin_init)(&sp->s, pshared));
}

int lw_spin_destroy(lw_spinlock_t *sp)
{
	SITE;
	LW__OP_DESTROY(sp, &sp->lw__rec, LW__SPIN, 0, &s, LW_REAL_FN(pthread_spin_destroy)(&sp->s));
}

int lw_spin_lock(lw_spinlock_t *sp)
{
	SITE;
	LW__OP_ACQUIRE(sp, &sp->lw__rec, LW__SPIN, LW__WRITE, &s,
		       LW_REAL_FN(pthread_spin_lock)(&sp->s));
}

int lw_spin_trylock(lw_spinlock_t *sp)
{
	SITE;
	LW__OP_TRY(sp, &sp->lw__rec, LW__SPIN, LW__WRITE, &s,
		   LW_REAL_FN(pthread_spin_trylock)(&sp->s));
}

int lw_spin_unlock(lw_spinlock_t *sp)
{
	SITE;
	LW__OP_RELEASE(sp, &sp->lw__rec, LW__SPIN, 0, &s, LW_REAL_FN(pthread_spin_unlock)(&sp->s));
}

int lw_cond_wait(pthread_cond_t *c, lw_mutex_t *m)
{
	SITE;
	LW__OP_COND_WAIT(m, &m->lw__rec, LW__MUTEX, 0, &s, LW_REAL_FN(pthread_cond_wait)(c, &m->m));
}

int lw_cond_timedwait(pthread_cond_t *c, lw_mutex_t *m, const struct timespec *abstime)
{
	SITE;
	LW__OP_COND_WAIT(m, &m->lw__rec, LW__MUTEX, 0, &s,
			 LW_REAL_FN(pthread_cond_timedwait)(c, &m->m, abstime));
}
