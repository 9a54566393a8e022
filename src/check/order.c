/* order.c - the lock-order check (see order.h). The graph (model/graph.c)
 * finds cycles; this file decides what they mean. A cycle cannot deadlock
 * when all its edges were taken while one common other lock was held (a
 * gate lock), or when some lock in it is only ever held and awaited for
 * reading (glibc's default rwlocks prefer readers, so readers never block
 * readers; not so a rwlock made to prefer writers, which stays an error):
 * it is then reported as a warning saying why; so is a cycle every edge of
 * which was taken by a timed acquire (the threads would block each other
 * until the deadline, then fail, not hang), and a cycle with an edge
 * whose `to` was a fresh lock (the first acquisition of a lock the thread
 * initialised holding the `from` lock: nobody else can have held it, so
 * that step cannot block; LW__ACQ_FRESH). Each distinct cycle (its
 * set of locks) is reported once per severity; the first warning makes
 * the graph re-check edges that later lose a gate or a read side. Cycles
 * of one shape over other locks (the same stacks took them the same way,
 * the same verdict; shape_key) are grouped into one report (report.h). */
#include "order.h"
#include "mem.h"
#include "sort.h"
#include "graph.h"
#include "hash.h"
#include "held.h"
#include "map.h"
#include "name.h"
#include "mutex.h"
#include "report.h"
#include "stack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lw__mutex lw__order_mu = LW__MUTEX_INIT;
static struct lw__map reported = { .exclusive = 1 }; /* cycle signature -> severity */
static unsigned n_benign; /* warnings so far: edges that change are re-checked */
/* depot stacks that took a lock with a timed acquire (writers hold
 * lw__order_mu; readers read lock-free) */
static struct lw__map timed_stacks;

struct verdict {
	size_t n;          /* locks in the cycle */
	uint32_t gate;     /* id of the gate lock, 0: none */
	struct lw__lock *reader; /* a lock only read-held and read-awaited */
	struct lw__lock *writer_pref; /* such a lock, but writer-preferring */
	size_t n_timed;    /* edges whose `to` is a timed acquire */
	size_t fresh;      /* 1 + the first edge whose `to` was fresh, 0: none */
	lw_severity_t sev;
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Is gate `cand` (of the first edge) held before `from` on every edge of
 * the cycle, and exclusively on one at least? Read holds do not exclude
 * each other: threads holding it only for reading can all be in the
 * cycle at once. */
static int gates_all(const struct lw__cycle_edge *cyc, size_t n, uint32_t cand)
{
	int exclusive = !(cand & LW__GATE_READ);
	for (size_t i = 1; i < n; i++) {
		int found = 0;
		for (int k = 0; k < cyc[i].info.n_gates; k++)
			if (lw__gate_id(cyc[i].info.gates[k]) == lw__gate_id(cand)) {
				found = 1;
				exclusive |= !(cyc[i].info.gates[k] & LW__GATE_READ);
			}
		if (!found)
			return 0;
	}
	return exclusive;
}

/* The verdict on a cycle and its signature (the hash of its sorted lock
 * ids); 0 when out of memory. */
static uint64_t judge(const struct lw__cycle_edge *cyc, size_t n, struct verdict *v)
{
	uint32_t *ids = lw__mem_alloc(n * sizeof(*ids));
	if (!ids)
		return 0;
	for (size_t i = 0; i < n; i++)
		ids[i] = cyc[i].from->id;
	lw__sort(ids, n, sizeof(*ids), cmp_u32);
	uint64_t sig = LW__FNV_BASIS;
	for (size_t i = 0; i < n; i++)
		sig = lw__fnv_word(sig, ids[i]);
	v->n = n;
	v->gate = 0;
	for (int g = 0; g < cyc[0].info.n_gates && !v->gate; g++) {
		uint32_t cand = cyc[0].info.gates[g], id = lw__gate_id(cand);
		if (!bsearch(&id, ids, n, sizeof(*ids), cmp_u32) && gates_all(cyc, n, cand))
			v->gate = id;
	}
	lw__mem_free(ids);
	v->reader = v->writer_pref = NULL;
	for (size_t i = 0; i < n && !v->reader; i++) {
		const struct lw__cycle_edge *in = &cyc[(i + n - 1) % n], *out = &cyc[i];
		if (!in->info.to_read || !out->info.from_read)
			continue;
		if (lw__lock_prefers_writers(out->from))
			v->writer_pref = out->from;
		else
			v->reader = out->from;
	}
	v->n_timed = 0;
	for (size_t i = 0; i < n; i++)
		v->n_timed += cyc[i].info.to_timed != 0;
	v->fresh = 0;
	for (size_t i = 0; i < n && !v->fresh; i++)
		if (cyc[i].info.to_fresh)
			v->fresh = i + 1;
	v->sev = (v->gate || v->reader || v->n_timed == n || v->fresh) ? LW_WARNING : LW_ERROR;
	return sig | 1;
}

/* Is this the first report of the cycle at this severity (or worse)? */
static int first_report(uint64_t sig, lw_severity_t sev)
{
	lw__mutex_lock(&lw__order_mu);
	uintptr_t prev = (uintptr_t)lw__map_get(&reported, sig);
	int first = prev < (uintptr_t)sev;
	if (first) {
		lw__map_put(&reported, sig, (void *)(uintptr_t)sev);
		if (sev == LW_WARNING)
			lw__store(&n_benign, n_benign + 1);
	}
	lw__mutex_unlock(&lw__order_mu);
	return first;
}

/* A 64-bit finaliser (splitmix64's): spreads a hash over every bit. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* The shape of a cycle, which its report is grouped by: for every edge,
 * the stacks that took its two locks (as code: the same code path, where
 * ever its library was loaded; stack.h), how
 * (read, timed), and the kind and variable (name.h) of its `from` lock;
 * each edge paired with the next one, summed, so that where the ring
 * starts does not matter; its length and its verdict. Not the locks
 * themselves: those are what differs between the instances of a shape.
 * 0 (not grouped) when out of memory. */
static uint64_t shape_key(const struct lw__cycle_edge *cyc, size_t n, const struct verdict *v)
{
	uint64_t *h = lw__mem_alloc(n * sizeof(*h));
	if (!h)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const struct lw__edge_info *e = &cyc[i].info;
		uint64_t x = lw__fnv_word(LW__FNV_BASIS, lw__stack_code_key(e->from_stack));
		x = lw__fnv_word(x, lw__stack_code_key(e->to_stack));
		x = lw__fnv_word(x, (uint64_t)(e->from_read != 0) | (uint64_t)(e->to_read != 0) << 1 |
					    (uint64_t)(e->from_timed != 0) << 2 |
					    (uint64_t)(e->to_timed != 0) << 3 |
					    (uint64_t)(e->to_fresh != 0) << 4);
		x = lw__fnv_word(x, cyc[i].from->kind);
		h[i] = mix(lw__fnv_word(x, lw__lock_var_key(cyc[i].from)));
	}
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += mix(lw__fnv_word(lw__fnv_word(LW__FNV_BASIS, h[i]), h[(i + 1) % n]));
	lw__mem_free(h);
	uint64_t x = lw__fnv_word(LW__FNV_BASIS, n);
	x = lw__fnv_word(x, (uint64_t)v->sev);
	x = lw__fnv_word(x, (uint64_t)(v->gate != 0) | (uint64_t)(v->reader != NULL) << 1 |
				    (uint64_t)(v->writer_pref != NULL) << 2);
	x = lw__fnv_word(x, v->n_timed);
	return mix(x ^ sum) | 1;
}

/* The headline: up to 8 locks, all of them; a longer cycle: its size, the
 * first three, the last, and back (every lock is in the report's list). */
static void headline(struct lw__rb *rb, size_t n)
{
	char line[1024];
	size_t len = 0;
	if (n > 8)
		len = (size_t)snprintf(line, sizeof(line), "of %zu locks: ", n);
	for (size_t i = 0; i <= n && len < sizeof(line) - 1; i++) {
		if (n > 8 && i == 3) {
			len += (size_t)snprintf(line + len, sizeof(line) - len, " -> ...");
			i = n - 1;
		}
		int w = snprintf(line + len, sizeof(line) - len, "%s%s",
				 i && !(n > 8 && i == 0) ? " -> " : "",
				 lw__rb_lock_name(rb, (int)(i % n)));
		if (w < 0)
			break;
		len += (size_t)w;
	}
	lw__rb_headline(rb, "lock-order cycle%s%s", n > 8 ? " " : ": ", line);
}

static void report_cycle(const struct lw__cycle_edge *cyc, const struct verdict *v)
{
	size_t n = v->n;
	struct lw__rb *rb = lw__rb_new(LW_LOCK_ORDER_CYCLE, v->sev);
	if (!rb)
		return;
	int first = lw__rb_lock(rb, cyc[0].from);
	for (size_t i = 0; i < n; i++) {
		const struct lw__edge_info *e = &cyc[i].info;
		int a = lw__rb_lock(rb, cyc[i].from);
		int b = i + 1 < n ? lw__rb_lock(rb, cyc[i].to) : first;
		lw__rb_edge(rb, a, b, e->tid, e->thread_name, e->from_read, e->to_read,
			    e->from_timed, e->to_timed, e->to_fresh, e->from_stack, e->to_stack);
	}
	/* the gate's record may be retired: found through the graph by id */
	struct lw__lock *g = v->gate ? lw__graph_pred(cyc[0].from, v->gate) : NULL;
	if (g)
		lw__rb_lock(rb, g);
	headline(rb, n);
	if (g)
		lw__rb_note(rb, "every edge of this cycle was taken while holding %s, "
			    "which serialises them: it cannot deadlock as long as that stays so",
			    lw__rb_lock_name(rb, (int)n));
	else if (v->sev == LW_WARNING && v->fresh) {
		const struct lw__cycle_edge *f = &cyc[v->fresh - 1];
		int to = lw__rb_lock(rb, f->to), from = lw__rb_lock(rb, f->from);
		lw__rb_note(rb, "%s was initialised by the thread that then took it for the first "
			    "time, still holding %s (edge %zu/%zu): no other thread can have held "
			    "it yet, so that step cannot block, and the cycle cannot deadlock as "
			    "long as such a lock is shared only once it was taken",
			    lw__rb_lock_name(rb, to), lw__rb_lock_name(rb, from), v->fresh, n);
	} else if (v->sev == LW_WARNING && v->reader)
		lw__rb_note(rb, "a lock in this cycle is only ever held and awaited for "
			    "reading; readers do not block readers, so it cannot deadlock");
	else if (v->sev == LW_WARNING)
		lw__rb_note(rb, "every lock of this cycle is awaited with a timed acquire: "
			    "threads taking them in these orders at the same time block each "
			    "other until the deadline and then fail instead of deadlocking; "
			    "pick one order and take them in it everywhere");
	else if (v->n_timed)
		lw__rb_note(rb, "threads taking these locks in these orders at the same "
			    "time deadlock: %zu of the %zu edges end%s in a timed acquire that "
			    "gives up at its deadline, but the others wait without one; pick "
			    "one order and take them in it everywhere",
			    v->n_timed, n, v->n_timed == 1 ? "s" : "");
	else if (v->writer_pref)
		lw__rb_note(rb, "threads taking these locks in these orders at the same "
			    "time deadlock; %s is only read here, but it is a rwlock that prefers "
			    "writers: a new reader waits behind a queued writer, so reads can "
			    "deadlock (not so on glibc's default rwlock); pick one order and take "
			    "them in it everywhere", lw__rb_lock_name(rb, lw__rb_lock(rb, v->writer_pref)));
	else
		lw__rb_note(rb, "threads taking these locks in these orders at the same "
			    "time deadlock; pick one order and take them in it everywhere");
	lw__rb_group(rb, shape_key(cyc, n, v));
	lw__report_emit(rb);
}

/* Judge a cycle the graph handed back, report it the first time; frees it. */
static void cycle_found(struct lw__cycle_edge *cyc, size_t n)
{
	struct verdict v;
	uint64_t sig = judge(cyc, n, &v);
	if (sig && first_report(sig, v.sev))
		report_cycle(cyc, &v);
	lw__mem_free(cyc);
}

/* The time this thread spent making a report (symbolising a 20,000-lock
 * cycle takes a while) is lockwatch's, not the program's: while it lasts
 * the watchdog skips the thread's holds (t->reporting), and after it the
 * holds start that much later, so they are not reported long for it. */
static void not_counted(struct lw__thread *t, uint32_t ticks)
{
	if (!ticks || lw__load(&lw__tick) == LW__TICK_RESTART)
		return;
	for (unsigned i = 0; i < t->n_held; i++)
		lw__store(&t->held[i].tick, t->held[i].tick + ticks);
}

void lw__order_timed(uint32_t stack)
{
	if (!stack || lw__map_get(&timed_stacks, stack))
		return;
	lw__mutex_lock(&lw__order_mu);
	lw__map_put(&timed_stacks, stack, (void *)1); /* out of memory: not timed */
	lw__mutex_unlock(&lw__order_mu);
}

void lw__order_check(struct lw__thread *t, struct lw__lock *l, int mode, uint32_t stack)
{
	struct lw__edge_info info;
	memset(&info, 0, sizeof(info));
	info.to_timed = (mode & LW__ACQ_TIMED) != 0;
	info.to_fresh = (mode & LW__ACQ_FRESH) != 0;
	mode = LW__ACQ_MODE(mode);
	if (info.to_timed)
		lw__order_timed(stack);
	/* a name set with pthread_setname_np is seen here; a system call,
	 * so not on every new chain */
	if (!(t->n_slow & (t->n_slow - 1)))
		lw__thread_refresh_name(t);
	info.tid = t->tid;
	memcpy(info.thread_name, t->name, sizeof(info.thread_name));
	info.to_stack = stack;
	info.to_read = mode == LW__READ;
	for (unsigned i = 0, n = lw__held_depth(t); i < n; i++) {
		struct lw__held *h = lw__held_at(t, i);
		/* its lock read once: a signal handler's sem_post may clear
		 * the entry in place (held.h, lw__held_clear) */
		struct lw__lock *from = lw__load(&h->lock);
		if (!from || from == l || from->kind == LW__SEM)
			continue;
		info.from_stack = h->stack;
		info.from_read = h->mode == LW__READ;
		info.from_timed = h->stack && lw__map_get(&timed_stacks, h->stack);
		struct lw__cycle_edge *cyc;
		size_t n = lw__graph_add(from, l, &info, lw__load(&n_benign) != 0, &cyc);
		if (n) {
			uint32_t before = lw__load(&lw__tick);
			lw__store(&t->reporting, t->reporting + 1);
			cycle_found(cyc, n);
			lw__lock_read_end();
			not_counted(t, lw__load(&lw__tick) - before);
			lw__store_rel(&t->reporting, t->reporting - 1);
		}
		/* everything held before the next `from` gates it */
		if (info.n_gates < LW__MAX_GATES)
			info.gates[info.n_gates++] =
				from->id | (h->mode == LW__READ ? LW__GATE_READ : 0);
	}
}

