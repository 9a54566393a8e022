/* edge.h - where the lock-order graph keeps its edges (graph.c is the
 * algorithm): slabs never freed, with a free list, an edge named by a
 * 32-bit index; the gates of the few edges that have them, in blocks of
 * their own; the threads they name (interned); and a hash of the edges by
 * their (from, to) pair, so an edge is found in O(1), never by walking a
 * lock's edge list. Lookups are lock-free (lw__edge_find); everything else
 * runs under the graph lock. (The edge itself is in graph.h: 48 bytes,
 * and the hash adds 2-4.) */
#ifndef LW_EDGE_H
#define LW_EDGE_H

#include "common.h"
#include "graph.h"

/* Where edges live: entry s of the directory is slab s - 1 of
 * LW__EDGE_SLAB edges (NULL until made, published zeroed with release,
 * never freed; entry 0 is always NULL), so an edge's index is its entry
 * << LW__EDGE_SHIFT | its place in the slab, and 0 names none. */
#define LW__EDGE_SHIFT 12
#define LW__EDGE_SLAB (1u << LW__EDGE_SHIFT)
#define LW__EDGE_SLABS 65536 /* entries: 65535 slabs, 268M edges */
LW__EXTERN void *lw__edge_dir[LW__EDGE_SLABS];

/* The edge of index i (not 0: none). Under the graph lock; lock-free
 * readers go through lw__edge_find, which checks the slab is there (an
 * index once handed out stays valid memory for ever). */
static inline struct lw__edge *lw__edge_at(uint32_t i)
{
	struct lw__edge *s = lw__load(&lw__edge_dir[(i >> LW__EDGE_SHIFT) & (LW__EDGE_SLABS - 1)]);
	return s + (i & (LW__EDGE_SLAB - 1));
}

/* The `pair` word of an edge from record index `from` to `to`. */
static inline uint64_t lw__edge_pair(uint32_t from, uint32_t to)
{
	union {
		struct {
			uint32_t from, to;
		};
		uint64_t pair;
	} u = { { from, to } };
	return u.pair;
}

/* The index of a zeroed edge, or 0 when out of memory; and back to the
 * free list, with its gate block, its pair zeroed (0 to 0: a pair never
 * looked up), so a lock-free reader that still holds it never matches it
 * again, even when a record at one end is reused. */
uint32_t lw__edge_alloc(void);
void lw__edge_free(uint32_t e);

/* Give edge e a gate block holding gates[0..n) (n <= LW__MAX_GATES, the
 * rest zero); -1 when out of memory. Its gates: the block's ids, or NULL
 * when it has none (read lock-free too: a block is valid memory for ever,
 * reused only after its edge is freed). */
int lw__edge_set_gates(struct lw__edge *e, const uint32_t *gates, unsigned n);
uint32_t *lw__edge_gates(const struct lw__edge *e);

/* Enter edge e (from and to set) into the pair hash, or take it out. 0,
 * or -1 when the hash cannot grow (the edge is then found by no one: the
 * graph keeps working, only slower for that pair). */
int lw__edge_index(uint32_t e);
void lw__edge_unindex(uint32_t e);

/* The edge from->to, or NULL; lock-free. Under the graph lock the answer
 * is exact. Without it, an edge being removed or reused, or the hash being
 * resized, may be missed (never wrongly returned: the caller then takes
 * the graph lock and looks again); the caller checks e->pair again after
 * reading what it needs from e. */
struct lw__edge *lw__edge_find(const struct lw__lock *from, const struct lw__lock *to);

/* A thread (its tid and name) as a small id; and back: its name, and its
 * tid into *tid. */
uint32_t lw__edge_who_intern(int tid, const char name[16]);
const char *lw__edge_who(uint32_t id, int *tid);

/* Call fn for every edge in the pair hash (under the graph lock). */
void lw__edge_each(void (*fn)(struct lw__edge *e, void *arg), void *arg);

/* Bytes of edge storage (slabs, gate blocks and the hash). */
size_t lw__edge_bytes(void);

#endif
