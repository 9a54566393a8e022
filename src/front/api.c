/* api.c - the wrapper lock types of lockwatch.h: each call is the pthread
 * call on the wrapped object, checked by the bodies of ops.h. The record
 * is cached in the wrapper, so no lookup by address is needed. Each entry
 * point is written out with its name and signature; an acquire's slow twin
 * comes just before it. */
#include "ops.h"
#include "policy.h"

#include <stdlib.h>
#include <unistd.h>

#define LW__NOINLINE __attribute__((noinline))
#define SITE (LW__SITE(NULL))

/* The slow unlock calls the real unlock on the wrapper's address. */
_Static_assert(offsetof(lw_mutex_t, m) == 0 && offsetof(lw_rwlock_t, rw) == 0 &&
		       offsetof(lw_spinlock_t, s) == 0,
	       "the pthread object comes first in each wrapper type");

static int mutex_init_at(lw_mutex_t *x, const pthread_mutexattr_t *attr, struct lw__site site)
LW__BODY_INIT_MUTEX(x, &x->lw__rec, attr, site, LW_REAL_FN(pthread_mutex_init)(&x->m, attr))

int lw_mutex_init(lw_mutex_t *m, const pthread_mutexattr_t *attr)
{
	return mutex_init_at(m, attr, LW__SITE(NULL));
}

int lw_mutex_init_type(lw_mutex_t *m, int type)
{
	struct lw__site site = LW__SITE(NULL);
	pthread_mutexattr_t a;
	int rc = pthread_mutexattr_init(&a);
	if (rc == 0 && (rc = pthread_mutexattr_settype(&a, type)) == 0)
		rc = mutex_init_at(m, &a, site);
	pthread_mutexattr_destroy(&a);
	return rc;
}

void lw_exit(int status)
{
	_exit(lw__policy_exit_status(status));
}

void lw_quick_exit(int status)
{
	quick_exit(lw__policy_exit_status(status));
}

int lw_dlclose(void *handle)
LW__BODY_DLCLOSE(LW_REAL_FN(dlclose)(handle))

int lw_unshare(int flags)
LW__BODY_ALONE(LW__UNSHARE_ALONE(flags), LW_REAL_FN(unshare)(flags))

int lw_setns(int fd, int nstype)
LW__BODY_ALONE(LW__SETNS_ALONE(nstype), LW_REAL_FN(setns)(fd, nstype))

int lw_mutex_destroy(lw_mutex_t *x)
LW__BODY_DESTROY(x, &x->lw__rec, SITE, LW_REAL_FN(pthread_mutex_destroy)(&x->m))

static LW__NOINLINE int lw_mutex_lock_slow(lw_mutex_t *x, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(x, &x->lw__rec, LW__MUTEX, LW__WRITE, LW_REAL_FN(pthread_mutex_lock)(&x->m))

LW__HOT int lw_mutex_lock(lw_mutex_t *x)
LW__BODY_ACQUIRE(x, &x->lw__rec, LW__MUTEX, LW__WRITE, SITE, LW_REAL_FAST(pthread_mutex_lock)(&x->m),
		 lw_mutex_lock_slow(x, site_))

int lw_mutex_trylock(lw_mutex_t *x)
LW__BODY_TRY(x, &x->lw__rec, LW__MUTEX, LW__WRITE, SITE, LW_REAL_FN(pthread_mutex_trylock)(&x->m))

static LW__NOINLINE int lw_mutex_timedlock_slow(lw_mutex_t *x, const struct timespec *abstime, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(x, &x->lw__rec, LW__MUTEX, LW__WRITE, LW_REAL_FN(pthread_mutex_timedlock)(&x->m, abstime))

int lw_mutex_timedlock(lw_mutex_t *x, const struct timespec *abstime)
LW__BODY_ACQUIRE(x, &x->lw__rec, LW__MUTEX, LW__WRITE, SITE, LW_REAL_FAST(pthread_mutex_timedlock)(&x->m, abstime),
		 lw_mutex_timedlock_slow(x, abstime, site_))

LW__HOT int lw_mutex_unlock(lw_mutex_t *x)
LW__BODY_RELEASE(x, &x->lw__rec, LW__MUTEX, SITE, LW_REAL_FAST(pthread_mutex_unlock)(&x->m))

int lw_rwlock_init(lw_rwlock_t *x, const pthread_rwlockattr_t *attr)
LW__BODY_INIT(x, &x->lw__rec, LW__RWLOCK, SITE, LW_REAL_FN(pthread_rwlock_init)(&x->rw, attr))

int lw_rwlock_destroy(lw_rwlock_t *x)
LW__BODY_DESTROY(x, &x->lw__rec, SITE, LW_REAL_FN(pthread_rwlock_destroy)(&x->rw))

static LW__NOINLINE int lw_rwlock_rdlock_slow(lw_rwlock_t *x, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(x, &x->lw__rec, LW__RWLOCK, LW__READ, LW_REAL_FN(pthread_rwlock_rdlock)(&x->rw))

int lw_rwlock_rdlock(lw_rwlock_t *x)
LW__BODY_ACQUIRE(x, &x->lw__rec, LW__RWLOCK, LW__READ, SITE, LW_REAL_FAST(pthread_rwlock_rdlock)(&x->rw),
		 lw_rwlock_rdlock_slow(x, site_))

int lw_rwlock_tryrdlock(lw_rwlock_t *x)
LW__BODY_TRY(x, &x->lw__rec, LW__RWLOCK, LW__READ, SITE, LW_REAL_FN(pthread_rwlock_tryrdlock)(&x->rw))

static LW__NOINLINE int lw_rwlock_timedrdlock_slow(lw_rwlock_t *x, const struct timespec *abstime, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(x, &x->lw__rec, LW__RWLOCK, LW__READ, LW_REAL_FN(pthread_rwlock_timedrdlock)(&x->rw, abstime))

int lw_rwlock_timedrdlock(lw_rwlock_t *x, const struct timespec *abstime)
LW__BODY_ACQUIRE(x, &x->lw__rec, LW__RWLOCK, LW__READ, SITE, LW_REAL_FAST(pthread_rwlock_timedrdlock)(&x->rw, abstime),
		 lw_rwlock_timedrdlock_slow(x, abstime, site_))

static LW__NOINLINE int lw_rwlock_wrlock_slow(lw_rwlock_t *x, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(x, &x->lw__rec, LW__RWLOCK, LW__WRITE, LW_REAL_FN(pthread_rwlock_wrlock)(&x->rw))

int lw_rwlock_wrlock(lw_rwlock_t *x)
LW__BODY_ACQUIRE(x, &x->lw__rec, LW__RWLOCK, LW__WRITE, SITE, LW_REAL_FAST(pthread_rwlock_wrlock)(&x->rw),
		 lw_rwlock_wrlock_slow(x, site_))

int lw_rwlock_trywrlock(lw_rwlock_t *x)
LW__BODY_TRY(x, &x->lw__rec, LW__RWLOCK, LW__WRITE, SITE, LW_REAL_FN(pthread_rwlock_trywrlock)(&x->rw))

static LW__NOINLINE int lw_rwlock_timedwrlock_slow(lw_rwlock_t *x, const struct timespec *abstime, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(x, &x->lw__rec, LW__RWLOCK, LW__WRITE, LW_REAL_FN(pthread_rwlock_timedwrlock)(&x->rw, abstime))

int lw_rwlock_timedwrlock(lw_rwlock_t *x, const struct timespec *abstime)
LW__BODY_ACQUIRE(x, &x->lw__rec, LW__RWLOCK, LW__WRITE, SITE, LW_REAL_FAST(pthread_rwlock_timedwrlock)(&x->rw, abstime),
		 lw_rwlock_timedwrlock_slow(x, abstime, site_))

int lw_rwlock_unlock(lw_rwlock_t *x)
LW__BODY_RELEASE(x, &x->lw__rec, LW__RWLOCK, SITE, LW_REAL_FAST(pthread_rwlock_unlock)(&x->rw))

int lw_spin_init(lw_spinlock_t *x, int pshared)
LW__BODY_INIT(x, &x->lw__rec, LW__SPIN, SITE, LW_REAL_FN(pthread_spin_init)(&x->s, pshared))

int lw_spin_destroy(lw_spinlock_t *x)
LW__BODY_DESTROY(x, &x->lw__rec, SITE, LW_REAL_FN(pthread_spin_destroy)(&x->s))

static LW__NOINLINE int lw_spin_lock_slow(lw_spinlock_t *x, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(x, &x->lw__rec, LW__SPIN, LW__WRITE, LW_REAL_FN(pthread_spin_lock)(&x->s))

int lw_spin_lock(lw_spinlock_t *x)
LW__BODY_ACQUIRE(x, &x->lw__rec, LW__SPIN, LW__WRITE, SITE, LW_REAL_FAST(pthread_spin_lock)(&x->s),
		 lw_spin_lock_slow(x, site_))

int lw_spin_trylock(lw_spinlock_t *x)
LW__BODY_TRY(x, &x->lw__rec, LW__SPIN, LW__WRITE, SITE, LW_REAL_FN(pthread_spin_trylock)(&x->s))

int lw_spin_unlock(lw_spinlock_t *x)
LW__BODY_RELEASE(x, &x->lw__rec, LW__SPIN, SITE, LW_REAL_FAST(pthread_spin_unlock)(&x->s))

int lw_cond_wait(pthread_cond_t *c, lw_mutex_t *x)
LW__BODY_COND_WAIT(x, &x->lw__rec, SITE, LW_REAL_FN(pthread_cond_wait)(c, &x->m))

int lw_cond_timedwait(pthread_cond_t *c, lw_mutex_t *x, const struct timespec *abstime)
LW__BODY_COND_WAIT(x, &x->lw__rec, SITE, LW_REAL_FN(pthread_cond_timedwait)(c, &x->m, abstime))

int lw_thread_join(pthread_t th, void **ret)
LW__BODY_JOIN(th, SITE, LW_REAL_FN(pthread_join)(th, ret))
