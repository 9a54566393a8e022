/* dl.h - what a dlclose unmaps (dl.c): the writable segments of every
 * loaded object before the call, compared with those still loaded after,
 * so the static locks of an unloaded library are retired with it. */
#ifndef LW_DL_H
#define LW_DL_H

#include <stddef.h>
#include <stdint.h>

struct lw__dl_seg {
	uintptr_t lo, hi;
};

struct lw__dl_before {
	unsigned long long subs; /* the loader's count of unloads */
	struct lw__dl_seg *segs; /* from lw__mem (base/mem.h), n of them */
	size_t n;
};

/* Before dlclose: the writable segments of every loaded object. */
void lw__dl_before(struct lw__dl_before *b);
/* After it: retire the locks of every segment that is no longer loaded
 * (nothing when the loader unloaded nothing), forget stale symbols and
 * unwind rules, free b's memory. */
void lw__dl_after(struct lw__dl_before *b);

#endif
