/* chains.c - the table of validated chains (see chains.h).
 *
 * Open addressing with linear probing over 12-byte slots (the 64-bit key
 * in two halves and the 32-bit stack id side by side: one cache line per
 * probe), filled to at most 3/4 and then
 * copied into one twice the size. Writers hold lw__chains_mu; readers never
 * lock: a slot's stack id is written before its key is published
 * (release), and the table pointer is published after the copy. An old
 * table stays mapped with its memory given back (madvise), so a reader
 * still in it reads zeros, "not found", and takes the slow path, which
 * finds or adds the chain under the lock. */
#include "chains.h"
#include "lock.h"
#include "mem.h"
#include "mutex.h"

#include <sys/mman.h>

#define FIRST_SLOTS 4096

struct lw__mutex lw__chains_mu = LW__MUTEX_INIT;
struct lw__chains_tab *lw__chains_cur;
static size_t n_used, n_bytes;

static size_t tab_size(size_t slots)
{
	return sizeof(struct lw__chains_tab) + slots * sizeof(struct lw__chains_slot);
}

static struct lw__chains_tab *tab_new(size_t slots)
{
	void *p = lw__os_map(tab_size(slots), 0);
	if (!p)
		return NULL;
	struct lw__chains_tab *t = p;
	t->mask = slots - 1;
	n_bytes += tab_size(slots);
	return t;
}

/* Put key in t; 1 when it took a new slot (0 also if t is full: never
 * so while the counts hold, but a probe never goes round for ever). */
static int tab_put(struct lw__chains_tab *t, uint64_t key, uint32_t stack)
{
	uint64_t h = key * 0x9E3779B97F4A7C15ull;
	size_t i = (size_t)(h >> 32) & t->mask;
	for (size_t n = 0; n <= t->mask; n++, i = (i + 1) & t->mask) {
		struct lw__chains_slot *s = &t->slots[i];
		if (s->lo == (uint32_t)key && s->hi == (uint32_t)(key >> 32)) {
			lw__store(&s->stack, stack);
			return 0;
		}
		if (s->lo == 0) {
			lw__store(&s->stack, stack);
			lw__store(&s->hi, (uint32_t)(key >> 32));
			lw__store_rel(&s->lo, (uint32_t)key); /* last: makes it visible */
			return 1;
		}
	}	return 0;
}

static struct lw__chains_tab *spare; /* the table before, of the current size */
static uint64_t retired_at_make;     /* lw__lock_retired_count() then */

/* Copy everything into a table twice the size and publish it; or, after
 * much lock churn, start over empty at the same size (lw__chains_add). */
static int grow(void)
{
	struct lw__chains_tab *o = lw__chains_cur;
	uint64_t retired = lw__lock_retired_count();
	int fresh = o && (retired - retired_at_make) * 4 >= n_used;
	size_t slots = o ? (o->mask + 1) * (fresh ? 1 : 2) : FIRST_SLOTS;
	struct lw__chains_tab *t;
	if (fresh && spare) {
		t = spare; /* zeros since it was given back */
		spare = NULL;
		lw__store(&t->mask, slots - 1);
		n_bytes += tab_size(slots);
	} else {
		t = tab_new(slots);
	}
	if (!t)
		return -1;
	if (fresh)
		n_used = 0;
	for (size_t i = 0; o && !fresh && i <= o->mask; i++)
		if (o->slots[i].lo)
			tab_put(t, (uint64_t)o->slots[i].hi << 32 | o->slots[i].lo,
				o->slots[i].stack);
	lw__store_rel(&lw__chains_cur, t);
	retired_at_make = retired;
	if (o) {
		size_t sz = tab_size(o->mask + 1); /* before madvise zeroes it */
		lw__mem_give_back(o, sz);
		n_bytes -= sz;
		spare = fresh ? o : NULL;
	}
	return 0;
}

void lw__chains_add(uint64_t key, uint32_t stack)
{
	lw__mutex_lock(&lw__chains_mu);
	struct lw__chains_tab *t = lw__chains_cur;
	if ((!t || (n_used + 1) * 4 > (t->mask + 1) * 3) && grow() == 0)
		t = lw__chains_cur;
	if (t && (n_used + 1) * 8 <= (t->mask + 1) * 7) /* never full: probes end */
		n_used += (size_t)tab_put(t, key, stack);
	lw__mutex_unlock(&lw__chains_mu);
}

void lw__chains_memory(size_t *chains, size_t *bytes)
{
	lw__mutex_lock(&lw__chains_mu);
	*chains = n_used;
	*bytes = n_bytes;
	lw__mutex_unlock(&lw__chains_mu);
}
