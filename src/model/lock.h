/* lock.h - the lock registry: one record per lock lifetime.
 *
 * A record is found by the lock's address through a map with lock-free
 * lookups (map.h); wrapper types also cache it in the lock itself, and a
 * process-private mutex or rwlock carries its place (the hint, below). A lock
 * is registered at its first use (lock, trylock, wait), not at init:
 * initialising and destroying a lock never used costs a lookup that finds
 * nothing. Destroying a lock (or initialising it again) retires its record:
 * the address maps to nothing, the record's graph edges are removed, and
 * the next use of the address makes a new record with a new id and key, so
 * nothing is inherited.
 *
 * Retired records are reused, so memory follows the live locks: a retired
 * record waits until a scan of every thread's held stack and wait finds no
 * reference to it, with no reader (the watchdog's pass, a report being
 * built: lw__lock_read_begin) in progress or begun meanwhile, then a new
 * lock may get it. A thread's address cache and a stale map lookup may
 * still point at a reused record: every such use checks that the record
 * is live, of the kind, and at the address (its state first, with acquire,
 * then its address: see lw__lock_is). Records with option stats, held
 * at a fork or by a thread that exited, are never reused.
 *
 * The fast path touches only the record's first cache line (owner, state,
 * addr, key); the rest is written under the registry or graph lock. */
#ifndef LW_LOCK_H
#define LW_LOCK_H

#include "common.h"
#include "map.h"
#include "options.h"

#include <pthread.h>

struct lw__thread;
struct lw__edge;
struct lw__stats;

/* LW__OMP: libgomp's lock (omp_lock_t, a critical section's): a futex word
 * any thread may free, checked as a spinlock is (front/omp.c). LW__STATIC:
 * the guard of a C++ function-local static's first initialisation, held
 * by the initialising thread (front/cxxstatic.c). LW__ONCE: a
 * pthread_once_t or C11 once_flag, held by the thread running its routine
 * (front/once.c). */
enum lw__lock_kind {
	LW__MUTEX = 1, LW__RWLOCK, LW__SPIN, LW__SEM, LW__UNKNOWN, LW__OMP, LW__STATIC, LW__ONCE
};
enum { LW__ORPHAN_WRITE = 1, LW__ORPHAN_READ = 2, LW__ORPHAN_DEAD = 4 /* its holder exited */ };

/* Where a call came from: the return address always, and for the
 * force-included header also its static record of the source position
 * (NULL otherwise). Two words, so it is passed in registers. */
struct lw__site {
	uintptr_t pc;
	const lw_site_t *src;
};

/* Set rarely and read by slow paths only: a lock's user name, its own
 * thresholds and its option stats, in a side record made when one is
 * first set (under the registry lock), so the record's first line keeps
 * room for what the fast path reads. Never freed: a record reused keeps
 * it, reset. */
struct lw__lock_cold {
	int hold_ms, wait_ms;    /* per-lock thresholds, -1: the global option */
	struct lw__stats *stats; /* option stats: set at registration, else NULL */
	const char *name;        /* lw_set_name(); never freed once set */
	uint8_t made_private;    /* a robust mutex made process-private
				  * (lw__lock_note_private) */
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
			uint8_t counted; /* option stats (cold->stats != NULL) */
		};
		uint32_t state; /* all four: equal to the kind alone for a live
				 * lock the fast path may take (lw__lock_plain) */
	};
	const void *addr;
	uint64_t key;        /* random, for the chain hash (check/held.h) */
	/* validated chains kept with the lock (lockdep's way), so a table of
	 * many locks finds its chains without the thread's chain cache or the
	 * process's chain table: the last chain with this lock on top, and
	 * the last chain pushed on top of this lock. Each is kept as a tag
	 * (its stack id << 32 | the chain's low half) and the chain's high
	 * half, written by the slow path one after the other: a reader
	 * matches both halves, so a slot caught half-written (or written by
	 * two threads at once) matches neither chain (check/held.h) */
	uint64_t top_tag, above_tag;
	uint32_t top_hi, above_hi;
	struct lw__lock_cold *cold; /* NULL: no name, thresholds or stats */

	/* --- second line: written under the registry lock --- */
	uint32_t site_stack; /* depot id of the stack that first used it */
	uint32_t index;      /* its place among the records, for ever: what
			      * a lock's hint and the graph's edges name */
	const lw_site_t *site_src; /* ... or the header's source position
				    * (file and line), or NULL */

	/* --- graph state, under the graph lock (graph.c) --- */
	uint32_t mark;       /* search stamp */
	uint32_t n_out, n_in;
	uint8_t seen;        /* acquired at least once: set by the first check of a
			      * chain with it on top (check/held.c), never cleared */
	uint8_t referenced;  /* retired, and found by the last reuse scan in a
			      * thread's held stack or wait (lock.c) */
	uint8_t sem_event;   /* a semaphore made with no unit: its units are
			      * posted work or events, not resources a thread
			      * holds (lw__sem_event_note) */
	uint8_t archived;    /* an archived edge names this record (graph_copy.c;
			      * kept across reuse until purged) */
	int64_t ord;         /* position in the topological order, 0: none yet */
	union {
		struct lw__edge *via; /* breadth-first search parent edge */
		struct lw__lock *next_retired; /* retired, no edges: the
						* registry's lists (lock.c) */
	};
	uint32_t out, in;    /* lists through the edges (graph.c): the first
			      * edge's index (model/edge.h), 0: none */
	uintptr_t site_pc;   /* the call site of its first use (registry lock) */
} __attribute__((aligned(64))); /* 128 bytes: two cache lines */

/* The cold fields (slow paths; the record is live or just read). */
static inline const char *lw__lock_name(const struct lw__lock *l)
{
	const struct lw__lock_cold *c = lw__load_acq(&l->cold);
	return c ? lw__load_acq(&c->name) : NULL;
}

static inline struct lw__stats *lw__lock_stats(const struct lw__lock *l)
{
	const struct lw__lock_cold *c = lw__load_acq(&l->cold);
	return c ? c->stats : NULL;
}

/* The lock's own hold (hold = 1) or wait threshold in ms, -1: none. */
static inline int lw__lock_threshold(const struct lw__lock *l, int hold)
{
	const struct lw__lock_cold *c = lw__load_acq(&l->cold);
	return !c ? -1 : hold ? c->hold_ms : c->wait_ms;
}

/* What glibc's own lock object says (its type, owner, sharing). */
#include "lock_object.h"

/* Is l a live lock of this kind, not orphaned, without stats: one load
 * (acquire: a reused record is published by its state, so what the caller
 * reads after, its address and key, are the new lock's). */
static inline int lw__lock_plain(const struct lw__lock *l, int kind)
{
	return !lw__differs32_acq(&l->state, (uint32_t)kind);
}

/* Is l the live record of a lock of this kind at addr? Its state first
 * (acquire: a record being reused is published by its state), then its
 * address. Not for the fast path, which checks the same in its own way. */
static inline int lw__lock_is(const struct lw__lock *l, const void *addr, int kind)
{
	uint32_t st = lw__load_acq(&l->state);
	return (st & 0xffff) == (uint32_t)kind && lw__load(&l->addr) == addr;
}

LW__EXTERN struct lw__map lw__locks_by_addr;

/* Where records live (records.c): entry c + 1 is chunk c, records
 * c * CHUNK to c * CHUNK + CHUNK - 1, NULL until made (published zeroed,
 * with release), never freed; entry 0 is always NULL. */
#define LW__RECORD_CHUNK 1024
#define LW__RECORD_CHUNKS 65536 /* entries: 65535 chunks, 64M records */
LW__EXTERN struct lw__lock *lw__record_dir[LW__RECORD_CHUNKS];

/* The record of this index (its `index` field: an index once given stays
 * with its record for ever), for those that keep a record as four bytes:
 * the lock-order graph's edges. The record must have been made. */
static inline struct lw__lock *lw__record_at(uint32_t index)
{
	return lw__load(&lw__record_dir[index / LW__RECORD_CHUNK + 1]) + index % LW__RECORD_CHUNK;
}

/* A lock's hint (the preload and header ways in, which find records by
 * address): a word of the pthread object that glibc leaves unused for
 * locks that carry one, where the slow path writes where the lock's
 * record is (value below), so the fast path finds the record from the lock
 * itself: in the cache line glibc's own call reads next, with no map
 * slot to miss (the cost of a table of many locks). The word: a mutex's
 * robust-list link (never used by glibc for a mutex that is not robust),
 * an rwlock's padding. Written only for a process-private lock (another
 * process may map the object elsewhere) and, for a mutex, one that is not
 * robust, priority-inheriting or -protecting; read for any, since any
 * value is safe: a record found through it is checked like any cached one
 * (live, of the kind, at the address), and one that fails sends the call
 * the slow way, which writes the hint again. Option hint=0: never written
 * (and then never read but as 0). The value: LW__HINT_BIAS plus the
 * record's byte offset in the region of hinted records (below), so the
 * record is a subtraction, a compare and an add away (0, no hint, lies
 * below the bias: out of range). */
#define LW__HINT_BIAS 128u
/* The hint of a lock whose record lies past the region: it names none
 * (below the bias), yet says the lock was used before (lw__lock_fresh). */
#define LW__HINT_AWAY 1u

/* The region of hinted records (records.c): address space reserved at the
 * first record, the chunks of records made in it one after another from
 * its start (chunk c at c * LW__RECORD_CHUNK records), as far as it
 * reaches; chunks past it are made elsewhere, and their records carry no
 * hint. lw__records_reach: how many bytes from the base a hint may name
 * (the chunks made there, less one record but a byte: any word read below
 * it, a record's first line at most, lies in them), published with
 * release once the base is set and the chunk zeroed; 0 until then. */
LW__EXTERN char *lw__records_base;
LW__EXTERN uint64_t lw__records_reach;

static inline uint64_t *lw__hint_word(const void *addr, int kind)
{
	if (kind == LW__MUTEX)
		return (uint64_t *)(uintptr_t)&((const pthread_mutex_t *)addr)->__data.__list.__prev;
	if (kind == LW__RWLOCK)
		return (uint64_t *)(uintptr_t)&((const pthread_rwlock_t *)addr)->__data.__pad2;
	return NULL;
}

/* May the lock at addr (a kind with a hint word) carry a hint: hints on,
 * a process-private lock (another process may map it elsewhere) and, for
 * a mutex, one that is not robust (16: its list goes through the word),
 * priority-inheriting (32) or -protecting (64)? */
static inline int lw__hint_may(const void *addr, int kind)
{
	if (!lw__opt.hint)
		return 0;
	if (kind == LW__MUTEX)
		return (((const pthread_mutex_t *)addr)->__data.__kind & (16 | 32 | 64 | 128)) == 0;
	return ((const pthread_rwlock_t *)addr)->__data.__shared == 0;
}

/* The record the hint of the lock at addr names, into *l, and 1; else 0
 * (no hint; kind constant: a spinlock or semaphore has no word for one);
 * unchecked. The bound and the base are read as operands of the compare
 * and the add (two asm statements, in this order: the bound, published
 * with release after the base, first). */
static LW__ALWAYS_INLINE int lw__lock_hinted_to(const void *addr, int kind, struct lw__lock **l)
{
	const uint64_t *w = lw__hint_word(addr, kind);
	if (!w)
		return 0;
	uint64_t d = lw__load(w) - LW__HINT_BIAS;
	int below;
	__asm__ volatile("cmpq %2, %1" : "=@ccb"(below) : "r"(d), "m"(lw__records_reach));
	if (!below)
		return 0; /* none, or not a hint: a robust mutex's list link */
	__asm__ volatile("addq %1, %0" : "+r"(d) : "m"(lw__records_base));
	*l = (struct lw__lock *)d;
	return 1;
}

static inline struct lw__lock *lw__lock_hinted(const void *addr, int kind)
{
	struct lw__lock *l;
	return lw__lock_hinted_to(addr, kind, &l) ? l : NULL;
}

/* Write the hint of l (live, at addr) when it may carry one and does not
 * yet; slow paths only. */
void lw__lock_hint(struct lw__lock *l, const void *addr, int kind);

/* Does the lock at addr say it was just made, though a hint would be
 * there after its first use: hints on, a kind with a word for one, a
 * process-private lock (and a mutex not robust, PI or PP, as
 * lw__lock_hint writes them), and the word 0? Then it is used for the
 * first time, or was made again in place without an init call (a
 * PTHREAD_MUTEX_INITIALIZER on the stack where another function's local
 * mutex was, a memset): the slow way, which tells the two apart
 * (lw__lock_made_again). One load of the word, which glibc's own call
 * reads next. */
static inline int lw__lock_fresh(const void *addr, int kind)
{
	const uint64_t *w = lw__hint_word(addr, kind);
	return w && lw__load(w) == 0 && lw__hint_may(addr, kind);
}

/* The lock at addr reads as just made (its hint word, or a wrapper's
 * cached record, is 0; `mark` is that word), in a lock call from `site`.
 * When the record at addr was ever taken (so its mark was written before,
 * and is 0 now only because the memory was made again) and first taken in
 * another role, the memory holds another lock now: a lock made with its
 * initializer where another one was (two functions' local mutexes at one
 * stack address) is another lock, as after pthread_*_init. A role is the
 * first call site and the whole stack there (stack_depth frames): two
 * functions that take their locks through one helper (uv_mutex_lock,
 * std::mutex::lock in a debug build) share the call site, not the stack.
 * That record is parked (lock.c), and this role's own parked record, if
 * any, takes its place, so functions called in turn each find their own
 * lock again; 1 then, else 0. In the same role it is the same function's
 * local lock made again from the same caller, the same lock in its role
 * (lockdep's class), and nothing changes. Costs one stack capture (the
 * lock call's, which its first chain's or a new record's reuses). Slow
 * paths only. */
int lw__lock_made_again(const void *addr, int kind, const void *const *mark,
			const struct lw__site *site);

/* Where locks were initialised, for the header way in (whose init call
 * knows its source position): a lock registered at its first use is
 * named after its init call when the slot of its address still holds it.
 * Racy on purpose (a naming hint: a collision gives the first use's site
 * instead); two stores per init, a load per destroy, no lock. */
#define LW__INIT_SITES 4096 /* a power of two */
struct lw__init_site {
	const void *addr;
	const lw_site_t *src;
};
LW__EXTERN struct lw__init_site lw__init_sites[LW__INIT_SITES];

/* The slot of addr in a table of LW__INIT_SITES (this one, and the
 * semaphores made with no unit below). */
static inline unsigned lw__init_slot(const void *addr)
{
	return (unsigned)(((uint64_t)(uintptr_t)addr * 0x9E3779B97F4A7C15ull) >> 52);
}

static inline struct lw__init_site *lw__init_site_slot(const void *addr)
{
	return &lw__init_sites[lw__init_slot(addr)];
}

static inline void lw__init_site_note(const void *addr, const lw_site_t *src)
{
	struct lw__init_site *e = lw__init_site_slot(addr);
	lw__store(&e->src, src);
	lw__store(&e->addr, addr);
}

static inline void lw__init_site_drop(const void *addr)
{
	struct lw__init_site *e = lw__init_site_slot(addr);
	if (lw__load(&e->addr) == addr)
		lw__store(&e->addr, (const void *)NULL);
}

/* Semaphores made with no unit (sem_init with value 0: a work queue's or
 * an event's, whose units producers post and consumers take as work),
 * noted at their init for the record their first use makes (sem_event):
 * a consumer that took units holds no resource while it waits again
 * (check/stall.c), unlike a thread that took a pool's connection. Racy and
 * lossy on purpose, as the init sites: a collision leaves a semaphore
 * judged as a pool's. event 0 (made with units, or destroyed) drops it. */
LW__EXTERN const void *lw__sem_events[LW__INIT_SITES];

static inline void lw__sem_event_note(const void *addr, int event)
{
	const void **e = &lw__sem_events[lw__init_slot(addr)];
	if (event)
		lw__store(e, addr);
	else if (lw__load(e) == addr)
		lw__store(e, (const void *)NULL);
}

static inline int lw__sem_event_noted(const void *addr)
{
	return lw__load(&lw__sem_events[lw__init_slot(addr)]) == addr;
}

/* The record for a lock at addr, registering it (with kind and site) when
 * new. A kind that disagrees with the record's means the memory was reused
 * for another kind of lock: a new record. Returns NULL (the call passes
 * straight through) when out of memory, and for a lock called from the
 * program's own allocator (base/alloc.h), which is never registered. The
 * site is passed by value: two registers. */
struct lw__lock *lw__lock_get_slow(const void *addr, int kind, struct lw__site site);

static inline struct lw__lock *lw__lock_get(const void *addr, int kind, struct lw__site site)
{
	struct lw__lock *l = lw__map_get_once(&lw__locks_by_addr, (uint64_t)(uintptr_t)addr);
	if (lw__likely(l != NULL && lw__lock_is(l, addr, kind)))
		return l;
	return lw__lock_get_slow(addr, kind, site);
}

/* The same, for a wrapper type that caches the record at *cache. */
static inline struct lw__lock *lw__lock_cached(struct lw__lock **cache, const void *addr,
					       int kind, struct lw__site site)
{
	struct lw__lock *l = lw__load_acq(cache);
	if (lw__likely(l != NULL && lw__lock_is(l, addr, kind)))
		return l;
	l = lw__lock_get(addr, kind, site);
	lw__store_rel(cache, l);
	return l;
}

/* The record at addr if one is live, else NULL; never registers. A
 * lookup that finds nothing is inline and lock-free; a record found is
 * checked out of line (it may be retired or reused meanwhile). */
struct lw__lock *lw__lock_find_check(const void *addr, struct lw__lock *l);
static inline struct lw__lock *lw__lock_find(const void *addr)
{
	struct lw__lock *l = lw__map_get(&lw__locks_by_addr, (uint64_t)(uintptr_t)addr);
	return lw__likely(l == NULL) ? NULL : lw__lock_find_check(addr, l);
}

/* Retire the live record of addr (destroy, or init over an old lock). */
void lw__lock_retire(const void *addr);
/* Retire every live record whose lock lies in [lo, hi): memory that is
 * gone (a library unloaded by dlclose). Takes the registry lock in turns;
 * the lock_retired hook runs outside it. */
void lw__lock_retire_range(uintptr_t lo, uintptr_t hi);

/* The same for heap memory given back (free, realloc, munmap: front/heap.c),
 * through the page index (model/pages.h): records of every kind, named
 * ones too. `mapped`: 1 before the memory is given back, -1 after. */
void lw__lock_retire_heap(uintptr_t lo, uintptr_t hi, int mapped);

/* Name a lock (registering it if new). */
void lw__lock_set_name(const void *addr, const char *name);

/* Call fn for every record ever made (live or retired), under the
 * registry lock. */
void lw__lock_each(void (*fn)(struct lw__lock *l, void *arg), void *arg);

/* Per-lock thresholds (registering the lock if new); -1 keeps the option. */
void lw__lock_set_thresholds(const void *addr, long hold_ms, long wait_ms);

/* The robust mutex at addr was just made process-private (its init's
 * attribute): glibc's kind says process-shared for every robust mutex, so
 * its record says it is not (registering it now, of unknown kind until its
 * first use, as a lock named before its first use: robust mutexes are
 * few). Lost with the record when the mutex is destroyed or made again. */
void lw__lock_note_private(const void *addr);


/* Records in use (live, or retired and not yet reusable) and bytes used
 * by the registry (its record chunks and its map). */
void lw__lock_memory(size_t *records, size_t *bytes);

/* Records retired so far (destroy, init over, another kind at the
 * address): the chain table's measure of lock churn (chains.c). */
uint64_t lw__lock_retired_count(void);

/* Around code that reads records it did not find through its own held
 * stack (the watchdog's pass over the snapshot, a report being built): no
 * retired record is made reusable while one runs. Slow paths only. */
void lw__lock_read_begin(void);
void lw__lock_read_end(void);

/* Fork, in the child: no reader runs (the watchdog is gone; records a
 * reuse scan had taken out in the parent are lost to the child). */
void lw__lock_atfork_child(void);

/* The registry lock (runtime/init.c takes it around fork). */
struct lw__mutex;
LW__EXTERN struct lw__mutex lw__registry_mu;

#endif
