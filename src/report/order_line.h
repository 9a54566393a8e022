/* order_line.h - option edges: the lock-order graph by lock class, written
 * as one JSON line {"edges":[...],"dropped":N,"pid":N,"time_ms":N,
 * "exe":..,"argv":[..]} when the process ends (at exit, and before
 * lockwatch itself ends it: on_deadlock exit or abort, a timeout), so that
 * `lockwatch report` can merge the graphs of many processes. */
#ifndef LW_ORDER_LINE_H
#define LW_ORDER_LINE_H

#include "common.h"

/* Write the line (nothing when the option is 0, the graph has no edge
 * between two classes, or this process wrote it already). Call under the
 * guard, holding no lockwatch lock, never from a signal handler that may
 * have interrupted lockwatch. */
void lw__order_line_write(void);

#endif
