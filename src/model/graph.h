/* graph.h - the lock-order graph: an edge A->B when a thread did a blocking
 * acquire of B while holding A. Adding the edge that closes a cycle, of any
 * length, hands back the shortest such cycle at once (graph.c explains the
 * incremental topological order that makes this cheap); judging and
 * reporting it is the caller's (check/order.c). All of it runs under one
 * graph lock, only on the slow path (a chain never checked by any thread:
 * check/held.c), except that an edge which exists already, with nothing
 * new to merge into it, is found without the lock. */
#ifndef LW_GRAPH_H
#define LW_GRAPH_H

#include "common.h"
#include "lock.h"

#define LW__MAX_GATES 4

/* What is stored with an edge when it is first seen. */
struct lw__edge_info {
	int tid;
	char thread_name[16];
	uint32_t from_stack, to_stack; /* depot ids */
	uint8_t from_read, to_read;    /* the acquisitions were read locks */
	uint8_t from_timed, to_timed;  /* ... timed acquires (gave up at a deadline) */
	uint8_t to_fresh;              /* ... the first acquisition of a lock the
					* thread made holding `from` (LW__ACQ_FRESH) */
	uint8_t n_gates;
	uint32_t gates[LW__MAX_GATES]; /* ids of locks held before `from`,
					* LW__GATE_READ set when read-held */
};

/* A gate held for reading (on some sighting of the edge): readers do not
 * exclude each other, so it serialises a cycle only where another edge
 * holds it exclusively (check/order.c). Lock ids stay below 2^31 until a
 * process has made two billion locks; past that an exclusive gate may
 * read as read-held: a warning reported as an error, never the reverse. */
#define LW__GATE_READ 0x80000000u
static inline uint32_t lw__gate_id(uint32_t gate)
{
	return gate & ~LW__GATE_READ;
}

/* An edge as stored: 48 bytes from a slab (model/edge.c), named by a
 * 32-bit index (edge.h: lw__edge_at; 0 is none), as are the locks at its
 * ends (their records' index: lw__record_at). It is on two doubly linked
 * lists (its source's out-edges and its target's in-edges) and in the hash
 * of edges by their pair (hnext); nothing else. Its gates, when it has
 * any (most edges have none), are in a block of their own (edge.h). */
struct lw__edge {
	union {
		struct {
			uint32_t from, to; /* the locks: record indices */
		};
		uint64_t pair; /* both, written (last, with release) and read
				* lock-free as one: never seen half-written */
	};
	uint32_t next_out, prev_out, next_in, prev_in;
	uint32_t hnext;                /* the pair hash's chain (edge.c) */
	uint32_t from_stack, to_stack;
	uint32_t who;                  /* the thread: tid and name, interned (edge.c) */
	uint32_t gates;                /* its gate block (edge.h), 0: none yet */
	uint8_t n_gates;               /* shrink to those held every time */
	union {
		struct {
			uint8_t from_read : 1, to_read : 1;   /* every sighting was a read */
			uint8_t from_timed : 1, to_timed : 1; /* ... a timed acquire */
			uint8_t cyclic : 1; /* closed a cycle: kept out of the order */
			uint8_t to_fresh : 1; /* every sighting: `to` new, made by
					       * the thread holding `from` */
		};
		uint8_t flags; /* all of them, for one lock-free load */
	};
};

/* One edge of a cycle handed back by lw__graph_add: a copy, so it stays
 * valid after the graph lock is dropped (lock records are never freed). */
struct lw__cycle_edge {
	struct lw__lock *from, *to;
	struct lw__edge_info info; /* as stored: the sighting that made it */
};

/* Record that a thread took `to` while holding `from`. When this edge
 * closes a cycle (or, with `recheck`, when it existed and lost a gate, a
 * read side, its timed `to` or its fresh `to`, and lies on a cycle), returns the number of edges of the
 * shortest cycle through it and sets *cycle to a copy of them (lw__mem_alloc),
 * the new edge first, each edge's `to` the next one's `from`; the caller
 * frees it (lw__mem_free), and calls lw__lock_read_end() when done with its locks (no
 * record of the cycle is reused until then). Else returns 0. Call under
 * the guard (it allocates). An edge
 * that exists with nothing new in this sighting (no gate or read side
 * lost) costs a lock-free lookup, no graph lock. */
size_t lw__graph_add(struct lw__lock *from, struct lw__lock *to,
		     const struct lw__edge_info *info, int recheck,
		     struct lw__cycle_edge **cycle);

/* Edges looked at by the searches so far (under the graph lock): what a
 * cycle costs to find, for the unit test. */
LW__EXTERN size_t lw__graph_steps;

/* The lock with this id among l's direct predecessors, or NULL (names a
 * gate whose record may be retired). */
struct lw__lock *lw__graph_pred(struct lw__lock *l, uint32_t id);

/* Remove every edge of a retired lock (the lock_retired hook); `mapped`
 * as the hook's (-1: read through the kernel if it matters). */
void lw__graph_forget(struct lw__lock *l, int mapped);

/* One edge of the whole graph, copied out by lw__graph_copy for the
 * lock-order line written at exit (report/order_line.c): raw facts only,
 * named and symbolised after the graph lock is dropped. `gates` are the
 * records of the locks held before `from` (resolved by id through
 * `from`'s predecessors; a gate no longer found is left out). */
struct lw__graph_copy_edge {
	const struct lw__lock *from, *to;
	struct lw__edge_info info; /* info.gates: ids, as stored */
	const struct lw__lock *gate_rec[LW__MAX_GATES];
	/* from, to: a rwlock that prefers writers (read when copied, through
	 * the kernel: a destroyed lock's memory may be gone) */
	uint8_t from_writer_pref, to_writer_pref;
	uint64_t key; /* the archive's: what makes this sighting the same */
};

/* Copy up to `max` edges of the graph into out (the caller allocated it,
 * before: nothing is allocated here, under the graph lock); edges of
 * locks destroyed earlier were kept for this in a bounded archive and
 * come first. Returns how many were copied; *total is how many there
 * were (the caller may try again with more room). Call under the guard. */
size_t lw__graph_copy(struct lw__graph_copy_edge *out, size_t max, size_t *total);

/* A number that changes whenever an edge is added, removed or made more
 * dangerous (a gate, a read or a timed side lost): the lock-order line
 * is not written again for a graph it has written already. Lock-free. */
uint64_t lw__graph_generation(void);

/* Edges now in the graph and bytes the graph uses. */
void lw__graph_memory(size_t *edges, size_t *bytes);

/* The graph lock (runtime/init.c takes it around fork). */
LW__EXTERN struct lw__mutex lw__graph_mu;

/* Between graph.c and graph_copy.c, graph lock held: copy edge e out into
 * c; take edge e out of the graph for good (unlinked, unhashed, freed). */
void lw__graph_edge_copy(struct lw__cycle_edge *c, const struct lw__edge *e);
void lw__graph_drop_edge(uint32_t e);

#endif
