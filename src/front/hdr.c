/* hdr.c - the entry points of the force-included header
 * (lockwatch/pthread.h): lw_<name>_at for each row of base/real.def marked
 * for the header, written out with its name and signature and a body from
 * ops.h: plain pthread objects, found by address, with a pointer to the
 * call site's static record of file, line and function. An acquire's slow
 * twin comes just before it. */
#include "ops.h"

#define LW__NOINLINE __attribute__((noinline))

int lw_pthread_mutex_init_at(pthread_mutex_t *m, const pthread_mutexattr_t *a, const lw_site_t *src)
LW__BODY_INIT_MUTEX(m, NULL, a, (LW__SITE(src)), LW_REAL_FN(pthread_mutex_init)(m, a))

int lw_pthread_mutex_destroy_at(pthread_mutex_t *m, const lw_site_t *src)
LW__BODY_DESTROY(m, NULL, (LW__SITE(src)), LW_REAL_FN(pthread_mutex_destroy)(m))

static LW__NOINLINE int slow_pthread_mutex_lock(pthread_mutex_t *m, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(m, NULL, LW__MUTEX, LW__WRITE, LW_REAL_FN(pthread_mutex_lock)(m))

LW__HOT int lw_pthread_mutex_lock_at(pthread_mutex_t *m, const lw_site_t *src)
LW__BODY_ACQUIRE(m, NULL, LW__MUTEX, LW__WRITE, (LW__SITE(src)), LW_REAL_FAST(pthread_mutex_lock)(m),
		 slow_pthread_mutex_lock(m, site_))

int lw_pthread_mutex_trylock_at(pthread_mutex_t *m, const lw_site_t *src)
LW__BODY_TRY(m, NULL, LW__MUTEX, LW__WRITE, (LW__SITE(src)), LW_REAL_FN(pthread_mutex_trylock)(m))

static LW__NOINLINE int slow_pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(m, NULL, LW__MUTEX, LW__WRITE, LW_REAL_FN(pthread_mutex_timedlock)(m, t))

int lw_pthread_mutex_timedlock_at(pthread_mutex_t *m, const struct timespec *t, const lw_site_t *src)
LW__BODY_ACQUIRE(m, NULL, LW__MUTEX, LW__WRITE, (LW__SITE(src)), LW_REAL_FAST(pthread_mutex_timedlock)(m, t),
		 slow_pthread_mutex_timedlock(m, t, site_))

static LW__NOINLINE int slow_pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t c, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(m, NULL, LW__MUTEX, LW__WRITE, LW_REAL_FN(pthread_mutex_clocklock)(m, c, t))

int lw_pthread_mutex_clocklock_at(pthread_mutex_t *m, clockid_t c, const struct timespec *t, const lw_site_t *src)
LW__BODY_ACQUIRE(m, NULL, LW__MUTEX, LW__WRITE, (LW__SITE(src)), LW_REAL_FAST(pthread_mutex_clocklock)(m, c, t),
		 slow_pthread_mutex_clocklock(m, c, t, site_))

LW__HOT int lw_pthread_mutex_unlock_at(pthread_mutex_t *m, const lw_site_t *src)
LW__BODY_RELEASE(m, NULL, LW__MUTEX, (LW__SITE(src)), LW_REAL_FAST(pthread_mutex_unlock)(m))

int lw_pthread_rwlock_init_at(pthread_rwlock_t *rw, const pthread_rwlockattr_t *a, const lw_site_t *src)
LW__BODY_INIT(rw, NULL, LW__RWLOCK, (LW__SITE(src)), LW_REAL_FN(pthread_rwlock_init)(rw, a))

int lw_pthread_rwlock_destroy_at(pthread_rwlock_t *rw, const lw_site_t *src)
LW__BODY_DESTROY(rw, NULL, (LW__SITE(src)), LW_REAL_FN(pthread_rwlock_destroy)(rw))

static LW__NOINLINE int slow_pthread_rwlock_rdlock(pthread_rwlock_t *rw, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(rw, NULL, LW__RWLOCK, LW__READ, LW_REAL_FN(pthread_rwlock_rdlock)(rw))

int lw_pthread_rwlock_rdlock_at(pthread_rwlock_t *rw, const lw_site_t *src)
LW__BODY_ACQUIRE(rw, NULL, LW__RWLOCK, LW__READ, (LW__SITE(src)), LW_REAL_FAST(pthread_rwlock_rdlock)(rw),
		 slow_pthread_rwlock_rdlock(rw, site_))

int lw_pthread_rwlock_tryrdlock_at(pthread_rwlock_t *rw, const lw_site_t *src)
LW__BODY_TRY(rw, NULL, LW__RWLOCK, LW__READ, (LW__SITE(src)), LW_REAL_FN(pthread_rwlock_tryrdlock)(rw))

static LW__NOINLINE int slow_pthread_rwlock_timedrdlock(pthread_rwlock_t *rw, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(rw, NULL, LW__RWLOCK, LW__READ, LW_REAL_FN(pthread_rwlock_timedrdlock)(rw, t))

int lw_pthread_rwlock_timedrdlock_at(pthread_rwlock_t *rw, const struct timespec *t, const lw_site_t *src)
LW__BODY_ACQUIRE(rw, NULL, LW__RWLOCK, LW__READ, (LW__SITE(src)), LW_REAL_FAST(pthread_rwlock_timedrdlock)(rw, t),
		 slow_pthread_rwlock_timedrdlock(rw, t, site_))

static LW__NOINLINE int slow_pthread_rwlock_clockrdlock(pthread_rwlock_t *rw, clockid_t c, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(rw, NULL, LW__RWLOCK, LW__READ, LW_REAL_FN(pthread_rwlock_clockrdlock)(rw, c, t))

int lw_pthread_rwlock_clockrdlock_at(pthread_rwlock_t *rw, clockid_t c, const struct timespec *t, const lw_site_t *src)
LW__BODY_ACQUIRE(rw, NULL, LW__RWLOCK, LW__READ, (LW__SITE(src)), LW_REAL_FAST(pthread_rwlock_clockrdlock)(rw, c, t),
		 slow_pthread_rwlock_clockrdlock(rw, c, t, site_))

static LW__NOINLINE int slow_pthread_rwlock_wrlock(pthread_rwlock_t *rw, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(rw, NULL, LW__RWLOCK, LW__WRITE, LW_REAL_FN(pthread_rwlock_wrlock)(rw))

int lw_pthread_rwlock_wrlock_at(pthread_rwlock_t *rw, const lw_site_t *src)
LW__BODY_ACQUIRE(rw, NULL, LW__RWLOCK, LW__WRITE, (LW__SITE(src)), LW_REAL_FAST(pthread_rwlock_wrlock)(rw),
		 slow_pthread_rwlock_wrlock(rw, site_))

int lw_pthread_rwlock_trywrlock_at(pthread_rwlock_t *rw, const lw_site_t *src)
LW__BODY_TRY(rw, NULL, LW__RWLOCK, LW__WRITE, (LW__SITE(src)), LW_REAL_FN(pthread_rwlock_trywrlock)(rw))

static LW__NOINLINE int slow_pthread_rwlock_timedwrlock(pthread_rwlock_t *rw, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(rw, NULL, LW__RWLOCK, LW__WRITE, LW_REAL_FN(pthread_rwlock_timedwrlock)(rw, t))

int lw_pthread_rwlock_timedwrlock_at(pthread_rwlock_t *rw, const struct timespec *t, const lw_site_t *src)
LW__BODY_ACQUIRE(rw, NULL, LW__RWLOCK, LW__WRITE, (LW__SITE(src)), LW_REAL_FAST(pthread_rwlock_timedwrlock)(rw, t),
		 slow_pthread_rwlock_timedwrlock(rw, t, site_))

static LW__NOINLINE int slow_pthread_rwlock_clockwrlock(pthread_rwlock_t *rw, clockid_t c, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(rw, NULL, LW__RWLOCK, LW__WRITE, LW_REAL_FN(pthread_rwlock_clockwrlock)(rw, c, t))

int lw_pthread_rwlock_clockwrlock_at(pthread_rwlock_t *rw, clockid_t c, const struct timespec *t, const lw_site_t *src)
LW__BODY_ACQUIRE(rw, NULL, LW__RWLOCK, LW__WRITE, (LW__SITE(src)), LW_REAL_FAST(pthread_rwlock_clockwrlock)(rw, c, t),
		 slow_pthread_rwlock_clockwrlock(rw, c, t, site_))

int lw_pthread_rwlock_unlock_at(pthread_rwlock_t *rw, const lw_site_t *src)
LW__BODY_RELEASE(rw, NULL, LW__RWLOCK, (LW__SITE(src)), LW_REAL_FAST(pthread_rwlock_unlock)(rw))

int lw_pthread_spin_init_at(pthread_spinlock_t *s, int pshared, const lw_site_t *src)
LW__BODY_INIT(s, NULL, LW__SPIN, (LW__SITE(src)), LW_REAL_FN(pthread_spin_init)(s, pshared))

int lw_pthread_spin_destroy_at(pthread_spinlock_t *s, const lw_site_t *src)
LW__BODY_DESTROY(s, NULL, (LW__SITE(src)), LW_REAL_FN(pthread_spin_destroy)(s))

static LW__NOINLINE int slow_pthread_spin_lock(pthread_spinlock_t *s, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(s, NULL, LW__SPIN, LW__WRITE, LW_REAL_FN(pthread_spin_lock)(s))

int lw_pthread_spin_lock_at(pthread_spinlock_t *s, const lw_site_t *src)
LW__BODY_ACQUIRE(s, NULL, LW__SPIN, LW__WRITE, (LW__SITE(src)), LW_REAL_FAST(pthread_spin_lock)(s),
		 slow_pthread_spin_lock(s, site_))

int lw_pthread_spin_trylock_at(pthread_spinlock_t *s, const lw_site_t *src)
LW__BODY_TRY(s, NULL, LW__SPIN, LW__WRITE, (LW__SITE(src)), LW_REAL_FN(pthread_spin_trylock)(s))

int lw_pthread_spin_unlock_at(pthread_spinlock_t *s, const lw_site_t *src)
LW__BODY_RELEASE(s, NULL, LW__SPIN, (LW__SITE(src)), LW_REAL_FAST(pthread_spin_unlock)(s))

int lw_pthread_cond_wait_at(pthread_cond_t *c, pthread_mutex_t *m, const lw_site_t *src)
LW__BODY_COND_WAIT(m, NULL, (LW__SITE(src)), LW_REAL_FN(pthread_cond_wait)(c, m))

int lw_pthread_cond_timedwait_at(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t, const lw_site_t *src)
LW__BODY_COND_WAIT(m, NULL, (LW__SITE(src)), LW_REAL_FN(pthread_cond_timedwait)(c, m, t))

int lw_pthread_cond_clockwait_at(pthread_cond_t *c, pthread_mutex_t *m, clockid_t k, const struct timespec *t, const lw_site_t *src)
LW__BODY_COND_WAIT(m, NULL, (LW__SITE(src)), LW_REAL_FN(pthread_cond_clockwait)(c, m, k, t))

int lw_mtx_init_at(mtx_t *m, int type, const lw_site_t *src)
LW__BODY_INIT(m, NULL, LW__MUTEX, (LW__SITE(src)), LW_REAL_FN(mtx_init)(m, type))

void lw_mtx_destroy_at(mtx_t *m, const lw_site_t *src)
LW__BODY_DESTROY_VOID(m, NULL, (LW__SITE(src)), LW_REAL_FN(mtx_destroy)(m))

static LW__NOINLINE int slow_mtx_lock(mtx_t *m, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(m, NULL, LW__MUTEX, LW__WRITE, LW_REAL_FN(mtx_lock)(m))

int lw_mtx_lock_at(mtx_t *m, const lw_site_t *src)
LW__BODY_ACQUIRE(m, NULL, LW__MUTEX, LW__WRITE, (LW__SITE(src)), LW_REAL_FAST(mtx_lock)(m),
		 slow_mtx_lock(m, site_))

int lw_mtx_trylock_at(mtx_t *m, const lw_site_t *src)
LW__BODY_TRY(m, NULL, LW__MUTEX, LW__WRITE, (LW__SITE(src)), LW_REAL_FN(mtx_trylock)(m))

static LW__NOINLINE int slow_mtx_timedlock(mtx_t *m, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(m, NULL, LW__MUTEX, LW__WRITE, LW_REAL_FN(mtx_timedlock)(m, t))

int lw_mtx_timedlock_at(mtx_t *m, const struct timespec *t, const lw_site_t *src)
LW__BODY_ACQUIRE(m, NULL, LW__MUTEX, LW__WRITE, (LW__SITE(src)), LW_REAL_FAST(mtx_timedlock)(m, t),
		 slow_mtx_timedlock(m, t, site_))

int lw_mtx_unlock_at(mtx_t *m, const lw_site_t *src)
LW__BODY_RELEASE(m, NULL, LW__MUTEX, (LW__SITE(src)), LW_REAL_FAST(mtx_unlock)(m))

int lw_cnd_wait_at(cnd_t *c, mtx_t *m, const lw_site_t *src)
LW__BODY_COND_WAIT(m, NULL, (LW__SITE(src)), LW_REAL_FN(cnd_wait)(c, m))

int lw_cnd_timedwait_at(cnd_t *c, mtx_t *m, const struct timespec *t, const lw_site_t *src)
LW__BODY_COND_WAIT(m, NULL, (LW__SITE(src)), LW_REAL_FN(cnd_timedwait)(c, m, t))

int lw_sem_init_at(sem_t *sem, int pshared, unsigned value, const lw_site_t *src)
LW__BODY_INIT(sem, NULL, LW__SEM, (LW__SITE(src)), lw__op_sem_init(sem, pshared, value))

int lw_sem_destroy_at(sem_t *sem, const lw_site_t *src)
LW__BODY_DESTROY(sem, NULL, (LW__SITE(src)), lw__op_sem_destroy(sem))

static LW__NOINLINE int slow_sem_wait(sem_t *sem, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(sem, NULL, LW__SEM, LW__WRITE, LW__SEM_RETRY(LW_REAL_FN(sem_wait)(sem)))

int lw_sem_wait_at(sem_t *sem, const lw_site_t *src)
LW__BODY_ACQUIRE(sem, NULL, LW__SEM, LW__WRITE, (LW__SITE(src)), LW__SEM_RETRY(LW_REAL_FAST(sem_wait)(sem)),
		 slow_sem_wait(sem, site_))

static LW__NOINLINE int slow_sem_timedwait(sem_t *sem, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(sem, NULL, LW__SEM, LW__WRITE, LW__SEM_RETRY(LW_REAL_FN(sem_timedwait)(sem, t)))

int lw_sem_timedwait_at(sem_t *sem, const struct timespec *t, const lw_site_t *src)
LW__BODY_ACQUIRE(sem, NULL, LW__SEM, LW__WRITE, (LW__SITE(src)), LW__SEM_RETRY(LW_REAL_FAST(sem_timedwait)(sem, t)),
		 slow_sem_timedwait(sem, t, site_))

static LW__NOINLINE int slow_sem_clockwait(sem_t *sem, clockid_t c, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(sem, NULL, LW__SEM, LW__WRITE, LW__SEM_RETRY(LW_REAL_FN(sem_clockwait)(sem, c, t)))

int lw_sem_clockwait_at(sem_t *sem, clockid_t c, const struct timespec *t, const lw_site_t *src)
LW__BODY_ACQUIRE(sem, NULL, LW__SEM, LW__WRITE, (LW__SITE(src)), LW__SEM_RETRY(LW_REAL_FAST(sem_clockwait)(sem, c, t)),
		 slow_sem_clockwait(sem, c, t, site_))

int lw_sem_trywait_at(sem_t *sem, const lw_site_t *src)
LW__BODY_TRY(sem, NULL, LW__SEM, LW__WRITE, (LW__SITE(src)), LW_REAL_FN(sem_trywait)(sem))

int lw_sem_post_at(sem_t *sem, const lw_site_t *src)
LW__BODY_RELEASE(sem, NULL, LW__SEM, (LW__SITE(src)), LW_REAL_FAST(sem_post)(sem))

int lw_dlclose_at(void *handle, const lw_site_t *src)
LW__BODY_DLCLOSE(((void)src, LW_REAL_FN(dlclose)(handle)))

int lw_pthread_join_at(pthread_t th, void **ret, const lw_site_t *src)
LW__BODY_JOIN(th, (LW__SITE(src)), LW_REAL_FN(pthread_join)(th, ret))

int lw_thrd_join_at(thrd_t th, int *res, const lw_site_t *src)
LW__BODY_JOIN(th, (LW__SITE(src)), LW_REAL_FN(thrd_join)(th, res))
