/* map.h - an open-addressing hash map from nonzero 64-bit keys to
 * pointers, with lock-free lookups and writers serialised by the caller.
 *
 * Readers take the current table with an acquire load and probe it; they
 * never lock. Writers (holding the caller's lock) insert or overwrite in
 * place; when the table is half full a writer copies everything into a
 * table twice the size and publishes it. Old tables stay mapped, so a
 * reader still inside one stays safe, but their memory is given back
 * (madvise): such a reader sees zeros, "not found", which sends it to the
 * caller's locked slow path, where the key is found. A removed key keeps
 * its slot with a NULL value. */
#ifndef LW_MAP_H
#define LW_MAP_H

#include "common.h"

struct lw__map_slot {
	uint64_t key;
	void *val;
};

struct lw__map_tab {
	size_t mask;
	size_t used;
	struct lw__map_slot slots[];
};

struct lw__map {
	struct lw__map_tab *tab;
	size_t bytes;  /* memory of the current tables, for accounting */
	int exclusive; /* readers hold the writers' lock too: old tables are
			* freed at once, and the table fills to 3/4 */
};

static inline size_t lw__map_hash(uint64_t key)
{
	key ^= key >> 29;
	key *= 0x9E3779B97F4A7C15ull;
	return (size_t)(key ^ (key >> 32));
}

/* Lock-free lookup: the value, or NULL. */
static inline void *lw__map_get(struct lw__map *m, uint64_t key)
{
	struct lw__map_tab *t = lw__load_acq(&m->tab);
	if (lw__unlikely(!t))
		return NULL;
	for (size_t i = lw__map_hash(key) & t->mask;; i = (i + 1) & t->mask) {
		uint64_t k = lw__load_acq(&t->slots[i].key);
		if (k == key)
			return lw__load_acq(&t->slots[i].val);
		if (k == 0)
			return NULL;
	}
}

/* Insert or overwrite (val may be NULL to remove). The caller holds the
 * lock that serialises writers. Returns 0, or -1 when out of memory. */
int lw__map_put(struct lw__map *m, uint64_t key, void *val);

#endif
