/* preload.c - the LD_PRELOAD library: interposes glibc's pthread lock,
 * condition-variable and semaphore functions, C11's mtx_* and cnd_*wait
 * (and dlclose, to keep the
 * unwinder's cache right; dlmopen, to say what it leaves unchecked; and
 * unshare and setns, which may need the process to be down to one
 * thread), one interposer per row of base/real.def with an
 * op, each written out here with its name and signature and a body from
 * ops.h, the same bodies as the other ways in. The real functions are
 * found past this library with dlsym/dlvsym; a call made from inside
 * lockwatch goes straight to them. Built only into
 * liblockwatch-preload.so (tests/preload/test_symbols.sh checks that
 * every row is exported). An acquire's slow twin comes just before it. */
#include "ops.h"

#define LW__EXPORT __attribute__((visibility("default")))
#define LW__NOINLINE __attribute__((noinline))

LW__EXPORT int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
LW__BODY_INIT_MUTEX(m, NULL, a, (LW__SITE(NULL)), LW_REAL_FN(pthread_mutex_init)(m, a))

LW__EXPORT int pthread_mutex_destroy(pthread_mutex_t *m)
LW__BODY_DESTROY(m, NULL, (LW__SITE(NULL)), LW_REAL_FN(pthread_mutex_destroy)(m))

static LW__NOINLINE int slow_pthread_mutex_lock(pthread_mutex_t *m, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(m, NULL, LW__MUTEX, LW__WRITE, LW_REAL_FN(pthread_mutex_lock)(m))

LW__EXPORT LW__HOT int pthread_mutex_lock(pthread_mutex_t *m)
LW__BODY_ACQUIRE(m, NULL, LW__MUTEX, LW__WRITE, (LW__SITE(NULL)), LW_REAL_FAST(pthread_mutex_lock)(m),
		 slow_pthread_mutex_lock(m, site_))

LW__EXPORT int pthread_mutex_trylock(pthread_mutex_t *m)
LW__BODY_TRY(m, NULL, LW__MUTEX, LW__WRITE, (LW__SITE(NULL)), LW_REAL_FN(pthread_mutex_trylock)(m))

static LW__NOINLINE int slow_pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(m, NULL, LW__MUTEX, LW__WRITE, LW_REAL_FN(pthread_mutex_timedlock)(m, t))

LW__EXPORT int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *t)
LW__BODY_ACQUIRE(m, NULL, LW__MUTEX, LW__WRITE, (LW__SITE(NULL)), LW_REAL_FAST(pthread_mutex_timedlock)(m, t),
		 slow_pthread_mutex_timedlock(m, t, site_))

static LW__NOINLINE int slow_pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t c, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(m, NULL, LW__MUTEX, LW__WRITE, LW_REAL_FN(pthread_mutex_clocklock)(m, c, t))

LW__EXPORT int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t c, const struct timespec *t)
LW__BODY_ACQUIRE(m, NULL, LW__MUTEX, LW__WRITE, (LW__SITE(NULL)), LW_REAL_FAST(pthread_mutex_clocklock)(m, c, t),
		 slow_pthread_mutex_clocklock(m, c, t, site_))

LW__EXPORT LW__HOT int pthread_mutex_unlock(pthread_mutex_t *m)
LW__BODY_RELEASE(m, NULL, LW__MUTEX, (LW__SITE(NULL)), LW_REAL_FAST(pthread_mutex_unlock)(m))

LW__EXPORT int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *a)
LW__BODY_INIT(rw, NULL, LW__RWLOCK, (LW__SITE(NULL)), LW_REAL_FN(pthread_rwlock_init)(rw, a))

LW__EXPORT int pthread_rwlock_destroy(pthread_rwlock_t *rw)
LW__BODY_DESTROY(rw, NULL, (LW__SITE(NULL)), LW_REAL_FN(pthread_rwlock_destroy)(rw))

static LW__NOINLINE int slow_pthread_rwlock_rdlock(pthread_rwlock_t *rw, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(rw, NULL, LW__RWLOCK, LW__READ, LW_REAL_FN(pthread_rwlock_rdlock)(rw))

LW__EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *rw)
LW__BODY_ACQUIRE(rw, NULL, LW__RWLOCK, LW__READ, (LW__SITE(NULL)), LW_REAL_FAST(pthread_rwlock_rdlock)(rw),
		 slow_pthread_rwlock_rdlock(rw, site_))

LW__EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)
LW__BODY_TRY(rw, NULL, LW__RWLOCK, LW__READ, (LW__SITE(NULL)), LW_REAL_FN(pthread_rwlock_tryrdlock)(rw))

static LW__NOINLINE int slow_pthread_rwlock_timedrdlock(pthread_rwlock_t *rw, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(rw, NULL, LW__RWLOCK, LW__READ, LW_REAL_FN(pthread_rwlock_timedrdlock)(rw, t))

LW__EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t *rw, const struct timespec *t)
LW__BODY_ACQUIRE(rw, NULL, LW__RWLOCK, LW__READ, (LW__SITE(NULL)), LW_REAL_FAST(pthread_rwlock_timedrdlock)(rw, t),
		 slow_pthread_rwlock_timedrdlock(rw, t, site_))

static LW__NOINLINE int slow_pthread_rwlock_clockrdlock(pthread_rwlock_t *rw, clockid_t c, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(rw, NULL, LW__RWLOCK, LW__READ, LW_REAL_FN(pthread_rwlock_clockrdlock)(rw, c, t))

LW__EXPORT int pthread_rwlock_clockrdlock(pthread_rwlock_t *rw, clockid_t c, const struct timespec *t)
LW__BODY_ACQUIRE(rw, NULL, LW__RWLOCK, LW__READ, (LW__SITE(NULL)), LW_REAL_FAST(pthread_rwlock_clockrdlock)(rw, c, t),
		 slow_pthread_rwlock_clockrdlock(rw, c, t, site_))

static LW__NOINLINE int slow_pthread_rwlock_wrlock(pthread_rwlock_t *rw, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(rw, NULL, LW__RWLOCK, LW__WRITE, LW_REAL_FN(pthread_rwlock_wrlock)(rw))

LW__EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *rw)
LW__BODY_ACQUIRE(rw, NULL, LW__RWLOCK, LW__WRITE, (LW__SITE(NULL)), LW_REAL_FAST(pthread_rwlock_wrlock)(rw),
		 slow_pthread_rwlock_wrlock(rw, site_))

LW__EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *rw)
LW__BODY_TRY(rw, NULL, LW__RWLOCK, LW__WRITE, (LW__SITE(NULL)), LW_REAL_FN(pthread_rwlock_trywrlock)(rw))

static LW__NOINLINE int slow_pthread_rwlock_timedwrlock(pthread_rwlock_t *rw, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(rw, NULL, LW__RWLOCK, LW__WRITE, LW_REAL_FN(pthread_rwlock_timedwrlock)(rw, t))

LW__EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t *rw, const struct timespec *t)
LW__BODY_ACQUIRE(rw, NULL, LW__RWLOCK, LW__WRITE, (LW__SITE(NULL)), LW_REAL_FAST(pthread_rwlock_timedwrlock)(rw, t),
		 slow_pthread_rwlock_timedwrlock(rw, t, site_))

static LW__NOINLINE int slow_pthread_rwlock_clockwrlock(pthread_rwlock_t *rw, clockid_t c, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(rw, NULL, LW__RWLOCK, LW__WRITE, LW_REAL_FN(pthread_rwlock_clockwrlock)(rw, c, t))

LW__EXPORT int pthread_rwlock_clockwrlock(pthread_rwlock_t *rw, clockid_t c, const struct timespec *t)
LW__BODY_ACQUIRE(rw, NULL, LW__RWLOCK, LW__WRITE, (LW__SITE(NULL)), LW_REAL_FAST(pthread_rwlock_clockwrlock)(rw, c, t),
		 slow_pthread_rwlock_clockwrlock(rw, c, t, site_))

LW__EXPORT int pthread_rwlock_unlock(pthread_rwlock_t *rw)
LW__BODY_RELEASE(rw, NULL, LW__RWLOCK, (LW__SITE(NULL)), LW_REAL_FAST(pthread_rwlock_unlock)(rw))

LW__EXPORT int pthread_spin_init(pthread_spinlock_t *s, int pshared)
LW__BODY_INIT(s, NULL, LW__SPIN, (LW__SITE(NULL)), LW_REAL_FN(pthread_spin_init)(s, pshared))

LW__EXPORT int pthread_spin_destroy(pthread_spinlock_t *s)
LW__BODY_DESTROY(s, NULL, (LW__SITE(NULL)), LW_REAL_FN(pthread_spin_destroy)(s))

static LW__NOINLINE int slow_pthread_spin_lock(pthread_spinlock_t *s, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(s, NULL, LW__SPIN, LW__WRITE, LW_REAL_FN(pthread_spin_lock)(s))

LW__EXPORT int pthread_spin_lock(pthread_spinlock_t *s)
LW__BODY_ACQUIRE(s, NULL, LW__SPIN, LW__WRITE, (LW__SITE(NULL)), LW_REAL_FAST(pthread_spin_lock)(s),
		 slow_pthread_spin_lock(s, site_))

LW__EXPORT int pthread_spin_trylock(pthread_spinlock_t *s)
LW__BODY_TRY(s, NULL, LW__SPIN, LW__WRITE, (LW__SITE(NULL)), LW_REAL_FN(pthread_spin_trylock)(s))

LW__EXPORT int pthread_spin_unlock(pthread_spinlock_t *s)
LW__BODY_RELEASE(s, NULL, LW__SPIN, (LW__SITE(NULL)), LW_REAL_FAST(pthread_spin_unlock)(s))

/* pthread_cond_wait and pthread_cond_timedwait: compat.c, in both of
 * glibc's ABIs. */

LW__EXPORT int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t k, const struct timespec *t)
LW__BODY_COND_WAIT(m, NULL, (LW__SITE(NULL)), LW_REAL_FN(pthread_cond_clockwait)(c, m, k, t))

LW__EXPORT int mtx_init(mtx_t *m, int type)
LW__BODY_INIT(m, NULL, LW__MUTEX, (LW__SITE(NULL)), LW_REAL_FN(mtx_init)(m, type))

LW__EXPORT void mtx_destroy(mtx_t *m)
LW__BODY_DESTROY_VOID(m, NULL, (LW__SITE(NULL)), LW_REAL_FN(mtx_destroy)(m))

static LW__NOINLINE int slow_mtx_lock(mtx_t *m, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(m, NULL, LW__MUTEX, LW__WRITE, LW_REAL_FN(mtx_lock)(m))

LW__EXPORT int mtx_lock(mtx_t *m)
LW__BODY_ACQUIRE(m, NULL, LW__MUTEX, LW__WRITE, (LW__SITE(NULL)), LW_REAL_FAST(mtx_lock)(m),
		 slow_mtx_lock(m, site_))

LW__EXPORT int mtx_trylock(mtx_t *m)
LW__BODY_TRY(m, NULL, LW__MUTEX, LW__WRITE, (LW__SITE(NULL)), LW_REAL_FN(mtx_trylock)(m))

static LW__NOINLINE int slow_mtx_timedlock(mtx_t *m, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(m, NULL, LW__MUTEX, LW__WRITE, LW_REAL_FN(mtx_timedlock)(m, t))

LW__EXPORT int mtx_timedlock(mtx_t *m, const struct timespec *t)
LW__BODY_ACQUIRE(m, NULL, LW__MUTEX, LW__WRITE, (LW__SITE(NULL)), LW_REAL_FAST(mtx_timedlock)(m, t),
		 slow_mtx_timedlock(m, t, site_))

LW__EXPORT int mtx_unlock(mtx_t *m)
LW__BODY_RELEASE(m, NULL, LW__MUTEX, (LW__SITE(NULL)), LW_REAL_FAST(mtx_unlock)(m))

LW__EXPORT int cnd_wait(cnd_t *c, mtx_t *m)
LW__BODY_COND_WAIT(m, NULL, (LW__SITE(NULL)), LW_REAL_FN(cnd_wait)(c, m))

LW__EXPORT int cnd_timedwait(cnd_t *c, mtx_t *m, const struct timespec *t)
LW__BODY_COND_WAIT(m, NULL, (LW__SITE(NULL)), LW_REAL_FN(cnd_timedwait)(c, m, t))

LW__EXPORT int sem_init(sem_t *sem, int pshared, unsigned value)
LW__BODY_INIT(sem, NULL, LW__SEM, (LW__SITE(NULL)), lw__op_sem_init(sem, pshared, value))

LW__EXPORT int sem_destroy(sem_t *sem)
LW__BODY_DESTROY(sem, NULL, (LW__SITE(NULL)), lw__op_sem_destroy(sem))

static LW__NOINLINE int slow_sem_wait(sem_t *sem, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW(sem, NULL, LW__SEM, LW__WRITE, LW__SEM_RETRY(LW_REAL_FN(sem_wait)(sem)))

LW__EXPORT int sem_wait(sem_t *sem)
LW__BODY_ACQUIRE(sem, NULL, LW__SEM, LW__WRITE, (LW__SITE(NULL)), LW__SEM_RETRY(LW_REAL_FAST(sem_wait)(sem)),
		 slow_sem_wait(sem, site_))

static LW__NOINLINE int slow_sem_timedwait(sem_t *sem, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(sem, NULL, LW__SEM, LW__WRITE, LW__SEM_RETRY(LW_REAL_FN(sem_timedwait)(sem, t)))

LW__EXPORT int sem_timedwait(sem_t *sem, const struct timespec *t)
LW__BODY_ACQUIRE(sem, NULL, LW__SEM, LW__WRITE, (LW__SITE(NULL)), LW__SEM_RETRY(LW_REAL_FAST(sem_timedwait)(sem, t)),
		 slow_sem_timedwait(sem, t, site_))

static LW__NOINLINE int slow_sem_clockwait(sem_t *sem, clockid_t c, const struct timespec *t, struct lw__site site_)
LW__BODY_ACQUIRE_SLOW_TIMED(sem, NULL, LW__SEM, LW__WRITE, LW__SEM_RETRY(LW_REAL_FN(sem_clockwait)(sem, c, t)))

LW__EXPORT int sem_clockwait(sem_t *sem, clockid_t c, const struct timespec *t)
LW__BODY_ACQUIRE(sem, NULL, LW__SEM, LW__WRITE, (LW__SITE(NULL)), LW__SEM_RETRY(LW_REAL_FAST(sem_clockwait)(sem, c, t)),
		 slow_sem_clockwait(sem, c, t, site_))

LW__EXPORT int sem_trywait(sem_t *sem)
LW__BODY_TRY(sem, NULL, LW__SEM, LW__WRITE, (LW__SITE(NULL)), LW_REAL_FN(sem_trywait)(sem))

LW__EXPORT int sem_post(sem_t *sem)
LW__BODY_RELEASE(sem, NULL, LW__SEM, (LW__SITE(NULL)), LW_REAL_FAST(sem_post)(sem))

LW__EXPORT int pthread_join(pthread_t th, void **ret)
LW__BODY_JOIN(th, (LW__SITE(NULL)), LW_REAL_FN(pthread_join)(th, ret))

LW__EXPORT int thrd_join(thrd_t th, int *res)
LW__BODY_JOIN(th, (LW__SITE(NULL)), LW_REAL_FN(thrd_join)(th, res))

LW__EXPORT int dlclose(void *handle)
LW__BODY_DLCLOSE(LW_REAL_FN(dlclose)(handle))

LW__EXPORT void *dlmopen(Lmid_t lmid, const char *file, int mode)
LW__BODY_DLMOPEN(lmid, file, LW_REAL_FN(dlmopen)(lmid, file, mode))

LW__EXPORT int unshare(int flags)
LW__BODY_ALONE(LW__UNSHARE_ALONE(flags), LW_REAL_FN(unshare)(flags))

LW__EXPORT int setns(int fd, int nstype)
LW__BODY_ALONE(LW__SETNS_ALONE(nstype), LW_REAL_FN(setns)(fd, nstype))
