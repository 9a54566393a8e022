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
/* An assembler source compiled with the same flags (a .S file) has no C
 * calls to route: nothing here. */
#ifndef __ASSEMBLER__

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
 * at the next system header (it starts by undefining them all), and reads
 * <sys/cdefs.h> again, whose fortify helpers follow _FORTIFY_SOURCE: a
 * program's own `#define _FORTIFY_SOURCE 2` then fortifies every call
 * with the helpers it needs (before, the calls were fortified but the
 * helpers missing: false warnings, undefined references). */
#undef _FEATURES_H
#undef _SYS_CDEFS_H
#endif

#ifndef LOCKWATCH_NO_INTERCEPT

/* A static record of the call site, made once per call in the source. */
#define LW__SITE                                                           \
	(__extension__({                                                   \
		static const lw_site_t lw__site_ = { __FILE__, __func__, __LINE__ }; \
		&lw__site_;                                                \
	}))

/* Each call's arguments go through whole (__VA_ARGS__): an argument with
 * a comma of its own, a compound literal (`&(struct timespec){ 0, 0 }`),
 * is one argument of the call, not two of the macro. */
#define pthread_mutex_init(...) lw_pthread_mutex_init_at(__VA_ARGS__, LW__SITE)
#define pthread_mutex_destroy(...) lw_pthread_mutex_destroy_at(__VA_ARGS__, LW__SITE)
#define pthread_mutex_lock(...) lw_pthread_mutex_lock_at(__VA_ARGS__, LW__SITE)
#define pthread_mutex_trylock(...) lw_pthread_mutex_trylock_at(__VA_ARGS__, LW__SITE)
#define pthread_mutex_timedlock(...) lw_pthread_mutex_timedlock_at(__VA_ARGS__, LW__SITE)
#define pthread_mutex_clocklock(...) lw_pthread_mutex_clocklock_at(__VA_ARGS__, LW__SITE)
#define pthread_mutex_unlock(...) lw_pthread_mutex_unlock_at(__VA_ARGS__, LW__SITE)

#define pthread_rwlock_init(...) lw_pthread_rwlock_init_at(__VA_ARGS__, LW__SITE)
#define pthread_rwlock_destroy(...) lw_pthread_rwlock_destroy_at(__VA_ARGS__, LW__SITE)
#define pthread_rwlock_rdlock(...) lw_pthread_rwlock_rdlock_at(__VA_ARGS__, LW__SITE)
#define pthread_rwlock_tryrdlock(...) lw_pthread_rwlock_tryrdlock_at(__VA_ARGS__, LW__SITE)
#define pthread_rwlock_timedrdlock(...) lw_pthread_rwlock_timedrdlock_at(__VA_ARGS__, LW__SITE)
#define pthread_rwlock_clockrdlock(...) lw_pthread_rwlock_clockrdlock_at(__VA_ARGS__, LW__SITE)
#define pthread_rwlock_wrlock(...) lw_pthread_rwlock_wrlock_at(__VA_ARGS__, LW__SITE)
#define pthread_rwlock_trywrlock(...) lw_pthread_rwlock_trywrlock_at(__VA_ARGS__, LW__SITE)
#define pthread_rwlock_timedwrlock(...) lw_pthread_rwlock_timedwrlock_at(__VA_ARGS__, LW__SITE)
#define pthread_rwlock_clockwrlock(...) lw_pthread_rwlock_clockwrlock_at(__VA_ARGS__, LW__SITE)
#define pthread_rwlock_unlock(...) lw_pthread_rwlock_unlock_at(__VA_ARGS__, LW__SITE)

#define pthread_spin_init(...) lw_pthread_spin_init_at(__VA_ARGS__, LW__SITE)
#define pthread_spin_destroy(...) lw_pthread_spin_destroy_at(__VA_ARGS__, LW__SITE)
#define pthread_spin_lock(...) lw_pthread_spin_lock_at(__VA_ARGS__, LW__SITE)
#define pthread_spin_trylock(...) lw_pthread_spin_trylock_at(__VA_ARGS__, LW__SITE)
#define pthread_spin_unlock(...) lw_pthread_spin_unlock_at(__VA_ARGS__, LW__SITE)

#define sem_init(...) lw_sem_init_at(__VA_ARGS__, LW__SITE)
#define sem_destroy(...) lw_sem_destroy_at(__VA_ARGS__, LW__SITE)
#define sem_wait(...) lw_sem_wait_at(__VA_ARGS__, LW__SITE)
#define sem_timedwait(...) lw_sem_timedwait_at(__VA_ARGS__, LW__SITE)
#define sem_clockwait(...) lw_sem_clockwait_at(__VA_ARGS__, LW__SITE)
#define sem_trywait(...) lw_sem_trywait_at(__VA_ARGS__, LW__SITE)
#define sem_post(...) lw_sem_post_at(__VA_ARGS__, LW__SITE)

#define dlclose(...) lw_dlclose_at(__VA_ARGS__, LW__SITE)
/* unshare and setns, which may need lockwatch's threads to end first
 * (lw_unshare); in C only: C++ classes have methods of that name
 * (folly's IOBuf::unshare), which a macro would rename. */
#ifndef __cplusplus
#define unshare(...) lw_unshare(__VA_ARGS__)
#define setns(...) lw_setns(__VA_ARGS__)
#endif
/* _exit runs no exit handler: routed, so an error still sets the status
 * (option exitcode). <unistd.h>'s own prototype, read after, names
 * lw_exit with the same type; the name itself is declared here, as glibc
 * does, so that `die = _exit` and `&_exit` (no call: no macro) still name
 * it. So is _Exit in C (C++ read <cstdlib> above). */
#ifndef _UNISTD_H
#ifdef __cplusplus
extern "C" void _exit(int) __attribute__((__noreturn__));
#else
extern void _exit(int) __attribute__((__noreturn__));
#endif
#endif
#if !defined(__cplusplus) && !defined(_STDLIB_H)
extern void _Exit(int) __attribute__((__noreturn__));
#endif
#define _exit(status) lw_exit(status)
/* _Exit too, and quick_exit where the name is the standard's (C11 on,
 * C++11 on; in C++ std::_Exit and std::quick_exit as well, above). */
#define _Exit(status) lw_exit(status)
#if (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L) ||                         \
	(defined(__cplusplus) && __cplusplus >= 201103L)
#define quick_exit(status) lw_quick_exit(status)
#endif

#define pthread_cond_wait(...) lw_pthread_cond_wait_at(__VA_ARGS__, LW__SITE)
#define pthread_cond_timedwait(...) lw_pthread_cond_timedwait_at(__VA_ARGS__, LW__SITE)
#define pthread_cond_clockwait(...) lw_pthread_cond_clockwait_at(__VA_ARGS__, LW__SITE)
#define pthread_join(...) lw_pthread_join_at(__VA_ARGS__, LW__SITE)

#ifdef TSS_DTOR_ITERATIONS /* <threads.h> was read */
#define mtx_init(...) lw_mtx_init_at(__VA_ARGS__, LW__SITE)
#define mtx_destroy(...) lw_mtx_destroy_at(__VA_ARGS__, LW__SITE)
#define mtx_lock(...) lw_mtx_lock_at(__VA_ARGS__, LW__SITE)
#define mtx_trylock(...) lw_mtx_trylock_at(__VA_ARGS__, LW__SITE)
#define mtx_timedlock(...) lw_mtx_timedlock_at(__VA_ARGS__, LW__SITE)
#define mtx_unlock(...) lw_mtx_unlock_at(__VA_ARGS__, LW__SITE)
#define cnd_wait(...) lw_cnd_wait_at(__VA_ARGS__, LW__SITE)
#define cnd_timedwait(...) lw_cnd_timedwait_at(__VA_ARGS__, LW__SITE)
#define thrd_join(...) lw_thrd_join_at(__VA_ARGS__, LW__SITE)
#endif

#endif /* LOCKWATCH_NO_INTERCEPT */
#endif /* __ASSEMBLER__ */
#endif /* LOCKWATCH_PTHREAD_H */
