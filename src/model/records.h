/* records.h - where the registry's lock records live (model/records.c):
 * allocation from chunks that are never freed, and reuse of retired
 * records (see lock.h for the rules a stale pointer follows). For lock.c;
 * every function but lw__record_retired is called under the registry lock
 * (lw__registry_mu). */
#ifndef LW_RECORDS_H
#define LW_RECORDS_H

#include "common.h"

struct lw__lock;

/* A zeroed or reset record (a reusable one first), or NULL when out of
 * memory. Its first-line state is the caller's to publish, last. */
struct lw__lock *lw__record_alloc(void);

/* After a retired record's graph edges are gone, without the registry
 * lock: it waits for reuse, unless it must stay (option stats, held at a
 * fork or by a thread that exited); every so many, a reuse scan. */
void lw__record_retired(struct lw__lock *l);

/* Records ever made, record i of them (0 <= i < lw__records_n()), and
 * those now waiting for reuse. */
size_t lw__records_n(void);
struct lw__lock *lw__record_nth(size_t i);
size_t lw__records_reusable(void);

#endif
