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
 * its slot with a NULL value until the next copy, which drops it: a map
 * with removals is copied into a table of the size its live keys need (at
 * least the old size), and a copy into a table of the same size reuses the
 * table before the old one (its memory given back, so zeros), so churn
 * (keys put and removed again and again) never grows it. A reader that
 * started in a table that was replaced meanwhile (the map's generation
 * changed) looks again, so a lookup never misses a key that stayed in the
 * map; the value may still be one that was replaced just before (the
 * caller checks what it found, as it must anyway). */
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
	struct lw__map_tab *spare; /* the table before tab, when of tab's size */
	uint64_t gen;  /* tables published so far */
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

/* One probe sequence of table t for key: the value, or NULL. */
static inline void *lw__map_probe(struct lw__map_tab *t, uint64_t key)
{
	size_t mask = lw__load(&t->mask); /* 0 in a table given back */
	size_t i = lw__map_hash(key) & mask;
	for (size_t n = 0; n <= mask; n++, i = (i + 1) & mask) {
		uint64_t k = lw__load_acq(&t->slots[i].key);
		if (lw__likely(k == key))
			return lw__load_acq(&t->slots[i].val);
		if (k == 0)
			break;
	}
	return NULL;
}

/* Lock-free lookup: the value, or NULL. */
static inline void *lw__map_get(struct lw__map *m, uint64_t key)
{
	for (;;) {
		uint64_t g = lw__load_acq(&m->gen);
		struct lw__map_tab *t = lw__load_acq(&m->tab);
		if (lw__unlikely(!t))
			return NULL;
		void *v = lw__map_probe(t, key);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (lw__likely(lw__load(&m->gen) == g))
			return v;
	}
}

/* The same for a caller whose miss goes to a locked slow path that looks
 * again (so a key missed while the table is replaced costs only that): no
 * generation check. */
static inline void *lw__map_get_once(struct lw__map *m, uint64_t key)
{
	struct lw__map_tab *t = lw__load_acq(&m->tab);
	return lw__likely(t != NULL) ? lw__map_probe(t, key) : NULL;
}

/* Insert or overwrite (val may be NULL to remove). The caller holds the
 * lock that serialises writers. Returns 0, or -1 when out of memory. */
int lw__map_put(struct lw__map *m, uint64_t key, void *val);

#endif
