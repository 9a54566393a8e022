/* lock.c - the lock registry (see lock.h): records by address, ids,
 * user names and thresholds, retirement (which calls the lock_retired
 * hook, so the graph forgets the record's edges). Naming a lock for a
 * report is report/name.c's job. */
#include "lock.h"
#include "alloc.h"
#include "guard.h"
#include "hooks.h"
#include "map.h"
#include "mutex.h"
#include "options.h"
#include "stack.h"
#include "stats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(struct lw__lock) == 128, "a lock record is two cache lines");
_Static_assert(offsetof(struct lw__lock, key) + sizeof(uint64_t) <= 64 &&
		       offsetof(struct lw__lock, addr) < 64 && offsetof(struct lw__lock, state) < 64,
	       "what the fast path touches is in the record's first cache line");

struct lw__mutex lw__registry_mu = LW__MUTEX_INIT;
struct lw__map lw__locks_by_addr;
#define by_addr lw__locks_by_addr
static uint32_t next_id = 1;
static size_t n_records;

#define LOCK() lw__mutex_lock(&lw__registry_mu)
#define UNLOCK() lw__mutex_unlock(&lw__registry_mu)

/* Records are carved from large zeroed chunks and never freed: a thread
 * may still look at a retired record. Caller holds reg_mu. */
#define CHUNK_RECORDS 1024
static struct lw__lock **chunks;
static size_t n_chunks;

static struct lw__lock *record_alloc(void)
{
	size_t used = n_records % CHUNK_RECORDS;
	if (used == 0) {
		void *p = realloc(chunks, (n_chunks + 1) * sizeof(*chunks));
		if (!p)
			return NULL;
		chunks = p;
		struct lw__lock *c = aligned_alloc(64, CHUNK_RECORDS * sizeof(struct lw__lock));
		if (!c)
			return NULL;
		memset(c, 0, CHUNK_RECORDS * sizeof(struct lw__lock));
		chunks[n_chunks++] = c;
	}
	n_records++;
	return &chunks[n_chunks - 1][used];
}

void lw__lock_each(void (*fn)(struct lw__lock *l, void *arg), void *arg)
{
	LOCK();
	for (size_t i = 0; i < n_records; i++)
		fn(&chunks[i / CHUNK_RECORDS][i % CHUNK_RECORDS], arg);
	UNLOCK();
}

static void set_site(struct lw__lock *l, const struct lw__site *site, uint32_t stack)
{
	if (site) {
		l->site_stack = stack;
		l->site_file = site->src ? site->src->file : NULL;
		l->site_line = site->src ? site->src->line : 0;
	}
}

/* A header's file (the force-included header's call site is inside an
 * inline function of a header, say std::mutex's gthr-default.h). */
static int header_site(const lw_site_t *src)
{
	return src->file && (strstr(src->file, "/include/") || strstr(src->file, "bits/") ||
			     strstr(src->file, "gthr"));
}

/* Where a lock is first seen without a source position of the program's
 * own (the preload and wrapper ways in, or a header's call site): its
 * whole stack, once per lock, so that a lock first used inside an inlined
 * library header (std::mutex) is named after the program's own code.
 * Called without the registry lock; slow path only. */
static uint32_t site_stack(const struct lw__site *site)
{
	uint32_t st = 0;
	if (!site || !site->pc || (site->src && !header_site(site->src)))
		return 0;
	int saved = errno;
	lw__guard_enter();
	st = lw__stack_capture(site);
	if (!st)
		st = lw__stack_intern(&site->pc, 1, NULL);
	lw__guard_leave();
	errno = saved;
	return st;
}

static struct lw__lock *record_new(const void *addr, int kind, const struct lw__site *site,
				   uint32_t stack)
{
	struct lw__lock *l = record_alloc();
	if (!l)
		return NULL;
	l->id = next_id++;
	uint64_t z = l->id * 0x9E3779B97F4A7C15ull; /* splitmix64 of the id */
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	l->key = z ^ (z >> 31);
	l->kind = (uint8_t)kind;
	l->addr = addr;
	l->hold_ms = l->wait_ms = -1;
	if (lw__opt.stats)
		l->stats = calloc(1, sizeof(struct lw__stats));
	l->counted = l->stats != NULL;
	set_site(l, site, stack);
	return l;
}

/* After retiring l (registry lock dropped): the higher layers forget it. */
static void forget_retired(struct lw__lock *l)
{
	if (lw__hooks.lock_retired)
		lw__hooks.lock_retired(l);
}

struct lw__lock *lw__lock_find(const void *addr)
{
	return lw__map_get(&by_addr, (uint64_t)(uintptr_t)addr);
}

struct lw__lock *lw__lock_get_slow(const void *addr, int kind, struct lw__site site_v)
{
	const struct lw__site *site = &site_v;
	struct lw__lock *l = lw__map_get(&by_addr, (uint64_t)(uintptr_t)addr);
	if (lw__likely(l != NULL && l->kind == kind))
		return l;
	if (lw__unlikely(lw__in_alloc(site->pc)))
		return NULL; /* the allocator's own lock: never registered */
	uint32_t stack = site_stack(site);
	LOCK();
	l = lw__map_get(&by_addr, (uint64_t)(uintptr_t)addr);
	if (l && l->kind == LW__UNKNOWN) {
		/* named before its first use */
		l->kind = (uint8_t)kind;
		if (!l->site_stack && !l->site_file)
			set_site(l, site, stack);
	} else if (!l || l->kind != kind) {
		struct lw__lock *old = l;
		l = record_new(addr, kind, site, stack);
		if (l) {
			if (old && old->name)
				l->name = old->name; /* a name sticks to the address */
			if (old && old->kind == LW__UNKNOWN) {
				l->hold_ms = old->hold_ms;
				l->wait_ms = old->wait_ms;
			}
			lw__map_put(&by_addr, (uint64_t)(uintptr_t)addr, l);
		}
		if (old)
			old->retired = 1;
		UNLOCK();
		if (old)
			forget_retired(old);
		return l;
	}
	UNLOCK();
	return l;
}

void lw__lock_retire(const void *addr)
{
	LOCK();
	struct lw__lock *l = lw__map_get(&by_addr, (uint64_t)(uintptr_t)addr);
	if (l && l->kind == LW__UNKNOWN) {
		/* only named or given thresholds so far: init is its first use */
		UNLOCK();
		return;
	}
	if (l) {
		l->retired = 1;
		lw__map_put(&by_addr, (uint64_t)(uintptr_t)addr, NULL);
	}
	UNLOCK();
	if (l)
		forget_retired(l);
}

void lw__lock_retire_range(uintptr_t lo, uintptr_t hi)
{
	struct lw__lock *batch[64];
	size_t i = 0, n;
	do {
		n = 0;
		LOCK();
		for (; i < n_records && n < 64; i++) {
			struct lw__lock *l = &chunks[i / CHUNK_RECORDS][i % CHUNK_RECORDS];
			uintptr_t a = (uintptr_t)l->addr;
			if (l->retired || a < lo || a >= hi ||
			    lw__map_get(&by_addr, (uint64_t)a) != l)
				continue;
			l->retired = 1;
			lw__map_put(&by_addr, (uint64_t)a, NULL);
			batch[n++] = l;
		}
		UNLOCK();
		for (size_t k = 0; k < n; k++)
			forget_retired(batch[k]);
	} while (n == 64);
}

/* The live record at addr, or a new one of unknown kind (named or given
 * thresholds before its first use). Caller holds reg_mu. */
static struct lw__lock *record_for(const void *addr)
{
	struct lw__lock *l = lw__map_get(&by_addr, (uint64_t)(uintptr_t)addr);
	if (!l) {
		l = record_new(addr, LW__UNKNOWN, NULL, 0);
		if (l)
			lw__map_put(&by_addr, (uint64_t)(uintptr_t)addr, l);
	}
	return l;
}

void lw__lock_set_name(const void *addr, const char *name)
{
	char *copy = name ? strdup(name) : NULL;
	LOCK();
	struct lw__lock *l = record_for(addr);
	if (l)
		lw__store_rel(&l->name, copy); /* the old name is leaked on purpose */
	UNLOCK();
}

void lw__lock_set_thresholds(const void *addr, long hold_ms, long wait_ms)
{
	LOCK();
	struct lw__lock *l = record_for(addr);
	if (l) {
		l->hold_ms = hold_ms < 0 ? -1 : (int)(hold_ms > INT32_MAX ? INT32_MAX : hold_ms);
		l->wait_ms = wait_ms < 0 ? -1 : (int)(wait_ms > INT32_MAX ? INT32_MAX : wait_ms);
	}
	UNLOCK();
}

void lw__lock_memory(size_t *records, size_t *bytes)
{
	LOCK();
	*records = n_records;
	*bytes = n_records * sizeof(struct lw__lock) + by_addr.bytes;
	UNLOCK();
}


