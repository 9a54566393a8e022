/* lockwatch/pthread.h - route a program's own pthread lock calls through
 * lockwatch, with the call site.
 *
 * Compile an unchanged program with `-include lockwatch/pthread.h` and link
 * it with `-llockwatch`: every pthread_mutex_*, pthread_rwlock_*,
 * pthread_spin_*, pthread_cond_(timed)wait and sem_* call written in its source
 * then goes through lockwatch, which learns the file, line and function of
 * the call. The types stay the pthread types, so the program still links
 * with libraries that take a pthread_mutex_t *; those locks are tracked by
 * address. Taking a function's address (&pthread_mutex_lock) is unaffected
 * and bypasses lockwatch. Define LOCKWATCH_NO_INTERCEPT to turn it off.
 *
 * Each call passes a pointer to a static record of its file, line and
 * function (a GNU statement expression, as gcc and clang accept): one
 * argument register instead of three. Since 0.2.0; a program compiled with
 * an older header must be rebuilt (its entry points no longer exist, so it
 * fails to link rather than misbehave).
 *
 * This header has to include <pthread.h> before it defines its macros
 * (glibc's own prototypes must not be rewritten), so a program that defines
 * _GNU_SOURCE or another feature macro at the top of its source must also
 * pass it on the command line (-D_GNU_SOURCE) with -include.
 */
#ifndef LOCKWATCH_PTHREAD_H
#define LOCKWATCH_PTHREAD_H

#include <pthread.h>
#include <semaphore.h>
#include <lockwatch.h>

#ifndef LOCKWATCH_NO_INTERCEPT

/* A static record of the call site, made once per call in the source. */
#define LW__SITE                                                           \
	(__extension__({                                                   \
		static const lw_site_t lw__site_ = { __FILE__, __func__, __LINE__ }; \
		&lw__site_;                                                \
	}))

#define pthread_mutex_init(m, a) lw_pthread_mutex_init_at((m), (a), LW__SITE)
#define pthread_mutex_destroy(m) lw_pthread_mutex_destroy_at((m), LW__SITE)
#define pthread_mutex_lock(m) lw_pthread_mutex_lock_at((m), LW__SITE)
#define pthread_mutex_trylock(m) lw_pthread_mutex_trylock_at((m), LW__SITE)
#define pthread_mutex_timedlock(m, t)                                      \
	lw_pthread_mutex_timedlock_at((m), (t), LW__SITE)
#define pthread_mutex_unlock(m) lw_pthread_mutex_unlock_at((m), LW__SITE)

#define pthread_rwlock_init(r, a) lw_pthread_rwlock_init_at((r), (a), LW__SITE)
#define pthread_rwlock_destroy(r) lw_pthread_rwlock_destroy_at((r), LW__SITE)
#define pthread_rwlock_rdlock(r) lw_pthread_rwlock_rdlock_at((r), LW__SITE)
#define pthread_rwlock_tryrdlock(r) lw_pthread_rwlock_tryrdlock_at((r), LW__SITE)
#define pthread_rwlock_timedrdlock(r, t)                                   \
	lw_pthread_rwlock_timedrdlock_at((r), (t), LW__SITE)
#define pthread_rwlock_wrlock(r) lw_pthread_rwlock_wrlock_at((r), LW__SITE)
#define pthread_rwlock_trywrlock(r) lw_pthread_rwlock_trywrlock_at((r), LW__SITE)
#define pthread_rwlock_timedwrlock(r, t)                                   \
	lw_pthread_rwlock_timedwrlock_at((r), (t), LW__SITE)
#define pthread_rwlock_unlock(r) lw_pthread_rwlock_unlock_at((r), LW__SITE)

#define pthread_spin_init(s, p) lw_pthread_spin_init_at((s), (p), LW__SITE)
#define pthread_spin_destroy(s) lw_pthread_spin_destroy_at((s), LW__SITE)
#define pthread_spin_lock(s) lw_pthread_spin_lock_at((s), LW__SITE)
#define pthread_spin_trylock(s) lw_pthread_spin_trylock_at((s), LW__SITE)
#define pthread_spin_unlock(s) lw_pthread_spin_unlock_at((s), LW__SITE)

#define sem_init(s, p, v) lw_sem_init_at((s), (p), (v), LW__SITE)
#define sem_destroy(s) lw_sem_destroy_at((s), LW__SITE)
#define sem_wait(s) lw_sem_wait_at((s), LW__SITE)
#define sem_timedwait(s, t) lw_sem_timedwait_at((s), (t), LW__SITE)
#define sem_trywait(s) lw_sem_trywait_at((s), LW__SITE)
#define sem_post(s) lw_sem_post_at((s), LW__SITE)

#define pthread_cond_wait(c, m) lw_pthread_cond_wait_at((c), (m), LW__SITE)
#define pthread_cond_timedwait(c, m, t)                                    \
	lw_pthread_cond_timedwait_at((c), (m), (t), LW__SITE)

#endif /* LOCKWATCH_NO_INTERCEPT */
#endif /* LOCKWATCH_PTHREAD_H */
