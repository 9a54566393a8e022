/* dl.c - dlclose and the locks that live in a library's memory. A static
 * mutex of a plugin has a record, edges and a name; after dlclose another
 * library may be mapped at the same address, and its lock must not
 * inherit them. The loader's unload count (dl_iterate_phdr's dlpi_subs)
 * says whether anything was unloaded; only then are the writable segments
 * recorded before the call compared with those loaded after, and the
 * locks in each segment that went away retired (model/lock.c), the
 * symbol tables and unwinder caches dropped. A host that routes no
 * dlclose (built without lockwatch, its plugins with the header or the
 * wrapper API) unloads unseen: then the first lock met as just made in
 * an object other than the one seen at its addresses before says so
 * (lw__dl_met). */
#define _GNU_SOURCE 1 /* dl_iterate_phdr */
#include "dl.h"
#include "mem.h"
#include "guard.h"
#include "hash.h"
#include "object.h"
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

/* What went with an unloaded object's code: the stacks captured in it
 * (a new depot generation) and their names. (The unwinder's rules too:
 * lw__stack_flush.) */
static void code_gone(void)
{
	lw__stack_unloaded();
	lw__sym_reset();
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
			if (gone)
				code_gone();
		}
		lw__mem_free(alive);
	}
	lw__stack_flush();
	lw__mem_free(b->segs);
	lw__guard_leave();
	errno = saved;
}

/* The objects seen holding a lock, by where they start: which one it was
 * (its link map, file name and span, hashed). Open addressing, lock-free:
 * a slot's key is set once, its identity swapped by the thread that finds
 * it changed. Full: a new object is not followed (as before). */
#define MET_SLOTS 1024 /* a power of two */
#define MET_PROBES 16
static struct {
	uintptr_t key; /* the object's start + 1; 0: free */
	uint64_t who;  /* its identity; 0: being written */
} met[MET_SLOTS];

static uint64_t identity(const struct lw__object *o)
{
	uint64_t h = lw__fnv_str(o->name, 4096);
	h = lw__fnv_word(h, (uint64_t)(uintptr_t)o->id);
	return lw__fnv_word(h, o->hi - o->lo) | 1;
}

void lw__dl_met(const void *addr)
{
	struct lw__object o;
	if (!lw__object_of(addr, &o))
		return; /* on a heap or a stack */
	uintptr_t key = (o.hi ? o.lo : o.base) + 1;
	uint64_t who = identity(&o);
	unsigned i = (unsigned)(lw__fnv_word(LW__FNV_BASIS, key) >> 20) & (MET_SLOTS - 1);
	for (int probe = 0; probe < MET_PROBES; probe++, i = (i + 1) & (MET_SLOTS - 1)) {
		uintptr_t k = lw__load_acq(&met[i].key);
		if (!k) {
			uintptr_t zero = 0;
			if (__atomic_compare_exchange_n(&met[i].key, &zero, key, 0,
							__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
				lw__store_rel(&met[i].who, who);
				return;
			}
			k = zero;
		}
		if (k != key)
			continue;
		uint64_t was = lw__load_acq(&met[i].who);
		if (was == who || !was ||
		    !__atomic_compare_exchange_n(&met[i].who, &was, who, 0, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE))
			return; /* the same object, or another thread says so */
		/* another object where one was: forget the old one's */
		int saved = errno;
		lw__guard_enter();
		if (o.hi)
			lw__lock_retire_range(o.lo, o.hi);
		code_gone();
		lw__stack_flush();
		lw__guard_leave();
		errno = saved;
		return;
	}
}
