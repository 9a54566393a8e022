/* lock.h - the lock registry: one record per lock lifetime.
 *
 * A record is found by the lock's address through a map with lock-free
 * lookups (map.h); wrapper types also cache it in the lock itself. A lock
 * seen for the first time (static initialisers never call init) is
 * registered then. Destroying a lock retires its record: the address maps
 * to nothing, the record's graph edges are removed, and the next use of the
 * address makes a new record with a new id, so nothing is inherited.
 *
 * The fast path touches only the record's first cache line (owner, state,
 * addr, key); the rest is written under the registry or graph lock. */
#ifndef LW_LOCK_H
#define LW_LOCK_H

#include "common.h"
#include "map.h"

#include <pthread.h>

struct lw__thread;
struct lw__edge;
struct lw__stats;

enum lw__lock_kind { LW__MUTEX = 1, LW__RWLOCK, LW__SPIN, LW__SEM, LW__UNKNOWN };
enum { LW__ORPHAN_WRITE = 1, LW__ORPHAN_READ = 2, LW__ORPHAN_DEAD = 4 /* its holder exited */ };

/* Where a call came from: the return address always, and for the
 * force-included header also its static record of the source position
 * (NULL otherwise). Two words, so it is passed in registers. */
struct lw__site {
	uintptr_t pc;
	const lw_site_t *src;
};

struct lw__lock {
	/* --- first cache line: all the fast path reads or writes --- */
	struct lw__thread *owner; /* the thread that holds it for writing, or NULL */
	uint32_t id;         /* unique per lifetime, never reused, from 1 */
	union {
		struct {
			uint8_t kind;    /* enum lw__lock_kind */
			uint8_t retired; /* destroyed; a lookup never returns it */
			uint8_t orphan;  /* held at a fork by a thread the child
					  * lacks: LW__ORPHAN_WRITE, _READ (bits);
					  * or by a thread that exited (_DEAD) */
			uint8_t counted; /* stats != NULL */
		};
		uint32_t state; /* all four: equal to the kind alone for a live
				 * lock the fast path may take (lw__lock_plain) */
	};
	const void *addr;
	uint64_t key;        /* random, for the chain hash (check/held.h) */
	int hold_ms, wait_ms; /* per-lock thresholds, -1: the global option */
	struct lw__stats *stats; /* option stats: set at registration, else NULL */
	const char *name;    /* lw_set_name(); never freed once set (registry lock) */
	uint8_t seen;        /* acquired at least once: set by the first check of a
			      * chain with it on top (check/held.c), never cleared */

	/* --- second line: written under the registry lock --- */
	uint32_t site_stack; /* depot id of the stack that first used it */
	int site_line;
	const char *site_file; /* ... or the header's __FILE__, or NULL */

	/* --- graph state, under the graph lock (graph.c) --- */
	uint32_t mark;       /* search stamp */
	uint32_t n_out, n_in;
	int64_t ord;         /* position in the topological order, 0: none yet */
	struct lw__edge *via; /* breadth-first search parent edge */
	struct lw__edge *out, *in; /* lists through the edges (graph.c) */
} __attribute__((aligned(64))); /* 128 bytes: two cache lines */

/* The type of a mutex (PTHREAD_MUTEX_NORMAL, _RECURSIVE, _ERRORCHECK), read
 * from glibc's object; -1 for other kinds of lock. */
static inline int lw__lock_mutex_type(const struct lw__lock *l)
{
	if (l->kind != LW__MUTEX)
		return -1;
	return ((const pthread_mutex_t *)l->addr)->__data.__kind & 3;
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

/* Is l process-shared (PTHREAD_PROCESS_SHARED, read from glibc's object:
 * the mutex kind's pshared bit, the rwlock's __shared)? Another process may
 * then unlock it: it is never an orphan, a fork's child does not hold
 * what the parent holds, and a wait on it is never certain to be stuck.
 * A spinlock does not say; a semaphore is never held for good anyway. */
static inline int lw__lock_pshared(const struct lw__lock *l)
{
	if (l->kind == LW__MUTEX)
		return (((const pthread_mutex_t *)l->addr)->__data.__kind & 128) != 0;
	if (l->kind == LW__RWLOCK)
		return ((const pthread_rwlock_t *)l->addr)->__data.__shared != 0;
	return 0;
}

/* Is l a live lock of this kind, not orphaned, without stats: one load. */
static inline int lw__lock_plain(const struct lw__lock *l, int kind)
{
	return lw__load(&l->state) == (uint32_t)kind;
}

/* The record for a lock at addr, registering it (with kind and site) when
 * new. A kind that disagrees with the record's means the memory was reused
 * for another kind of lock: a new record. Returns NULL (the call passes
 * straight through) when out of memory, and for a lock called from the
 * program's own allocator (base/alloc.h), which is never registered. The
 * site is passed by value: two registers. */
struct lw__lock *lw__lock_get_slow(const void *addr, int kind, struct lw__site site);

extern struct lw__map lw__locks_by_addr;

static inline struct lw__lock *lw__lock_get(const void *addr, int kind, struct lw__site site)
{
	struct lw__lock *l = lw__map_get(&lw__locks_by_addr, (uint64_t)(uintptr_t)addr);
	if (lw__likely(l != NULL && l->kind == kind))
		return l;
	return lw__lock_get_slow(addr, kind, site);
}

/* The same, for a wrapper type that caches the record at *cache. */
static inline struct lw__lock *lw__lock_cached(struct lw__lock **cache, const void *addr,
					       int kind, struct lw__site site)
{
	struct lw__lock *l = lw__load_acq(cache);
	if (lw__likely(l != NULL && l->kind == kind))
		return l;
	l = lw__lock_get(addr, kind, site);
	lw__store_rel(cache, l);
	return l;
}

/* The record at addr if one is live, else NULL; never registers. */
struct lw__lock *lw__lock_find(const void *addr);

/* Retire the live record of addr (destroy, or init over an old lock). */
void lw__lock_retire(const void *addr);
/* Retire every live record whose lock lies in [lo, hi): memory that is
 * gone (a library unloaded by dlclose). Takes the registry lock in turns;
 * the lock_retired hook runs outside it. */
void lw__lock_retire_range(uintptr_t lo, uintptr_t hi);

/* Name a lock (registering it if new). */
void lw__lock_set_name(const void *addr, const char *name);

/* Call fn for every record ever made (live or retired), under the
 * registry lock. */
void lw__lock_each(void (*fn)(struct lw__lock *l, void *arg), void *arg);

/* Per-lock thresholds (registering the lock if new); -1 keeps the option. */
void lw__lock_set_thresholds(const void *addr, long hold_ms, long wait_ms);


/* Live records and bytes used by the registry (for the benchmark). */
void lw__lock_memory(size_t *records, size_t *bytes);

/* The registry lock (runtime/init.c takes it around fork). */
struct lw__mutex;
extern struct lw__mutex lw__registry_mu;

#endif
