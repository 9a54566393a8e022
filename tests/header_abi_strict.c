/* header_abi_strict.c - half of header_abi: lockwatch.h in a -std=c11 unit (strict ISO C)
 * without feature-test macros, where <pthread.h> has no pthread_rwlock_t
 * nor pthread_spinlock_t and the wrapper types hold lockwatch's storage.
 * It exports the layout it sees, and uses the wrapper calls once. */
#include <lockwatch.h>

#ifdef __GLIBC__
#if defined(LW__HAVE_RWLOCK) || defined(LW__HAVE_SPIN)
#error "this unit must be built in strict mode without feature-test macros"
#endif
int lwt_strict_uses_storage = 1;
#else
int lwt_strict_uses_storage = 0;
#endif

const size_t lwt_strict_layout[8] = {
	sizeof(lw_rwlock_t), _Alignof(lw_rwlock_t), offsetof(lw_rwlock_t, lw__rec),
	sizeof(lw_spinlock_t), _Alignof(lw_spinlock_t), offsetof(lw_spinlock_t, lw__rec),
	sizeof(lw_mutex_t), _Alignof(lw_mutex_t),
};
