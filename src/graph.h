/* graph.h - the lock-order graph: an edge A->B when a thread did a blocking
 * acquire of B while holding A. Adding the edge that closes a cycle, of any
 * length, reports the shortest such cycle at once (graph.c explains the
 * incremental topological order that makes this cheap). All of it runs
 * under one graph lock, only on the slow path: a thread's chain cache
 * (core.c) keeps known sequences away from here. */
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
	uint8_t n_gates;
	uint32_t gates[LW__MAX_GATES]; /* ids of locks held before `from` */
};

/* An edge as stored: 88 bytes from a slab, on two doubly linked lists
 * (its source's out-edges and its target's in-edges); nothing else. */
struct lw__edge {
	struct lw__lock *from, *to;
	struct lw__edge *next_out, *prev_out, *next_in, *prev_in;
	uint32_t from_stack, to_stack;
	int tid;
	uint32_t name;                 /* the thread's name, interned (graph.c) */
	uint8_t from_read, to_read;    /* every sighting was a read */
	uint8_t n_gates;               /* shrink to those held every time */
	uint8_t cyclic;                /* closed a cycle: kept out of the order */
	uint32_t gates[LW__MAX_GATES];
};

/* Record that the calling thread took `to` while holding `from`. Reports a
 * cycle when this edge closes one. Call under the guard. */
void lw__graph_add(struct lw__lock *from, struct lw__lock *to,
		   const struct lw__edge_info *info);

/* Remove every edge of a retired lock. */
void lw__graph_forget(struct lw__lock *l);

/* Edges now in the graph and bytes the graph uses. */
void lw__graph_memory(size_t *edges, size_t *bytes);

void lw__graph_atfork_prepare(void);
void lw__graph_atfork_parent(void);
void lw__graph_atfork_child(void);

#endif
