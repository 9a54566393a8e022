/* map.c - the writer side of map.h: insertion and growth. */
#include "map.h"
#include "mem.h"

#include <sys/mman.h>

static struct lw__map_tab *tab_new(size_t nslots, size_t *bytes)
{
	size_t sz = sizeof(struct lw__map_tab) + nslots * sizeof(struct lw__map_slot);
	/* mmap, not malloc: zeroed pages, and nothing the host's allocator sees */
	void *p = lw__os_map(sz, 0);
	if (!p)
		return NULL;
	struct lw__map_tab *t = p;
	t->mask = nslots - 1;
	*bytes += sz;
	return t;
}

static void tab_put(struct lw__map_tab *t, uint64_t key, void *val)
{
	for (size_t i = lw__map_hash(key) & t->mask;; i = (i + 1) & t->mask) {
		uint64_t k = t->slots[i].key;
		if (k == key) {
			lw__store_rel(&t->slots[i].val, val);
			return;
		}
		if (k == 0) {
			/* value first, then the key that makes it visible */
			lw__store_rel(&t->slots[i].val, val);
			lw__store_rel(&t->slots[i].key, key);
			t->used++;
			return;
		}
	}
}

int lw__map_put(struct lw__map *m, uint64_t key, void *val)
{
	struct lw__map_tab *t = m->tab;
	if (!t) {
		t = tab_new(1024, &m->bytes);
		if (!t)
			return -1;
		lw__store_rel(&m->tab, t);
	}
	size_t slots = t->mask + 1;
	if ((t->used + 1) * (m->exclusive ? 4 : 2) > slots * (m->exclusive ? 3 : 1)) {
		/* the size the live keys need (at most 3/8 full after the copy,
		 * so at least 1/8 of the slots fill before the next one; half for
		 * an exclusive map), never smaller than now. (A quarter made the
		 * size depend on when the copy came: removed keys, counted until
		 * then, could put it off until the live keys needed twice the
		 * table: 84 B per lock in the address map instead of 42.) */
		size_t live = 0, size = slots;
		for (size_t i = 0; i < slots; i++)
			live += t->slots[i].key && t->slots[i].val;
		while ((live + 1) * (m->exclusive ? 2 : 8) > size * (m->exclusive ? 1 : 3))
			size *= 2;
		struct lw__map_tab *n;
		if (size == slots && m->spare) {
			n = m->spare; /* zeros since it was given back */
			lw__store(&n->mask, slots - 1);
			n->used = 0;
			m->bytes += sizeof(*t) + slots * sizeof(t->slots[0]);
		} else {
			n = tab_new(size, &m->bytes);
		}
		if (!n)
			return -1;
		m->spare = NULL;
		for (size_t i = 0; i < slots; i++)
			if (t->slots[i].key && t->slots[i].val) /* drop removed keys */
				tab_put(n, t->slots[i].key, t->slots[i].val);
		lw__store_rel(&m->tab, n);
		lw__store_rel(&m->gen, m->gen + 1);
		size_t sz = sizeof(*t) + slots * sizeof(t->slots[0]);
		if (m->exclusive) {
			munmap(t, sz);
		} else {
			/* A lock-free reader may still be in the old table: keep the
			 * mapping, give back its memory. The reader then reads zeros,
			 * "not found", sees the generation changed and looks again.
			 * The next copy into a table of this size reuses it. */
			lw__mem_give_back(t, sz);
			if (size == slots)
				m->spare = t;
		}
		m->bytes -= sz;
		t = n;
	}
	tab_put(t, key, val);
	return 0;
}
