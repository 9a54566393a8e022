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

/* A lock at addr is met as just made (its first use, or made again in
 * place: its hint word or the wrapper's cached record is 0), or is named.
 * When addr lies in a loaded object that is not the one seen there
 * before (a library built with the header or the wrapper API, unloaded by
 * a host that routes no dlclose, and another one loaded at its
 * addresses), what dlclose would have forgotten is forgotten now: the
 * old object's locks, stacks, symbols and unwind rules. Slow paths only:
 * one lock-free search of the loader's objects. */
void lw__dl_met(const void *addr);

#endif
