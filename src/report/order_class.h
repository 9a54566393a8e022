/* order_class.h - inside the report layer: the process's lock-order graph
 * by lock class (order_class.c), for the lock-order line (order_line.c). */
#ifndef LW_ORDER_CLASS_H
#define LW_ORDER_CLASS_H

#include "common.h"
#include "graph.h"

#define LW__ORDER_NAME_LEN 256

/* A lock class, named after the first record of it met. */
struct lw__order_class {
	const struct lw__lock *rec;
	char name[LW__ORDER_NAME_LEN], cls[LW__ORDER_NAME_LEN];
	int writer_pref;
};

/* A class edge: the instance edges between two classes, merged. */
struct lw__order_edge {
	int from, to;             /* indexes into the class table */
	const struct lw__graph_copy_edge *first; /* the sighting shown */
	uint8_t from_read, to_read, from_timed, to_timed, to_fresh;
	int n_gates;
	int gates[LW__MAX_GATES]; /* class indexes held on every instance */
	unsigned instances;
};

/* The class graph, with its tables. */
struct lw__order_graph {
	struct lw__order_class *cls;       /* one per distinct class name */
	size_t n_cls, cap_cls;
	int *cls_slot;         /* class text -> index + 1 (open addressing) */
	size_t cls_mask;
	/* record -> class index (open addressing on the record pointer) */
	const struct lw__lock **rec_key;
	int *rec_cls;
	size_t rec_mask, n_rec; /* never filled beyond half */
	struct lw__order_edge *e;
	size_t n_e, cap_e;
	size_t *e_slot;        /* (from, to) -> edge index + 1 */
	size_t e_mask;
};

/* The class graph of the n instance edges raw copied out of the graph
 * (lw__graph_copy): each lock named, an edge between two locks of one
 * class left out, the instance edges between the same two classes merged
 * into one class edge, the class edges sorted by their classes' names.
 * Out of memory, st has fewer edges or none. Free with lw__order_graph_free. */
void lw__order_graph_build(struct lw__order_graph *st, const struct lw__graph_copy_edge *raw,
			   size_t n);
void lw__order_graph_free(struct lw__order_graph *st);

/* A class edge as written: its classes, flags and gates (a later line
 * writes the edge again only when one of them changed). Never 0. */
uint64_t lw__order_edge_key(const struct lw__order_graph *st, const struct lw__order_edge *x);

#endif
