/* order.h - the lock-order check: the edges a new chain adds to the graph,
 * and the verdict on every cycle the graph hands back (error, or a warning
 * when it cannot deadlock: a gate lock, or a lock only ever held and
 * awaited for reading, or every lock of it awaited with a deadline), each
 * distinct cycle reported once per severity. */
#ifndef LW_ORDER_H
#define LW_ORDER_H

#include "common.h"
#include "thread.h"

/* Thread t, holding its held stack, takes l (mode) with a blocking call;
 * the stack that takes it is depot id `stack`. Adds an edge from every
 * held lock (semaphores aside) and reports the cycles they close. Slow
 * path only; call under the guard. */
void lw__order_check(struct lw__thread *t, struct lw__lock *l, int mode, uint32_t stack);

/* A timed acquire (mode | LW__ACQ_TIMED to lw__order_check, which calls
 * this itself) took a lock at depot stack `stack`: an edge from that hold
 * is from_timed. Slow path only; call under the guard. */
void lw__order_timed(uint32_t stack);

/* The verdicts' lock (runtime/init.c takes it around fork). */
struct lw__mutex;
LW__EXTERN struct lw__mutex lw__order_mu;

#endif
