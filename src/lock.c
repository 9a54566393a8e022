/* lock.c - the lock registry (see lock.h): records by address, ids,
 * names and classes, retirement on destroy. */
#include "lock.h"
#include "graph.h"
#include "map.h"
#include "stack.h"
#include "thread.h"
#include "options.h"
#include "stats.h"
#include "real.h"
#include "symbols.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(struct lw__lock) == 128, "a lock record is two cache lines");
_Static_assert(offsetof(struct lw__lock, key) + sizeof(uint64_t) <= 64 &&
		       offsetof(struct lw__lock, addr) < 64 && offsetof(struct lw__lock, state) < 64,
	       "what the fast path touches is in the record's first cache line");

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
struct lw__map lw__locks_by_addr;
#define by_addr lw__locks_by_addr
static uint32_t next_id = 1;
static size_t n_records;

#define LOCK() LW_REAL_FN(pthread_mutex_lock)(&reg_mu)
#define UNLOCK() LW_REAL_FN(pthread_mutex_unlock)(&reg_mu)

/* Records are carved from large zeroed chunks and never freed: a thread
 * may still look at a retired record. Caller holds reg_mu. */
_Static_assert(sizeof(struct lw__lock) == 128, "a lock record is two cache lines");

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

/* Where a lock is first seen without a source position (the preload and
 * wrapper ways in): its whole stack, once per lock, so that a lock first
 * used inside an inlined library header (std::mutex) is named after the
 * program's own code. Called without the registry lock; slow path only. */
static uint32_t site_stack(const struct lw__site *site)
{
	uint32_t st = 0;
	if (!site || site->src || !site->pc)
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
			lw__graph_forget(old);
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
		lw__graph_forget(l);
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

const char *lw__lock_kind_name(int kind)
{
	switch (kind) {
	case LW__MUTEX: return "mutex";
	case LW__RWLOCK: return "rwlock";
	case LW__SPIN: return "spinlock";
	case LW__SEM: return "semaphore";
	default: return "lock";
	}
}

/* Code of a system or library header (an inlined std::mutex::lock): a
 * lock's name should point at the program's own code instead. */
static int system_header(const char *file)
{
	return strncmp(file, "/usr/include/", 13) == 0 || strstr(file, "/include/c++/") ||
	       strstr(file, "/bits/") || strstr(file, "gthr");
}

/* "file:line" of the lock's site: the header's call site, or the first
 * frame of its first-use stack in the program's own code (by debug info);
 * else a function name; 0 when unknown. Report time only. */
static int site_position(const struct lw__lock *l, char *buf, size_t n)
{
	if (l->site_file) {
		const char *b = strrchr(l->site_file, '/');
		snprintf(buf, n, "%s:%d", b ? b + 1 : l->site_file, l->site_line);
		return 1;
	}
	uintptr_t pcs[LW__STACK_MAX];
	int depth = l->site_stack ? lw__stack_get(l->site_stack, pcs, LW__STACK_MAX, NULL) : 0;
	lw_frame_t first = { 0 }, f;
	for (int i = 0; i < depth; i++) {
		lw__sym_frame(pcs[i], 1, &f);
		if (i == 0)
			first = f;
		if (f.file && !system_header(f.file)) {
			const char *b = strrchr(f.file, '/');
			snprintf(buf, n, "%s:%d", b ? b + 1 : f.file, f.line);
			return 1;
		}
	}
	if (first.file) {
		const char *b = strrchr(first.file, '/');
		snprintf(buf, n, "%s:%d", b ? b + 1 : first.file, first.line);
		return 1;
	}
	if (first.function) {
		snprintf(buf, n, "%s", first.function);
		return 1;
	}
	return 0;
}

/* GCC names a function's static variable "cache_lock.1" (and LTO adds
 * ".lto_priv.0"): keep the name the programmer wrote, and any +offset. */
static void strip_local_suffix(char *sym)
{
	char *plus = strchr(sym, '+');
	size_t end = plus ? (size_t)(plus - sym) : strlen(sym);
	char *dot = memchr(sym, '.', end);
	if (!dot || dot == sym)
		return;
	for (char *p = dot; p < sym + end; p++)
		if (!(*p == '.' || (*p >= '0' && *p <= '9') || strncmp(p, "lto_priv", 8) == 0 ||
		      strncmp(p, "constprop", 9) == 0))
			return;
		else if (strncmp(p, "lto_priv", 8) == 0)
			p += 7;
		else if (strncmp(p, "constprop", 9) == 0)
			p += 8;
	memmove(dot, sym + end, strlen(sym + end) + 1);
}

void lw__lock_describe(const struct lw__lock *l, char *name, size_t nn, char *cls,
		       size_t cn)
{
	char sym[256], pos[256];
	const char *user = lw__load_acq(&l->name);
	int has_sym = lw__sym_data(l->addr, sym, sizeof(sym));
	if (has_sym)
		strip_local_suffix(sym);
	int has_pos = site_position(l, pos, sizeof(pos));
	const char *kind = lw__lock_kind_name(l->kind);

	if (user)
		snprintf(name, nn, "%s", user);
	else if (has_sym)
		snprintf(name, nn, "%s", sym);
	else if (has_pos)
		snprintf(name, nn, "%s@%s", kind, pos);
	else
		snprintf(name, nn, "%s@%p", kind, l->addr);

	if (has_sym)
		snprintf(cls, cn, "%s", sym);
	else if (user)
		snprintf(cls, cn, "%s", user);
	else if (has_pos)
		snprintf(cls, cn, "%s", pos);
	else
		snprintf(cls, cn, "%s@%p", kind, l->addr);
}

void lw__lock_memory(size_t *records, size_t *bytes)
{
	LOCK();
	*records = n_records;
	*bytes = n_records * sizeof(struct lw__lock) + by_addr.bytes;
	UNLOCK();
}

void lw__lock_atfork_prepare(void) { LOCK(); }
void lw__lock_atfork_parent(void) { UNLOCK(); }
void lw__lock_atfork_child(void)
{
	pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
	reg_mu = fresh;
}
