/* deadlock.c - the deadlock search (see deadlock.h).
 *
 * Start from every thread whose wait is stable (seen in two snapshots) and
 * has no deadline; drop a thread while its lock has no holder or a holder
 * outside the set (that holder can still run and release). What remains
 * waits only on itself: a deadlock. A lock whose holder is gone (it exited,
 * or was left behind at a fork) blocks its waiters for good by itself.
 * A semaphore has no owner: any thread may post it, so a unit a waiter
 * took is not a unit it holds, and a wait for a semaphore is stuck only
 * when every thread of the process is blocked for good (blocked.h); then
 * nobody is left to post. So is a condition-variable wait: any thread may
 * signal it. A join (pthread_join) waits for the joined thread: stuck when
 * that thread is. A reader of a writer-preferring rwlock also waits for
 * every writer queued on it (glibc lets no new reader in while one waits),
 * even when the reader read-holds the lock already. Of the stuck threads,
 * the core is what is on a wait-for cycle; the rest are queued behind it,
 * and a new bystander is not a new deadlock. */
#include "deadlock.h"
#include "mem.h"
#include "blocked.h"
#include "grow.h"
#include "hash.h"
#include "health.h"
#include "misuse.h"
#include "policy.h"
#include "report.h"
#include "stall.h"

#include <stdio.h>
#include <stdlib.h>

static uint64_t *dl_reported;
static size_t n_dl_reported;
static int all_blocked; /* this round: every thread blocked for good */

/* The joins seen in the last round and in this one (key: thread, joined
 * thread, since when): a join is stable when seen in both. */
static uint64_t *joins_seen[2];
static size_t n_joins_seen[2], cap_joins_seen[2];
static int joins_now;

static uint64_t join_key(const struct snap_thread *s)
{
	uint64_t k = lw__fnv_word(LW__FNV_BASIS, (uint64_t)(uint32_t)s->tid);
	k = lw__fnv_word(k, (uint64_t)s->join_raw);
	return lw__fnv_word(k, s->join_when_raw);
}

/* Remember this round's joins; is s's join one seen last round too? */
static void joins_round(void)
{
	joins_now ^= 1;
	n_joins_seen[joins_now] = 0;
	for (size_t i = 0; i < lw__n_snap; i++) {
		if (lw__snap[i].join_to < 0 ||
		    lw__grow(&joins_seen[joins_now], &cap_joins_seen[joins_now],
			     n_joins_seen[joins_now], sizeof(uint64_t), 16) < 0)
			continue;
		joins_seen[joins_now][n_joins_seen[joins_now]++] = join_key(&lw__snap[i]);
	}
}

static int join_stable(const struct snap_thread *s)
{
	uint64_t k = join_key(s);
	for (size_t i = 0; i < n_joins_seen[joins_now ^ 1]; i++)
		if (joins_seen[joins_now ^ 1][i] == k)
			return 1;
	return 0;
}

/* Does s wait for the joined thread (not for a lock)? */
static int joins(const struct snap_thread *s)
{
	return !s->waiting && s->join_to >= 0;
}

/* Does s wait to read a writer-preferring rwlock that thread w waits to
 * write (queued: no new reader gets in before it)? */
static int behind_writer(const struct snap_thread *s, const struct snap_thread *w)
{
	return w != s && s->waiting && w->waiting == s->waiting && s->wait_mode == LW__READ &&
	       w->wait_mode == LW__WRITE && !s->wait_cond && !w->wait_cond &&
	       lw__lock_prefers_writers(s->waiting);
}

/* Is s's lock held by a thread that is gone (exited, or not in a forked
 * child), in a way that blocks s? */
static int waits_for_gone(const struct snap_thread *s)
{
	if (!s->waiting)
		return 0;
	uint8_t o = lw__load(&s->waiting->orphan);
	return (o & LW__ORPHAN_WRITE) || (o && s->wait_mode == LW__WRITE);
}

/* A wait anyone may end: a semaphore (any thread may post), a condition
 * variable (any thread may signal), or a process-shared lock (another
 * process may hold it, or unlock it). */
static int waits_for_anyone(const struct snap_thread *s)
{
	return s->waiting && (s->waiting->kind == LW__SEM || s->wait_cond ||
			      lw__lock_pshared(s->waiting));
}

/* Does stuck thread s wait for a lock whose every blocking holder is
 * stuck too (and that has at least one)? A semaphore or condition
 * variable is stuck when the whole process is. */
static int held_by_stuck(const struct snap_thread *s)
{
	if (joins(s))
		return lw__snap[s->join_to].stuck;
	if (waits_for_anyone(s))
		return all_blocked;
	if (waits_for_gone(s))
		return 1;
	int holders = 0;
	for (size_t j = 0; j < lw__n_snap; j++) {
		int k = lw__snap_holds(&lw__snap[j], s->waiting);
		if (k < 0 || !lw__snap_blocks(&lw__snap[j].held[k], s->waiting, s->wait_mode))
			continue;
		if (!lw__snap[j].stuck)
			return 0;
		holders++;
	}
	for (size_t j = 0; j < lw__n_snap; j++) {
		if (!behind_writer(s, &lw__snap[j]))
			continue;
		if (!lw__snap[j].stuck)
			return 0;
		holders++;
	}
	return holders > 0;
}

/* Clear flag `core` (else `stuck`) of every marked thread that fails
 * `keep`, until all that are left pass; returns how many are left. */
static size_t prune(int core, int (*keep)(const struct snap_thread *s))
{
	size_t n = 0;
	for (size_t i = 0; i < lw__n_snap; i++)
		n += (size_t)(core ? lw__snap[i].core : lw__snap[i].stuck);
	for (int changed = 1; changed && n;) {
		changed = 0;
		for (size_t i = 0; i < lw__n_snap; i++) {
			int *flag = core ? &lw__snap[i].core : &lw__snap[i].stuck;
			if (*flag && !keep(&lw__snap[i])) {
				*flag = 0;
				n--;
				changed = 1;
			}
		}
	}
	return n;
}

/* Does another core thread wait for a lock that s holds, blocking it? (Or
 * does s wait for a lock whose holder is gone: that is a deadlock alone.) */
static int needed(const struct snap_thread *s)
{
	if (waits_for_gone(s) && !lw__misuse_orphan_reported(s->tid, s->waiting))
		return 1;
	for (size_t j = 0; j < lw__n_snap; j++) {
		if (!lw__snap[j].core)
			continue;
		if (joins(&lw__snap[j]) ? &lw__snap[lw__snap[j].join_to] == s
					: behind_writer(&lw__snap[j], s))
			return 1;
		if (!lw__snap[j].waiting)
			continue;
		int k = lw__snap_holds(s, lw__snap[j].waiting);
		if (k >= 0 && lw__snap_blocks(&s->held[k], lw__snap[j].waiting, lw__snap[j].wait_mode))
			return 1;
	}
	return 0;
}

/* The stuck threads: every stable wait without a deadline, then pruned;
 * returns how many. */
static size_t mark_stuck(void)
{
	size_t n = 0, anyones = 0;
	joins_round();
	for (size_t i = 0; i < lw__n_snap; i++) {
		struct snap_thread *s = &lw__snap[i];
		s->stuck = s->waiting ? lw__stall_wait_stable(s) : joins(s) && join_stable(s);
		n += (size_t)s->stuck;
		anyones += (size_t)(s->stuck && waits_for_anyone(s));
	}
	all_blocked = anyones && lw__all_blocked_for_good();
	n = prune(0, held_by_stuck);
	if (all_blocked || !n)
		return n;
	/* A timed wait returns, and a thread not asleep on the lock it waits
	 * for is not stuck in that wait: read from /proc for the threads left only,
	 * not for every waiter of a big idle pool each look (1,000 of them
	 * took a fifth of a core). Pruning what is left without them gives
	 * what pruning all without them would: a thread is kept only for
	 * threads that are kept. */
	int dropped = 0;
	for (size_t i = 0; i < lw__n_snap; i++)
		if (lw__snap[i].stuck && lw__wait_can_end(&lw__snap[i])) {
			lw__snap[i].stuck = 0;
			dropped = 1;
		}
	return dropped ? prune(0, held_by_stuck) : n;
}

#define COND_CORE_MAX 8

/* Does a core thread wait for l? */
static int core_waits_on(const struct lw__lock *l)
{
	for (size_t j = 0; j < lw__n_snap; j++)
		if (lw__snap[j].core && lw__snap[j].waiting == l)
			return 1;
	return 0;
}

/* The core: every stuck thread, less (until none is left to drop) those
 * that hold nothing another core thread waits for. Returns its size. */
static size_t mark_core(void)
{
	for (size_t i = 0; i < lw__n_snap; i++)
		lw__snap[i].core = lw__snap[i].stuck;
	size_t n = prune(1, needed);
	if (n || !all_blocked)
		return n;
	/* semaphores and condition variables nobody is left to post or
	 * signal: such waiters, up to COND_CORE_MAX, one of each object
	 * first (the loop stopped at the first waiter before:
	 * ways_cond_two_waiters; an idle pool of 1,000 would make a report
	 * of 1,000 stacks) */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < lw__n_snap && n < COND_CORE_MAX; i++) {
			struct snap_thread *s = &lw__snap[i];
			if (s->core || !s->stuck || !waits_for_anyone(s) ||
			    (pass == 0 && core_waits_on(s->waiting)))
				continue;
			s->core = 1;
			n++;
		}
	return n;
}

/* Was this core (its threads and what they wait for) reported before? */
static int seen_before(void)
{
	uint64_t sig = LW__FNV_BASIS;
	for (size_t i = 0; i < lw__n_snap; i++)
		if (lw__snap[i].core)
			sig = lw__fnv_word(sig, (uint64_t)(uint32_t)lw__snap[i].tid << 32 ^
							(lw__snap[i].waiting ? lw__snap[i].waiting->id
									     : join_key(&lw__snap[i])));
	for (size_t i = 0; i < n_dl_reported; i++)
		if (dl_reported[i] == sig)
			return 1;
	void *p = lw__mem_realloc(dl_reported, (n_dl_reported + 1) * sizeof(*dl_reported));
	if (p) {
		dl_reported = p;
		dl_reported[n_dl_reported++] = sig;
	}
	return 0;
}

/* "thread T (name) holds A, B and waits for C" for core thread s. */
static int describe_thread(struct lw__rb *rb, const struct snap_thread *s, char *out, size_t n,
			   int first)
{
	char held[512];
	size_t hl = 0;
	held[0] = 0;
	for (unsigned k = 0; k < s->n_held && hl < sizeof(held) - 1; k++) {
		int w = snprintf(held + hl, sizeof(held) - hl, "%s%s", k ? ", " : "",
				 lw__rb_lock_name(rb, lw__rb_lock(rb, s->held[k].lock)));
		if (w > 0)
			hl += (size_t)w;
	}
	if (joins(s)) {
		const struct snap_thread *u = &lw__snap[s->join_to];
		return snprintf(out, n, "%sthread %d (%s) holds %s and joins thread %d (%s) "
				"(pthread_join)", first ? "" : "; ", s->tid, s->name,
				hl ? held : "nothing", u->tid, u->name);
	}
	int queued = 0;
	for (size_t j = 0; j < lw__n_snap; j++)
		queued += behind_writer(s, &lw__snap[j]) && lw__snap[j].core;
	if (s->wait_cond && all_blocked)
		return snprintf(out, n, "%sthread %d (%s) holds %s and waits on a condition variable "
				"(mutex %s)", first ? "" : "; ", s->tid, s->name, hl ? held : "nothing",
				lw__rb_lock_name(rb, lw__rb_lock(rb, s->waiting)));
	const char *why = s->wait_cond ? " (to return from pthread_cond_wait)"
			  : queued ? " to read it, behind a queued writer (the rwlock prefers writers)"
			  : !waits_for_gone(s) ? ""
			  : (lw__load(&s->waiting->orphan) & LW__ORPHAN_DEAD)
				  ? ", held by a thread that has exited"
				  : ", held by a thread this forked child does not have";
	return snprintf(out, n, "%sthread %d (%s) holds %s and waits for %s%s", first ? "" : "; ",
			s->tid, s->name, hl ? held : "nothing",
			lw__rb_lock_name(rb, lw__rb_lock(rb, s->waiting)), why);
}

/* The threads of the deadlock (the core) into rb: each waiter with the
 * lock it waits for, each joiner with the thread it joins. */
static void add_threads(struct lw__rb *rb)
{
	for (size_t i = 0; i < lw__n_snap; i++) {
		struct snap_thread *s = &lw__snap[i];
		if (!s->core)
			continue;
		if (!joins(s)) {
			lw__stall_add_thread(rb, s, "waiter", lw__rb_lock(rb, s->waiting),
					     lw__snap_at_least(lw__tick, s->wait_tick), s->wait_stack, 1);
			continue;
		}
		int ti = lw__stall_add_thread(rb, s, "joiner", -1,
					      lw__snap_at_least(lw__tick, (uint32_t)s->join_when_raw),
					      (uint32_t)(s->join_when_raw >> 32), 1);
		lw__rb_thread_waits_for(rb, ti, lw__snap[s->join_to].tid);
		lw__rb_thread_state(rb, ti, "joins thread %d (pthread_join)",
				    lw__snap[s->join_to].tid);
	}
}

static void report(size_t n_stuck, size_t n_core)
{
	struct lw__rb *rb = lw__rb_new(LW_DEADLOCK, LW_ERROR);
	if (!rb)
		return;
	char line[2048];
	size_t len = 0;
	add_threads(rb);
	for (size_t i = 0; i < lw__n_snap && len < sizeof(line) - 1; i++) {
		if (!lw__snap[i].core)
			continue;
		int w = describe_thread(rb, &lw__snap[i], line + len, sizeof(line) - len, len == 0);
		if (w > 0)
			len += (size_t)w;
	}
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	line[len] = 0;
	lw__rb_headline(rb, "deadlock: %s", line);
	size_t gone = 0;
	int core_joins = 0, core_queued = 0;
	for (size_t i = 0; i < lw__n_snap; i++) {
		const struct snap_thread *s = &lw__snap[i];
		gone += (size_t)(s->core && waits_for_gone(s));
		core_joins |= s->core && joins(s);
		for (size_t j = 0; j < lw__n_snap; j++)
			core_queued |= s->core && lw__snap[j].core && behind_writer(s, &lw__snap[j]);
	}
	const char *what = all_blocked
		? "every thread of the process is blocked, with no deadline, in a wait lockwatch "
		  "sees or in pthread_join: nobody is left to post the semaphores or signal the "
		  "condition variables they wait for"
		: gone == n_core ? "the holder is gone and the lock is not robust: "
				   "nobody can unlock it, the waiter waits forever"
		: core_joins ? "these threads wait for each other and none can go on (a thread in "
			       "pthread_join waits until the joined thread ends)"
		: core_queued ? "these threads wait for each other and none can go on (a reader of "
				"a writer-preferring rwlock waits behind a queued writer, even when "
				"it read-holds the lock already)"
		: "these threads wait for each other and none can go on";
	if (n_stuck > n_core)
		lw__rb_note(rb, "%s; %zu more thread%s %s", what, n_stuck - n_core,
			    n_stuck - n_core == 1 ? " is" : "s are",
			    all_blocked ? "blocked beside them" : "queued behind them");
	else
		lw__rb_note(rb, "%s", what);
	lw__report_emit(rb);
	lw__health_deadlock_found();
}

void lw__deadlock_check(void)
{
	size_t n_stuck = mark_stuck();
	lw__health_deadlocked(n_stuck);
	if (!n_stuck)
		return;
	size_t n_core = mark_core();
	if (!n_core || seen_before())
		return;
	report(n_stuck, n_core);
	lw__deadlock_action();
}

void lw__deadlock_atfork_child(void)
{
	n_dl_reported = 0;
}
