/* edge.c - edge storage for the lock-order graph (see edge.h).
 *
 * The pair hash chains edges through their `hnext` link from a bucket
 * array of a power-of-two size, at most two edges per bucket on average
 * (4-8 bytes per edge, so that an edge with its share stays within 96). Readers take the current array with an acquire
 * load and follow the chain with acquire loads; writers (under the graph
 * lock) link a new edge at the head of its chain after it is complete, and
 * double the array by re-linking every edge into a new one. A reader still
 * in an old array, or on an edge that was re-linked or reused meanwhile,
 * may miss the edge it looks for and then looks again under the lock;
 * old arrays stay mapped with their memory given back (madvise), so such
 * a reader reads zeros, "not found". A chain walk is bounded, so a reader
 * that hops chains that way always ends. */
#include "edge.h"
#include "grow.h"
#include "hash.h"
#include "map.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

_Static_assert(sizeof(struct lw__edge) <= 88, "an edge fits in 88 bytes");

#define SLAB_EDGES 4096
#define FIRST_BUCKETS 1024
#define MAX_HOPS 64 /* a lock-free walk longer than this looks again locked */

struct buckets {
	size_t mask;
	struct lw__edge *head[];
};

static struct {
	struct lw__edge *slab, *free; /* a free edge's `hnext` links the list */
	size_t slab_left, slab_bytes;
	struct buckets *tab;
	size_t n_indexed, tab_bytes;
	struct who {
		int tid;
		char name[16];
	} *who;
	uint32_t n_who;
	size_t cap_who;
	struct lw__map who_ids; /* hash of tid and name -> id + 1 */
} g = { .who_ids = { .exclusive = 1 } };

struct lw__edge *lw__edge_alloc(void)
{
	struct lw__edge *e = g.free;
	if (e) {
		g.free = e->hnext;
	} else {
		if (!g.slab_left) {
			g.slab = calloc(SLAB_EDGES, sizeof(*g.slab));
			if (!g.slab)
				return NULL;
			g.slab_left = SLAB_EDGES;
			g.slab_bytes += SLAB_EDGES * sizeof(*g.slab);
		}
		e = g.slab++;
		g.slab_left--;
	}
	memset(e, 0, sizeof(*e));
	return e;
}

void lw__edge_free(struct lw__edge *e)
{
	/* from/to stay: a lock-free reader that still holds e sees them
	 * change only when e is reused, and then checks them again */
	e->hnext = g.free;
	g.free = e;
}

static size_t pair_hash(const struct lw__lock *from, const struct lw__lock *to)
{
	/* records are 64-byte aligned: their low bits carry nothing */
	return lw__map_hash(((uint64_t)(uintptr_t)from >> 6) * 0x100000001b3ull ^
			    ((uint64_t)(uintptr_t)to >> 6));
}

static struct buckets *tab_new(size_t n)
{
	size_t sz = sizeof(struct buckets) + n * sizeof(struct lw__edge *);
	void *p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	struct buckets *b = p;
	b->mask = n - 1;
	g.tab_bytes += (sz + 4095) & ~(size_t)4095; /* whole pages */
	return b;
}

static void link_into(struct buckets *b, struct lw__edge *e)
{
	struct lw__edge **head = &b->head[pair_hash(e->from, e->to) & b->mask];
	lw__store(&e->hnext, *head);
	lw__store_rel(head, e); /* e complete before it is reachable */
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
		for (struct lw__edge *e = o->head[i], *next; e; e = next) {
			next = e->hnext;
			link_into(b, e);
		}
	lw__store_rel(&g.tab, b);
	if (o) {
		size_t sz = sizeof(*o) + (o->mask + 1) * sizeof(o->head[0]);
		madvise(o, sz, MADV_DONTNEED);
		g.tab_bytes -= (sz + 4095) & ~(size_t)4095;
	}
	return 0;
}

int lw__edge_index(struct lw__edge *e)
{
	if ((!g.tab || g.n_indexed >= 2 * (g.tab->mask + 1)) && grow() < 0 && !g.tab)
		return -1;
	link_into(g.tab, e);
	g.n_indexed++;
	return 0;
}

void lw__edge_unindex(struct lw__edge *e)
{
	if (!g.tab)
		return;
	struct lw__edge **p = &g.tab->head[pair_hash(e->from, e->to) & g.tab->mask];
	for (; *p; p = &(*p)->hnext)
		if (*p == e) {
			lw__store_rel(p, e->hnext);
			g.n_indexed--;
			return;
		}
}

struct lw__edge *lw__edge_find(const struct lw__lock *from, const struct lw__lock *to)
{
	struct buckets *b = lw__load_acq(&g.tab);
	if (!b)
		return NULL;
	struct lw__edge *e = lw__load_acq(&b->head[pair_hash(from, to) & b->mask]);
	for (int hops = 0; e && hops < MAX_HOPS; hops++) {
		if (lw__load(&e->from) == from && lw__load(&e->to) == to)
			return e;
		e = lw__load_acq(&e->hnext);
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
		for (struct lw__edge *e = b->head[i]; e; e = e->hnext)
			fn(e, arg);
}

size_t lw__edge_bytes(void)
{
	return g.slab_bytes + g.tab_bytes;
}
