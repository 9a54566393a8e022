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
#include "pages.h"
#include "stack.h"
#include "stats.h"
#include "thread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(struct lw__lock) == 128, "a lock record is two cache lines");
_Static_assert(offsetof(struct lw__lock, cold) + sizeof(void *) <= 64 &&
		       offsetof(struct lw__lock, site_stack) == 64,
	       "what the fast path touches is in the record's first cache line");

struct lw__mutex lw__registry_mu = LW__MUTEX_INIT;
struct lw__map lw__locks_by_addr;
struct lw__init_site lw__init_sites[LW__INIT_SITES];
#define by_addr lw__locks_by_addr
static uint32_t next_id = 1;
static size_t n_records;

#define LOCK() lw__mutex_lock(&lw__registry_mu)
#define UNLOCK() lw__mutex_unlock(&lw__registry_mu)

/* Records are carved from large zeroed chunks and never freed: a thread
 * may still look at a retired record, and finds it retired or reused (it
 * checks: lw__lock_is). A retired record goes to `pending`; once a scan
 * finds nothing can reach it (reclaim) it goes to `reusable`, and
 * record_alloc takes from there first. Lists link through next_retired;
 * all under reg_mu. */
#define CHUNK_RECORDS 1024
#define RECLAIM_BATCH 256 /* retirements between two scans */
static struct lw__lock **chunks;
static size_t n_chunks;
static struct lw__lock *pending, *reusable;
static size_t n_pending, n_reusable, n_since_scan;
static uint64_t n_retired; /* ever */
static uint32_t n_reading; /* readers now (lw__lock_read_begin) */
static uint32_t read_gen;  /* readers so far */

static struct lw__lock *record_alloc(void)
{
	struct lw__lock *l = reusable;
	if (l) {
		reusable = l->next_retired;
		n_reusable--;
		/* nothing can reach it (reclaim): all but its first-line state,
		 * which record_new publishes last */
		l->next_retired = NULL;
		if (l->cold) { /* kept, reset */
			l->cold->hold_ms = l->cold->wait_ms = -1;
			l->cold->stats = NULL;
			lw__store_rel(&l->cold->name, (const char *)NULL);
		}
		l->top_tag = l->above_tag = 0;
		l->top_hi = l->above_hi = 0;
		l->seen = l->referenced = 0;
		l->site_stack = 0;
		l->site_line = 0;
		l->site_file = NULL;
		l->mark = l->n_out = l->n_in = 0;
		l->ord = 0;
		l->out = l->in = NULL;
		return l;
	}
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

void lw__lock_read_begin(void)
{
	__atomic_fetch_add(&n_reading, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&read_gen, 1, __ATOMIC_SEQ_CST);
}

void lw__lock_read_end(void)
{
	__atomic_fetch_sub(&n_reading, 1, __ATOMIC_SEQ_CST);
}

void lw__lock_atfork_child(void)
{
	n_reading = 0;
}

static void mark_one(struct lw__lock *l)
{
	if (l && lw__load(&l->retired))
		lw__store(&l->referenced, (uint8_t)1);
}

/* Under the thread-list lock: mark the retired records t can reach. */
static void mark_refs(struct lw__thread *t, void *arg)
{
	(void)arg;
	unsigned n = lw__load_acq(&t->n_held);
	for (unsigned i = 0; i < n && i < LW__MAX_HELD; i++)
		mark_one(lw__load(&t->held[i].lock));
	for (unsigned i = 0; i < t->n_more; i++)
		mark_one(t->more[i].h.lock);
	mark_one(lw__wait_lock(lw__load(&t->waiting)));
}

/* Append list (n records) to pending. Caller holds reg_mu. */
static void pending_add(struct lw__lock *list, size_t n)
{
	while (list) {
		struct lw__lock *next = list->next_retired;
		list->next_retired = pending;
		pending = list;
		list = next;
	}
	n_pending += n;
}

/* Every RECLAIM_BATCH retirements, by the thread that retired the last
 * (or, while a reader runs, the first retirement after it ends): the
 * pending records no thread's held stack or wait reaches, while no reader
 * ran, become reusable; the others wait for the next scan. Called under
 * the guard, holding no lockwatch lock. */
static void reclaim(void)
{
	if (__atomic_load_n(&n_reading, __ATOMIC_SEQ_CST))
		return; /* a reader: the next retirement tries again */
	LOCK();
	if (n_since_scan < RECLAIM_BATCH || !pending) {
		UNLOCK();
		return;
	}
	/* two scans may run at once, each over the records it took: a scan
	 * only ever marks a record that is referenced, so neither can make
	 * the other's record reusable wrongly */
	struct lw__lock *list = pending;
	size_t n = n_pending;
	pending = NULL;
	n_pending = n_since_scan = 0;
	UNLOCK();

	uint32_t gen = __atomic_load_n(&read_gen, __ATOMIC_SEQ_CST);
	int ok = __atomic_load_n(&n_reading, __ATOMIC_SEQ_CST) == 0;
	for (struct lw__lock *l = list; ok && l; l = l->next_retired)
		lw__store(&l->referenced, (uint8_t)0);
	if (ok)
		lw__threads_each(mark_refs, NULL);
	ok = ok && __atomic_load_n(&n_reading, __ATOMIC_SEQ_CST) == 0 &&
	     __atomic_load_n(&read_gen, __ATOMIC_SEQ_CST) == gen;

	struct lw__lock *keep = NULL, *use = NULL, *use_tail = NULL;
	size_t n_keep = 0, n_use = 0;
	while (list) {
		struct lw__lock *l = list;
		list = l->next_retired;
		if (ok && !lw__load(&l->referenced)) {
			l->next_retired = NULL;
			if (use_tail)
				use_tail->next_retired = l;
			else
				use = l;
			use_tail = l;
			n_use++;
		} else {
			l->next_retired = keep;
			keep = l;
			n_keep++;
		}
	}
	(void)n;
	LOCK();
	pending_add(keep, n_keep);
	if (use_tail) {
		use_tail->next_retired = reusable;
		reusable = use;
		n_reusable += n_use;
	}
	UNLOCK();
}

/* After its graph edges are gone: l waits for reuse, unless it must stay
 * (option stats keep their counts for the exit table; a record held at a
 * fork or by a thread that exited may still be in a dead thread's stack). */
uint64_t lw__lock_retired_count(void)
{
	return lw__load(&n_retired);
}

static void retired_done(struct lw__lock *l)
{
	__atomic_fetch_add(&n_retired, 1, __ATOMIC_RELAXED);
	if (l->counted || lw__load(&l->orphan))
		return;
	LOCK();
	l->next_retired = pending;
	pending = l;
	n_pending++;
	n_since_scan++;
	int scan = n_since_scan >= RECLAIM_BATCH;
	UNLOCK();
	if (scan)
		reclaim();
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

/* Before taking the registry lock to add a record: room for it in the
 * page index, allocated outside the lock (pages.h). */
static void pages_reserve(void)
{
	for (;;) {
		size_t n = lw__pages_want(); /* a hint: checked again under the lock */
		if (!n)
			return;
		lw__guard_enter(); /* the allocator's own locks pass straight through */
		void *t = calloc(n, lw__pages_entry_size);
		lw__guard_leave();
		if (!t)
			return; /* the add finds no room: the index overflows (pages.h) */
		LOCK();
		void *old = lw__pages_want() == n ? lw__pages_install(t, n) : t;
		UNLOCK();
		lw__guard_enter();
		free(old);
		lw__guard_leave();
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

/* l's side record, made when first needed (caller holds reg_mu); NULL when
 * out of memory. */
static struct lw__lock_cold *cold_of(struct lw__lock *l)
{
	if (l->cold)
		return l->cold;
	struct lw__lock_cold *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->hold_ms = c->wait_ms = -1;
	lw__store_rel(&l->cold, c);
	return c;
}

static struct lw__lock *record_new(const void *addr, int kind, const struct lw__site *site,
				   uint32_t stack)
{
	struct lw__lock *l = record_alloc();
	if (!l)
		return NULL;
	uint32_t id = next_id++;
	uint64_t z = id * 0x9E3779B97F4A7C15ull; /* splitmix64 of the id */
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	lw__store(&l->owner, (struct lw__thread *)NULL);
	lw__store(&l->id, id);
	lw__store(&l->key, z ^ (z >> 31));
	lw__store(&l->addr, addr);
	struct lw__stats *stats = NULL;
	if (lw__opt.stats && cold_of(l)) {
		stats = calloc(1, sizeof(struct lw__stats));
		l->cold->stats = stats;
	}
	set_site(l, site, stack);
	/* the state last: a thread holding a stale pointer to a reused record
	 * sees it retired until then, and its new address after (lw__lock_is) */
	uint32_t st;
	struct lw__lock tmp;
	tmp.state = 0;
	tmp.kind = (uint8_t)kind;
	tmp.counted = stats != NULL;
	st = tmp.state;
	lw__store_rel(&l->state, st);
	lw__pages_add(l, addr);
	return l;
}

/* What a new record l at old's address keeps of old (caller holds
 * reg_mu): its name (a name sticks to the address) and, when old was only
 * named or given thresholds before its first use, its thresholds. */
static void copy_cold(struct lw__lock *l, const struct lw__lock *old)
{
	const struct lw__lock_cold *o = old ? old->cold : NULL;
	if (!o || (!o->name && old->kind != LW__UNKNOWN))
		return;
	struct lw__lock_cold *c = cold_of(l);
	if (!c)
		return;
	if (o->name)
		lw__store_rel(&c->name, o->name);
	if (old->kind == LW__UNKNOWN) {
		c->hold_ms = o->hold_ms;
		c->wait_ms = o->wait_ms;
	}
}

/* After retiring l (registry lock dropped): the higher layers forget it. */
static void forget_retired(struct lw__lock *l)
{
	if (lw__hooks.lock_retired)
		lw__hooks.lock_retired(l);
}

/* A lookup that raced with a retirement or a reuse: again, exactly. */
static struct lw__lock *find_locked(const void *addr)
{
	LOCK();
	struct lw__lock *l = lw__map_get(&by_addr, (uint64_t)(uintptr_t)addr);
	UNLOCK();
	return l;
}

struct lw__lock *lw__lock_find_check(const void *addr, struct lw__lock *l)
{
	if (l && lw__load_acq(&l->retired))
		return find_locked(addr);
	if (l && lw__load(&l->addr) != addr)
		return find_locked(addr);
	return l;
}

struct lw__lock *lw__lock_get_slow(const void *addr, int kind, struct lw__site site_v)
{
	const struct lw__site *site = &site_v;
	struct lw__lock *l = lw__map_get(&by_addr, (uint64_t)(uintptr_t)addr);
	if (lw__likely(l != NULL && lw__lock_is(l, addr, kind)))
		return l;
	if (lw__unlikely(lw__in_alloc(site->pc)))
		return NULL; /* the allocator's own lock: never registered */
	struct lw__init_site *is = lw__init_site_slot(addr);
	if (site->src && lw__load(&is->addr) == addr) {
		const lw_site_t *src = lw__load(&is->src);
		if (lw__load(&is->addr) == addr && src)
			site_v.src = src; /* named after its init call */
	}
	uint32_t stack = site_stack(site);
	pages_reserve();
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
			copy_cold(l, old);
			lw__map_put(&by_addr, (uint64_t)(uintptr_t)addr, l);
		}
		if (old) {
			lw__store(&old->retired, (uint8_t)1);
			lw__pages_del(old, addr);
		}
		UNLOCK();
		if (old) {
			forget_retired(old);
			retired_done(old);
		}
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
		lw__store(&l->retired, (uint8_t)1);
		lw__map_put(&by_addr, (uint64_t)(uintptr_t)addr, NULL);
		lw__pages_del(l, addr);
	}
	UNLOCK();
	if (l) {
		forget_retired(l);
		retired_done(l);
	}
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
			lw__store(&l->retired, (uint8_t)1);
			lw__map_put(&by_addr, (uint64_t)a, NULL);
			lw__pages_del(l, (const void *)a);
			batch[n++] = l;
		}
		UNLOCK();
		for (size_t k = 0; k < n; k++) {
			forget_retired(batch[k]);
			retired_done(batch[k]);
		}
	} while (n == 64);
}

void lw__lock_retire_heap(uintptr_t lo, uintptr_t hi)
{
	if (lw__pages_overflowed()) {
		lw__lock_retire_range(lo, hi); /* the index missed some: every record */
		return;
	}
	struct lw__lock *batch[64];
	size_t n;
	do {
		LOCK();
		n = lw__pages_collect(lo, hi, batch, 64);
		for (size_t k = 0; k < n; k++) {
			struct lw__lock *l = batch[k];
			lw__store(&l->retired, (uint8_t)1);
			lw__map_put(&by_addr, (uint64_t)(uintptr_t)l->addr, NULL);
			lw__pages_del(l, l->addr);
		}
		UNLOCK();
		for (size_t k = 0; k < n; k++) {
			forget_retired(batch[k]);
			retired_done(batch[k]);
		}
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
	pages_reserve();
	LOCK();
	struct lw__lock *l = record_for(addr);
	struct lw__lock_cold *c = l ? cold_of(l) : NULL;
	if (c)
		lw__store_rel(&c->name, copy); /* the old name is leaked on purpose */
	UNLOCK();
}

void lw__lock_set_thresholds(const void *addr, long hold_ms, long wait_ms)
{
	pages_reserve();
	LOCK();
	struct lw__lock *l = record_for(addr);
	struct lw__lock_cold *c = l ? cold_of(l) : NULL;
	if (c) {
		c->hold_ms = hold_ms < 0 ? -1 : (int)(hold_ms > INT32_MAX ? INT32_MAX : hold_ms);
		c->wait_ms = wait_ms < 0 ? -1 : (int)(wait_ms > INT32_MAX ? INT32_MAX : wait_ms);
	}
	UNLOCK();
}

void lw__lock_memory(size_t *records, size_t *bytes)
{
	LOCK();
	*records = n_records - n_reusable;
	*bytes = n_records * sizeof(struct lw__lock) + by_addr.bytes;
	UNLOCK();
}


