/* hdr.c - the entry points of the force-included header
 * (lockwatch/pthread.h): plain pthread objects, found by address, with the
 * call site's file, line and function. */
#include "ops.h"

#define SITE struct lw__site s = { LW__RA(), file, func, line }
#define AT const char *file, int line, const char *func

int lw_pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a, AT)
{
	SITE;
	LW__OP_INIT(m, NULL, LW__MUTEX, &s, LW_REAL_FN(pthread_mutex_init)(m, a));
}

int lw_pthread_mutex_destroy(pthread_mutex_t *m, AT)
{
	SITE;
	LW__OP_DESTROY(m, NULL, LW__MUTEX, &s, LW_REAL_FN(pthread_mutex_destroy)(m));
}

int lw_pthread_mutex_lock(pthread_mutex_t *m, AT)
{
	SITE;
	LW__OP_ACQUIRE(m, NULL, LW__MUTEX, LW__WRITE, &s, LW_REAL_FN(pthread_mutex_lock)(m));
}

int lw_pthread_mutex_trylock(pthread_mutex_t *m, AT)
{
	SITE;
	LW__OP_TRY(m, NULL, LW__MUTEX, LW__WRITE, &s, LW_REAL_FN(pthread_mutex_trylock)(m));
}

int lw_pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *t, AT)
{
	SITE;
	LW__OP_ACQUIRE(m, NULL, LW__MUTEX, LW__WRITE, &s,
		       LW_REAL_FN(pthread_mutex_timedlock)(m, t));
}

int lw_pthread_mutex_unlock(pthread_mutex_t *m, AT)
{
	SITE;
	LW__OP_RELEASE(m, NULL, LW__MUTEX, &s, LW_REAL_FN(pthread_mutex_unlock)(m));
}

int lw_pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *a, AT)
{
	SITE;
	LW__OP_INIT(rw, NULL, LW__RWLOCK, &s, LW_REAL_FN(pthread_rwlock_init)(rw, a));
}

int lw_pthread_rwlock_destroy(pthread_rwlock_t *rw, AT)
{
	SITE;
	LW__OP_DESTROY(rw, NULL, LW__RWLOCK, &s, LW_REAL_FN(pthread_rwlock_destroy)(rw));
}

int lw_pthread_rwlock_rdlock(pthread_rwlock_t *rw, AT)
{
	SITE;
	LW__OP_ACQUIRE(rw, NULL, LW__RWLOCK, LW__READ, &s, LW_REAL_FN(pthread_rwlock_rdlock)(rw));
}

int lw_pthread_rwlock_tryrdlock(pthread_rwlock_t *rw, AT)
{
	SITE;
	LW__OP_TRY(rw, NULL, LW__RWLOCK, LW__READ, &s, LW_REAL_FN(pthread_rwlock_tryrdlock)(rw));
}

int lw_pthread_rwlock_timedrdlock(pthread_rwlock_t *rw, const struct timespec *t, AT)
{
	SITE;
	LW__OP_ACQUIRE(rw, NULL, LW__RWLOCK, LW__READ, &s,
		       LW_REAL_FN(pthread_rwlock_timedrdlock)(rw, t));
}

int lw_pthread_rwlock_wrlock(pthread_rwlock_t *rw, AT)
{
	SITE;
	LW__OP_ACQUIRE(rw, NULL, LW__RWLOCK, LW__WRITE, &s, LW_REAL_FN(pthread_rwlock_wrlock)(rw));
}

int lw_pthread_rwlock_trywrlock(pthread_rwlock_t *rw, AT)
{
	SITE;
	LW__OP_TRY(rw, NULL, LW__RWLOCK, LW__WRITE, &s, LW_REAL_FN(pthread_rwlock_trywrlock)(rw));
}

int lw_pthread_rwlock_timedwrlock(pthread_rwlock_t *rw, const struct timespec *t, AT)
{
	SITE;
	LW__OP_ACQUIRE(rw, NULL, LW__RWLOCK, LW__WRITE, &s,
		       LW_REAL_FN(pthread_rwlock_timedwrlock)(rw, t));
}

int lw_pthread_rwlock_unlock(pthread_rwlock_t *rw, AT)
{
	SITE;
	LW__OP_RELEASE(rw, NULL, LW__RWLOCK, &s, LW_REAL_FN(pthread_rwlock_unlock)(rw));
}

int lw_pthread_spin_init(pthread_spinlock_t *sp, int pshared, AT)
{
	SITE;
	LW__OP_INIT(sp, NULL, LW__SPIN, &s, LW_REAL_FN(pthread_spin_init)(sp, pshared));
}

int lw_pthread_spin_destroy(pthread_spinlock_t *sp, AT)
{
	SITE;
	LW__OP_DESTROY(sp, NULL, LW__SPIN, &s, LW_REAL_FN(pthread_spin_destroy)(sp));
}

int lw_pthread_spin_lock(pthread_spinlock_t *sp, AT)
{
	SITE;
	LW__OP_ACQUIRE(sp, NULL, LW__SPIN, LW__WRITE, &s, LW_REAL_FN(pthread_spin_lock)(sp));
}

int lw_pthread_spin_trylock(pthread_spinlock_t *sp, AT)
{
	SITE;
	LW__OP_TRY(sp, NULL, LW__SPIN, LW__WRITE, &s, LW_REAL_FN(pthread_spin_trylock)(sp));
}

int lw_pthread_spin_unlock(pthread_spinlock_t *sp, AT)
{
	SITE;
	LW__OP_RELEASE(sp, NULL, LW__SPIN, &s, LW_REAL_FN(pthread_spin_unlock)(sp));
}

int lw_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m, AT)
{
	SITE;
	LW__OP_COND_WAIT(m, NULL, &s, LW_REAL_FN(pthread_cond_wait)(c, m));
}

int lw_pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t,
			      AT)
{
	SITE;
	LW__OP_COND_WAIT(m, NULL, &s, LW_REAL_FN(pthread_cond_timedwait)(c, m, t));
}

/* Semaphores: see preload.c; a unit taken is held until posted. */
int lw_sem_init(sem_t *sem, int pshared, unsigned value, AT)
{
	SITE;
	LW__OP_INIT(sem, NULL, LW__SEM, &s, LW_REAL_FN(sem_init)(sem, pshared, value));
}

int lw_sem_destroy(sem_t *sem, AT)
{
	SITE;
	LW__OP_DESTROY(sem, NULL, LW__SEM, &s, LW_REAL_FN(sem_destroy)(sem));
}

int lw_sem_wait(sem_t *sem, AT)
{
	SITE;
	LW__OP_ACQUIRE(sem, NULL, LW__SEM, LW__WRITE, &s, LW__SEM_RETRY(LW_REAL_FN(sem_wait)(sem)));
}

int lw_sem_timedwait(sem_t *sem, const struct timespec *t, AT)
{
	SITE;
	LW__OP_ACQUIRE(sem, NULL, LW__SEM, LW__WRITE, &s,
		       LW__SEM_RETRY(LW_REAL_FN(sem_timedwait)(sem, t)));
}

int lw_sem_trywait(sem_t *sem, AT)
{
	SITE;
	LW__OP_TRY(sem, NULL, LW__SEM, LW__WRITE, &s, LW_REAL_FN(sem_trywait)(sem));
}

int lw_sem_post(sem_t *sem, AT)
{
	SITE;
	LW__OP_RELEASE(sem, NULL, LW__SEM, &s, LW_REAL_FN(sem_post)(sem));
}
