/* chains.h - the validated chains of the whole process (lockdep's chain
 * table): the hash of every held-lock sequence that some thread has
 * checked (its order edges are in the graph), with the depot id of the
 * stack that first took its top lock.
 *
 * A thread's own chain cache (model/thread.h) sits in front of it; a miss
 * there looks here before the slow path, so a chain is captured and put in
 * the graph once per process, never again because a per-thread cache
 * evicted it or another thread took it first. Lookups are lock-free (one
 * probe sequence of an open-addressing table); inserts take the table's
 * own lock, only on the slow path. */
#ifndef LW_CHAINS_H
#define LW_CHAINS_H

#include "common.h"

/* Chains known (for lw__chains_find's inline probe): a slot is 12 bytes,
 * the key and its stack id side by side, so a probe touches one cache line
 * (a table of thousands of chains is out of the L1 cache, and each line is a
 * miss), no more memory than two arrays. The key is in two halves: its low
 * half (odd, as every key: never 0) is written last, with release, and
 * read first, with acquire; a slot's key never changes once written. */
struct lw__chains_slot {
	uint32_t lo, hi; /* the chain hash, lo == 0: empty */
	uint32_t stack;  /* stack id */
};

struct lw__chains_tab {
	size_t mask;
	struct lw__chains_slot slots[];
};

LW__EXTERN struct lw__chains_tab *lw__chains_cur;

/* The stack id stored with chain `key` (odd, never 0) into *stack, and 1;
 * 0 when no thread has checked it. Lock-free; may miss a chain inserted
 * while the table grows (the caller's slow path then inserts it again,
 * harmlessly). */
static inline int lw__chains_find(uint64_t key, uint32_t *stack)
{
	struct lw__chains_tab *t = lw__load_acq(&lw__chains_cur);
	if (lw__unlikely(!t))
		return 0;
	/* a table given back reads zeros, one being refilled anything: the
	 * mask read once, the walk bounded */
	size_t mask = lw__load(&t->mask);
	uint64_t h = key * 0x9E3779B97F4A7C15ull;
	size_t i = (size_t)(h >> 32) & mask;
	for (size_t n = 0; n <= mask; n++, i = (i + 1) & mask) {
		uint32_t lo = lw__load_acq(&t->slots[i].lo);
		if (lw__likely(lo == (uint32_t)key) &&
		    lw__likely(lw__load(&t->slots[i].hi) == (uint32_t)(key >> 32))) {
			*stack = lw__load(&t->slots[i].stack);
			return 1;
		}
		if (lo == 0)
			return 0;
	}
	return 0;
}

/* Remember chain `key` as checked, with its stack (overwrites). Under the
 * guard (it may map memory). When the table is full and many locks were
 * retired since it was made (lock churn: chains of dead locks, whose keys
 * no thread can make again), it starts over empty at the same size
 * (reusing the table before, given back) instead of doubling: memory
 * follows the live locks; a live chain dropped is found again in the
 * threads' own caches or checked again once. */
void lw__chains_add(uint64_t key, uint32_t stack);

/* Chains known and bytes used. */
void lw__chains_memory(size_t *chains, size_t *bytes);

/* The table's writer lock (runtime/init.c takes it around fork). */
struct lw__mutex;
LW__EXTERN struct lw__mutex lw__chains_mu;

#endif
