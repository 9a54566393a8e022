/* stall.c - long holds and long waits, from the watchdog's snapshot.
 *
 * Each hold (thread, lock, when taken) and each wait (thread, lock, since
 * when) is an episode. An episode must be seen in two snapshots in a row
 * before it counts, which filters torn reads. It is reported when it
 * crosses its threshold, again at 10x and 100x; every new episode is
 * reported on its own, whatever else is still open. A report shows the
 * holder's (or waiter's) current stack: what it is doing now.
 *
 * One burst of episodes of one shape (holds, or waits, at one level, from
 * the same stack, of locks of the same kind and variable: twenty locks of
 * an array taken in a loop and held too long) makes one grouped report
 * (report.h): the first episode in full, the others as its instances;
 * but a group is of other locks: an episode on a lock already in it (a
 * second waiter for one lock, the same lock held long again) ends it and
 * starts the next, reported in full. The burst, and its group, ends when
 * no episode of that shape has been seen for BURST_MS; the next such
 * episode is news again. */
#include "stall.h"
#include "mem.h"
#include "grow.h"
#include "hash.h"
#include "health.h"
#include "name.h"
#include "now.h"
#include "options.h"
#include "report.h"
#include "stack.h"

#include <stdlib.h>
#include <string.h>

enum { EP_HOLD, EP_WAIT };

#define BURST_MS 1000 /* a group of episodes ends after this long without one */

struct episode {
	uint64_t key;
	uint64_t shape; /* its group's shape key once reported, else 0 */
	int level;  /* 0: not reported; 1, 2, 3: at 1x, 10x, 100x threshold */
	int seen;   /* snapshots it was seen in */
	uint32_t gen;
};

static struct episode *eps;
static size_t n_eps, cap_eps;
static uint32_t gen;
/* An open-addressing index over eps (slot: position + 1, 0 empty), at most
 * half full, rebuilt at each prune: finding an episode is one probe, not a
 * walk, so a tick costs the same per hold with 10 or 10,000 holds. */
static uint32_t *idx;
static size_t idx_mask;

/* The groups of episodes open now: when each was last seen, and the
 * locks of its episodes. */
struct burst {
	uint64_t shape;
	lw_kind_t kind;
	uint32_t seen_tick;
	uint32_t *locks; /* ids */
	size_t n_locks, cap_locks;
};
static struct burst *bursts;
static size_t n_bursts, cap_bursts;


static uint64_t ep_key(int kind, int tid, const struct lw__lock *l, uint32_t tick)
{
	uint64_t h = ((uint64_t)kind << 62) ^ ((uint64_t)(uint32_t)tid << 32) ^ l->id;
	h ^= (uint64_t)tick * 0x9E3779B97F4A7C15ull;
	return h;
}

static size_t ep_slot(uint64_t key)
{
	key ^= key >> 31;
	key *= 0xBF58476D1CE4E5B9ull;
	return (size_t)(key ^ (key >> 29)) & idx_mask;
}

static void idx_add(size_t pos)
{
	size_t i = ep_slot(eps[pos].key);
	while (idx[i])
		i = (i + 1) & idx_mask;
	idx[i] = (uint32_t)pos + 1;
}

/* Make the index hold every episode, with room for one more (-1: no
 * memory; the caller then does without the new episode). */
static int idx_rebuild(size_t need)
{
	size_t size = idx ? idx_mask + 1 : 0;
	if (size < 2 * need + 2) {
		size_t n = 64;
		while (n < 2 * need + 2)
			n *= 2;
		uint32_t *p = lw__mem_alloc(n * sizeof(*p));
		if (!p)
			return -1;
		lw__mem_free(idx);
		idx = p;
		idx_mask = n - 1;
	}
	memset(idx, 0, (idx_mask + 1) * sizeof(*idx));
	for (size_t i = 0; i < n_eps; i++)
		idx_add(i);
	return 0;
}

/* Find or add the episode; returns it with `seen` incremented once per gen. */
static struct episode *episode(uint64_t key)
{
	if (idx) {
		for (size_t i = ep_slot(key); idx[i]; i = (i + 1) & idx_mask) {
			struct episode *e = &eps[idx[i] - 1];
			if (e->key != key)
				continue;
			if (e->gen != gen) {
				e->gen = gen;
				e->seen++;
			}
			return e;
		}
	}
	if ((!idx || 2 * (n_eps + 1) + 2 > idx_mask + 1) && idx_rebuild(n_eps + 1) < 0)
		return NULL;
	if (lw__grow(&eps, &cap_eps, n_eps, sizeof(*eps), 32) < 0)
		return NULL;
	struct episode *e = &eps[n_eps++];
	e->key = key;
	e->shape = 0;
	e->level = 0;
	e->seen = 1;
	e->gen = gen;
	idx_add(n_eps - 1);
	return e;
}

static void episodes_prune(void)
{
	size_t k = 0;
	for (size_t i = 0; i < n_eps; i++)
		if (eps[i].gen == gen)
			eps[k++] = eps[i];
	n_eps = k;
	if (idx)
		idx_rebuild(n_eps);
}

/* The level a duration reaches against a threshold: 0 below, 1 at 1x, 2 at
 * 10x, 3 at 100x. */
static int level_of(uint64_t dur, long threshold)
{
	if (threshold <= 0 || dur < (uint64_t)threshold)
		return 0;
	if (dur >= (uint64_t)threshold * 100)
		return 3;
	if (dur >= (uint64_t)threshold * 10)
		return 2;
	return 1;
}

static long threshold(const struct lw__lock *l, int kind)
{
	int own = lw__lock_threshold(l, kind == EP_HOLD);
	if (own >= 0)
		return own;
	return kind == EP_HOLD ? lw__opt.hold_ms : lw__opt.wait_ms;
}

int lw__stall_wait_stable(const struct snap_thread *s)
{
	struct episode *e = NULL;
	uint64_t key = ep_key(EP_WAIT, s->tid, s->waiting, s->wait_tick);
	for (size_t i = 0; i < n_eps && !e; i++)
		if (eps[i].key == key)
			e = &eps[i];
	return e && e->seen >= 2;
}

/* Add thread s to the report with its role, held locks and "now" stack. */
int lw__stall_add_thread(struct lw__rb *rb, struct snap_thread *s, const char *role, int li,
		      uint64_t dur, uint32_t stack, int want_now)
{
	lw__snap_refresh_name(s);
	int ti = lw__rb_thread(rb, s->tid, s->name, role, li, dur, stack);
	for (unsigned i = 0; i < s->n_held; i++)
		lw__rb_thread_held(rb, ti, lw__rb_lock(rb, s->held[i].lock));
	if (want_now) {
		uintptr_t pcs[LW__STACK_MAX];
		const char *note;
		int n = lw__now_stack(s->tid, pcs, &note);
		lw__rb_thread_now(rb, ti, pcs, n, note);
	}
	return ti;
}


/* The shape of an episode at level lv (a hold, or a wait, with mode): the
 * stack that took or waits for the lock, the lock's kind and variable
 * (name.h); not the lock, nor the thread. Nonzero. Symbolises. */
static uint64_t shape_key(int kind, int lv, uint32_t stack, const struct lw__lock *l, int mode)
{
	uint64_t x = lw__fnv_word(LW__FNV_BASIS, (uint64_t)kind);
	x = lw__fnv_word(x, (uint64_t)lv);
	x = lw__fnv_word(x, lw__stack_code_key(stack)); /* as code: stack.h */
	x = lw__fnv_word(x, l->kind);
	x = lw__fnv_word(x, (uint64_t)mode);
	return lw__fnv_word(x, lw__lock_var_key(l)) | 1;
}

static lw_kind_t report_kind(int kind)
{
	return kind == EP_HOLD ? LW_LONG_HOLD : LW_LONG_WAIT;
}

/* The open burst of this shape, or NULL. */
static struct burst *burst_find(uint64_t shape, lw_kind_t kind)
{
	for (size_t i = 0; i < n_bursts; i++)
		if (bursts[i].shape == shape && bursts[i].kind == kind)
			return &bursts[i];
	return NULL;
}

/* An episode of this shape was seen at tick `now`: its burst goes on. */
static void burst_seen(uint64_t shape, int kind, uint32_t now)
{
	struct burst *b = burst_find(shape, report_kind(kind));
	if (b)
		b->seen_tick = now;
}

/* The shape key an episode of lock l (kind, at tick now) is reported
 * under: its own, in its burst (started now if none is open). When l is
 * already in that burst, the burst's group ends and a new one starts
 * with l, so that this episode is reported in full. 0 (ungrouped) when
 * out of memory. */
static uint64_t group_of(uint64_t shape, int kind, const struct lw__lock *l, uint32_t now)
{
	struct burst *b = burst_find(shape, report_kind(kind));
	if (!b) {
		if (lw__grow(&bursts, &cap_bursts, n_bursts, sizeof(*bursts), 8) < 0)
			return 0;
		b = &bursts[n_bursts++];
		memset(b, 0, sizeof(*b));
		b->shape = shape;
		b->kind = report_kind(kind);
	}
	b->seen_tick = now;
	for (size_t i = 0; i < b->n_locks; i++)
		if (b->locks[i] == l->id) {
			lw__report_group_end(b->kind, shape);
			b->n_locks = 0;
			break;
		}
	if (lw__grow(&b->locks, &b->cap_locks, b->n_locks, sizeof(*b->locks), 8) < 0)
		return 0;
	b->locks[b->n_locks++] = l->id;
	return shape;
}

/* End the bursts no episode was seen in for BURST_MS. */
static void bursts_end(uint32_t now)
{
	size_t k = 0;
	for (size_t i = 0; i < n_bursts; i++) {
		if (lw__snap_at_least(now, bursts[i].seen_tick) >= BURST_MS) {
			lw__report_group_end(bursts[i].kind, bursts[i].shape);
			lw__mem_free(bursts[i].locks);
		} else
			bursts[k++] = bursts[i];
	}
	n_bursts = k;
}

static void report_hold(struct snap_thread *s, const struct snap_held *h, uint64_t dur,
			uint64_t shape)
{
	struct lw__rb *rb = lw__rb_new(LW_LONG_HOLD, LW_WARNING);
	if (!rb)
		return;
	/* an instance of a group shows no "doing now" (nor asks for it) */
	int first = !lw__report_grouped(LW_LONG_HOLD, shape);
	int li = lw__rb_lock(rb, h->lock);
	lw__stall_add_thread(rb, s, "holder", li, dur, h->stack, first);
	int waiters = 0;
	for (size_t i = 0; i < lw__n_snap; i++)
		if (lw__snap[i].waiting == h->lock && lw__snap[i].tid != s->tid) {
			waiters++;
			lw__stall_add_thread(rb, &lw__snap[i], "waiter",
				   li, lw__snap_at_least(lw__tick, lw__snap[i].wait_tick), lw__snap[i].wait_stack, 0);
		}
	lw__rb_headline(rb, "%s %s for %llu ms by thread %d (%s)", lw__rb_lock_name(rb, li),
			h->mode == LW__READ ? "read-held" : "held", (unsigned long long)dur,
			s->tid, s->name);
	lw__rb_note(rb, "still held (threshold %ld ms); %d thread%s waiting for it; "
		    "'doing now' shows what the holder is busy with",
		    threshold(h->lock, EP_HOLD), waiters, waiters == 1 ? "" : "s");
	lw__rb_group(rb, shape);
	lw__report_emit(rb);
}

/* Threads of the snapshot whose hold of s's lock blocks s. */
static int holders_of(const struct snap_thread *s)
{
	int n = 0;
	for (size_t i = 0; i < lw__n_snap; i++) {
		int k = lw__snap_holds(&lw__snap[i], s->waiting);
		n += k >= 0 && &lw__snap[i] != s && lw__snap_blocks(&lw__snap[i].held[k], s->waiting, s->wait_mode);
	}
	return n;
}

/* Is a long wait of s (whose lock `holders` other threads hold, blocking
 * it) a matter for the log? Not on a semaphore made with
 * no unit (a work queue's idle consumer, an event's waiter: its units are
 * posted work, not resources anyone holds), nor on one of whose units s
 * holds the only taken ones (it waits for a post, as CPython's condition
 * waiter does on its own lock). A pool's semaphore whose units other
 * threads hold, or that nobody holds at all (a unit never given back), is
 * told. */
static int wait_worth_telling(const struct snap_thread *s, int holders)
{
	const struct lw__lock *l = s->waiting;
	if (l->kind != LW__SEM)
		return 1;
	if (lw__load(&l->sem_event))
		return 0;
	return lw__snap_holds(s, l) < 0 || holders > 0;
}

static void report_wait(struct snap_thread *s, uint64_t dur, uint64_t shape)
{
	struct lw__lock *l = s->waiting;
	struct lw__rb *rb = lw__rb_new(LW_LONG_WAIT, LW_WARNING);
	if (!rb)
		return;
	int first = !lw__report_grouped(LW_LONG_WAIT, shape);
	int li = lw__rb_lock(rb, l);
	lw__stall_add_thread(rb, s, "waiter", li, dur, s->wait_stack, first);
	int self = lw__snap_holds(s, l);
	int n_holders = 0;
	for (size_t i = 0; i < lw__n_snap; i++) {
		int k = lw__snap_holds(&lw__snap[i], l);
		if (k < 0 || &lw__snap[i] == s || !lw__snap_blocks(&lw__snap[i].held[k], l, s->wait_mode))
			continue;
		n_holders++;
		lw__stall_add_thread(rb, &lw__snap[i], "holder", li,
			   lw__snap_at_least(lw__tick, lw__snap[i].held[k].tick), lw__snap[i].held[k].stack, first);
	}
	lw__rb_headline(rb, "thread %d (%s) has waited %llu ms for %s", s->tid, s->name,
			(unsigned long long)dur, lw__rb_lock_name(rb, li));
	if (self >= 0 && l->kind == LW__SEM)
		lw__rb_note(rb, "it already holds a unit of this semaphore itself; "
			    "%d other thread%s hold%s units too: if they all wait like it, "
			    "no unit will ever come back",
			    n_holders, n_holders == 1 ? "" : "s", n_holders == 1 ? "s" : "");
	else if (n_holders == 0)
		lw__rb_note(rb, "no tracked thread holds it (a semaphore nobody posts, or "
			    "a holder that exited)");
	else
		lw__rb_note(rb, "still waiting (threshold %ld ms); the holder%s and what %s "
			    "doing now are listed",
			    threshold(l, EP_WAIT), n_holders == 1 ? "" : "s",
			    n_holders == 1 ? "it is" : "they are");
	lw__rb_group(rb, shape);
	lw__report_emit(rb);
}

/* Thread s's holds at tick now: the long ones counted into *n_long, the
 * longest into *max, each reported when it reaches a higher level. */
static void check_holds(struct snap_thread *s, uint32_t now, unsigned long *n_long,
			uint64_t *max)
{
	for (unsigned k = 0; k < s->n_held && !s->reporting; k++) {
		struct snap_held *h = &s->held[k];
		if (h->lock->kind == LW__SEM)
			continue; /* units are held by design; waits show pools */
		uint64_t dur = lw__snap_at_least(now, h->tick);
		struct episode *e = episode(ep_key(EP_HOLD, s->tid, h->lock, h->tick));
		int lv = level_of(dur, threshold(h->lock, EP_HOLD));
		if (!e)
			continue;
		if (e->seen >= 2 && dur > *max)
			*max = dur;
		if (lv && e->seen >= 2) {
			(*n_long)++;
			if (lv > e->level) {
				e->level = lv;
				e->shape = shape_key(EP_HOLD, lv, h->stack, h->lock, h->mode);
				report_hold(s, h, dur, group_of(e->shape, EP_HOLD, h->lock, now));
			}
		}
		if (e->shape)
			burst_seen(e->shape, EP_HOLD, now);
	}
}

void lw__stall_check(uint32_t now)
{
	unsigned long long_holds = 0, long_waits = 0;
	uint64_t max_hold = 0, max_wait = 0;
	gen++;
	for (size_t i = 0; i < lw__n_snap; i++) {
		struct snap_thread *s = &lw__snap[i];
		check_holds(s, now, &long_holds, &max_hold);
		if (s->waiting) {
			uint64_t dur = lw__snap_at_least(now, s->wait_tick);
			struct episode *e = episode(ep_key(EP_WAIT, s->tid, s->waiting, s->wait_tick));
			int lv = level_of(dur, threshold(s->waiting, EP_WAIT));
			if (!e || s->wait_cond)
				continue; /* a condition wait waits for a signal: not reported */
			if (e->seen >= 2 && dur > max_wait)
				max_wait = dur;
			if (lv && e->seen >= 2) {
				long_waits++;
				/* The snapshot reads threads one after another: a holder
				 * can let go between two reads. "Nobody holds it" is only
				 * said of a wait that has lasted twice its threshold. */
				int holders = lv > e->level ? holders_of(s) : 0;
				if (lv > e->level && wait_worth_telling(s, holders) &&
				    (holders > 0 ||
				     dur >= 2 * (uint64_t)threshold(s->waiting, EP_WAIT))) {
					e->level = lv;
					e->shape = shape_key(EP_WAIT, lv, s->wait_stack, s->waiting,
							     s->wait_mode);
					report_wait(s, dur,
						    group_of(e->shape, EP_WAIT, s->waiting, now));
				}
			}
			if (e->shape)
				burst_seen(e->shape, EP_WAIT, now);
		}
	}
	episodes_prune();
	bursts_end(now);
	lw__health_stalls(long_holds, long_waits, max_hold, max_wait);
}

void lw__stall_atfork_child(void)
{
	n_eps = 0;
	if (idx)
		idx_rebuild(0);
	for (size_t i = 0; i < n_bursts; i++)
		lw__mem_free(bursts[i].locks);
	n_bursts = 0; /* the child has no group (report.h) */
}
