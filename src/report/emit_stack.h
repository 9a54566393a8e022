/* emit_stack.h - inside the report layer: a report's stacks symbolised
 * into its builder's arena (emit_stack.c; lw__report_depot_frames, the
 * same without a builder, is in report.h). Called by emit_fill.c, under
 * the report mutex. */
#ifndef LW_EMIT_STACK_H
#define LW_EMIT_STACK_H

#include "rb.h"

/* Raw pcs symbolised: one frame per inlined function too, lockwatch's own
 * frames left out. Frame 0 is an exact pc when `exact0` (a signal
 * context), else every pc is a return address. With site_src (the
 * force-included header's), a first pc without a file takes its
 * position. */
lw_stack_t lw__rb_raw_stack(struct lw__rb *rb, const uintptr_t *pcs, int n, int exact0,
			    const lw_site_t *site_src);

/* Depot stack `id` symbolised. A stack with a call site from the
 * force-included header uses it for the innermost frame when debug info
 * gave no file; a site without any pcs becomes a one-frame stack. */
lw_stack_t lw__rb_depot_stack(struct lw__rb *rb, uint32_t id);

#endif
