/* stack.c - the stack depot (see stack.h): stack capture, through the
 * unwinders of unwind.c, and the interned stacks. The depot keeps each
 * distinct stack (its return addresses and optional call site) once and
 * names it by a 32-bit id counted from 1. Entries are never freed: they
 * are carved out of large chunks of lockwatch's own pages (base/mem.h),
 * found by content through a chained hash table and by id through an
 * array, all under one mutex taken through the real-function table. */
#include "stack.h"
#include "gate.h"
#include "site_memo.h"
#include "hash.h"
#include "mem.h"
#include "object.h"
#include "mutex.h"
#include "options.h"
#include "real.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_BYTES (64 * 1024)

/* One interned stack; immutable once published. */
struct entry {
	struct entry *next; /* hash chain */
	uint64_t hash;
	uintptr_t site_pc;  /* the header's call site, all zero when there is none */
	unsigned gen;       /* depot_gen when interned */
	const lw_site_t *src;
	uint64_t code_key;  /* lw__stack_code_key, 0 until asked */
	uint32_t id;
	uint32_t n;         /* frames in pcs */
	uintptr_t pcs[];
};

struct lw__mutex lw__depot_mu = LW__MUTEX_INIT;

static struct entry **buckets; /* nbuckets chains, a power of two */
static size_t nbuckets;
static struct entry **by_id;   /* by_id[id - 1] */
static size_t n_ids, cap_ids;
static char *chunk_cur;        /* bump allocation inside the current chunk */
static size_t chunk_left;
static size_t depot_bytes;     /* chunks + table + id array */
/* bumped when a library is unloaded (lw__stack_unloaded): the same
 * addresses may hold other code from then on, so they make other stacks */
static unsigned depot_gen;

static void depot_lock(void)
{
	lw__mutex_lock(&lw__depot_mu);
}

static void depot_unlock(void)
{
	lw__mutex_unlock(&lw__depot_mu);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 32;
	return h;
}

static uint64_t stack_hash(const uintptr_t *pcs, int n, const struct lw__site *site)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n;
	for (int i = 0; i < n; i++)
		h = mix(h, pcs[i]);
	if (site) {
		h = mix(h, site->pc);
		h = mix(h, (uintptr_t)site->src);
	}
	h ^= h >> 29;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 32;
	return h;
}

static int entry_matches(const struct entry *e, uint64_t hash, const uintptr_t *pcs, int n,
			 const struct lw__site *site)
{
	if (e->hash != hash || e->n != (uint32_t)n || e->gen != depot_gen)
		return 0;
	if (site) {
		if (e->src != site->src || e->site_pc != site->pc)
			return 0;
	} else if (e->src != NULL) {
		return 0;
	}
	return memcmp(e->pcs, pcs, (size_t)n * sizeof(uintptr_t)) == 0;
}

/* Bump-allocate sz bytes (a multiple of 16) from the chunks. */
static void *chunk_alloc(size_t sz)
{
	if (sz > chunk_left) {
		char *c = lw__mem_pages(CHUNK_BYTES);
		if (c == NULL)
			return NULL;
		depot_bytes += CHUNK_BYTES;
		chunk_cur = c;
		chunk_left = CHUNK_BYTES;
	}
	void *p = chunk_cur;
	chunk_cur += sz;
	chunk_left -= sz;
	return p;
}

/* Make room for one more entry in the table and the id array. */
static int depot_reserve(void)
{
	if (n_ids == cap_ids) {
		size_t cap = cap_ids ? cap_ids * 2 : 1024;
		struct entry **a = lw__mem_realloc(by_id, cap * sizeof(*a));
		if (a == NULL)
			return -1;
		depot_bytes += (cap - cap_ids) * sizeof(*a);
		by_id = a;
		cap_ids = cap;
	}
	if (n_ids + 1 > nbuckets) {
		size_t nb = nbuckets ? nbuckets * 2 : 1024;
		struct entry **b = lw__mem_calloc(nb, sizeof(*b));
		if (b == NULL)
			return nbuckets ? 0 : -1; /* longer chains still work */
		for (size_t i = 0; i < nbuckets; i++) {
			struct entry *e = buckets[i], *next;
			for (; e; e = next) {
				next = e->next;
				size_t j = (size_t)e->hash & (nb - 1);
				e->next = b[j];
				b[j] = e;
			}
		}
		lw__mem_free(buckets);
		depot_bytes += (nb - nbuckets) * sizeof(*b);
		buckets = b;
		nbuckets = nb;
	}
	return 0;
}

uint32_t lw__stack_intern(const uintptr_t *pcs, int n, const struct lw__site *site)
{
	if (pcs == NULL || n <= 0)
		return 0;
	if (n > LW__STACK_MAX)
		n = LW__STACK_MAX;
	if (site && site->src == NULL)
		site = NULL;
	uint64_t h = stack_hash(pcs, n, site);
	uint32_t id = 0;

	depot_lock();
	if (buckets) {
		for (struct entry *e = buckets[(size_t)h & (nbuckets - 1)]; e; e = e->next) {
			if (entry_matches(e, h, pcs, n, site)) {
				id = e->id;
				break;
			}
		}
	}
	if (id == 0 && n_ids < UINT32_MAX - 1 && depot_reserve() == 0) {
		size_t sz = sizeof(struct entry) + (size_t)n * sizeof(uintptr_t);
		sz = (sz + 15) & ~(size_t)15;
		struct entry *e = chunk_alloc(sz);
		if (e) {
			e->hash = h;
			e->gen = depot_gen;
			e->code_key = 0;
			e->n = (uint32_t)n;
			if (site) {
				e->site_pc = site->pc;
				e->src = site->src;
			} else {
				e->site_pc = 0;
				e->src = NULL;
			}
			memcpy(e->pcs, pcs, (size_t)n * sizeof(uintptr_t));
			size_t j = (size_t)h & (nbuckets - 1);
			e->next = buckets[j];
			buckets[j] = e;
			by_id[n_ids++] = e;
			id = (uint32_t)n_ids;
			e->id = id;
		}
	}
	depot_unlock();
	return id;
}

void lw__stack_unloaded(void)
{
	depot_lock();
	depot_gen++;
	depot_unlock();
}

/* The open lock call's capture (lw__stack_memo_open): written open last
 * and closed first, so a handler that interrupts a write leaves it closed. */
static LW__TLS struct {
	uintptr_t pc;
	const lw_site_t *src;
	uintptr_t slot; /* where pc lies on the stack, 0: unknown */
	uint32_t id;
	int open;
} memo;

void lw__stack_memo_open(const struct lw__site *site, uintptr_t slot)
{
	memo.open = 0;
	lw__signal_fence();
	memo.pc = site->pc;
	memo.src = site->src;
	memo.slot = slot;
	memo.id = 0;
	lw__signal_fence();
	memo.open = 1;
}

void lw__stack_memo_close(void)
{
	memo.open = 0;
	lw__signal_fence();
}

static int memo_for(const struct lw__site *site)
{
	return site && memo.open && memo.pc == site->pc && memo.src == site->src;
}

uint32_t lw__stack_capture(const struct lw__site *site)
{
	uintptr_t pcs[LW__STACK_MAX], slots[LW__STACK_MAX];
	int open = memo_for(site);
	if (open && memo.id)
		return memo.id;
	long depth = lw__opt.stack_depth;
	if (depth < 1)
		depth = 1;
	if (depth > LW__STACK_MAX)
		depth = LW__STACK_MAX;
	/* the same site from the same frames as before: the same stack. The
	 * opener's return address (its frame is live: its call is open) is
	 * the site's when it was the entry point or a twin it tail-called */
	uintptr_t slot = open ? memo.slot : 0;
	if (slot && *(const uintptr_t *)slot != site->pc)
		slot = 0;
	unsigned gen = lw__load(&depot_gen);
	int again = 0;
	uint32_t id = lw__site_memo_find(site, slot, (int)depth, gen, &again);
	if (!id) {
		/* inside the fork gate (base/gate.h): libunwind's own locks are
		 * never copied held into a child. While a fork closes the gate,
		 * no stack (id 0) rather than a wait: this thread may hold what
		 * the fork waits for next (a report's lock) */
		if (!lw__gate_enter_now())
			return 0;
		int n = again ? lw__stack_raw_slots(pcs, slots, (int)depth, site->pc)
			      : lw__stack_raw(pcs, (int)depth, site ? site->pc : 0);
		lw__gate_leave();
		if (n <= 0)
			return 0;
		id = lw__stack_intern(pcs, n, site);
		lw__site_memo_note(site, slot, (int)depth, gen, id, pcs,
				   again && slots[0] ? slots : NULL, n);
	}
	if (memo_for(site))
		memo.id = id;
	return id;
}

int lw__stack_get(uint32_t id, uintptr_t *pcs, int max, struct lw__site *site)
{
	int n = 0;
	depot_lock();
	if (id != 0 && id <= n_ids) {
		const struct entry *e = by_id[id - 1];
		n = (int)e->n;
		if (n > max)
			n = max > 0 ? max : 0;
		if (n > 0 && pcs != NULL)
			memcpy(pcs, e->pcs, (size_t)n * sizeof(uintptr_t));
		if (site) {
			site->pc = e->site_pc;
			site->src = e->src;
		}
	} else if (site) {
		memset(site, 0, sizeof(*site));
	}
	depot_unlock();
	return n;
}

void lw__stack_memory(size_t *stacks, size_t *bytes)
{
	depot_lock();
	if (stacks)
		*stacks = n_ids;
	if (bytes)
		*bytes = depot_bytes;
	depot_unlock();
}

/* One address as the code (or data) it is in: its object's file and the
 * offset in it, the same wherever the loader put the object; the address
 * itself when no loaded object holds it (unloaded since, JIT code). */
static uint64_t code_word(uint64_t x, uintptr_t addr, uintptr_t look_at)
{
	struct lw__object o;
	if (!addr || !lw__object_of((const void *)look_at, &o))
		return lw__fnv_word(x, addr);
	x = lw__fnv_word(x, lw__fnv_str(o.name, 4096));
	return lw__fnv_word(x, addr - o.base);
}

uint64_t lw__stack_code_key(uint32_t id)
{
	uintptr_t pcs[LW__STACK_MAX];
	struct lw__site site;
	struct entry *e = NULL;
	uint64_t key = 0;
	int n = 0;
	depot_lock();
	if (id != 0 && id <= n_ids) {
		e = by_id[id - 1];
		key = lw__load(&e->code_key);
		n = (int)e->n;
		memcpy(pcs, e->pcs, (size_t)n * sizeof(uintptr_t));
		site.pc = e->site_pc;
		site.src = e->src;
	}
	depot_unlock();
	if (!e || key)
		return key;
	/* outside the depot's lock: the loader's may be taken */
	key = lw__fnv_word(LW__FNV_BASIS, (uint64_t)n);
	for (int i = 0; i < n; i++)
		key = code_word(key, pcs[i], pcs[i] - (i > 0)); /* return addresses: the call */
	key = code_word(key, site.pc, site.pc);
	key = code_word(key, (uintptr_t)site.src, (uintptr_t)site.src);
	key |= 1;
	lw__store(&e->code_key, key);
	return key;
}
