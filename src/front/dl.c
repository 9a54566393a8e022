/* dl.c - dlclose and the locks that live in a library's memory. A static
 * mutex of a plugin has a record, edges and a name; after dlclose another
 * library may be mapped at the same address, and its lock must not
 * inherit them. The loader's unload count (dl_iterate_phdr's dlpi_subs)
 * says whether anything was unloaded; only then are the writable segments
 * recorded before the call compared with those loaded after, and the
 * locks in each segment that went away retired (model/lock.c), the
 * symbol tables and unwinder caches dropped. */
#define _GNU_SOURCE 1 /* dl_iterate_phdr */
#include "dl.h"
#include "mem.h"
#include "guard.h"
#include "lock.h"
#include "stack.h"
#include "symbols.h"

#include <errno.h>
#include <link.h>
#include <stdlib.h>

struct walk {
	struct lw__dl_before *b;
	size_t cap;
	const struct lw__dl_before *still; /* after: mark segments still there */
	unsigned char *alive;
};

static int seg_index(const struct lw__dl_before *b, uintptr_t lo, uintptr_t hi)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->segs[i].lo == lo && b->segs[i].hi == hi)
			return (int)i;
	return -1;
}

static int each_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct walk *w = arg;
	(void)size;
	w->b->subs = info->dlpi_subs;
	for (int k = 0; k < info->dlpi_phnum; k++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[k];
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W) || !ph->p_memsz)
			continue;
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
		uintptr_t hi = lo + ph->p_memsz;
		if (w->still) {
			int i = seg_index(w->still, lo, hi);
			if (i >= 0)
				w->alive[i] = 1;
			continue;
		}
		if (w->b->n == w->cap) {
			size_t cap = w->cap ? 2 * w->cap : 64;
			void *p = lw__mem_realloc(w->b->segs, cap * sizeof(*w->b->segs));
			if (!p)
				return 1;
			w->b->segs = p;
			w->cap = cap;
		}
		w->b->segs[w->b->n++] = (struct lw__dl_seg){ lo, hi };
	}
	return 0;
}

void lw__dl_before(struct lw__dl_before *b)
{
	int saved = errno;
	lw__guard_enter();
	*b = (struct lw__dl_before){ 0, NULL, 0 };
	struct walk w = { b, 0, NULL, NULL };
	dl_iterate_phdr(each_object, &w);
	lw__guard_leave();
	errno = saved;
}

void lw__dl_after(struct lw__dl_before *b)
{
	int saved = errno;
	lw__guard_enter();
	struct lw__dl_before now = { 0, NULL, 0 };
	struct walk w = { &now, 0, NULL, NULL };
	/* the unload count first: nothing unloaded, nothing to compare */
	unsigned char *alive = b->n ? lw__mem_calloc(b->n, 1) : NULL;
	if (alive) {
		w.still = b;
		w.alive = alive;
		dl_iterate_phdr(each_object, &w);
		if (now.subs != b->subs) {
			int gone = 0;
			for (size_t i = 0; i < b->n; i++)
				if (!alive[i]) {
					lw__lock_retire_range(b->segs[i].lo, b->segs[i].hi);
					gone = 1;
				}
			if (gone) {
				lw__stack_unloaded();
				lw__sym_reset();
			}
		}
		lw__mem_free(alive);
	}
	lw__stack_flush();
	lw__mem_free(b->segs);
	lw__guard_leave();
	errno = saved;
}
