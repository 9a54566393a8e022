/* floor.c - the least a lock checker that keeps a held stack must do (or,
 * built with FLOOR_FREE, a checked free: below), as a preload library, for
 * tools/bench/floor.sh: what lockwatch's own cost per call is measured
 * against. Not lockwatch: no lookup, no chain, no check.
 *
 * FLOOR_LEVEL (a -D at build time) says how much it does around
 * pthread_mutex_lock and pthread_mutex_unlock:
 *   0  the call passed on (the cost of the interposition alone);
 *   1  a held entry pushed after the lock (lock, chain, when, flags: four
 *      stores, then the depth) and popped before the unlock (two stores);
 *   2  and "waiting for it" marked around the real lock call (two stores
 *      before, one after), as a deadlock watchdog needs;
 *   3  and the lock's owner stored after the lock and cleared before the
 *      unlock, in a word of the mutex's own cache line (the cheapest place
 *      there is for it);
 *   4  no held array at all: the owner and a link to the lock held below
 *      it in two unused words of the mutex (a held list threaded through
 *      the locks themselves), the thread keeping only a head and a depth:
 *      three stores after the lock, two before the unlock;
 *   5  one word per thread: the lock it took last, stored after the lock
 *      and cleared before its unlock (the least a hold record can be);
 *   6  nothing recorded, but the real lock call made and its result
 *      returned (a call, not level 0's jump): the least any checker that
 *      looks at the result pays, before any record;
 *   7  level 1's entry pushed before the real call, which is then jumped
 *      to (its result never seen: a failed lock would stay held, and
 *      nothing runs once it is taken; what recording costs apart from
 *      the call).
 * The thread's state is initial-exec TLS; the real calls are looked up
 * once, at load.
 *
 * FLOOR_FREE (1-3 at build time) makes a floor of free instead, for the
 * malloc_free row (the lock calls are then not interposed): what any
 * checker that must see each free pays, before it knows anything:
 *   1  the call passed on (a jump: the interposition alone);
 *   2  one load first, the 16-bit counter of the block's 4 KiB page in a
 *      zeroed table of 2^20 (lockwatch's first test, read but not used:
 *      no branch);
 *   3  the same with its branch (never taken: no lock anywhere). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>

#ifndef FLOOR_LEVEL
#define FLOOR_LEVEL 3
#endif
#ifndef FLOOR_FREE
#define FLOOR_FREE 0
#endif

#if FLOOR_FREE
#include <stdlib.h>

/* dlsym's own frees, before the real free is known: kept (a leak) */
static void floor_free_boot(void *p)
{
	(void)p;
}

static void (*floor_real_free)(void *) = floor_free_boot;
/* not static: the compiler must not know it stays zero */
__attribute__((visibility("hidden"))) uint16_t floor_pages[1u << 20];

__attribute__((constructor)) static void floor_init(void)
{
	void *f = dlsym(RTLD_NEXT, "free");
	if (f)
		floor_real_free = (void (*)(void *))f;
}

void free(void *p)
{
	if (FLOOR_FREE >= 2) {
		int maybe = floor_pages[(uint32_t)(uintptr_t)p >> 12] != 0;
		if (FLOOR_FREE == 2)
			__asm__ volatile("" ::"r"(maybe)); /* read, not used */
		else if (maybe) {
			__asm__ volatile("" ::: "memory"); /* a way of its own */
			floor_real_free(p);
			return;
		}
	}
	floor_real_free(p);
}
#else

struct floor_held {
	void *lock;
	uint64_t chain;
	uint64_t when;
	uint32_t flags;
};

struct floor_thread {
	uintptr_t waiting;
	uint64_t wait_when;
	unsigned n;
	struct floor_held held[64];
};

static __thread struct floor_thread floor_self __attribute__((tls_model("initial-exec"), unused));
static int (*floor_real_lock)(pthread_mutex_t *);
static int (*floor_real_unlock)(pthread_mutex_t *);

__attribute__((constructor)) static void floor_init(void)
{
	floor_real_lock = (int (*)(pthread_mutex_t *))dlsym(RTLD_NEXT, "pthread_mutex_lock");
	floor_real_unlock = (int (*)(pthread_mutex_t *))dlsym(RTLD_NEXT, "pthread_mutex_unlock");
}

/* The owner's word: the robust-list link glibc leaves unused in a
 * private, non-robust mutex (the benchmark's kind). */
static __attribute__((unused)) void **floor_owner(pthread_mutex_t *m)
{
	return (void **)&m->__data.__list.__next;
}

#if FLOOR_LEVEL == 6
int pthread_mutex_lock(pthread_mutex_t *m)
{
	int rc = floor_real_lock(m);
	__asm__ volatile("" ::: "memory"); /* a call and a return, not a jump */
	return rc;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	return floor_real_unlock(m);
}
#elif FLOOR_LEVEL == 5
static __thread void *floor_top __attribute__((tls_model("initial-exec")));

int pthread_mutex_lock(pthread_mutex_t *m)
{
	int rc = floor_real_lock(m);
	if (rc == 0)
		__atomic_store_n(&floor_top, (void *)m, __ATOMIC_RELAXED);
	return rc;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	if (floor_top == m)
		__atomic_store_n(&floor_top, (void *)0, __ATOMIC_RELAXED);
	return floor_real_unlock(m);
}
#elif FLOOR_LEVEL == 4
static __thread struct {
	void *head;
	unsigned n;
} floor_list __attribute__((tls_model("initial-exec")));

int pthread_mutex_lock(pthread_mutex_t *m)
{
	int rc = floor_real_lock(m);
	if (rc == 0) {
		__atomic_store_n((void **)&m->__data.__list.__prev, floor_list.head, __ATOMIC_RELAXED);
		__atomic_store_n(floor_owner(m), (void *)&floor_list, __ATOMIC_RELAXED);
		floor_list.head = m;
		__atomic_store_n(&floor_list.n, floor_list.n + 1, __ATOMIC_RELEASE);
	}
	return rc;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	if (floor_list.head == m) {
		__atomic_store_n(floor_owner(m), (void *)0, __ATOMIC_RELAXED);
		floor_list.head = m->__data.__list.__prev;
		__atomic_store_n(&floor_list.n, floor_list.n - 1, __ATOMIC_RELEASE);
	}
	return floor_real_unlock(m);
}
#else
/* levels 0-3 and 7: what each does */
#define FLOOR_HELD ((FLOOR_LEVEL >= 1 && FLOOR_LEVEL <= 3) || FLOOR_LEVEL == 7)
#define FLOOR_WAIT (FLOOR_LEVEL == 2 || FLOOR_LEVEL == 3)
#define FLOOR_OWNER (FLOOR_LEVEL == 3)

/* Push m's held entry: 1, or 0 when the stack is full. */
static __attribute__((unused)) int floor_push(struct floor_thread *t, pthread_mutex_t *m)
{
	unsigned n = t->n;
	if (n >= 64)
		return 0;
	struct floor_held *h = &t->held[n];
	h->chain = (uintptr_t)m | 1;
	h->lock = m;
	h->when = 7;
	h->flags = 1;
	__atomic_store_n(&t->n, n + 1, __ATOMIC_RELEASE);
	return 1;
}

#if FLOOR_LEVEL == 7
int pthread_mutex_lock(pthread_mutex_t *m)
{
	floor_push(&floor_self, m);
	return floor_real_lock(m); /* a jump: the result is never seen */
}
#else
int pthread_mutex_lock(pthread_mutex_t *m)
{
	struct floor_thread *t = &floor_self;
	(void)t;
#if FLOOR_WAIT
	__atomic_store_n(&t->wait_when, 7, __ATOMIC_RELAXED);
	__atomic_store_n(&t->waiting, (uintptr_t)m, __ATOMIC_RELAXED);
#endif
	int rc = floor_real_lock(m);
#if FLOOR_WAIT
	__atomic_store_n(&t->waiting, 0, __ATOMIC_RELAXED);
#endif
#if FLOOR_HELD
	if (rc == 0 && floor_push(t, m) && FLOOR_OWNER)
		__atomic_store_n(floor_owner(m), (void *)t, __ATOMIC_RELAXED);
#endif
	return rc;
}
#endif

int pthread_mutex_unlock(pthread_mutex_t *m)
{
#if FLOOR_HELD
	struct floor_thread *t = &floor_self;
	unsigned n = t->n;
	if (n && t->held[n - 1].lock == m) {
		if (FLOOR_OWNER)
			__atomic_store_n(floor_owner(m), (void *)0, __ATOMIC_RELAXED);
		__atomic_store_n(&t->held[n - 1].lock, (void *)0, __ATOMIC_RELAXED);
		__atomic_store_n(&t->n, n - 1, __ATOMIC_RELEASE);
	}
#endif
	return floor_real_unlock(m);
}
#endif
#endif /* FLOOR_FREE */
