/* edge.h - where the lock-order graph keeps its edges (graph.c is the
 * algorithm): a slab with a free list, the threads they name (interned), and a hash of the edges by their (from, to) pair, so an edge
 * is found in O(1), never by walking a lock's edge list. Lookups are
 * lock-free (lw__edge_find); everything else runs under the graph lock.
 * (The edge itself is in graph.h: 88 bytes, and the hash adds 4-8.) */
#ifndef LW_EDGE_H
#define LW_EDGE_H

#include "common.h"
#include "graph.h"

/* A zeroed edge, or NULL when out of memory; and back to the free list. */
struct lw__edge *lw__edge_alloc(void);
void lw__edge_free(struct lw__edge *e);

/* Enter e (from and to set) into the pair hash, or take it out. 0, or -1
 * when the hash cannot grow (the edge is then found by no one: the graph
 * keeps working, only slower for that pair). */
int lw__edge_index(struct lw__edge *e);
void lw__edge_unindex(struct lw__edge *e);

/* The edge from->to, or NULL; lock-free. Under the graph lock the answer
 * is exact. Without it, an edge being removed or reused, or the hash being
 * resized, may be missed (never wrongly returned: the caller then takes
 * the graph lock and looks again); the caller checks e->from and e->to
 * again after reading what it needs from e. */
struct lw__edge *lw__edge_find(const struct lw__lock *from, const struct lw__lock *to);

/* A thread (its tid and name) as a small id; and back: its name, and its
 * tid into *tid. */
uint32_t lw__edge_who_intern(int tid, const char name[16]);
const char *lw__edge_who(uint32_t id, int *tid);

/* Call fn for every edge in the pair hash (under the graph lock). */
void lw__edge_each(void (*fn)(struct lw__edge *e, void *arg), void *arg);

/* Bytes of edge storage (slabs and the hash). */
size_t lw__edge_bytes(void);

#endif
