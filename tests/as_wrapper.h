/* as_wrapper.h - force-included by the wrapper-API form of each scenario:
 * the scenario's pthread lock types and calls become lockwatch's wrapper
 * types (lw_mutex_t, lw_mutex_lock, ...), so one scenario source tests
 * both the wrapper API and the force-included header. */
#ifndef LW_AS_WRAPPER_H
#define LW_AS_WRAPPER_H

#include <pthread.h>
#include <lockwatch.h>
/* C++'s <mutex> (std::call_once) is read before the types are replaced:
 * its std::mutex is made of pthread_mutex_t */
#ifdef __cplusplus
#include <mutex>
#endif

#define pthread_mutex_t lw_mutex_t
#define pthread_rwlock_t lw_rwlock_t
#define pthread_spinlock_t lw_spinlock_t
/* (glibc's own initialiser bodies: a macro cannot name itself) */
#undef PTHREAD_MUTEX_INITIALIZER
#define PTHREAD_MUTEX_INITIALIZER { { { __PTHREAD_MUTEX_INITIALIZER(PTHREAD_MUTEX_TIMED_NP) } }, 0 }
#undef PTHREAD_RWLOCK_INITIALIZER
#define PTHREAD_RWLOCK_INITIALIZER { { { __PTHREAD_RWLOCK_INITIALIZER(PTHREAD_RWLOCK_DEFAULT_NP) } }, 0 }
#undef PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP
#define PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP { { { __PTHREAD_MUTEX_INITIALIZER(PTHREAD_MUTEX_RECURSIVE_NP) } }, 0 }
#undef PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP
#define PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP { { { __PTHREAD_MUTEX_INITIALIZER(PTHREAD_MUTEX_ERRORCHECK_NP) } }, 0 }

/* a wrapper-API program ends with lw_exit where it would call _exit or
 * _Exit, and with lw_quick_exit where it would call quick_exit (in C++,
 * std:: names too: <cstdlib>, which undefines macros of those names, is
 * read first) */
#ifdef __cplusplus
#include <cstdlib>
namespace std {
using ::lw_exit;
using ::lw_quick_exit;
}
#endif
#define _exit(status) lw_exit(status)
#define _Exit(status) lw_exit(status)
#define quick_exit(status) lw_quick_exit(status)
#define unshare lw_unshare
#define setns lw_setns
#define pthread_mutex_init lw_mutex_init
#define pthread_mutex_destroy lw_mutex_destroy
#define pthread_mutex_lock lw_mutex_lock
#define pthread_mutex_trylock lw_mutex_trylock
#define pthread_mutex_timedlock lw_mutex_timedlock
#define pthread_mutex_unlock lw_mutex_unlock
#define pthread_rwlock_init lw_rwlock_init
#define pthread_rwlock_destroy lw_rwlock_destroy
#define pthread_rwlock_rdlock lw_rwlock_rdlock
#define pthread_rwlock_tryrdlock lw_rwlock_tryrdlock
#define pthread_rwlock_timedrdlock lw_rwlock_timedrdlock
#define pthread_rwlock_wrlock lw_rwlock_wrlock
#define pthread_rwlock_trywrlock lw_rwlock_trywrlock
#define pthread_rwlock_timedwrlock lw_rwlock_timedwrlock
#define pthread_rwlock_unlock lw_rwlock_unlock
#define pthread_spin_init lw_spin_init
#define pthread_spin_destroy lw_spin_destroy
#define pthread_spin_lock lw_spin_lock
#define pthread_spin_trylock lw_spin_trylock
#define pthread_spin_unlock lw_spin_unlock
#define pthread_cond_wait lw_cond_wait
#define pthread_cond_timedwait lw_cond_timedwait
#define dlclose lw_dlclose
#define pthread_join lw_thread_join

#endif
