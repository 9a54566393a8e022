/* edge.c - edge storage for the lock-order graph (see edge.h).
 *
 * Edges and gate blocks come from slabs in a fixed directory, never freed
 * (a lock-free reader may hold any index ever handed out), each with a
 * free list; an index is four bytes where a pointer was eight, so an edge
 * with its five links and its two locks (record indices) is 48 bytes.
 *
 * The pair hash chains edges through their `hnext` index from a bucket
 * array of a power-of-two size, at most two edges per bucket on average
 * (2-4 bytes per edge). Readers take the current array with an acquire
 * load and follow the chain with acquire loads; writers (under the graph
 * lock) link a new edge at the head of its chain after it is complete, and
 * double the array by re-linking every edge into a new one. A reader still
 * in an old array, or on an edge that was re-linked, freed or reused
 * meanwhile, may miss the edge it looks for and then looks again under the
 * lock: a freed edge's pair (from and to in one word) is zeroed, matching
 * no lookup, and a reused one's is written last, with release (graph.c),
 * so a pair is never seen half-written nor before the rest of its edge;
 * old arrays stay mapped with their memory given back (madvise), so such
 * a reader reads zeros, "not found". A chain walk is bounded, so a reader
 * that hops chains that way always ends. */
#include "edge.h"
#include "mem.h"
#include "grow.h"
#include "hash.h"
#include "map.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

_Static_assert(sizeof(struct lw__edge) <= 48, "an edge fits in 48 bytes");

#define FIRST_BUCKETS 1024
#define MAX_HOPS 64 /* a lock-free walk longer than this looks again locked */
#define GATE_SLABS 4096 /* directory entries: 16M gate blocks */

void *lw__edge_dir[LW__EDGE_SLABS];

struct gate_block {
	uint32_t id[LW__MAX_GATES]; /* a free block's id[0] links the free list */
};
static void *gate_dir[GATE_SLABS];

/* Slabs of LW__EDGE_SLAB items in a directory (edge.h): `used` items
 * handed out from them so far, then a free list through the word at
 * `link` in each free item. */
struct pool {
	void **dir;
	size_t n_dir, item, link, bytes;
	uint32_t used, free;
};

struct buckets {
	size_t mask;
	uint32_t head[];
};

static struct {
	struct pool edges, gates;
	struct buckets *tab;
	size_t n_indexed, tab_bytes;
	struct who {
		int tid;
		char name[16];
	} *who;
	uint32_t n_who;
	size_t cap_who;
	struct lw__map who_ids; /* hash of tid and name -> id + 1 */
} g = {
	.edges = { lw__edge_dir, LW__EDGE_SLABS, sizeof(struct lw__edge),
		   offsetof(struct lw__edge, hnext), 0, 0, 0 },
	.gates = { gate_dir, GATE_SLABS, sizeof(struct gate_block), 0, 0, 0, 0 },
	.who_ids = { .exclusive = 1 },
};

static void *pool_at(const struct pool *p, uint32_t i)
{
	return (char *)p->dir[i >> LW__EDGE_SHIFT] + (i & (LW__EDGE_SLAB - 1)) * p->item;
}

/* A zeroed item's index, or 0 when out of memory. */
static uint32_t pool_alloc(struct pool *p)
{
	uint32_t i = p->free;
	if (i) {
		memcpy(&p->free, (char *)pool_at(p, i) + p->link, sizeof(p->free));
	} else {
		size_t entry = p->used / LW__EDGE_SLAB + 1;
		if (p->used % LW__EDGE_SLAB == 0) {
			if (entry >= p->n_dir)
				return 0;
			void *slab = lw__mem_pages((size_t)LW__EDGE_SLAB * p->item);
			if (!slab)
				return 0;
			lw__store_rel(&p->dir[entry], slab); /* zeroed before it is seen */
			p->bytes += LW__EDGE_SLAB * p->item;
		}
		i = (uint32_t)(entry << LW__EDGE_SHIFT | p->used % LW__EDGE_SLAB);
		p->used++;
	}
	memset(pool_at(p, i), 0, p->item);
	return i;
}

static void pool_free(struct pool *p, uint32_t i)
{
	lw__store((uint32_t *)((char *)pool_at(p, i) + p->link), p->free);
	p->free = i;
}

uint32_t lw__edge_alloc(void)
{
	return pool_alloc(&g.edges);
}

void lw__edge_free(uint32_t i)
{
	/* its pair zeroed in one store: a lock-free reader that still holds
	 * the edge then finds no match (and looks again under the lock) */
	struct lw__edge *e = lw__edge_at(i);
	lw__store(&e->pair, (uint64_t)0);
	if (e->gates)
		pool_free(&g.gates, e->gates);
	pool_free(&g.edges, i);
}

int lw__edge_set_gates(struct lw__edge *e, const uint32_t *gates, unsigned n)
{
	uint32_t b = e->gates ? e->gates : pool_alloc(&g.gates);
	if (!b)
		return -1;
	struct gate_block *blk = pool_at(&g.gates, b);
	for (unsigned k = 0; k < LW__MAX_GATES; k++)
		lw__store(&blk->id[k], k < n ? gates[k] : 0);
	lw__store(&e->gates, b);
	return 0;
}

uint32_t *lw__edge_gates(const struct lw__edge *e)
{
	uint32_t b = lw__load(&e->gates);
	void *slab = b ? lw__load(&gate_dir[(b >> LW__EDGE_SHIFT) & (GATE_SLABS - 1)]) : NULL;
	if (!slab)
		return NULL;
	return ((struct gate_block *)slab)[b & (LW__EDGE_SLAB - 1)].id;
}

static size_t pair_hash(uint32_t from, uint32_t to)
{
	return lw__map_hash((uint64_t)from << 32 | to);
}

static struct buckets *tab_new(size_t n)
{
	size_t sz = sizeof(struct buckets) + n * sizeof(uint32_t);
	void *p = lw__os_map(sz, 0);
	if (!p)
		return NULL;
	struct buckets *b = p;
	b->mask = n - 1;
	g.tab_bytes += (sz + 4095) & ~(size_t)4095; /* whole pages */
	return b;
}

static void link_into(struct buckets *b, uint32_t i)
{
	struct lw__edge *e = lw__edge_at(i);
	uint32_t *head = &b->head[pair_hash(e->from, e->to) & b->mask];
	lw__store(&e->hnext, *head);
	lw__store_rel(head, i); /* e complete before it is reachable */
}

/* Double the bucket array, re-linking every edge. */
static int grow(void)
{
	struct buckets *o = g.tab;
	size_t n = o ? (o->mask + 1) * 2 : FIRST_BUCKETS;
	struct buckets *b = tab_new(n);
	if (!b)
		return -1;
	for (size_t i = 0; o && i <= o->mask; i++)
		for (uint32_t e = o->head[i], next; e; e = next) {
			next = lw__edge_at(e)->hnext;
			link_into(b, e);
		}
	lw__store_rel(&g.tab, b);
	if (o) {
		size_t sz = sizeof(*o) + (o->mask + 1) * sizeof(o->head[0]);
		lw__mem_give_back(o, sz);
		g.tab_bytes -= (sz + 4095) & ~(size_t)4095;
	}
	return 0;
}

int lw__edge_index(uint32_t e)
{
	if ((!g.tab || g.n_indexed >= 2 * (g.tab->mask + 1)) && grow() < 0 && !g.tab)
		return -1;
	link_into(g.tab, e);
	g.n_indexed++;
	return 0;
}

void lw__edge_unindex(uint32_t e)
{
	if (!g.tab)
		return;
	struct lw__edge *x = lw__edge_at(e);
	uint32_t *p = &g.tab->head[pair_hash(x->from, x->to) & g.tab->mask];
	for (; *p; p = &lw__edge_at(*p)->hnext)
		if (*p == e) {
			lw__store_rel(p, x->hnext);
			g.n_indexed--;
			return;
		}
}

struct lw__edge *lw__edge_find(const struct lw__lock *from, const struct lw__lock *to)
{
	struct buckets *b = lw__load_acq(&g.tab);
	if (!b)
		return NULL;
	uint32_t f = from->index, t = to->index;
	uint64_t want = lw__edge_pair(f, t);
	uint32_t i = lw__load_acq(&b->head[pair_hash(f, t) & b->mask]);
	for (int hops = 0; i && hops < MAX_HOPS; hops++) {
		/* every index once published stays valid; a slab not seen yet
		 * (never so after the acquire loads) is "not found" */
		struct lw__edge *s = lw__load(&lw__edge_dir[(i >> LW__EDGE_SHIFT) & (LW__EDGE_SLABS - 1)]);
		if (!s)
			return NULL;
		struct lw__edge *e = s + (i & (LW__EDGE_SLAB - 1));
		if (lw__load_acq(&e->pair) == want)
			return e;
		i = lw__load_acq(&e->hnext);
	}
	return NULL;
}

uint32_t lw__edge_who_intern(int tid, const char name[16])
{
	uint64_t h = lw__fnv_word(lw__fnv_str(name, 16), (uint32_t)tid) | 1;
	uintptr_t id = (uintptr_t)lw__map_get(&g.who_ids, h);
	if (id)
		return (uint32_t)id - 1;
	if (lw__grow(&g.who, &g.cap_who, g.n_who, sizeof(*g.who), 16) < 0)
		return 0;
	g.who[g.n_who].tid = tid;
	memcpy(g.who[g.n_who].name, name, 16);
	g.who[g.n_who].name[15] = 0;
	lw__map_put(&g.who_ids, h, (void *)(uintptr_t)(g.n_who + 1));
	return g.n_who++;
}

const char *lw__edge_who(uint32_t id, int *tid)
{
	*tid = id < g.n_who ? g.who[id].tid : 0;
	return id < g.n_who ? g.who[id].name : "";
}

void lw__edge_each(void (*fn)(struct lw__edge *e, void *arg), void *arg)
{
	struct buckets *b = g.tab;
	for (size_t i = 0; b && i <= b->mask; i++)
		for (uint32_t e = b->head[i]; e; e = lw__edge_at(e)->hnext)
			fn(lw__edge_at(e), arg);
}

size_t lw__edge_bytes(void)
{
	return g.edges.bytes + g.gates.bytes + g.tab_bytes;
}
