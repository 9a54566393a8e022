/* name.h - what a report calls a lock: the name given with lw_set_name,
 * else the global or static variable it is ("accounts_lock", "accts[1]",
 * "table+16"), else "mutex@file.c:42" after the program's own code where
 * it was first used (inlined functions expanded, system headers and
 * libraries skipped), else, in a stripped program, "mutex@func#7" or
 * "mutex@prog+0x1a2b#7" with its id; and its class, stable across runs. Report time only
 * (it symbolises); call under the guard. */
#ifndef LW_NAME_H
#define LW_NAME_H

#include "common.h"
#include "lock.h"

void lw__lock_describe(const struct lw__lock *l, char *name, size_t nn, char *cls,
		       size_t cn);

/* The global or static variable l is in, for grouping reports of one
 * shape: a hash of its symbol without any +offset (every element of an
 * array, every field of a struct, is the same variable), 0 for a lock
 * that is in none (on the heap, on a stack). Symbolises; under the guard. */
uint64_t lw__lock_var_key(const struct lw__lock *l);

/* "mutex", "rwlock", "spinlock", "semaphore" (or "lock"). */
const char *lw__lock_kind_name(int kind);

#endif
