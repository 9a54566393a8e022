/* emit_fill.h - inside the report layer: the public report (lw_report_t)
 * filled from a builder's raw facts (emit_fill.c), for emit.c. */
#ifndef LW_EMIT_FILL_H
#define LW_EMIT_FILL_H

#include "rb.h"

/* Fill r from rb, its stacks symbolised when `stacks`; every allocation
 * comes from rb's arena. Under the report mutex. */
void lw__rb_fill(struct lw__rb *rb, lw_report_t *r, int stacks);

/* The wall clock in ms since the epoch (0 when unreadable). */
uint64_t lw__report_now_ms(void);

#endif
