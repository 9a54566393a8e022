/* pages.h - where the registry's locks live, by 4 KiB page: what free()
 * asks before anything else, and what finds the records in a freed block.
 *
 * The summary is an array of counters indexed by page number (modulo its
 * size): each live record adds one to the counter of its own page and of
 * the LW__PAGES_REACH pages before it, the pages a heap block holding the
 * lock could start at (a lock up to 124 KiB past its block's start: a
 * calloc'd table of 3,000 mutexes): zero means no such lock lies in a
 * block starting on that page (a lock deeper in a bigger block is
 * missed: README, Known limits). free(p) (and realloc, an allocator's
 * own operator delete) reads one byte of p's page instead
 * (lw__pages_maybe_from, below), made of the next page's counter
 * and the page's own granules, so a block after a page's last lock
 * passes too. Lock-free for readers: counters change only
 * under the registry lock (a record registered or retired), and a record
 * is registered before its lock's memory can be freed. A counter that
 * reaches its maximum stays there (the slow path then looks every time).
 *
 * The index (pages.c) lists the live records of each page, for the slow
 * path: the records in [lo, hi) cost a probe per page of the range (or a
 * pass over the index, when that is shorter). Both are kept by the
 * registry (model/lock.c) under its lock. */
#ifndef LW_PAGES_H
#define LW_PAGES_H

#include "common.h"

#define LW__PAGE_SHIFT 12
#define LW__PAGES_BITS 20 /* counters: 2 MiB, a 4 GiB span before they alias */
#define LW__PAGES_REACH 31 /* pages before a lock's own that are marked */

LW__EXTERN uint16_t lw__page_locks[1u << LW__PAGES_BITS];

/* Finer, for the slow path before it takes any lock: counters of the
 * locks in each 64-byte granule (modulo 2^20: 64 MiB before they alias).
 * Might a lock lie in [lo, hi)? No lock taken; a range of more than
 * LW__GRANULES_SCAN granules is answered from the page counters (one
 * read per LW__PAGES_REACH + 1 pages). */
#define LW__GRANULE_SHIFT 6
#define LW__GRANULES_SCAN 4096
LW__EXTERN uint16_t lw__granule_locks[1u << LW__PAGES_BITS];
int lw__pages_any_in(uintptr_t lo, uintptr_t hi);

/* Which of a granule's eight 8-byte words a lock starts in, a bit per
 * word, kept beside its counter: set when a lock comes, all cleared when
 * the granule has none left (a word whose lock went, with another lock in
 * the granule, stays set: never fewer bits than locks). So the granules a
 * range shares with its neighbours (a block's first and last: the end of
 * a struct with a mutex just before it, the mutex at the start of the
 * next) answer by the words the range covers, not by the whole granule:
 * lw__pages_any_in. */
LW__EXTERN uint8_t lw__granule_words[1u << LW__PAGES_BITS];

/* The same granules as bits (set while a granule's counter is above
 * zero), for free() where it can read a block's extent inline (glibc's
 * malloc): might a lock lie in [lo, hi), a range of at most 57 granules?
 * One unaligned 8-byte read (the array has 8 bytes to spare at its end),
 * shifted; where only the first or last granule has a lock, that
 * granule's words (above) answer; a longer range, or one that wraps
 * around the array, answers yes. */
#define LW__GRANULE_BYTES ((1u << LW__PAGES_BITS) / 8)
LW__EXTERN uint8_t lw__granule_bits[LW__GRANULE_BYTES + 8];
/* The rest of lw__granules_maybe where some of the n granules of [lo, hi)
 * have a lock: their bits v, the last granule's in bit 63 (pages.c). */
int lw__granules_ends(uintptr_t lo, uintptr_t hi, uint64_t v, uint32_t n);
/* Its first half: the bits of the n granules of [lo, hi) into *v (the
 * last granule's in bit 63) and 1; 0 for a range this read cannot answer
 * (too long, or wrapping around the array). */
static inline int lw__granules_read(uintptr_t lo, uintptr_t hi, uint64_t *v, uint32_t *n)
{
	const uint32_t m = (1u << LW__PAGES_BITS) - 1;
	uint32_t first = (uint32_t)(lo >> LW__GRANULE_SHIFT) & m;
	*n = (uint32_t)(((hi - 1) >> LW__GRANULE_SHIFT) - (lo >> LW__GRANULE_SHIFT)) + 1;
	if (*n > 57 || first + *n > (1u << LW__PAGES_BITS))
		return 0;
	uint64_t w;
	__builtin_memcpy(&w, &lw__granule_bits[first >> 3], sizeof(w));
	*v = (w >> (first & 7)) << (64 - *n); /* bit 63: the last granule's */
	return 1;
}
/* Both halves: free() takes them apart (front/heap.c: the read inline,
 * the rest out of line, so its common way keeps no stack frame); this
 * is the one answer unit_pages holds to the index. */
static inline int lw__granules_maybe(uintptr_t lo, uintptr_t hi)
{
	uint64_t v;
	uint32_t n;
	if (!lw__granules_read(lo, hi, &v, &n))
		return 1;
	return lw__unlikely(v != 0) && lw__granules_ends(lo, hi, v, n);
}

/* What free(), realloc() and an allocator's own operator delete ask
 * first, one byte per page (indexed as the counters):
 * 64 when a lock may lie on one of the LW__PAGES_REACH + 1 pages after
 * the page, else one more than the last 64-byte granule of the page a
 * lock starts in (0: none). Might a heap block that starts at p hold a
 * lock? Not when p's granule is past the page's last lock and no lock
 * lies on the pages after: so a block just after a table of locks, on
 * its page, passes as one on a page without locks does (one load).
 * Kept with the counters, under the registry lock; never less than the
 * truth (granules alias at 64 MiB: a lock there only raises it); a byte
 * is stored whole, so a read sees the old value or the new. */
LW__EXTERN uint8_t lw__page_from[1u << LW__PAGES_BITS];

static inline int lw__pages_maybe_from(const void *p)
{
	/* the page number's low 20 bits are the address's bits 12 to 31: a
	 * 32-bit shift, no mask */
	_Static_assert(LW__PAGES_BITS + LW__PAGE_SHIFT == 32, "the index is a 32-bit shift");
	uint32_t a = (uint32_t)(uintptr_t)p;
	return ((a >> LW__GRANULE_SHIFT) & 63) < lw__page_from[a >> LW__PAGE_SHIFT];
}

/* Live records in the index (0: nothing to look for). */
size_t lw__pages_live(void);

struct lw__lock;

/* Under the registry lock: record l is live at addr / no more. Never
 * allocate: the index is grown beforehand (below); a record that finds no
 * room is counted as overflow, and range lookups must then fall back to
 * a pass over every record (lw__pages_overflowed). */
void lw__pages_add(struct lw__lock *l, const void *addr);
void lw__pages_del(struct lw__lock *l, const void *addr);
int lw__pages_overflowed(void);

/* Growing the index, by the registry before it takes its lock to add a
 * record: under the lock, the number of slots the index wants for one
 * more record (0: it has room); outside it, zeroed memory for that many
 * entries (lw__pages_entry_size bytes each); under it again, while it
 * still wants that many, install it (returns the old table to free,
 * outside the lock). */
LW__EXTERN const size_t lw__pages_entry_size;
size_t lw__pages_want(void);
void *lw__pages_install(void *mem, size_t n);

/* Under the registry lock: up to max live records with addr in [lo, hi)
 * (the caller retires them, which takes them out, and asks again while
 * it got max). */
size_t lw__pages_collect(uintptr_t lo, uintptr_t hi, struct lw__lock **out, size_t max);

#endif
