/* preload.c - the LD_PRELOAD library: interposes glibc's pthread lock,
 * condition-variable and semaphore functions (the list in real.def) and
 * sends each through the same ops as the other ways in (ops.h). The real
 * functions are found past this library with dlsym/dlvsym; a call made
 * before lockwatch is initialised, or from inside lockwatch, goes straight
 * to them. Built only into liblockwatch-preload.so. */
#include "ops.h"

#define EXPORT __attribute__((visibility("default")))
#define SITE struct lw__site s = { LW__RA(), 0, 0, 0 }

EXPORT int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
	SITE;
	LW__OP_INIT(m, NULL, LW__MUTEX, &s, LW_REAL_FN(pthread_mutex_init)(m, a));
}

EXPORT int pthread_mutex_destroy(pthread_mutex_t *m)
{
	SITE;
	LW__OP_DESTROY(m, NULL, LW__MUTEX, &s, LW_REAL_FN(pthread_mutex_destroy)(m));
}

EXPORT int pthread_mutex_lock(pthread_mutex_t *m)
{
	SITE;
	LW__OP_ACQUIRE(m, NULL, LW__MUTEX, LW__WRITE, &s, LW_REAL_FN(pthread_mutex_lock)(m));
}

EXPORT int pthread_mutex_trylock(pthread_mutex_t *m)
{
	SITE;
	LW__OP_TRY(m, NULL, LW__MUTEX, LW__WRITE, &s, LW_REAL_FN(pthread_mutex_trylock)(m));
}

EXPORT int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *t)
{
	SITE;
	LW__OP_ACQUIRE(m, NULL, LW__MUTEX, LW__WRITE, &s, LW_REAL_FN(pthread_mutex_timedlock)(m, t));
}

EXPORT int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t c, const struct timespec *t)
{
	SITE;
	LW__OP_ACQUIRE(m, NULL, LW__MUTEX, LW__WRITE, &s,
		       LW_REAL_FN(pthread_mutex_clocklock)(m, c, t));
}

EXPORT int pthread_mutex_unlock(pthread_mutex_t *m)
{
	SITE;
	LW__OP_RELEASE(m, NULL, LW__MUTEX, &s, LW_REAL_FN(pthread_mutex_unlock)(m));
}

EXPORT int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *a)
{
	SITE;
	LW__OP_INIT(rw, NULL, LW__RWLOCK, &s, LW_REAL_FN(pthread_rwlock_init)(rw, a));
}

EXPORT int pthread_rwlock_destroy(pthread_rwlock_t *rw)
{
	SITE;
	LW__OP_DESTROY(rw, NULL, LW__RWLOCK, &s, LW_REAL_FN(pthread_rwlock_destroy)(rw));
}

EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *rw)
{
	SITE;
	LW__OP_ACQUIRE(rw, NULL, LW__RWLOCK, LW__READ, &s, LW_REAL_FN(pthread_rwlock_rdlock)(rw));
}

EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)
{
	SITE;
	LW__OP_TRY(rw, NULL, LW__RWLOCK, LW__READ, &s, LW_REAL_FN(pthread_rwlock_tryrdlock)(rw));
}

EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t *rw, const struct timespec *t)
{
	SITE;
	LW__OP_ACQUIRE(rw, NULL, LW__RWLOCK, LW__READ, &s,
		       LW_REAL_FN(pthread_rwlock_timedrdlock)(rw, t));
}

EXPORT int pthread_rwlock_clockrdlock(pthread_rwlock_t *rw, clockid_t c, const struct timespec *t)
{
	SITE;
	LW__OP_ACQUIRE(rw, NULL, LW__RWLOCK, LW__READ, &s,
		       LW_REAL_FN(pthread_rwlock_clockrdlock)(rw, c, t));
}

EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *rw)
{
	SITE;
	LW__OP_ACQUIRE(rw, NULL, LW__RWLOCK, LW__WRITE, &s, LW_REAL_FN(pthread_rwlock_wrlock)(rw));
}

EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *rw)
{
	SITE;
	LW__OP_TRY(rw, NULL, LW__RWLOCK, LW__WRITE, &s, LW_REAL_FN(pthread_rwlock_trywrlock)(rw));
}

EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t *rw, const struct timespec *t)
{
	SITE;
	LW__OP_ACQUIRE(rw, NULL, LW__RWLOCK, LW__WRITE, &s,
		       LW_REAL_FN(pthread_rwlock_timedwrlock)(rw, t));
}

EXPORT int pthread_rwlock_clockwrlock(pthread_rwlock_t *rw, clockid_t c, const struct timespec *t)
{
	SITE;
	LW__OP_ACQUIRE(rw, NULL, LW__RWLOCK, LW__WRITE, &s,
		       LW_REAL_FN(pthread_rwlock_clockwrlock)(rw, c, t));
}

EXPORT int pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
	SITE;
	LW__OP_RELEASE(rw, NULL, LW__RWLOCK, &s, LW_REAL_FN(pthread_rwlock_unlock)(rw));
}

EXPORT int pthread_spin_init(pthread_spinlock_t *sp, int pshared)
{
	SITE;
	LW__OP_INIT(sp, NULL, LW__SPIN, &s, LW_REAL_FN(pthread_spin_init)(sp, pshared));
}

EXPORT int pthread_spin_destroy(pthread_spinlock_t *sp)
{
	SITE;
	LW__OP_DESTROY(sp, NULL, LW__SPIN, &s, LW_REAL_FN(pthread_spin_destroy)(sp));
}

EXPORT int pthread_spin_lock(pthread_spinlock_t *sp)
{
	SITE;
	LW__OP_ACQUIRE(sp, NULL, LW__SPIN, LW__WRITE, &s, LW_REAL_FN(pthread_spin_lock)(sp));
}

EXPORT int pthread_spin_trylock(pthread_spinlock_t *sp)
{
	SITE;
	LW__OP_TRY(sp, NULL, LW__SPIN, LW__WRITE, &s, LW_REAL_FN(pthread_spin_trylock)(sp));
}

EXPORT int pthread_spin_unlock(pthread_spinlock_t *sp)
{
	SITE;
	LW__OP_RELEASE(sp, NULL, LW__SPIN, &s, LW_REAL_FN(pthread_spin_unlock)(sp));
}

EXPORT int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	SITE;
	LW__OP_COND_WAIT(m, NULL, &s, LW_REAL_FN(pthread_cond_wait)(c, m));
}

EXPORT int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t)
{
	SITE;
	LW__OP_COND_WAIT(m, NULL, &s, LW_REAL_FN(pthread_cond_timedwait)(c, m, t));
}

EXPORT int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t k,
				  const struct timespec *t)
{
	SITE;
	LW__OP_COND_WAIT(m, NULL, &s, LW_REAL_FN(pthread_cond_clockwait)(c, m, k, t));
}

/* Semaphores: a unit taken is held by the taker until it posts one; a
 * post by a thread holding no unit is a signal, not an unlock. They take
 * part in waits and holds (the watchdog), not in the lock order. */
EXPORT int sem_init(sem_t *sem, int pshared, unsigned value)
{
	SITE;
	LW__OP_INIT(sem, NULL, LW__SEM, &s, LW_REAL_FN(sem_init)(sem, pshared, value));
}

EXPORT int sem_destroy(sem_t *sem)
{
	SITE;
	LW__OP_DESTROY(sem, NULL, LW__SEM, &s, LW_REAL_FN(sem_destroy)(sem));
}

/* sem_* return 0, or -1 with errno set: lw__acquired() sees -1 as "not
 * taken", and errno is left as the real call set it. */
EXPORT int sem_wait(sem_t *sem)
{
	SITE;
	LW__OP_ACQUIRE(sem, NULL, LW__SEM, LW__WRITE, &s, LW__SEM_RETRY(LW_REAL_FN(sem_wait)(sem)));
}

EXPORT int sem_timedwait(sem_t *sem, const struct timespec *t)
{
	SITE;
	LW__OP_ACQUIRE(sem, NULL, LW__SEM, LW__WRITE, &s,
		       LW__SEM_RETRY(LW_REAL_FN(sem_timedwait)(sem, t)));
}

EXPORT int sem_clockwait(sem_t *sem, clockid_t c, const struct timespec *t)
{
	SITE;
	LW__OP_ACQUIRE(sem, NULL, LW__SEM, LW__WRITE, &s,
		       LW__SEM_RETRY(LW_REAL_FN(sem_clockwait)(sem, c, t)));
}

EXPORT int sem_trywait(sem_t *sem)
{
	SITE;
	LW__OP_TRY(sem, NULL, LW__SEM, LW__WRITE, &s, LW_REAL_FN(sem_trywait)(sem));
}

EXPORT int sem_post(sem_t *sem)
{
	SITE;
	LW__OP_RELEASE(sem, NULL, LW__SEM, &s, LW_REAL_FN(sem_post)(sem));
}
