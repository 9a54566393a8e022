/* lock.c - the lock registry (see lock.h): records by address, ids,
 * user names and thresholds, retirement (which calls the lock_retired
 * hook, so the graph forgets the record's edges). Where records live and
 * when a retired one may be reused is records.c's job; naming a lock for
 * a report is report/name.c's. */
#include "lock.h"
#include "mem.h"
#include "alloc.h"
#include "guard.h"
#include "hooks.h"
#include "map.h"
#include "mutex.h"
#include "options.h"
#include "pages.h"
#include "records.h"
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

struct lw__map lw__locks_by_addr;
struct lw__init_site lw__init_sites[LW__INIT_SITES];
const void *lw__sem_events[LW__INIT_SITES];
#define by_addr lw__locks_by_addr
static uint32_t next_id = 1;

#define LOCK() lw__mutex_lock(&lw__registry_mu)
#define UNLOCK() lw__mutex_unlock(&lw__registry_mu)

static void set_site(struct lw__lock *l, const struct lw__site *site, uint32_t stack)
{
	if (site) {
		lw__store(&l->site_pc, site->pc);
		lw__store(&l->site_stack, stack);
		l->site_src = site->src && site->src->file ? site->src : NULL;
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
		void *t = lw__mem_calloc(n, lw__pages_entry_size);
		lw__guard_leave();
		if (!t)
			return; /* the add finds no room: the index overflows (pages.h) */
		LOCK();
		void *old = lw__pages_want() == n ? lw__pages_install(t, n) : t;
		UNLOCK();
		lw__guard_enter();
		lw__mem_free(old);
		lw__guard_leave();
	}
}

/* The stack of a lock call: a lock's first use keeps it, for a name
 * after the program's own code when the call site has no source position
 * of the program's (a lock first used inside an inlined library header:
 * std::mutex), and for its role (lw__lock_made_again), in every way in.
 * The lock call's first capture, so the first chain's (check/held.c) is
 * answered from the memo (stack.h). Inline: a frame of its own would be
 * one more for every capture to step through. Called without the
 * registry lock; slow paths only. */
static LW__ALWAYS_INLINE uint32_t site_stack(const struct lw__site *site)
{
	uint32_t st = 0;
	if (!site || !site->pc)
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
	struct lw__lock_cold *c = lw__mem_calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->hold_ms = c->wait_ms = -1;
	lw__store_rel(&l->cold, c);
	return c;
}

/* A semaphore's record starts with what its init said (lw__sem_event_note). */
static uint8_t sem_event_of(const void *addr, int kind)
{
	return (uint8_t)(kind == LW__SEM && lw__sem_event_noted(addr));
}

static struct lw__lock *record_new(const void *addr, int kind, const struct lw__site *site,
				   uint32_t stack)
{
	struct lw__lock *l = lw__record_alloc();
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
	lw__store(&l->site_pc, (uintptr_t)0); /* a reused record's is stale */
	lw__store(&l->sem_event, sem_event_of(addr, kind));
	struct lw__stats *stats = NULL;
	if (lw__opt.stats && cold_of(l)) {
		stats = lw__mem_calloc(1, sizeof(struct lw__stats));
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
static void forget_retired(struct lw__lock *l, int mapped)
{
	if (lw__hooks.lock_retired)
		lw__hooks.lock_retired(l, mapped);
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

void lw__lock_hint(struct lw__lock *l, const void *addr, int kind)
{
	uint64_t *w = lw__hint_word(addr, kind);
	if (!w || !lw__hint_may(addr, kind))
		return;
	uint64_t d = (uint64_t)((uintptr_t)l - (uintptr_t)lw__records_base);
	uint64_t v = d + LW__HINT_BIAS;
	if ((uintptr_t)l < (uintptr_t)lw__records_base || d >= lw__load(&lw__records_reach))
		v = LW__HINT_AWAY; /* a record made past the region */
	if (lw__load(w) != v)
		lw__store(w, v);
}

struct lw__lock *lw__lock_get_slow(const void *addr, int kind, struct lw__site site_v)
{
	const struct lw__site *site = &site_v;
	struct lw__lock *l = lw__map_get(&by_addr, (uint64_t)(uintptr_t)addr);
	if (lw__likely(l != NULL && lw__lock_is(l, addr, kind)))
		return l;
	if (lw__unlikely(lw__in_alloc(site->pc)))
		return NULL; /* the allocator's own lock: never registered */
	uint32_t stack = site_stack(site); /* the call's own, as its role's */
	struct lw__init_site *is = lw__init_site_slot(addr);
	if (site->src && lw__load(&is->addr) == addr) {
		const lw_site_t *src = lw__load(&is->src);
		if (lw__load(&is->addr) == addr && src)
			site_v.src = src; /* named after its init call */
	}
	pages_reserve();
	LOCK();
	l = lw__map_get(&by_addr, (uint64_t)(uintptr_t)addr);
	if (l && l->kind == LW__UNKNOWN) {
		/* named before its first use */
		l->kind = (uint8_t)kind;
		lw__store(&l->sem_event, sem_event_of(addr, kind));
		if (!l->site_stack && !l->site_src)
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
			forget_retired(old, 1);
			lw__record_retired(old);
		}
		return l;
	}
	UNLOCK();
	return l;
}

/* The records of locks made again in place in another role than the one
 * in the address map (lw__lock_made_again), by address and role (first
 * call site and first stack): live, not in the address map (a lookup by
 * address never finds them), each the lock of one role at that address,
 * found again when that role makes it again. The page index still lists
 * them, so freed or unmapped memory retires them; a record retired since,
 * or reused for another lock, fails the check of what it is. Under the
 * registry lock. */
static struct lw__map parked;

static uint64_t park_key(const void *addr, uintptr_t pc, uint32_t stack)
{
	uint64_t h = (uint64_t)(uintptr_t)addr * 0x9E3779B97F4A7C15ull ^ (uint64_t)pc;
	return ((h ^ (h >> 29)) * 0xBF58476D1CE4E5B9ull ^ stack) | 1;
}

/* Is l, at addr, the lock of the role (pc, stack)? Exact under reg_mu;
 * without it as stale as any lock-free look at a record (a no is asked
 * again under it). */
static int in_role(const struct lw__lock *l, const void *addr, int kind, uintptr_t pc,
		   uint32_t stack)
{
	return lw__lock_is(l, addr, kind) && lw__load(&l->site_pc) == pc &&
	       lw__load(&l->site_stack) == stack;
}

/* Lock l's memory was made again (an initializer over it): whatever held
 * the lock before, a thread that exited holding it (a worker's local
 * mutex, left locked, where the next worker's is now: one cached thread
 * stack), or one that a fork's child lacks, holds the new one no more:
 * its orphan mark goes (a lock that reads as never taken cannot wait for
 * a holder that is gone). */
static void made_unheld(struct lw__lock *l)
{
	if (!l)
		return;
	if (lw__load(&l->orphan))
		lw__store(&l->orphan, (uint8_t)0);
}

int lw__lock_made_again(const void *addr, int kind, const void *const *mark,
			const struct lw__site *site)
{
	struct lw__lock *l = lw__map_get(&by_addr, (uint64_t)(uintptr_t)addr);
	if (!l || !lw__lock_is(l, addr, kind))
		return 0;
	/* taken before (seen is set after the mark was written, by the same
	 * thread): a mark still 0 once seen reads set means the memory was
	 * made again, not a first use racing with its own mark */
	if (!__atomic_load_n(&l->seen, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(mark, __ATOMIC_ACQUIRE) != NULL)
		return 0;
	uintptr_t pc = site->pc;
	uint32_t st = site_stack(site); /* this role's, as its first use keeps it */
	if (in_role(l, addr, kind, pc, st)) {
		/* the same function's lock made again from the same stack */
		made_unheld(l);
		return 0;
	}
	LOCK();
	l = lw__map_get(&by_addr, (uint64_t)(uintptr_t)addr);
	if (!l || !lw__lock_is(l, addr, kind) || in_role(l, addr, kind, pc, st)) {
		made_unheld(l && lw__lock_is(l, addr, kind) ? l : NULL);
		UNLOCK();
		return 0;
	}
	/* park the other role's lock; this role's own, if parked, comes
	 * back, else the next lookup makes one */
	struct lw__lock *p = lw__map_get(&parked, park_key(addr, pc, st));
	if (p && !in_role(p, addr, kind, pc, st))
		p = NULL;
	lw__map_put(&parked, park_key(addr, lw__load(&l->site_pc), l->site_stack), l);
	if (p)
		lw__map_put(&parked, park_key(addr, pc, st), NULL);
	lw__map_put(&by_addr, (uint64_t)(uintptr_t)addr, p);
	made_unheld(p);
	UNLOCK();
	return 1;
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
		forget_retired(l, 1);
		lw__record_retired(l);
	}
}

/* Retire every live record in [lo, hi); `mapped` as lock_retired's. */
static void retire_range(uintptr_t lo, uintptr_t hi, int mapped)
{
	struct lw__lock *batch[64];
	size_t i = 0, n;
	do {
		n = 0;
		LOCK();
		for (; i < lw__records_n() && n < 64; i++) {
			struct lw__lock *l = lw__record_nth(i);
			uintptr_t a = (uintptr_t)l->addr;
			if (l->retired || a < lo || a >= hi)
				continue;
			lw__store(&l->retired, (uint8_t)1);
			if (lw__map_get(&by_addr, (uint64_t)a) == l) /* else parked */
				lw__map_put(&by_addr, (uint64_t)a, NULL);
			lw__pages_del(l, (const void *)a);
			batch[n++] = l;
		}
		UNLOCK();
		for (size_t k = 0; k < n; k++) {
			forget_retired(batch[k], mapped);
			lw__record_retired(batch[k]);
		}
	} while (n == 64);
}

void lw__lock_retire_range(uintptr_t lo, uintptr_t hi)
{
	retire_range(lo, hi, 0);
}

void lw__lock_retire_heap(uintptr_t lo, uintptr_t hi, int mapped)
{
	if (lw__pages_overflowed()) {
		retire_range(lo, hi, mapped); /* the index missed some: every record */
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
			forget_retired(batch[k], mapped);
			lw__record_retired(batch[k]);
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
	char *copy = name ? lw__mem_strdup(name) : NULL;
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

void lw__lock_note_private(const void *addr)
{
	pages_reserve();
	LOCK();
	struct lw__lock *l = record_for(addr);
	struct lw__lock_cold *c = l ? cold_of(l) : NULL;
	if (c)
		lw__store(&c->made_private, (uint8_t)1);
	UNLOCK();
}

void lw__lock_memory(size_t *records, size_t *bytes)
{
	LOCK();
	*records = lw__records_n() - lw__records_reusable();
	*bytes = lw__records_n() * sizeof(struct lw__lock) + by_addr.bytes;
	UNLOCK();
}


