/* lock_object.h - what glibc's own object of a lock says: its type, who
 * may unlock it, whether it is free, whether another process shares it.
 * Read from the program's lock (the caller is in a call on it, or the
 * lock is live); slow paths only. Included by lock.h. */
#ifndef LW_LOCK_OBJECT_H
#define LW_LOCK_OBJECT_H

#include <pthread.h>

/* The type of a mutex (PTHREAD_MUTEX_NORMAL, _RECURSIVE, _ERRORCHECK), read
 * from glibc's object; -1 for other kinds of lock. */
static inline int lw__lock_mutex_type(const struct lw__lock *l)
{
	if (l->kind != LW__MUTEX)
		return -1;
	return ((const pthread_mutex_t *)l->addr)->__data.__kind & 3;
}

/* Does any thread's unlock free l, its holder or not? A spinlock, and a
 * mutex of the default or adaptive type that is neither robust,
 * priority-inheriting nor priority-protecting: glibc checks no owner
 * there (another thread's unlock is undefined by POSIX, and reported, but
 * it works). Others fail it with EPERM, or treat it as a reader's. */
static inline int lw__lock_unlocked_by_any(const struct lw__lock *l)
{
	if (l->kind == LW__MUTEX) {
		int k = ((const pthread_mutex_t *)l->addr)->__data.__kind & 0x7f;
		return k == PTHREAD_MUTEX_TIMED_NP || k == PTHREAD_MUTEX_ADAPTIVE_NP;
	}
	return l->kind == LW__SPIN || l->kind == LW__OMP;
}

/* Is l's hold a task's, not a thread's? OpenMP's locks belong to tasks,
 * and an untied task resumes on any thread of its team: an unlock on
 * another thread than the taker's is a hand-over, not a bad unlock, and
 * ends whatever hold lockwatch records (check/held.c). */
static inline int lw__lock_task_held(const struct lw__lock *l)
{
	return l->kind == LW__OMP;
}

/* Does glibc's unlock of l fail (EPERM) in a thread that is not its
 * owner? An error-checking or recursive mutex, and a robust or priority-
 * inheriting one. The complement of the above but for a priority-
 * protecting mutex of the default type (neither: glibc takes any
 * thread's unlock but resets the caller's priority), and for other
 * kinds. A forked child's thread is such a thread for what the forking
 * one held (glibc names the parent's thread id). */
static inline int lw__lock_owner_checked(const struct lw__lock *l)
{
	if (l->kind != LW__MUTEX)
		return 0;
	int k = ((const pthread_mutex_t *)l->addr)->__data.__kind;
	return (k & 3) == PTHREAD_MUTEX_ERRORCHECK_NP || (k & 3) == PTHREAD_MUTEX_RECURSIVE_NP ||
	       (k & (16 | 32));
}

/* Does glibc's object of a lock of this kind, at obj, say nobody holds it
 * for writing: a mutex whose word is free, an rwlock with no writer? Then
 * a write hold lockwatch still records was let go where it could not see
 * (an unlock through a function pointer, in code built without the
 * header). 0 when it is held, or the object cannot say (a
 * priority-protecting mutex, whose word holds its ceiling too; a
 * spinlock, whose free value is the architecture's: x86's is 1). A forked
 * child's copy of a lock its parent's thread held still reads held. */
static inline int lw__object_free(int kind, const void *obj)
{
	if (kind == LW__MUTEX) {
		const pthread_mutex_t *m = (const pthread_mutex_t *)obj;
		unsigned word = (unsigned)m->__data.__lock, k = (unsigned)m->__data.__kind;
		if (k & 64)
			return 0;
		if (k & (16 | 32))
			word &= 0x3fffffffu; /* robust, PI: the owner's tid and two flags */
		return word == 0;
	}
	if (kind == LW__RWLOCK)
		return ((const pthread_rwlock_t *)obj)->__data.__cur_writer == 0;
	return 0;
}

/* The same for l's own object (the caller is in a call on it). */
static inline int lw__lock_free_now(const struct lw__lock *l)
{
	return lw__object_free(l->kind, l->addr);
}

/* Does rwlock l prefer writers (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP,
 * read from glibc's object)? Then a new reader waits behind a queued
 * writer: reads can deadlock, unlike on glibc's default rwlock. */
static inline int lw__lock_prefers_writers(const struct lw__lock *l)
{
	return l->kind == LW__RWLOCK &&
	       ((const pthread_rwlock_t *)l->addr)->__data.__flags ==
		       PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP;
}

/* Was l made by pthread_mutex_init with a process-private attribute, and
 * is it robust (lw__lock_note_private)? Slow paths only. */
static inline int lw__lock_made_private(const struct lw__lock *l)
{
	const struct lw__lock_cold *c = lw__load_acq(&l->cold);
	return c && lw__load(&c->made_private);
}

/* Is l process-shared (PTHREAD_PROCESS_SHARED, read from glibc's object:
 * the mutex kind's pshared bit, the rwlock's __shared)? Another process may
 * then unlock it: it is never an orphan, a fork's child does not hold
 * what the parent holds, and a wait on it is never certain to be stuck.
 * glibc sets the mutex's bit (128) in every robust one (16), private or
 * not: a robust mutex is private only when lockwatch saw it made so (its
 * init's attribute), else it is judged shared (no false deadlock). A
 * spinlock does not say; a semaphore is never held for good anyway. */
static inline int lw__mutex_kind_shared(const struct lw__lock *l, int k)
{
	return (k & 128) && (!(k & 16) || !lw__lock_made_private(l));
}

static inline int lw__lock_pshared(const struct lw__lock *l)
{
	if (l->kind == LW__MUTEX)
		return lw__mutex_kind_shared(l, ((const pthread_mutex_t *)l->addr)->__data.__kind);
	if (l->kind == LW__RWLOCK)
		return ((const pthread_rwlock_t *)l->addr)->__data.__shared != 0;
	return 0;
}

#endif
