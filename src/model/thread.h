/* thread.h - per-thread state: the stack of locks a thread holds, the lock
 * it waits for, its cache of lock chains already checked, and the
 * "inside lockwatch" guard.
 *
 * Each thread's state is allocated on its first lock call and linked into
 * a global list (under the thread-list lock, once per thread) so that the
 * watchdog and reports can read other threads' held locks. The owning
 * thread is the only writer of its state; others read it racily, with
 * relaxed atomics, and tolerate a stale view. A thread that exits marks
 * its state dead and it is reused by a later thread. */
#ifndef LW_THREAD_H
#define LW_THREAD_H

#include "common.h"
#include "guard.h"
#include "lock.h"

#define LW__MAX_HELD 64
#define LW__CHAIN_CACHE 512 /* entries, a power of two */
#define LW__ADDR_CACHE 64   /* locks found by address, a power of two */
#define LW__SITE_MEMO_WORDS 87 /* the site memo's room (site_memo.c checks it) */

/* The slot of a lock's address in the thread's address cache: a
 * multiplicative hash, so that locks at aligned addresses (a lock per
 * 256-byte object, per page) do not all share one slot. */
static inline unsigned lw__addr_slot(const void *addr)
{
	return (unsigned)(((uint64_t)(uintptr_t)addr * 0x9E3779B97F4A7C15ull) >> 58) &
	       (LW__ADDR_CACHE - 1);
}

enum { LW__WRITE = 0, LW__READ = 1 };

/* A record no lookup finds and no kind matches (its state is 0): what an
 * empty slot of a thread's address cache holds, so a hit needs no NULL
 * test. */
LW__EXTERN struct lw__lock lw__lock_none;

/* One held lock: 32 bytes, written by the fast path in four stores. The
 * call site is not kept: it is folded into the chain hash and recovered
 * from it when the chains are re-hashed (lw__chain_site in check/held.h). */
struct lw__held {
	struct lw__lock *lock;
	uint64_t chain;         /* hash of this and every lock below it */
	union {
		struct {
			uint32_t tick;  /* lw__tick when taken (asked for) */
			uint32_t stack; /* depot id of the stack that took it, 0: unknown */
		};
		uint64_t when;  /* both, as in lw__thread.wait_when */
	};
	union {
		struct {
			uint8_t mode;   /* LW__WRITE or LW__READ */
			uint8_t simple; /* count 1, not a semaphore, no stats: a plain pop */
			uint16_t count; /* recursive depth, >= 1, up to UINT16_MAX */
		};
		uint32_t flags; /* all three (LW__HELD_PLAIN) */
	};
	uint32_t count_extra; /* depth beyond UINT16_MAX, meaningful only while count is
			* UINT16_MAX (slow path: check/held.c; the fast push leaves
			* it as it was) */
};

_Static_assert(sizeof(struct lw__held) == 32, "the held entry is 32 bytes");

/* A held entry beyond the inline LW__MAX_HELD (struct lw__thread.more),
 * with its option-stats time. */
struct lw__held_more {
	struct lw__held h;
	uint64_t t_ns;
};

/* The flags of a plain entry in mode m: simple, count 1. */
#define LW__HELD_PLAIN(m) ((uint32_t)(m) | 1u << 8 | 1u << 16)

struct lw__thread {
	int tid;
	int alive;
	char name[16];
	unsigned n_held;
	unsigned overflow;  /* acquisitions not tracked: out of memory for more */
	unsigned n_slow;    /* slow paths taken (new chains) */
	unsigned reporting; /* > 0 while it makes a report in its own lock call:
			     * that time is lockwatch's, not the program's */
	uint64_t acq_t_ns;  /* option stats: when the current acquire began */
	/* held entries beyond the inline array: the held stack is held[0..n_held)
	 * then more[0..n_more), n_more > 0 only while the inline array is full.
	 * Slow path only: while more has entries, the top inline entry's
	 * `simple` is 0 and no chain the fast path computes is cached
	 * (check/held.c), so the fast path never pushes or pops there. The
	 * array is replaced under the thread-list lock (lw__thread_more_room),
	 * where the watchdog's snapshot reads it. */
	struct lw__held_more *more;
	unsigned n_more, cap_more;

	const void *reinit; /* a lock it held that it then initialised again
			     * (reported): its next unlock is the same mistake */
	struct lw__thread *next; /* global list */

	struct lw__held held[LW__MAX_HELD];

	/* what it waits for now, for the watchdog: the lock, with
	 * LW__WAIT_READ and LW__WAIT_COND in its low bits (records are 64-byte
	 * aligned), and since when (tick) and where (stack id << 32): two
	 * stores per wait (lw__wait_begin). */
	uintptr_t waiting;
	uint64_t wait_when;
	/* the lock whose record it let go last, written before the real
	 * unlock: a fork between the two leaves the child the lock held by
	 * this thread, its record gone (lw__thread_atfork_child) */
	uintptr_t released;

	/* the thread it joins now (pthread_join, no deadline: its pthread_t),
	 * 0 when none, and since when and where (as wait_when); its own
	 * pthread_t, which other threads' `joining` name (lw__join_begin) */
	uintptr_t joining;
	uint64_t join_when;
	uintptr_t self_pt;

	/* the last locks found by address (the header and preload ways in), by
	 * lw__addr_slot: the address, and its record in a second array (so
	 * each is indexed with no scaling: fewer instructions), so a miss is
	 * known without reading a record. A slot never written holds
	 * &lw__lock_none, a record no kind matches. A record found here may
	 * since have been retired or reused for another lock: its user
	 * checks (state, then address) */
	const void *addr_key[LW__ADDR_CACHE];
	struct lw__lock *addr_lock[LW__ADDR_CACHE];

	/* chains already checked: key, and the stack that took the lock */
	struct {
		uint64_t key;
		uint32_t stack;
		uint32_t pad;
	} chains[LW__CHAIN_CACHE]; /* one cache line per probe */

	/* the last lock it initialised while holding locks, and the chain it
	 * held then: that lock's first acquisition under the same chain is
	 * one no other thread could have blocked (check/held.c); slow
	 * paths only, kept out of the fast path's lines */
	const void *made;
	uint64_t made_chain, made_when; /* the top entry's chain and `when` */
	/* a lock it held and initialised again with no thread waiting for
	 * it (reinit): not an error unless it unlocks it afterwards, which
	 * reports it then, with where it was taken and made again */
	struct lw__site reinit_site;
	uint32_t reinit_stack, reinit_holder_stack;
	int reinit_quiet;

	/* the site memo's entries (model/site_memo.c; slow paths only): kept
	 * here, not in thread-local storage, which glibc takes from every
	 * thread's stack, the program's threads that never lock too (928
	 * bytes less stack for each: a helper's 16 KiB threads crashed) */
	uint64_t site_memo[LW__SITE_MEMO_WORDS];

	/* last: a thread without option stats never touches its page */
	uint64_t held_t_ns[LW__MAX_HELD]; /* option stats: when each was taken
					   * (set for locks with stats only) */
};

/* Depth of t's held stack, and its entry k (k < depth): slow paths only. */
static inline unsigned lw__held_depth(const struct lw__thread *t)
{
	return t->n_held + t->n_more;
}

static inline struct lw__held *lw__held_at(struct lw__thread *t, unsigned k)
{
	return k < LW__MAX_HELD ? &t->held[k] : &t->more[k - LW__MAX_HELD].h;
}

/* Room for one more entry in t->more (the caller is t, under the guard):
 * 0, or -1 when out of memory. */
int lw__thread_more_room(struct lw__thread *t);

/* The calling thread's state is lw__guard_state() (base/guard.h): kept
 * in the guard's word, so the fast path reads both with one load. */
LW__EXTERN LW__TLS int lw__tls_gone;             /* its state was torn down */

/* Coarse time: milliseconds since start-up (wrapping), advanced by the
 * watchdog every watchdog_ms; acquisitions record it instead of reading a
 * clock. Compare ticks by unsigned difference. */
LW__EXTERN uint32_t lw__tick;

/* lw__tick in a forked child until its watchdog runs again: the first
 * blocking lock call that sees it restarts the watchdog. */
#define LW__TICK_RESTART UINT32_MAX

#define LW__WAIT_READ 1u /* waits to read-lock */
#define LW__WAIT_COND 2u /* in a condition-variable wait: not a long wait */

/* when: the tick | the stack id << 32 */
static inline void lw__wait_begin(struct lw__thread *t, struct lw__lock *l, int mode, int cond,
				  uint64_t when)
{
	lw__store(&t->wait_when, when);
	lw__store(&t->waiting, (uintptr_t)l | (mode == LW__READ ? LW__WAIT_READ : 0) |
				       (cond ? LW__WAIT_COND : 0));
}

/* A join of thread pt (pthread_t) begins, or ends: two stores, as a wait. */
static inline void lw__join_begin(struct lw__thread *t, uintptr_t pt, uint64_t when)
{
	lw__store(&t->join_when, when);
	lw__store(&t->joining, pt);
}

static inline void lw__join_end(struct lw__thread *t)
{
	lw__store(&t->joining, (uintptr_t)0);
}

static inline void lw__wait_end(struct lw__thread *t)
{
	lw__store(&t->waiting, (uintptr_t)0);
}

static inline struct lw__lock *lw__wait_lock(uintptr_t waiting)
{
	return (struct lw__lock *)(waiting & ~(uintptr_t)63);
}

/* Make the calling thread's state (its first lock call; the caller has
 * started the library). NULL when out of memory or the thread is exiting. */
struct lw__thread *lw__thread_new(void);

/* The calling thread's state, or NULL: inside lockwatch (the guard), not
 * made yet (the front's slow path makes it: front/ops.h), or exiting. */
static inline struct lw__thread *lw__self_fast(void)
{
	return lw__guard_fast();
}

/* Call fn(thread, arg) for every live thread, under the thread-list lock
 * (fn must not take other lockwatch locks that a lock call could hold). */
void lw__threads_each(void (*fn)(struct lw__thread *t, void *arg), void *arg);

/* Install the thread-exit destructor (it calls lw__hooks.thread_exit);
 * once, at start-up. */
void lw__thread_init(void);

/* The thread-list lock (runtime/init.c takes it around fork). */
struct lw__mutex;
LW__EXTERN struct lw__mutex lw__thread_list_mu;

/* Fork, in the child (the list lock already made afresh): keep only the
 * calling thread; what the others held becomes orphaned. */
void lw__thread_atfork_child(void);

/* Name the calling thread's state from the kernel's name. */
void lw__thread_refresh_name(struct lw__thread *t);

#endif
