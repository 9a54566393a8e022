/* graph_search.h - inside the model layer: the lock-order graph's
 * searches (graph_search.c), for graph.c. Under the graph lock. */
#ifndef LW_GRAPH_SEARCH_H
#define LW_GRAPH_SEARCH_H

#include "graph.h"

/* The new edge x->y has ord(x) > ord(y): restore the order, or return 1
 * when the edge closes a cycle (y reaches x). */
int lw__graph_reorder(struct lw__lock *x, struct lw__lock *y);

/* Shortest path from a to b over every edge: fills *path with its edges,
 * in order (lw__mem_alloc), and returns their count; 0 when there is none,
 * or a == b. */
size_t lw__graph_shortest_path(struct lw__lock *a, struct lw__lock *b, struct lw__edge ***path);

#endif
