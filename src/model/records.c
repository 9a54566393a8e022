/* records.c - where lock records live (see records.h): large zeroed
 * chunks, never freed, and the reuse of retired records once a scan of
 * every thread's held stack and wait finds no reference to them. */
#include "records.h"
#include "mem.h"
#include "lock.h"
#include "mutex.h"
#include "thread.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

struct lw__mutex lw__registry_mu = LW__MUTEX_INIT;
static size_t n_records;

#define LOCK() lw__mutex_lock(&lw__registry_mu)
#define UNLOCK() lw__mutex_unlock(&lw__registry_mu)

/* Records are carved from large zeroed chunks and never freed: a thread
 * may still look at a retired record, and finds it retired or reused (it
 * checks: lw__lock_is). A retired record goes to `pending`; once a scan
 * finds nothing can reach it (reclaim) it goes to `reusable`, and
 * lw__record_alloc takes from there first. Lists link through next_retired;
 * all under reg_mu. */
#define CHUNK_RECORDS LW__RECORD_CHUNK
#define RECLAIM_BATCH 256 /* retirements between two scans */
struct lw__lock *lw__record_dir[LW__RECORD_CHUNKS]; /* the chunks, from entry 1 */
#define chunks (lw__record_dir + 1)
static size_t n_chunks;
static struct lw__lock *pending, *reusable;
static size_t n_pending, n_reusable, n_since_scan;
static uint64_t n_retired; /* ever */
static uint32_t n_reading; /* readers now (lw__lock_read_begin) */
static uint32_t read_gen;  /* readers so far */

/* The region of hinted records (lock.h): 64 MiB of address space (as a
 * glibc malloc arena's), 512 chunks, 524,288 records, each chunk's pages
 * mapped as it is made; records past it are found by address. None in a
 * process with a limit on its address space (RLIMIT_AS): the reservation
 * would count against what the program was given. */
#define CHUNK_BYTES (CHUNK_RECORDS * sizeof(struct lw__lock))
#define REGION_CHUNKS 512
char *lw__records_base;
uint64_t lw__records_reach;
static size_t region_chunks; /* its size in chunks, 0: none */
static int region_tried;

static void region_reserve(void)
{
	region_tried = 1;
	struct rlimit as;
	int saved = errno, r = getrlimit(RLIMIT_AS, &as);
	errno = saved;
	if (r != 0 || as.rlim_cur != RLIM_INFINITY)
		return;
	char *p = lw__mem_reserve(REGION_CHUNKS * CHUNK_BYTES);
	if (!p)
		return; /* no region: every record found by address */
	lw__records_base = p;
	region_chunks = REGION_CHUNKS;
}

/* Chunk i's memory: its place in the region, else pages of its own (past
 * the region, or where the kernel refused to map a place in it: then the
 * region ends there, before chunk i); NULL when out of memory. */
static struct lw__lock *chunk_in_region(size_t i)
{
	if (!region_tried)
		region_reserve();
	if (i < region_chunks) {
		char *p = lw__records_base + i * CHUNK_BYTES;
		if (lw__mem_pages_at(p, CHUNK_BYTES) == 0)
			return (struct lw__lock *)(void *)p;
		region_chunks = i; /* refused: the region ends here */
	}
	return lw__mem_pages(CHUNK_BYTES);
}

struct lw__lock *lw__record_alloc(void)
{
	struct lw__lock *l = reusable;
	if (l) {
		reusable = l->next_retired;
		n_reusable--;
		/* nothing can reach it (reclaim): all but its first-line state,
		 * which lock.c's record_new publishes last */
		l->next_retired = NULL;
		if (l->cold) { /* kept, reset */
			l->cold->hold_ms = l->cold->wait_ms = -1;
			l->cold->stats = NULL;
			lw__store_rel(&l->cold->name, (const char *)NULL);
			lw__store(&l->cold->made_private, (uint8_t)0);
		}
		l->top_tag = l->above_tag = 0;
		l->top_hi = l->above_hi = 0;
		l->seen = l->referenced = 0;
		l->site_stack = 0;
		l->site_src = NULL;
		l->mark = l->n_out = l->n_in = 0;
		l->ord = 0;
		l->out = l->in = 0;
		return l;
	}
	size_t used = n_records % CHUNK_RECORDS;
	if (used == 0) {
		if (n_chunks + 1 == LW__RECORD_CHUNKS)
			return NULL; /* 64M records */
		struct lw__lock *c = chunk_in_region(n_chunks);
		if (!c)
			return NULL; /* (its pages come zeroed) */
		for (size_t i = 0; i < CHUNK_RECORDS; i++)
			c[i].index = (uint32_t)(n_chunks * CHUNK_RECORDS + i);
		/* zeroed before it is seen: a hint's reader finds records whose
		 * state passes no check yet (lock.h) */
		lw__store_rel(&chunks[n_chunks], c);
		n_chunks++;
		if (n_chunks <= region_chunks) /* chunk n_chunks - 1 is in it */
			lw__store_rel(&lw__records_reach,
				      (uint64_t)n_chunks * CHUNK_BYTES - sizeof(struct lw__lock) + 1);
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

void lw__record_retired(struct lw__lock *l)
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

size_t lw__records_n(void)
{
	return n_records;
}

size_t lw__records_reusable(void)
{
	return n_reusable;
}

struct lw__lock *lw__record_nth(size_t i)
{
	return &chunks[i / CHUNK_RECORDS][i % CHUNK_RECORDS];
}
