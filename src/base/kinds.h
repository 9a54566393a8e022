/* kinds.h - the report kinds' names ("lock_order_cycle", ...), one table
 * for the emitter, the suppressions parser and the `lockwatch` command. */
#ifndef LW_KINDS_H
#define LW_KINDS_H

#include "common.h"

/* The name of each lw_kind_t, as in the JSON "kind" key. */
LW__EXTERN const char *const lw__kind_names[LW_KIND_COUNT];

/* The kind named by s[0..n), or -1. */
int lw__kind_by_name(const char *s, size_t n);

#endif
