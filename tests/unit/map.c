/* map.c - unit test of the hash map (src/base/map.h): insert, look up,
 * overwrite, remove (a NULL value), and growth far past the first table,
 * for both kinds of map: shared (lock-free readers, fills to 1/2, old
 * tables kept mapped) and exclusive (fills to 3/4, old tables unmapped).
 * Keys are never 0 (0 marks an empty slot). */
#include "unit.h"

#include "map.h"

/* Distinct nonzero keys: sequential, spread by a bijection, or sharing
 * their low bits (so that many fall into the same probe run). */
static uint64_t key_of(size_t i, int shape)
{
	switch (shape) {
	case 0:
		return i + 1;
	case 1:
		return ((uint64_t)(i + 1) * 0x9E3779B97F4A7C15ull) | 1; /* odd: nonzero */
	default:
		return (uint64_t)(i + 1) << 20;
	}
}

static void *val_of(size_t i, int gen)
{
	return (void *)(uintptr_t)((i + 1) * 16 + (size_t)gen);
}

static void basics(int exclusive)
{
	struct lw__map m = { .exclusive = exclusive };
	CHECK(lw__map_get(&m, 1) == NULL); /* no table yet */
	CHECK(lw__map_put(&m, 1, (void *)0x10) == 0);
	CHECK(lw__map_get(&m, 1) == (void *)0x10);
	CHECK(lw__map_get(&m, 2) == NULL);
	CHECK(m.bytes > 0);
	/* overwrite */
	CHECK(lw__map_put(&m, 1, (void *)0x20) == 0);
	CHECK(lw__map_get(&m, 1) == (void *)0x20);
	/* the largest key, and a key with only its top bit */
	CHECK(lw__map_put(&m, UINT64_MAX, (void *)0x30) == 0);
	CHECK(lw__map_put(&m, 1ull << 63, (void *)0x40) == 0);
	CHECK(lw__map_get(&m, UINT64_MAX) == (void *)0x30);
	CHECK(lw__map_get(&m, 1ull << 63) == (void *)0x40);
	/* remove, and put back */
	CHECK(lw__map_put(&m, 1, NULL) == 0);
	CHECK(lw__map_get(&m, 1) == NULL);
	CHECK(lw__map_get(&m, UINT64_MAX) == (void *)0x30);
	CHECK(lw__map_put(&m, 1, (void *)0x50) == 0);
	CHECK(lw__map_get(&m, 1) == (void *)0x50);
	/* removing a key that was never there */
	CHECK(lw__map_put(&m, 77, NULL) == 0);
	CHECK(lw__map_get(&m, 77) == NULL);
}

/* n keys of a shape: put, overwrite some, remove some, all checked after
 * every stage (so across several growths of the table). */
static void growth(int exclusive, int shape, size_t n)
{
	struct lw__map m = { .exclusive = exclusive };
	size_t bad = 0, grew = 0;
	struct lw__map_tab *first = NULL;
	for (size_t i = 0; i < n; i++) {
		CHECK(lw__map_put(&m, key_of(i, shape), val_of(i, 0)) == 0);
		if (!first)
			first = m.tab;
		if (m.tab != first)
			grew = 1;
		/* every few puts, everything so far is still found */
		if ((i & (i + 1)) == 0 || i == n - 1)
			for (size_t j = 0; j <= i; j++)
				bad += lw__map_get(&m, key_of(j, shape)) != val_of(j, 0);
	}
	CHECKF(bad == 0, "map %d shape %d: %zu keys lost while growing to %zu", exclusive, shape,
	       bad, n);
	CHECKF(grew, "map %d: %zu keys and the table never grew", exclusive, n);
	CHECKF(m.tab->mask + 1 >= n * (exclusive ? 4 : 2) / (exclusive ? 3 : 1) &&
		       m.tab->used <= m.tab->mask + 1,
	       "map %d: %zu slots for %zu keys", exclusive, m.tab->mask + 1, n);
	/* keys never put are not found */
	for (size_t i = n; i < n + 1000; i++)
		bad += lw__map_get(&m, key_of(i, shape)) != NULL;
	CHECKF(bad == 0, "map %d shape %d: %zu absent keys found", exclusive, shape, bad);

	/* overwrite every third key, remove every fifth */
	for (size_t i = 0; i < n; i += 3)
		CHECK(lw__map_put(&m, key_of(i, shape), val_of(i, 1)) == 0);
	for (size_t i = 0; i < n; i += 5)
		CHECK(lw__map_put(&m, key_of(i, shape), NULL) == 0);
	/* now grow again past them: removed keys stay removed, overwritten
	 * values stay overwritten */
	for (size_t i = n; i < 3 * n; i++)
		CHECK(lw__map_put(&m, key_of(i, shape), val_of(i, 0)) == 0);
	for (size_t i = 0; i < 3 * n; i++) {
		void *want = i < n && i % 5 == 0 ? NULL
			     : i < n && i % 3 == 0 ? val_of(i, 1)
						   : val_of(i, 0);
		bad += lw__map_get(&m, key_of(i, shape)) != want;
	}
	CHECKF(bad == 0, "map %d shape %d: %zu keys wrong after overwrite, remove and growth",
	       exclusive, shape, bad);
	/* removed keys come back when put again */
	for (size_t i = 0; i < n; i += 5)
		CHECK(lw__map_put(&m, key_of(i, shape), val_of(i, 2)) == 0);
	for (size_t i = 0; i < n; i += 5)
		bad += lw__map_get(&m, key_of(i, shape)) != val_of(i, 2);
	CHECKF(bad == 0, "map %d shape %d: %zu removed keys not put back", exclusive, shape, bad);
	/* the accounting names the current table at least */
	CHECK(m.bytes >= sizeof(*m.tab) + (m.tab->mask + 1) * sizeof(m.tab->slots[0]));
}

/* Remove and add keys for a long time at a steady size: removed slots are
 * dropped at each growth, so the map keeps working. */
static void churn(int exclusive)
{
	struct lw__map m = { .exclusive = exclusive };
	enum { LIVE = 500, STEPS = 50000 };
	size_t bad = 0;
	for (size_t i = 0; i < STEPS; i++) {
		CHECK(lw__map_put(&m, key_of(i, 1), val_of(i, 0)) == 0);
		if (i >= LIVE)
			CHECK(lw__map_put(&m, key_of(i - LIVE, 1), NULL) == 0);
	}
	for (size_t i = 0; i < STEPS; i++)
		bad += lw__map_get(&m, key_of(i, 1)) != (i + LIVE >= STEPS ? val_of(i, 0) : NULL);
	CHECKF(bad == 0, "map %d: %zu keys wrong after churn", exclusive, bad);
}

/* Keys removed before a table grows do not make it larger than the same
 * live keys make it without them (the address map after a program's
 * first locks are destroyed: it was twice the size, 84 B per lock). */
static void removed_before(void)
{
	enum { GONE = 1000, LIVE = 100000 };
	struct lw__map a = { 0 }, b = { 0 };
	for (size_t i = 0; i < LIVE; i++)
		CHECK(lw__map_put(&a, key_of(i, 1), val_of(i, 0)) == 0);
	for (size_t i = 0; i < GONE; i++)
		CHECK(lw__map_put(&b, key_of(LIVE + i, 1), val_of(i, 0)) == 0);
	for (size_t i = 0; i < GONE; i++)
		CHECK(lw__map_put(&b, key_of(LIVE + i, 1), NULL) == 0);
	for (size_t i = 0; i < LIVE; i++)
		CHECK(lw__map_put(&b, key_of(i, 1), val_of(i, 0)) == 0);
	CHECKF(b.tab->mask <= a.tab->mask, "%zu slots for %d keys after %d removed, %zu without",
	       b.tab->mask + 1, LIVE, GONE, a.tab->mask + 1);
}

int main(void)
{
	removed_before();
	for (int exclusive = 0; exclusive < 2; exclusive++) {
		basics(exclusive);
		for (int shape = 0; shape < 3; shape++)
			growth(exclusive, shape, 20000);
		churn(exclusive);
	}
	return unit_end();
}
