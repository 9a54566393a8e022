/* pages.c - unit test of where the registry's locks live (src/model/pages.h),
 * what free() asks before it takes any lock: might a lock start in
 * [lo, hi)? Never a miss (a lock in the range always answers yes), and a
 * range that only shares a 64-byte granule with a lock (a heap block just
 * before a struct that starts with its mutex, or just after one that ends
 * with it) answers no: each such free would otherwise take the registry's
 * lock to find nothing. Both answers are checked, the slow path's
 * (lw__pages_any_in) and free()'s inline ones (lw__pages_maybe_from,
 * its first look; lw__granules_maybe, and its first read alone,
 * lw__granules_read); the
 * index's own (lw__pages_collect) is the truth they are held to. */
#include "unit.h"

#include "lock.h"
#include "pages.h"

#include <stdlib.h>

#define SPAN (64 * 1024)
static _Alignas(4096) char heap[4 * SPAN];

static struct lw__lock *fake(const void *addr)
{
	struct lw__lock *l = calloc(1, sizeof(*l));
	if (!l)
		abort();
	l->addr = addr;
	return l;
}

static void grow(void)
{
	size_t n = lw__pages_want();
	if (n)
		free(lw__pages_install(calloc(n, lw__pages_entry_size), n));
}

static struct lw__lock *add(const void *addr)
{
	grow();
	struct lw__lock *l = fake(addr);
	lw__pages_add(l, addr);
	return l;
}

static void del(struct lw__lock *l)
{
	lw__pages_del(l, l->addr);
	free(l);
}

/* Both answers, which must agree here: lw__pages_any_in (the slow path's)
 * and lw__granules_maybe (free's inline one, for up to 57 granules). */
static int any(const char *lo, const char *hi)
{
	int a = lw__pages_any_in((uintptr_t)lo, (uintptr_t)hi);
	int b = lw__granules_maybe((uintptr_t)lo, (uintptr_t)hi);
	CHECKF(a == b || hi - lo > 57 * 64 - 64, "[%p, %p): %d and %d", (const void *)lo, (const void *)hi, a, b);
	return a;
}

/* One mutex 32 bytes into a granule: the blocks around it. */
static void neighbours(void)
{
	char *g = heap + 4096;
	struct lw__lock *m = add(g + 32);
	CHECKF(!any(g - 1000, g + 32), "a block that ends where the mutex starts");
	CHECKF(!any(g - 1000, g + 25), "a block that ends in the mutex's granule");
	CHECKF(!any(g + 40, g + 1000), "a block that starts in the mutex's granule, after it");
	CHECK(any(g + 32, g + 33));
	CHECK(any(g - 1000, g + 33));
	CHECK(any(g + 24, g + 40));
	CHECK(any(g, g + 64));
	CHECK(any(g - 4000, g + 4000));
	del(m);
	CHECKF(!any(g, g + 64), "no lock left in the granule");
}

/* Two spinlocks in one 8-byte word: one going leaves the other found. */
static void shared_word(void)
{
	char *g = heap + 8192;
	struct lw__lock *a = add(g + 8), *b = add(g + 12);
	del(a);
	CHECK(any(g + 12, g + 16));
	CHECK(any(g, g + 64));
	del(b);
	CHECK(!any(g, g + 64));
	CHECK(!any(g - 64, g + 128));
}

/* Locks at random 4-byte-aligned places, ranges at random: whatever the
 * index holds in a range answers yes; with every lock and range 8-byte
 * aligned the answer is exact. */
static void random_ranges(int aligned8)
{
	char *base = heap + SPAN * (aligned8 ? 2 : 1);
	enum { N = 300 };
	struct lw__lock *ls[N];
	for (int i = 0; i < N; i++)
		ls[i] = add(base + (unit_rand() % (SPAN / 8)) * 8 + (aligned8 ? 0 : 4 * (unit_rand() % 2)));
	for (int i = 0; i < N; i += 3) { /* some go: their words may stay set */
		if (!aligned8) {
			del(ls[i]);
			ls[i] = NULL;
		}
	}
	int misses = 0, wrong = 0;
	for (int k = 0; k < 20000; k++) {
		size_t a = unit_rand() % SPAN, len = 1 + unit_rand() % 1100;
		if (aligned8)
			a &= ~(size_t)7, len = (len + 7) & ~(size_t)7;
		if (a + len > SPAN)
			len = SPAN - a;
		uintptr_t lo = (uintptr_t)(base + a), hi = lo + len;
		struct lw__lock *out[N];
		size_t found = lw__pages_collect(lo, hi, out, N);
		int truth = 0;
		for (int i = 0; i < N; i++)
			truth |= ls[i] && (uintptr_t)ls[i]->addr >= lo && (uintptr_t)ls[i]->addr < hi;
		int said = lw__pages_any_in(lo, hi), inl = lw__granules_maybe(lo, hi);
		misses += truth && !said;
		misses += found && !said;
		misses += truth && !inl;
		uint64_t v = 0; /* free's first, inline read: all clear only where none is */
		uint32_t n;
		misses += truth && lw__granules_read(lo, hi, &v, &n) && v == 0;
		wrong += aligned8 && (said != truth || inl != truth);
	}
	CHECKF(misses == 0, "%d ranges holding a lock answered no", misses);
	CHECKF(wrong == 0, "%d 8-byte-aligned ranges answered wrong", wrong);
	for (int i = 0; i < N; i++)
		if (ls[i])
			del(ls[i]);
	CHECK(!any(base, base + SPAN));
}

/* free()'s first look (lw__pages_maybe_from): a block that starts past
 * the last lock of its page, with no lock on the pages after, passes;
 * any block that holds a lock never does. Few locks, so most pages pass. */
static void maybe_from(void)
{
	char *base = heap + 3 * SPAN, *pg = base + 8192;
	struct lw__lock *m = add(pg + 1000);
	CHECKF(!lw__pages_maybe_from(pg + 1024), "a block in the granule after the lock's");
	CHECKF(!lw__pages_maybe_from(pg + 4000), "a block at the end of the lock's page");
	CHECK(lw__pages_maybe_from(pg + 960)); /* the lock's own granule */
	CHECK(lw__pages_maybe_from(pg));
	CHECK(lw__pages_maybe_from(pg - 1)); /* the page before: a block may reach it */
	CHECK(lw__pages_maybe_from(pg - 4096 * LW__PAGES_REACH));
	CHECK(!lw__pages_maybe_from(pg + 8192)); /* the pages after the lock's */
	struct lw__lock *n = add(pg + 4096 + 8); /* a lock on the next page */
	CHECK(lw__pages_maybe_from(pg + 1024));
	CHECK(lw__pages_maybe_from(pg + 4000));
	del(n);
	CHECK(!lw__pages_maybe_from(pg + 1024));
	enum { N = 4 };
	struct lw__lock *ls[N];
	for (int i = 0; i < N; i++)
		ls[i] = add(base + (unit_rand() % (SPAN / 4)) * 4);
	int misses = 0, passed = 0;
	for (int k = 0; k < 20000; k++) {
		uintptr_t lo = (uintptr_t)(base + unit_rand() % SPAN), hi = lo + 1 + unit_rand() % 8192;
		int truth = lo <= (uintptr_t)m->addr && (uintptr_t)m->addr < hi;
		for (int i = 0; i < N; i++)
			truth |= lo <= (uintptr_t)ls[i]->addr && (uintptr_t)ls[i]->addr < hi;
		int maybe = lw__pages_maybe_from((const void *)lo);
		misses += truth && !maybe;
		passed += !maybe;
	}
	CHECKF(misses == 0, "%d blocks holding a lock passed", misses);
	CHECKF(passed > 0, "no block passed (%d)", passed);
	for (int i = 0; i < N; i++)
		del(ls[i]);
	del(m);
	CHECK(!lw__pages_maybe_from(pg));
	CHECK(!lw__pages_maybe_from(pg - 1));
	/* a lock going where another lies three pages after it: the pages
	 * before whose next 32 pages reach that one stay 64, the others drop */
	char *p0 = base + 4 * 4096;
	struct lw__lock *x = add(p0 + 8), *y = add(p0 + 3 * 4096 + 8);
	del(x);
	CHECK(lw__pages_maybe_from(p0 + 64)); /* x's page: a block there may reach y */
	CHECK(!lw__pages_maybe_from(p0 + 3 * 4096 + 64)); /* after y, on its page */
	CHECK(lw__pages_maybe_from(p0 - 1));
	CHECK(lw__pages_maybe_from(p0 - 28 * 4096));
	CHECKF(!lw__pages_maybe_from(p0 - 30 * 4096), "a page whose next 32 hold no lock");
	del(y);
	CHECK(!lw__pages_maybe_from(p0 - 1));
}

int main(void)
{
	neighbours();
	shared_word();
	random_ranges(0);
	random_ranges(1);
	maybe_from();
	return unit_end();
}
