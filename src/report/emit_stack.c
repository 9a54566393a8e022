/* emit_stack.c - the stacks of a report, symbolised (see emit_stack.h):
 * a depot stack or raw pcs into the builder's arena, one frame per
 * inlined function, lockwatch's own frames left out, the extra facts of
 * each frame (lw__frame_info) remembered with the builder; and a depot
 * stack into the caller's frames, light on system libraries, for the
 * lock-order line (lw__report_depot_frames). */
#include "emit_stack.h"
#include "mem.h"
#include "stack.h"
#include "symbols.h"

#include <stdlib.h>
#include <string.h>

/* Frames a report shows of one stack, at most (inlined ones included). */
#define FRAMES_MAX (LW__STACK_MAX * 4)

/* Symbolise raw pcs into rb's arena (see emit_stack.h). */
lw_stack_t lw__rb_raw_stack(struct lw__rb *rb, const uintptr_t *pcs, int n, int exact0,
			    const lw_site_t *site_src)
{
	lw_stack_t s = { 0, NULL };
	if (n <= 0 || !pcs)
		return s;
	/* one scratch buffer per report: a cycle of 20,000 locks has 40,000 stacks */
	if (!rb->scratch_f)
		rb->scratch_f = lw__mem_alloc(FRAMES_MAX * sizeof(lw_frame_t));
	if (!rb->scratch_x)
		rb->scratch_x = lw__mem_alloc(FRAMES_MAX * sizeof(struct lw__frame_info));
	lw_frame_t *f = rb->scratch_f;
	struct lw__frame_info *x = rb->scratch_x;
	int k = 0;
	for (int i = 0; f && x && i < n && k < FRAMES_MAX; i++) {
		int m;
		if (pcs[i]) {
			m = lw__sym_frames(pcs[i], i == 0 && exact0 ? 0 : 1, f + k, x + k,
					   FRAMES_MAX - k);
		} else {
			memset(&f[k], 0, sizeof(f[k]));
			memset(&x[k], 0, sizeof(x[k]));
			m = 1;
		}
		if (i == 0 && site_src && !f[k].file) {
			/* the header's call site, where debug info has none */
			f[k].file = site_src->file;
			f[k].line = site_src->line;
			if (!f[k].function && site_src->func)
				f[k].function = site_src->func;
		}
		for (int j = 0, base = k; j < m; j++) {
			if (lw__sym_lockwatch(&f[base + j]))
				continue;
			f[k] = f[base + j];
			x[k] = x[base + j];
			k++;
		}
	}
	lw_frame_t *af = k ? lw__rb_alloc(rb, (size_t)k * sizeof(*af)) : NULL;
	struct lw__frame_info *ax = k ? lw__rb_alloc(rb, (size_t)k * sizeof(*ax)) : NULL;
	if (af && ax) {
		memcpy(af, f, (size_t)k * sizeof(*af));
		memcpy(ax, x, (size_t)k * sizeof(*ax));
		s.depth = k;
		s.frames = af;
		lw__rb_frame_info_add(rb, af, ax);
	}
	return s;
}

/* The pcs of depot stack `id` and its call site; a site without any pcs
 * (the header's, no stack captured) becomes a one-pc stack. */
static int depot_pcs(uint32_t id, uintptr_t pcs[LW__STACK_MAX], struct lw__site *site)
{
	memset(site, 0, sizeof(*site));
	if (id == 0)
		return 0;
	int n = lw__stack_get(id, pcs, LW__STACK_MAX, site);
	if (n > LW__STACK_MAX)
		n = LW__STACK_MAX;
	if (n <= 0 && site->src) {
		pcs[0] = site->pc;
		n = 1;
	}
	return n < 0 ? 0 : n;
}

int lw__report_depot_frames(uint32_t id, lw_frame_t *f, struct lw__frame_info *fx, int light)
{
	uintptr_t pcs[LW__STACK_MAX];
	struct lw__site site;
	int n = depot_pcs(id, pcs, &site);
	for (int i = 0; i < n; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		memset(&fx[i], 0, sizeof(fx[i]));
		if (pcs[i] && !(light && i > 0 && lw__sym_light(pcs[i], &f[i], &fx[i]))) {
			/* one frame a pc here: the function that contains it */
			lw_frame_t in[8];
			struct lw__frame_info x[8];
			int m = lw__sym_frames(pcs[i], 1, in, x, 8);
			if (m > 0) {
				f[i] = in[m - 1];
				fx[i] = x[m - 1];
				fx[i].inlined = 0;
			}
		}
		f[i].pc = pcs[i];
	}
	if (n > 0 && site.src && !f[0].file) {
		f[0].file = site.src->file;
		f[0].line = site.src->line;
		if (!f[0].function && site.src->func)
			f[0].function = site.src->func;
	}
	return n;
}

lw_stack_t lw__rb_depot_stack(struct lw__rb *rb, uint32_t id)
{
	uintptr_t pcs[LW__STACK_MAX];
	struct lw__site site;
	int n = depot_pcs(id, pcs, &site);
	return lw__rb_raw_stack(rb, pcs, n, 0, site.src);
}
