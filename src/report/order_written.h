/* order_written.h - inside the report layer: what this process wrote in
 * its lock-order lines so far (order_written.c), so that a later line
 * holds only the class edges new or changed since (order_line.c). Guarded
 * by lw__order_line_mu (order_line.h). */
#ifndef LW_ORDER_WRITTEN_H
#define LW_ORDER_WRITTEN_H

#include "common.h"

/* Mark in put[] which of the n class edges (keys[]: lw__order_edge_key)
 * go into this line: those not written before, while fewer than
 * lw__opt.edges were; returns how many, *over those left out for the
 * bound, and records the graph generation gen as written. pid: this
 * process (a forked child starts afresh). 0 when out of memory. */
size_t lw__order_written_choose(const uint64_t *keys, uint8_t *put, size_t n, uint64_t gen,
				int pid, size_t *over);

/* Has this process written the graph as it is now (generation gen)
 * already? With mark: record that it has (a graph with no class edge has
 * nothing to write). */
int lw__order_written_already(uint64_t gen, int pid, int mark);

#endif
