/* symbols_cache.c - what symbolising keeps (see symbols_cache.h): strings
 * interned for good in a hash of their own, and a code address's frames
 * cached per (pc, ret), both in chained hash tables that double. */
#include "symbols_cache.h"
#include "mem.h"
#include "hash.h"

#include <stdlib.h>
#include <string.h>

/* ---- interned strings, never freed ------------------------------------ */

struct str {
	struct str *next;
	uint64_t hash;
	char s[];
};

static struct str **strs;
static size_t n_strs, cap_strs; /* cap_strs: buckets, a power of two */

static void strs_grow(void)
{
	size_t nc = cap_strs ? cap_strs * 2 : 256;
	struct str **b = lw__mem_calloc(nc, sizeof(*b));
	if (b == NULL)
		return; /* keep the longer chains */
	for (size_t i = 0; i < cap_strs; i++) {
		struct str *e = strs[i], *next;
		for (; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (nc - 1)];
			b[e->hash & (nc - 1)] = e;
		}
	}
	lw__mem_free(strs);
	strs = b;
	cap_strs = nc;
}

const char *lw__sym_intern(const char *s)
{
	if (s == NULL)
		return NULL;
	if (n_strs + 1 > cap_strs)
		strs_grow();
	if (cap_strs == 0)
		return NULL;
	uint64_t h = lw__fnv_str(s, SIZE_MAX);
	struct str **b = &strs[h & (cap_strs - 1)];
	for (struct str *e = *b; e; e = e->next)
		if (e->hash == h && strcmp(e->s, s) == 0)
			return e->s;
	size_t len = strlen(s);
	struct str *e = lw__mem_alloc(sizeof(*e) + len + 1);
	if (e == NULL)
		return NULL;
	e->hash = h;
	memcpy(e->s, s, len + 1);
	e->next = *b;
	*b = e;
	n_strs++;
	return e->s;
}

/* ---- the frame cache --------------------------------------------------- */

static struct lw__sym_cached **frames;
static size_t n_frames, cap_frames; /* cap_frames: buckets, a power of two */

static size_t frame_slot(uintptr_t pc, int ret, size_t cap)
{
	uint64_t h = ((uint64_t)pc << 1 | (uint64_t)(ret != 0)) * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 20) & (cap - 1);
}

const struct lw__sym_cached *lw__sym_cache_find(uintptr_t pc, int ret)
{
	if (cap_frames == 0)
		return NULL;
	for (struct lw__sym_cached *e = frames[frame_slot(pc, ret, cap_frames)]; e; e = e->next)
		if (e->pc == pc && e->ret == ret)
			return e;
	return NULL;
}

void lw__sym_cache_add(uintptr_t pc, int ret, const lw_frame_t *f,
		       const struct lw__frame_info *x, int n)
{
	if (n_frames + 1 > cap_frames) {
		size_t nc = cap_frames ? cap_frames * 2 : 256;
		struct lw__sym_cached **b = lw__mem_calloc(nc, sizeof(*b));
		if (b != NULL) {
			for (size_t i = 0; i < cap_frames; i++) {
				struct lw__sym_cached *e = frames[i], *next;
				for (; e; e = next) {
					next = e->next;
					size_t j = frame_slot(e->pc, e->ret, nc);
					e->next = b[j];
					b[j] = e;
				}
			}
			lw__mem_free(frames);
			frames = b;
			cap_frames = nc;
		}
		if (cap_frames == 0)
			return;
	}
	struct lw__sym_cached *e = lw__mem_alloc(sizeof(*e) + (size_t)n * (sizeof(*f) + sizeof(*x)));
	if (e == NULL)
		return;
	e->pc = pc;
	e->ret = ret;
	e->n = n;
	e->f = (lw_frame_t *)(e + 1);
	e->x = (struct lw__frame_info *)(e->f + n);
	memcpy(e->f, f, (size_t)n * sizeof(*f));
	memcpy(e->x, x, (size_t)n * sizeof(*x));
	size_t j = frame_slot(pc, ret, cap_frames);
	e->next = frames[j];
	frames[j] = e;
	n_frames++;
}

void lw__sym_cache_drop_frames(void)
{
	for (size_t i = 0; i < cap_frames; i++)
		for (struct lw__sym_cached *e = frames[i], *next; e; e = next) {
			next = e->next;
			lw__mem_free(e);
		}
	lw__mem_free(frames);
	frames = NULL;
	n_frames = cap_frames = 0;
}

void lw__sym_cache_abandon(void)
{
	frames = NULL;
	n_frames = cap_frames = 0;
	strs = NULL;
	n_strs = cap_strs = 0;
}
