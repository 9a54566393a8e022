/* watchdog.c - the watchdog thread (see watchdog.h).
 *
 * Every watchdog_ms it advances lw__tick, then takes a snapshot of every
 * thread's held locks and the lock it waits for (racy reads of state that
 * only its owner writes; lock records are never freed, so a stale pointer
 * is still a valid record). From the snapshot, without holding any lock:
 *
 * - episodes: each hold (thread, lock, when taken) and each wait (thread,
 *   lock, since when) is an episode. An episode must be seen in two
 *   snapshots in a row before it counts, which filters torn reads. It is
 *   reported when it crosses its threshold, again at 10x and 100x; every
 *   new episode is reported on its own, whatever else is still open.
 * - deadlocks: the wait-for relation thread -> awaited lock -> holders.
 *   Start from every thread whose wait is stable; drop a thread while its
 *   lock has no holder or a holder outside the set (that holder can still
 *   run and release). What remains waits only on itself: a deadlock,
 *   including semaphores whose every unit is held by a stuck thread.
 * - health: the counts lw_health() returns.
 *
 * "What the thread is doing now" comes from a signal (option stack_signal)
 * whose handler unwinds the interrupted thread into a buffer. */
#include "watchdog.h"
#include "init.h"
#include "options.h"
#include "out.h"
#include "real.h"
#include "report.h"
#include "stack.h"
#include "thread.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static pthread_mutex_t wd_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wd_cv;
static pthread_t wd_thread;
static int wd_running, wd_stop;
static struct timespec t0;

static pthread_mutex_t health_mu = PTHREAD_MUTEX_INITIALIZER;
static lw_health_t health;

/* ---- time ---------------------------------------------------------------- */

static uint64_t elapsed_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - t0.tv_sec) * 1000u +
	       (uint64_t)((now.tv_nsec - t0.tv_nsec) / 1000000);
}

/* ---- "doing now": a signal and an unwind in the target thread ------------ */

static struct {
	int tid;
	int done;
	int n;
	uintptr_t pcs[LW__STACK_MAX];
} req;
static int sig_installed; /* 1 ours, -1 the program uses that signal */

static void on_stack_signal(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	int saved = errno;
	if ((int)syscall(SYS_gettid) == lw__load(&req.tid) && !lw__load(&req.done)) {
		ucontext_t *uc = ucv;
		lw__tls_guard++;
		req.n = lw__stack_raw(req.pcs, (int)lw__opt.stack_depth,
				      (uintptr_t)uc->uc_mcontext.gregs[REG_RIP]);
		lw__tls_guard--;
		lw__store_rel(&req.done, 1);
	}
	lw__tls_signalled = 1;
	errno = saved;
}

static const char *install_signal(int sig)
{
	if (sig_installed == 1)
		return NULL;
	if (sig_installed == -1)
		return "the program handles the stack signal itself (see option stack_signal)";
	struct sigaction old, sa;
	if (sigaction(sig, NULL, &old) != 0)
		return "the stack signal is not valid (option stack_signal)";
	if (!(old.sa_flags & SA_SIGINFO) && old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN) {
		sig_installed = -1;
		return "the program handles the stack signal itself (see option stack_signal)";
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_stack_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) != 0)
		return "the stack signal could not be installed";
	sig_installed = 1;
	return NULL;
}

/* Ask thread tid for its current stack; returns the frame count, or 0 and
 * a note saying why not. */
static int stack_now(int tid, uintptr_t *pcs, const char **note)
{
	int sig = (int)lw__opt.stack_signal;
	*note = NULL;
	if (sig == 0) {
		*note = "not asked (option stack_signal=0)";
		return 0;
	}
	if ((*note = install_signal(sig)) != NULL)
		return 0;
	lw__store(&req.done, 0);
	lw__store_rel(&req.tid, tid);
	if (syscall(SYS_tgkill, getpid(), tid, sig) != 0) {
		lw__store(&req.tid, 0);
		*note = "the thread could not be signalled (it has exited?)";
		return 0;
	}
	for (int i = 0; i < 200 && !lw__load_acq(&req.done); i++) {
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
	lw__store(&req.tid, 0);
	if (!lw__load_acq(&req.done)) {
		*note = "the thread did not answer the stack signal (it blocks it?)";
		return 0;
	}
	int n = req.n;
	memcpy(pcs, req.pcs, (size_t)n * sizeof(*pcs));
	return n;
}

/* ---- the snapshot ------------------------------------------------------- */

struct snap_held {
	struct lw__lock *lock;
	uint32_t tick, stack;
	uint8_t mode;
};

struct snap_thread {
	int tid;
	char name[16];
	struct lw__lock *waiting;
	uint32_t wait_tick, wait_stack;
	uint8_t wait_mode;
	uint8_t wait_cond; /* in pthread_cond_wait: not a long wait */
	int stuck;     /* deadlock search mark */
	int core;      /* on a wait-for cycle (not queued behind one) */
	unsigned n_held;
	struct snap_held held[LW__MAX_HELD];
};

static struct snap_thread *snap;
static size_t n_snap, cap_snap;

static void snap_one(struct lw__thread *t, void *arg)
{
	(void)arg;
	if (n_snap == cap_snap) {
		size_t cap = cap_snap ? cap_snap * 2 : 16;
		void *p = realloc(snap, cap * sizeof(*snap));
		if (!p)
			return;
		snap = p;
		cap_snap = cap;
	}
	struct snap_thread *s = &snap[n_snap];
	s->tid = lw__load(&t->tid);
	memcpy(s->name, t->name, sizeof(s->name));
	s->name[15] = 0;
	uintptr_t w = lw__load(&t->waiting);
	uint64_t when = lw__load(&t->wait_when);
	s->waiting = lw__wait_lock(w);
	s->wait_mode = (w & LW__WAIT_READ) ? LW__READ : LW__WRITE;
	s->wait_cond = (w & LW__WAIT_COND) != 0;
	s->wait_tick = (uint32_t)when;
	s->wait_stack = (uint32_t)(when >> 32);
	unsigned n = lw__load_acq(&t->n_held);
	if (n > LW__MAX_HELD)
		n = LW__MAX_HELD;
	s->n_held = 0;
	for (unsigned i = 0; i < n; i++) {
		struct snap_held *h = &s->held[s->n_held];
		h->lock = lw__load(&t->held[i].lock);
		h->tick = lw__load(&t->held[i].tick);
		h->stack = lw__load(&t->held[i].stack);
		h->mode = lw__load(&t->held[i].mode);
		if (!h->lock || lw__load(&t->held[i].lock) != h->lock)
			continue; /* torn: it changed while read */
		if (h->mode == LW__WRITE && h->lock->kind != LW__SEM &&
		    lw__load(&h->lock->owner) != t)
			continue; /* stale: unlocked by another thread */
		s->n_held++;
	}
	s->stuck = 0;
	n_snap++;
}

/* ---- episodes ------------------------------------------------------------ */

/* A tick stored at an acquisition can be up to one gap between two looks
 * old; durations are measured as lower bounds: elapsed minus that gap, so
 * a hold is never reported longer than it was. */
static uint32_t gaps[8];
static unsigned gap_i;

static uint64_t at_least(uint32_t now, uint32_t tick)
{
	uint32_t slack = 0;
	for (int i = 0; i < 8; i++)
		if (gaps[i] > slack)
			slack = gaps[i];
	uint32_t d = now - tick;
	return d > slack ? d - slack : 0;
}


enum { EP_HOLD, EP_WAIT };

struct episode {
	uint64_t key;
	int level;  /* 0: not reported; 1, 2, 3: at 1x, 10x, 100x threshold */
	int seen;   /* snapshots it was seen in */
	uint32_t gen;
};

static struct episode *eps;
static size_t n_eps, cap_eps;
static uint32_t gen;

static uint64_t ep_key(int kind, int tid, const struct lw__lock *l, uint32_t tick)
{
	uint64_t h = ((uint64_t)kind << 62) ^ ((uint64_t)(uint32_t)tid << 32) ^ l->id;
	h ^= (uint64_t)tick * 0x9E3779B97F4A7C15ull;
	return h;
}

/* Find or add the episode; returns it with `seen` incremented once per gen. */
static struct episode *episode(uint64_t key)
{
	for (size_t i = 0; i < n_eps; i++)
		if (eps[i].key == key) {
			if (eps[i].gen != gen) {
				eps[i].gen = gen;
				eps[i].seen++;
			}
			return &eps[i];
		}
	if (n_eps == cap_eps) {
		size_t cap = cap_eps ? cap_eps * 2 : 32;
		void *p = realloc(eps, cap * sizeof(*eps));
		if (!p)
			return NULL;
		eps = p;
		cap_eps = cap;
	}
	struct episode *e = &eps[n_eps++];
	e->key = key;
	e->level = 0;
	e->seen = 1;
	e->gen = gen;
	return e;
}

static void episodes_prune(void)
{
	size_t k = 0;
	for (size_t i = 0; i < n_eps; i++)
		if (eps[i].gen == gen)
			eps[k++] = eps[i];
	n_eps = k;
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
	int own = kind == EP_HOLD ? l->hold_ms : l->wait_ms;
	if (own >= 0)
		return own;
	return kind == EP_HOLD ? lw__opt.hold_ms : lw__opt.wait_ms;
}

/* ---- reports ------------------------------------------------------------- */

static int holds_lock(const struct snap_thread *s, const struct lw__lock *l)
{
	for (unsigned i = 0; i < s->n_held; i++)
		if (s->held[i].lock == l)
			return (int)i;
	return -1;
}

/* Refresh the snapshot's name from the kernel's (pthread_setname_np may
 * have renamed the thread since lockwatch first saw it): for reports only,
 * so the file read is off every lock call's path. */
static void refresh_name(struct snap_thread *s)
{
	char path[64], buf[sizeof(s->name)];
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", s->tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return;
	buf[len] = 0;
	buf[strcspn(buf, "\n")] = 0;
	buf[sizeof(s->name) - 1] = 0; /* comm is at most 15 characters */
	memcpy(s->name, buf, sizeof(s->name));
}

/* Add thread s to the report with its role, held locks and "now" stack. */
static int add_thread(struct lw__rb *rb, struct snap_thread *s, const char *role, int li,
		      uint64_t dur, uint32_t stack, int want_now)
{
	refresh_name(s);
	int ti = lw__rb_thread(rb, s->tid, s->name, role, li, dur, stack);
	for (unsigned i = 0; i < s->n_held; i++)
		lw__rb_thread_held(rb, ti, lw__rb_lock(rb, s->held[i].lock));
	if (want_now) {
		uintptr_t pcs[LW__STACK_MAX];
		const char *note;
		int n = stack_now(s->tid, pcs, &note);
		lw__rb_thread_now(rb, ti, pcs, n, note);
	}
	return ti;
}

/* Is h a holder that blocks a waiter wanting `mode`? */
static int blocks(const struct snap_held *h, const struct lw__lock *l, int mode)
{
	if (l->kind == LW__RWLOCK && mode == LW__READ && h->mode == LW__READ)
		return 0;
	return 1;
}

static void report_hold(struct snap_thread *s, const struct snap_held *h, uint64_t dur)
{
	struct lw__rb *rb = lw__rb_new(LW_LONG_HOLD, LW_WARNING);
	if (!rb)
		return;
	int li = lw__rb_lock(rb, h->lock);
	add_thread(rb, s, "holder", li, dur, h->stack, 1);
	int waiters = 0;
	for (size_t i = 0; i < n_snap; i++)
		if (snap[i].waiting == h->lock && snap[i].tid != s->tid) {
			waiters++;
			add_thread(rb, &snap[i], "waiter",
				   li, at_least(lw__tick, snap[i].wait_tick), snap[i].wait_stack, 0);
		}
	lw__rb_headline(rb, "%s %s for %llu ms by thread %d (%s)", lw__rb_lock_name(rb, li),
			h->mode == LW__READ ? "read-held" : "held", (unsigned long long)dur,
			s->tid, s->name);
	lw__rb_note(rb, "still held (threshold %ld ms); %d thread%s waiting for it; "
		    "'doing now' shows what the holder is busy with",
		    threshold(h->lock, EP_HOLD), waiters, waiters == 1 ? "" : "s");
	lw__report_emit(rb);
}

/* Threads of the snapshot whose hold of s's lock blocks s. */
static int holders_of(const struct snap_thread *s)
{
	int n = 0;
	for (size_t i = 0; i < n_snap; i++) {
		int k = holds_lock(&snap[i], s->waiting);
		n += k >= 0 && &snap[i] != s && blocks(&snap[i].held[k], s->waiting, s->wait_mode);
	}
	return n;
}

static void report_wait(struct snap_thread *s, uint64_t dur)
{
	struct lw__lock *l = s->waiting;
	struct lw__rb *rb = lw__rb_new(LW_LONG_WAIT, LW_WARNING);
	if (!rb)
		return;
	int li = lw__rb_lock(rb, l);
	add_thread(rb, s, "waiter", li, dur, s->wait_stack, 1);
	int self = holds_lock(s, l);
	int n_holders = 0;
	for (size_t i = 0; i < n_snap; i++) {
		int k = holds_lock(&snap[i], l);
		if (k < 0 || &snap[i] == s || !blocks(&snap[i].held[k], l, s->wait_mode))
			continue;
		n_holders++;
		add_thread(rb, &snap[i], "holder", li,
			   at_least(lw__tick, snap[i].held[k].tick), snap[i].held[k].stack, 1);
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
	lw__report_emit(rb);
}

static void check_episodes(uint32_t now)
{
	unsigned long long_holds = 0, long_waits = 0;
	uint64_t max_hold = 0, max_wait = 0;
	gen++;
	for (size_t i = 0; i < n_snap; i++) {
		struct snap_thread *s = &snap[i];
		for (unsigned k = 0; k < s->n_held; k++) {
			struct snap_held *h = &s->held[k];
			if (h->lock->kind == LW__SEM)
				continue; /* units are held by design; waits show pools */
			uint64_t dur = at_least(now, h->tick);
			struct episode *e = episode(ep_key(EP_HOLD, s->tid, h->lock, h->tick));
			int lv = level_of(dur, threshold(h->lock, EP_HOLD));
			if (!e)
				continue;
			if (e->seen >= 2 && dur > max_hold)
				max_hold = dur;
			if (lv && e->seen >= 2) {
				long_holds++;
				if (lv > e->level) {
					e->level = lv;
					report_hold(s, h, dur);
				}
			}
		}
		if (s->waiting) {
			uint64_t dur = at_least(now, s->wait_tick);
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
				if (lv > e->level &&
				    (holders_of(s) > 0 ||
				     dur >= 2 * (uint64_t)threshold(s->waiting, EP_WAIT))) {
					e->level = lv;
					report_wait(s, dur);
				}
			}
		}
	}
	episodes_prune();
	LW_REAL_FN(pthread_mutex_lock)(&health_mu);
	health.long_holds = long_holds;
	health.long_waits = long_waits;
	health.longest_hold_ms = max_hold;
	health.longest_wait_ms = max_wait;
	LW_REAL_FN(pthread_mutex_unlock)(&health_mu);
}

/* ---- deadlocks ------------------------------------------------------------ */

static uint64_t *dl_reported;
static size_t n_dl_reported;

static int stable_wait(const struct snap_thread *s)
{
	struct episode *e = NULL;
	uint64_t key = ep_key(EP_WAIT, s->tid, s->waiting, s->wait_tick);
	for (size_t i = 0; i < n_eps && !e; i++)
		if (eps[i].key == key)
			e = &eps[i];
	return e && e->seen >= 2;
}

static void check_deadlock(void)
{
	size_t n_stuck = 0;
	for (size_t i = 0; i < n_snap; i++) {
		snap[i].stuck = snap[i].waiting && stable_wait(&snap[i]);
		n_stuck += (size_t)snap[i].stuck;
	}
	for (int changed = 1; changed && n_stuck;) {
		changed = 0;
		for (size_t i = 0; i < n_snap; i++) {
			struct snap_thread *s = &snap[i];
			if (!s->stuck)
				continue;
			int holders = 0, free_holder = 0;
			for (size_t j = 0; j < n_snap; j++) {
				int k = holds_lock(&snap[j], s->waiting);
				if (k < 0 || !blocks(&snap[j].held[k], s->waiting, s->wait_mode))
					continue;
				holders++;
				free_holder |= !snap[j].stuck;
			}
			if (!holders || free_holder) {
				s->stuck = 0;
				n_stuck--;
				changed = 1;
			}
		}
	}
	LW_REAL_FN(pthread_mutex_lock)(&health_mu);
	health.deadlocked = n_stuck;
	LW_REAL_FN(pthread_mutex_unlock)(&health_mu);
	if (!n_stuck)
		return;

	/* The core: drop, until none is left to drop, every stuck thread that
	 * holds nothing another core thread waits for. What stays is on a
	 * wait-for cycle; the rest are queued behind it (bystanders), and a new
	 * bystander does not make a new deadlock. */
	size_t n_core = 0;
	for (size_t i = 0; i < n_snap; i++) {
		snap[i].core = snap[i].stuck;
		n_core += (size_t)snap[i].core;
	}
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t i = 0; i < n_snap; i++) {
			if (!snap[i].core)
				continue;
			int needed = 0;
			for (size_t j = 0; j < n_snap && !needed; j++) {
				if (!snap[j].core)
					continue;
				int k = holds_lock(&snap[i], snap[j].waiting);
				needed = k >= 0 &&
					 blocks(&snap[i].held[k], snap[j].waiting, snap[j].wait_mode);
			}
			if (!needed) {
				snap[i].core = 0;
				n_core--;
				changed = 1;
			}
		}
	}
	if (!n_core)
		return;

	uint64_t sig = 1469598103934665603ull;
	for (size_t i = 0; i < n_snap; i++)
		if (snap[i].core)
			sig = (sig ^ ((uint64_t)(uint32_t)snap[i].tid << 32 ^ snap[i].waiting->id)) *
			      1099511628211ull;
	for (size_t i = 0; i < n_dl_reported; i++)
		if (dl_reported[i] == sig)
			return;
	void *p = realloc(dl_reported, (n_dl_reported + 1) * sizeof(*dl_reported));
	if (p) {
		dl_reported = p;
		dl_reported[n_dl_reported++] = sig;
	}

	struct lw__rb *rb = lw__rb_new(LW_DEADLOCK, LW_ERROR);
	if (!rb)
		return;
	char line[2048];
	size_t len = 0;
	for (size_t i = 0; i < n_snap; i++) {
		struct snap_thread *s = &snap[i];
		if (!s->core)
			continue;
		int li = lw__rb_lock(rb, s->waiting);
		add_thread(rb, s, "waiter", li, at_least(lw__tick, s->wait_tick), s->wait_stack, 1);
	}
	for (size_t i = 0; i < n_snap && len < sizeof(line) - 1; i++) {
		struct snap_thread *s = &snap[i];
		if (!s->core)
			continue;
		char held[512];
		size_t hl = 0;
		held[0] = 0;
		for (unsigned k = 0; k < s->n_held && hl < sizeof(held) - 1; k++) {
			int w = snprintf(held + hl, sizeof(held) - hl, "%s%s", k ? ", " : "",
					 lw__rb_lock_name(rb, lw__rb_lock(rb, s->held[k].lock)));
			if (w > 0)
				hl += (size_t)w;
		}
		int w = snprintf(line + len, sizeof(line) - len, "%sthread %d (%s) holds %s and waits for %s%s",
				 len ? "; " : "", s->tid, s->name, hl ? held : "nothing",
				 lw__rb_lock_name(rb, lw__rb_lock(rb, s->waiting)),
				 s->wait_cond ? " (to return from pthread_cond_wait)" : "");
		if (w > 0)
			len += (size_t)w;
	}
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	line[len] = 0;
	lw__rb_headline(rb, "deadlock: %s", line);
	if (n_stuck > n_core)
		lw__rb_note(rb, "these threads wait for each other and none can go on; "
			    "%zu more thread%s queued behind them", n_stuck - n_core,
			    n_stuck - n_core == 1 ? " is" : "s are");
	else
		lw__rb_note(rb, "these threads wait for each other and none can go on");
	lw__report_emit(rb);
	LW_REAL_FN(pthread_mutex_lock)(&health_mu);
	health.deadlocks_found++;
	LW_REAL_FN(pthread_mutex_unlock)(&health_mu);

	lw__deadlock_action();
}

void lw__deadlock_action(void)
{
	if (lw__opt.on_deadlock == LW__ON_DEADLOCK_EXIT) {
		int code = lw__opt.exitcode ? (int)lw__opt.exitcode : 66;
		lw__msg("deadlock: exiting with status %d (option on_deadlock=exit)", code);
		_exit(code);
	}
	if (lw__opt.on_deadlock == LW__ON_DEADLOCK_ABORT) {
		lw__msg("deadlock: aborting (option on_deadlock=abort)");
		abort();
	}
}

/* ---- the thread ----------------------------------------------------------- */

static void look(void)
{
	uint32_t now = (uint32_t)elapsed_ms();
	if (now == LW__TICK_RESTART)
		now--; /* once in 49 days: keep the sentinel for forked children */
	gaps[gap_i++ % 8] = now - lw__load(&lw__tick);
	lw__store(&lw__tick, now);
	n_snap = 0;
	lw__threads_each(snap_one, NULL);
	check_episodes(now);
	check_deadlock();
	LW_REAL_FN(pthread_mutex_lock)(&health_mu);
	health.cycles_found = lw_report_count(LW_LOCK_ORDER_CYCLE);
	LW_REAL_FN(pthread_mutex_unlock)(&health_mu);
}

static void *wd_main(void *arg)
{
	(void)arg;
	lw__guard_enter(); /* everything this thread does passes straight through */
	LW_REAL_FN(pthread_mutex_lock)(&wd_mu);
	while (!wd_stop) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		long ms = lw__opt.watchdog_ms;
		until.tv_sec += ms / 1000;
		until.tv_nsec += (ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		LW_REAL_FN(pthread_cond_timedwait)(&wd_cv, &wd_mu, &until);
		if (wd_stop)
			break;
		LW_REAL_FN(pthread_mutex_unlock)(&wd_mu);
		look();
		LW_REAL_FN(pthread_mutex_lock)(&wd_mu);
	}
	LW_REAL_FN(pthread_mutex_unlock)(&wd_mu);
	return NULL;
}

void lw__watchdog_start(void)
{
	if (wd_running)
		return;
	if (!t0.tv_sec && !t0.tv_nsec)
		clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wd_cv, &ca);
	pthread_condattr_destroy(&ca);
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	wd_stop = 0;
	if (LW_REAL_FN(pthread_create)(&wd_thread, NULL, wd_main, NULL) == 0)
		wd_running = 1;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void lw__watchdog_stop(void)
{
	if (!wd_running || pthread_equal(pthread_self(), wd_thread))
		return;
	LW_REAL_FN(pthread_mutex_lock)(&wd_mu);
	wd_stop = 1;
	pthread_cond_signal(&wd_cv);
	LW_REAL_FN(pthread_mutex_unlock)(&wd_mu);
	pthread_join(wd_thread, NULL);
	wd_running = 0;
}

void lw__watchdog_atfork_child(void)
{
	pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
	wd_mu = fresh;
	health_mu = fresh;
	wd_running = 0;
	n_eps = 0;
	n_dl_reported = 0;
	lw__store(&lw__tick, LW__TICK_RESTART);
}

void lw__watchdog_restart(void)
{
	/* whoever moves the tick off the sentinel starts the watchdog */
	uint32_t expected = LW__TICK_RESTART, now = (uint32_t)elapsed_ms();
	if (now == LW__TICK_RESTART)
		now--;
	if (__atomic_compare_exchange_n(&lw__tick, &expected, now, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_RELAXED)) {
		lw__guard_enter();
		lw__watchdog_start();
		lw__guard_leave();
	}
}

void lw__watchdog_options_changed(void)
{
	if (!wd_running)
		return;
	LW_REAL_FN(pthread_mutex_lock)(&wd_mu);
	pthread_cond_signal(&wd_cv);
	LW_REAL_FN(pthread_mutex_unlock)(&wd_mu);
}

int lw_health(lw_health_t *h)
{
	lw_health_t copy;
	LW_REAL_FN(pthread_mutex_lock)(&health_mu);
	copy = health;
	LW_REAL_FN(pthread_mutex_unlock)(&health_mu);
	if (h)
		*h = copy;
	return copy.long_holds || copy.long_waits || copy.deadlocked;
}
