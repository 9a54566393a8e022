/* lockwatch/pthread.h - route a program's own pthread lock calls through
 * lockwatch, with the call site.
 *
 * Compile an unchanged program with `-include lockwatch/pthread.h` and link
 * it with `-llockwatch`: every pthread_mutex_*, pthread_rwlock_*,
 * pthread_spin_*, pthread_cond_(timed|clock)wait and sem_* call written in its source
 * (and, in C11 and later, mtx_* and cnd_(timed)wait of <threads.h>)
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
 * Feature-test macros. This header is read before the program's first
 * line, and its macros have to be defined after <pthread.h> and
 * <semaphore.h> were read (glibc's own prototypes must not be rewritten by
 * them), so it reads those two headers (and <lockwatch.h>) now, with
 * everything glibc has (_GNU_SOURCE). It then puts every feature-test
 * macro back as it found it (#pragma push_macro/pop_macro: undefined stays
 * undefined, a -D value keeps its value) and lets <features.h> run again,
 * so the program's own `#define _GNU_SOURCE`, `#define _POSIX_C_SOURCE
 * 200809L` or `#define _XOPEN_SOURCE 700` on its first line takes effect
 * for every header it includes, as without lockwatch, under -std=c99, c11,
 * c17, gnu* and C++. The one difference: what <pthread.h>, <semaphore.h>
 * and the headers they include (<sched.h>, <time.h>, <sys/types.h>)
 * declare is the _GNU_SOURCE set, a superset of what the program asked for;
 * and in C++ <cstdlib> is read too (see _Exit below).
 * When a glibc header was already read (the header included explicitly
 * after the program's own #includes), it includes them as they are.
 */
#ifndef LOCKWATCH_PTHREAD_H
#define LOCKWATCH_PTHREAD_H

#if !defined(_FEATURES_H) && !defined(__ASSEMBLER__)
#define LW__FEATURES_RESET 1
#pragma push_macro("_GNU_SOURCE")
#pragma push_macro("_DEFAULT_SOURCE")
#pragma push_macro("_ISOC95_SOURCE")
#pragma push_macro("_ISOC99_SOURCE")
#pragma push_macro("_ISOC11_SOURCE")
#pragma push_macro("_ISOC2X_SOURCE")
#pragma push_macro("_POSIX_SOURCE")
#pragma push_macro("_POSIX_C_SOURCE")
#pragma push_macro("_XOPEN_SOURCE")
#pragma push_macro("_XOPEN_SOURCE_EXTENDED")
#pragma push_macro("_LARGEFILE_SOURCE")
#pragma push_macro("_LARGEFILE64_SOURCE")
#pragma push_macro("_ATFILE_SOURCE")
#pragma push_macro("_DYNAMIC_STACK_SIZE_SOURCE")
#pragma push_macro("PTHREAD_STACK_MIN")
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#endif

#include <pthread.h>
#include <semaphore.h>
#include <dlfcn.h> /* dlclose is routed: a library's static locks go with it */
/* C11 threads: a C program of C11 or later may include <threads.h>, whose
 * mtx_* and cnd_* glibc implements without the pthread calls; reading it
 * now lets the macros below route them. Define LOCKWATCH_NO_THREADS_H to
 * leave it out (a program with its own mtx_t, as C11 allows one that does
 * not include <threads.h>). */
#if !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L &&   \
	!defined(__STDC_NO_THREADS__) && !defined(LOCKWATCH_NO_THREADS_H) &&               \
	defined(__has_include)
#if __has_include(<threads.h>)
#include <threads.h>
#endif
#endif
#include <lockwatch.h>
/* In C++, _Exit and quick_exit are std:: names too, and <cstdlib>
 * undefines macros of those names: it is read now, before they are
 * defined below, and lw_exit and lw_quick_exit are made std:: names as
 * well, so std::_Exit(s) and std::quick_exit(s) are routed too. */
#ifdef __cplusplus
#include <cstdlib>
namespace std {
using ::lw_exit;
using ::lw_quick_exit;
}
#endif

#ifdef LW__FEATURES_RESET
#undef LW__FEATURES_RESET
#pragma pop_macro("_GNU_SOURCE")
#pragma pop_macro("_DEFAULT_SOURCE")
#pragma pop_macro("_ISOC95_SOURCE")
#pragma pop_macro("_ISOC99_SOURCE")
#pragma pop_macro("_ISOC11_SOURCE")
#pragma pop_macro("_ISOC2X_SOURCE")
#pragma pop_macro("_POSIX_SOURCE")
#pragma pop_macro("_POSIX_C_SOURCE")
#pragma pop_macro("_XOPEN_SOURCE")
#pragma pop_macro("_XOPEN_SOURCE_EXTENDED")
#pragma pop_macro("_LARGEFILE_SOURCE")
#pragma pop_macro("_LARGEFILE64_SOURCE")
#pragma pop_macro("_ATFILE_SOURCE")
#pragma pop_macro("_DYNAMIC_STACK_SIZE_SOURCE")
/* PTHREAD_STACK_MIN is a sysconf() call under _GNU_SOURCE and a constant
 * otherwise: <limits.h> defines it again for the program's own mode. */
#pragma pop_macro("PTHREAD_STACK_MIN")
/* <features.h> derives its __USE_ flags again, from the program's macros,
 * at the next system header (it starts by undefining them all). */
#undef _FEATURES_H
#endif

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
#define pthread_mutex_clocklock(m, c, t)                                   \
	lw_pthread_mutex_clocklock_at((m), (c), (t), LW__SITE)
#define pthread_mutex_unlock(m) lw_pthread_mutex_unlock_at((m), LW__SITE)

#define pthread_rwlock_init(r, a) lw_pthread_rwlock_init_at((r), (a), LW__SITE)
#define pthread_rwlock_destroy(r) lw_pthread_rwlock_destroy_at((r), LW__SITE)
#define pthread_rwlock_rdlock(r) lw_pthread_rwlock_rdlock_at((r), LW__SITE)
#define pthread_rwlock_tryrdlock(r) lw_pthread_rwlock_tryrdlock_at((r), LW__SITE)
#define pthread_rwlock_timedrdlock(r, t)                                   \
	lw_pthread_rwlock_timedrdlock_at((r), (t), LW__SITE)
#define pthread_rwlock_clockrdlock(r, c, t)                                \
	lw_pthread_rwlock_clockrdlock_at((r), (c), (t), LW__SITE)
#define pthread_rwlock_wrlock(r) lw_pthread_rwlock_wrlock_at((r), LW__SITE)
#define pthread_rwlock_trywrlock(r) lw_pthread_rwlock_trywrlock_at((r), LW__SITE)
#define pthread_rwlock_timedwrlock(r, t)                                   \
	lw_pthread_rwlock_timedwrlock_at((r), (t), LW__SITE)
#define pthread_rwlock_clockwrlock(r, c, t)                                \
	lw_pthread_rwlock_clockwrlock_at((r), (c), (t), LW__SITE)
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
#define sem_clockwait(s, c, t) lw_sem_clockwait_at((s), (c), (t), LW__SITE)
#define sem_trywait(s) lw_sem_trywait_at((s), LW__SITE)
#define sem_post(s) lw_sem_post_at((s), LW__SITE)

#define dlclose(h) lw_dlclose_at((h), LW__SITE)
/* _exit runs no exit handler: routed, so an error still sets the status
 * (option exitcode). <unistd.h>'s own prototype, read after, names
 * lw_exit with the same type. */
#define _exit(status) lw_exit(status)
/* _Exit too, and quick_exit where the name is the standard's (C11 on,
 * C++11 on; in C++ std::_Exit and std::quick_exit as well, above). */
#define _Exit(status) lw_exit(status)
#if (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L) ||                         \
	(defined(__cplusplus) && __cplusplus >= 201103L)
#define quick_exit(status) lw_quick_exit(status)
#endif

#define pthread_cond_wait(c, m) lw_pthread_cond_wait_at((c), (m), LW__SITE)
#define pthread_cond_timedwait(c, m, t)                                    \
	lw_pthread_cond_timedwait_at((c), (m), (t), LW__SITE)
#define pthread_cond_clockwait(c, m, k, t)                                 \
	lw_pthread_cond_clockwait_at((c), (m), (k), (t), LW__SITE)
#define pthread_join(th, r) lw_pthread_join_at((th), (r), LW__SITE)

#ifdef TSS_DTOR_ITERATIONS /* <threads.h> was read */
#define mtx_init(m, k) lw_mtx_init_at((m), (k), LW__SITE)
#define mtx_destroy(m) lw_mtx_destroy_at((m), LW__SITE)
#define mtx_lock(m) lw_mtx_lock_at((m), LW__SITE)
#define mtx_trylock(m) lw_mtx_trylock_at((m), LW__SITE)
#define mtx_timedlock(m, t) lw_mtx_timedlock_at((m), (t), LW__SITE)
#define mtx_unlock(m) lw_mtx_unlock_at((m), LW__SITE)
#define cnd_wait(c, m) lw_cnd_wait_at((c), (m), LW__SITE)
#define cnd_timedwait(c, m, t) lw_cnd_timedwait_at((c), (m), (t), LW__SITE)
#endif

#endif /* LOCKWATCH_NO_INTERCEPT */
#endif /* LOCKWATCH_PTHREAD_H */
