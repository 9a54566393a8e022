/* header_abi.c - lockwatch.h's own storage for pthread_rwlock_t and
 * pthread_spinlock_t, which lw_rwlock_t and lw_spinlock_t hold where the
 * program's feature-test macros hide the pthread types (-std=c99 without
 * _POSIX_C_SOURCE, ...), is the same object: size, alignment and the
 * offset of lw__rec are checked at compile time (built with _GNU_SOURCE,
 * where both are visible), its static initialiser at run time, and the
 * layout seen by a strict -std=c11 unit (header_abi_strict.c) against this one. */
#include <lockwatch.h>

#include <stdio.h>
#include <string.h>

#define SAME_LAYOUT(a, b)                                                         \
	_Static_assert(sizeof(a) == sizeof(b), "size of " #a " and " #b);          \
	_Static_assert(_Alignof(a) == _Alignof(b), "alignment of " #a " and " #b)

SAME_LAYOUT(lw__rwlock_storage_t, pthread_rwlock_t);
SAME_LAYOUT(lw__spinlock_storage_t, pthread_spinlock_t);
SAME_LAYOUT(lw__rwlock_type, pthread_rwlock_t);
SAME_LAYOUT(lw__spinlock_type, pthread_spinlock_t);

/* lw_rwlock_t and lw_spinlock_t as they would be with the storage types */
struct rwlock_with_storage {
	lw__rwlock_storage_t rw;
	struct lw__lock *lw__rec;
};
struct spinlock_with_storage {
	lw__spinlock_storage_t s;
	struct lw__lock *lw__rec;
};
SAME_LAYOUT(struct rwlock_with_storage, lw_rwlock_t);
SAME_LAYOUT(struct spinlock_with_storage, lw_spinlock_t);
_Static_assert(offsetof(struct rwlock_with_storage, lw__rec) == offsetof(lw_rwlock_t, lw__rec),
	       "lw_rwlock_t.lw__rec");
_Static_assert(offsetof(struct spinlock_with_storage, lw__rec) == offsetof(lw_spinlock_t, lw__rec),
	       "lw_spinlock_t.lw__rec");
/* the frozen sizes on x86-64 (glibc: 56-byte rwlock, int spinlock) */
#if defined(__x86_64__) && !defined(__ILP32__)
_Static_assert(sizeof(lw_rwlock_t) == 64, "lw_rwlock_t is 64 bytes");
_Static_assert(sizeof(lw_spinlock_t) == 16, "lw_spinlock_t is 16 bytes");
_Static_assert(sizeof(lw_mutex_t) == 48, "lw_mutex_t is 48 bytes");
#endif
/* the _NP mutex kinds lockwatch.h uses are the POSIX ones */
_Static_assert((int)LW_MUTEX_NORMAL == (int)PTHREAD_MUTEX_NORMAL, "normal");
_Static_assert((int)LW_MUTEX_RECURSIVE == (int)PTHREAD_MUTEX_RECURSIVE, "recursive");
_Static_assert((int)LW_MUTEX_ERRORCHECK == (int)PTHREAD_MUTEX_ERRORCHECK, "errorcheck");

/* header_abi_strict.c: the same types seen from a strict -std=c11 unit without
 * feature-test macros (the storage types) */
extern const size_t lwt_strict_layout[8];
extern int lwt_strict_uses_storage;

int main(void)
{
	/* the storage initialiser is glibc's PTHREAD_RWLOCK_INITIALIZER */
	lw__rwlock_storage_t s = LW__RWLOCK_STORAGE_INITIALIZER;
	pthread_rwlock_t r = PTHREAD_RWLOCK_INITIALIZER;
	pthread_mutex_t rec = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
	pthread_mutex_t rec2 = { { __PTHREAD_MUTEX_INITIALIZER(PTHREAD_MUTEX_RECURSIVE_NP) } };
	pthread_mutex_t chk = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
	pthread_mutex_t chk2 = { { __PTHREAD_MUTEX_INITIALIZER(PTHREAD_MUTEX_ERRORCHECK_NP) } };
	if (memcmp(&s, &r, sizeof(r)) != 0 || memcmp(&rec, &rec2, sizeof(rec)) != 0 ||
	    memcmp(&chk, &chk2, sizeof(chk)) != 0) {
		fprintf(stderr, "FAIL: an initialiser differs from glibc's\n");
		return 1;
	}
	const size_t here[8] = { sizeof(lw_rwlock_t), _Alignof(lw_rwlock_t),
				 offsetof(lw_rwlock_t, lw__rec), sizeof(lw_spinlock_t),
				 _Alignof(lw_spinlock_t), offsetof(lw_spinlock_t, lw__rec),
				 sizeof(lw_mutex_t), _Alignof(lw_mutex_t) };
	if (!lwt_strict_uses_storage) {
		fprintf(stderr, "FAIL: the -std=c11 unit saw pthread_rwlock_t\n");
		return 1;
	}
	for (int i = 0; i < 8; i++)
		if (here[i] != lwt_strict_layout[i]) {
			fprintf(stderr, "FAIL: layout value %d: %zu with _GNU_SOURCE, %zu in -std=c11\n",
				i, here[i], lwt_strict_layout[i]);
			return 1;
		}
	printf("header_abi: lw_rwlock_t %zu, lw_spinlock_t %zu, lw_mutex_t %zu bytes\n",
	       sizeof(lw_rwlock_t), sizeof(lw_spinlock_t), sizeof(lw_mutex_t));
	return 0;
}
