/* order_line.h - option edges: the lock-order graph by lock class, written
 * as JSON lines {"edges":[...],"dropped":N,"pid":N,"time_ms":N,
 * "exe":..,"argv":[..],"image":".."} for `lockwatch report` to merge the
 * graphs of many processes: when a report is made (so a process killed,
 * or ending with _exit or exec, after it still leaves its order as of
 * then), at exit, and before lockwatch itself ends the process
 * (on_deadlock exit or abort, a timeout). Each line holds only the class
 * edges the process has not written yet, or that changed since (lost a
 * gate, a read or a timed side): the lines of one process image are one
 * graph, their union. */
#ifndef LW_ORDER_LINE_H
#define LW_ORDER_LINE_H

#include "common.h"

/* Write a line (nothing when the option is 0, the graph has no class edge
 * this process has not written as it is, or the graph did not change since
 * its last line). Call under the guard, holding no lockwatch lock, never
 * from a signal handler that may have interrupted lockwatch. Thread-safe:
 * two threads writing at once write each class edge once. */
void lw__order_line_write(void);

/* Guards the record of what this process wrote: held only to look up and
 * insert into memory allocated before (runtime/init.c takes it around
 * fork; nothing is taken while it is held; order_written.c). */
LW__EXTERN struct lw__mutex lw__order_line_mu;

#endif
