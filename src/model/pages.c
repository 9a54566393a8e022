/* pages.c - the per-page summary of where locks live and the index of
 * live records by page (see pages.h). Both under the registry lock for
 * writers; the summary is read lock-free by free(), the index only under
 * the lock.
 *
 * The index is an open-addressing table of records, by the page of their
 * address, with linear probing: a page with many locks (a table of mutexes) has many
 * entries in one run. A removed entry becomes a tombstone until the next
 * rebuild. It is grown (or rebuilt to shed tombstones) by the registry
 * before it takes its lock to register a record (lw__pages_want,
 * lw__pages_install), so nothing is allocated under the lock. */
#include "pages.h"
#include "lock.h"

#include <string.h>

uint16_t lw__page_locks[1u << LW__PAGES_BITS];
uint16_t lw__granule_locks[1u << LW__PAGES_BITS];
uint8_t lw__granule_bits[LW__GRANULE_BYTES + 8];
uint8_t lw__granule_words[1u << LW__PAGES_BITS];
uint8_t lw__page_from[1u << LW__PAGES_BITS];

struct ent {
	struct lw__lock *l; /* NULL: empty; TOMB: removed; its address is
			     * l->addr, which stays while it is indexed (a
			     * record leaves the index when it is retired) */
};
const size_t lw__pages_entry_size = sizeof(struct ent);
#define TOMB ((struct lw__lock *)1)
#define MIN_CAP 1024

static struct ent *tab;
static size_t cap, used /* live + tombstones */, live;
static int overflow;

static inline size_t slot_of(uintptr_t page, size_t n)
{
	return (size_t)(((uint64_t)page * 0x9E3779B97F4A7C15ull) >> 32) & (n - 1);
}

static inline uint16_t *counter(uintptr_t page)
{
	return &lw__page_locks[page & ((1u << LW__PAGES_BITS) - 1)];
}

typedef uint16_t v8u16 __attribute__((vector_size(16)));
typedef uint8_t v8u8 __attribute__((vector_size(8)));
_Static_assert((LW__PAGES_REACH + 1) % 8 == 0, "the marked pages are whole vectors");

static inline uint16_t *granule(uintptr_t addr)
{
	return &lw__granule_locks[(addr >> LW__GRANULE_SHIFT) & ((1u << LW__PAGES_BITS) - 1)];
}

/* One more (+1) or one fewer (-1) at c; a saturated counter stays. */
static inline void bump(uint16_t *c, int d)
{
	uint16_t v = *c;
	if (v != UINT16_MAX && (d > 0 || v != 0))
		lw__store(c, (uint16_t)(v + d));
}

/* The counters of a lock at addr's page and the LW__PAGES_REACH pages
 * before it, one more (d = 1) or one fewer (-1). A run of plain stores
 * the compiler may vectorise (only the registry writes, under its lock;
 * a reader sees each counter old or new). */
static void mark_pages(uintptr_t page, int d)
{
	uintptr_t lo = page > LW__PAGES_REACH ? page - LW__PAGES_REACH : 0;
	size_t mask = (1u << LW__PAGES_BITS) - 1;
	if ((lo & mask) > (page & mask)) { /* wraps around the array's end */
		for (uintptr_t pg = lo; pg <= page; pg++)
			bump(counter(pg), d);
		return;
	}
	uint16_t *c = counter(lo);
	size_t n = (size_t)(page - lo) + 1;
	if (n == LW__PAGES_REACH + 1) {
		/* eight counters at a time (the usual case) */
		for (size_t i = 0; i < n; i += 8) {
			v8u16 v;
			memcpy(&v, c + i, sizeof(v));
			v8u16 ok = v != (v8u16){ UINT16_MAX, UINT16_MAX, UINT16_MAX, UINT16_MAX,
						 UINT16_MAX, UINT16_MAX, UINT16_MAX, UINT16_MAX };
			if (d < 0)
				ok &= v != (v8u16){ 0 };
			v = d > 0 ? v - ok : v + ok; /* ok lanes are all ones: -1 */
			memcpy(c + i, &v, sizeof(v));
		}
		return;
	}
	for (size_t i = 0; i < n; i++)
		bump(&c[i], d);
}

/* Page page's byte of lw__page_from, from the counters and the granules'
 * bits (pages.h). */
static LW__ALWAYS_INLINE void refresh_from(uintptr_t page)
{
	const size_t m = (1u << LW__PAGES_BITS) - 1;
	uint8_t v = 64;
	if (!lw__load(counter(page + 1))) {
		uint64_t w;
		memcpy(&w, &lw__granule_bits[((page << (LW__PAGE_SHIFT - LW__GRANULE_SHIFT)) & m) >> 3],
		       sizeof(w));
		v = w ? (uint8_t)(64 - __builtin_clzll(w)) : 0;
	}
	lw__store(&lw__page_from[page & m], v);
}

/* refresh_from for the LW__PAGES_REACH + 1 pages from first, whose
 * counters and bytes do not wrap around the arrays' end, a lock on the
 * page after them having come (d = 1: each is 64) or gone, eight at a
 * time with plain stores, as the counters'. 0 where these pages have
 * locks of their own (first's counter: the granules' bits may also hold
 * locks 64 MiB away, not theirs): the caller goes page by page. */
static int refresh_before(uintptr_t first, int d)
{
	const size_t m = (1u << LW__PAGES_BITS) - 1, span = LW__PAGES_REACH + 1;
	uint8_t *t = &lw__page_from[first & m];
	if (d > 0) {
		memset(t, 64, span);
		return 1;
	}
	if (lw__load(counter(first)))
		return 0;
	const uint16_t *c = counter(first + 1);
	for (size_t i = 0; i < span; i += 8) { /* 64 where the next page has a lock, else 0 */
		v8u16 v;
		memcpy(&v, c + i, sizeof(v));
		v8u8 b = __builtin_convertvector(v != (v8u16){ 0 }, v8u8) & 64;
		memcpy(t + i, &b, sizeof(b));
	}
	return 1;
}

/* A lock at addr comes (d = 1) or goes (-1): its granule's counter and
 * bits, the page counters, and lw__page_from of its page and of the
 * LW__PAGES_REACH + 1 pages before it (whose next page's counter it
 * moves). */
static void mark(uintptr_t addr, int d)
{
	uint16_t *g = granule(addr);
	bump(g, d);
	size_t gi = (size_t)(g - lw__granule_locks);
	uint8_t bit = (uint8_t)(1u << (gi & 7)), *byte = &lw__granule_bits[gi >> 3];
	lw__store(byte, (uint8_t)(*g ? *byte | bit : *byte & ~bit)); /* the registry alone writes */
	uint8_t *w = &lw__granule_words[gi];
	if (d > 0)
		lw__store(w, (uint8_t)(*w | 1u << ((addr >> 3) & 7)));
	else if (!*g)
		lw__store(w, (uint8_t)0);
	uintptr_t page = addr >> LW__PAGE_SHIFT;
	mark_pages(page, d);
	/* the pages before, whose next page's counter this lock moved */
	const size_t m = (1u << LW__PAGES_BITS) - 1;
	uintptr_t first = page - (LW__PAGES_REACH + 1); /* wraps as the index does */
	if ((first & m) > (page & m) || !refresh_before(first, d))
		for (uintptr_t pg = first; pg != page; pg++)
			refresh_from(pg);
	refresh_from(page);
}

/* The first and last granules of [lo, hi) (fi, li: their slots; one:
 * the same granule), asked only where at_first / at_last: does a lock
 * start in the words the range covers, the first's from lo's on, the
 * last's up to hi - 1's? */
static inline int ends_hit(uintptr_t fi, uintptr_t li, int one, uintptr_t lo, uintptr_t hi,
			   int at_first, int at_last)
{
	unsigned from = 0xffu << ((lo >> 3) & 7), to = 0xffu >> (7 - (((hi - 1) >> 3) & 7));
	if (one)
		return at_first && (lw__load(&lw__granule_words[fi]) & from & to);
	return (at_first && (lw__load(&lw__granule_words[fi]) & from)) ||
	       (at_last && (lw__load(&lw__granule_words[li]) & to));
}

int lw__pages_any_in(uintptr_t lo, uintptr_t hi)
{
	if (hi <= lo)
		return 0;
	uintptr_t first = lo >> LW__GRANULE_SHIFT, last = (hi - 1) >> LW__GRANULE_SHIFT;
	if (last - first >= LW__GRANULES_SCAN) {
		/* by page: a zero counter says no lock on that page nor on the
		 * LW__PAGES_REACH pages after it */
		for (uintptr_t pg = lo >> LW__PAGE_SHIFT; pg <= (hi - 1) >> LW__PAGE_SHIFT;) {
			if (lw__load(counter(pg)))
				return 1;
			if (((hi - 1) >> LW__PAGE_SHIFT) - pg <= LW__PAGES_REACH)
				break;
			pg += LW__PAGES_REACH + 1;
		}
		return 0;
	}
	/* by granule, and in the first and last by the words [lo, hi)
	 * covers: a lock starting in the same granule just past the range's
	 * end (or before its start) is not in it */
	const uintptr_t m = (1u << LW__PAGES_BITS) - 1;
	for (uintptr_t g = first + 1; g < last; g++)
		if (lw__load(&lw__granule_words[g & m]))
			return 1;
	return ends_hit(first & m, last & m, first == last, lo, hi, 1, 1);
}

int lw__granules_ends(uintptr_t lo, uintptr_t hi, uint64_t v, uint32_t n)
{
	uint64_t head = 1ull << (64 - n), tail = 1ull << 63;
	if (v & ~(head | tail))
		return 1; /* a granule wholly in the range holds a lock */
	const uintptr_t m = (1u << LW__PAGES_BITS) - 1;
	return ends_hit((lo >> LW__GRANULE_SHIFT) & m, ((hi - 1) >> LW__GRANULE_SHIFT) & m, n == 1,
			lo, hi, (v & head) != 0, (v & tail) != 0);
}

size_t lw__pages_live(void)
{
	return lw__load(&live);
}

int lw__pages_overflowed(void)
{
	return overflow;
}

size_t lw__pages_want(void)
{
	size_t c = lw__load(&cap), u = lw__load(&used), v = lw__load(&live);
	if (c && (u + 1) * 4 <= c * 3)
		return 0;
	size_t n = c ? c : MIN_CAP;
	while ((v + 1) * 2 > n)
		n *= 2;
	return n;
}

static inline uintptr_t addr_of(const struct lw__lock *l)
{
	return (uintptr_t)l->addr;
}

/* Put l in t of n slots. */
static void put(struct ent *t, size_t n, struct lw__lock *l)
{
	size_t i = slot_of(addr_of(l) >> LW__PAGE_SHIFT, n);
	while (t[i].l != NULL && t[i].l != TOMB)
		i = (i + 1) & (n - 1);
	t[i].l = l;
}

void *lw__pages_install(void *mem, size_t n)
{
	struct ent *t = mem;
	for (size_t i = 0; i < cap; i++)
		if (tab[i].l != NULL && tab[i].l != TOMB)
			put(t, n, tab[i].l);
	void *old = tab;
	tab = t;
	lw__store(&cap, n);
	lw__store(&used, live);
	return old;
}

void lw__pages_add(struct lw__lock *l, const void *addr)
{
	uintptr_t page = (uintptr_t)addr >> LW__PAGE_SHIFT;
	mark((uintptr_t)addr, 1);
	if (!cap || (used + 1) * 8 > cap * 7) {
		overflow = 1; /* no room (a race with reserve, or out of memory) */
		return;
	}
	size_t i = slot_of(page, cap);
	while (tab[i].l != NULL && tab[i].l != TOMB)
		i = (i + 1) & (cap - 1);
	if (tab[i].l == NULL)
		lw__store(&used, used + 1);
	tab[i].l = l;
	lw__store(&live, live + 1);
}

void lw__pages_del(struct lw__lock *l, const void *addr)
{
	uintptr_t page = (uintptr_t)addr >> LW__PAGE_SHIFT;
	mark((uintptr_t)addr, -1);
	if (!cap)
		return;
	for (size_t i = slot_of(page, cap); tab[i].l != NULL; i = (i + 1) & (cap - 1))
		if (tab[i].l == l) {
			tab[i].l = TOMB;
			lw__store(&live, live - 1);
			return;
		}
}

size_t lw__pages_collect(uintptr_t lo, uintptr_t hi, struct lw__lock **out, size_t max)
{
	size_t n = 0;
	if (!cap || !live || hi <= lo)
		return 0;
	uintptr_t first = lo >> LW__PAGE_SHIFT, last = (hi - 1) >> LW__PAGE_SHIFT;
	if (last - first >= cap / 4) {
		/* a range of more pages than the table has slots: one pass */
		for (size_t i = 0; i < cap && n < max; i++) {
			struct lw__lock *l = tab[i].l;
			if (l != NULL && l != TOMB && addr_of(l) >= lo && addr_of(l) < hi)
				out[n++] = l;
		}
		return n;
	}
	for (uintptr_t pg = first; pg <= last && n < max; pg++) {
		if (!lw__load(counter(pg)))
			continue; /* no lock on this page */
		for (size_t i = slot_of(pg, cap); tab[i].l != NULL && n < max; i = (i + 1) & (cap - 1)) {
			struct lw__lock *l = tab[i].l;
			if (l != TOMB && addr_of(l) >= lo && addr_of(l) < hi)
				out[n++] = l;
		}
		if (pg == UINTPTR_MAX >> LW__PAGE_SHIFT)
			break;
	}
	return n;
}
