/* misuse.c - the misuse reports of misuse.h. Every report opens with
 * begin() (errno saved, the guard entered, and a builder only the first
 * time this kind, lock and call site are seen) and closes with end(). */
#include "misuse.h"
#include "peek.h"
#include "held.h"
#include "map.h"
#include "mutex.h"
#include "policy.h"
#include "report.h"
#include "stack.h"

#include <errno.h>

struct lw__mutex lw__misuse_mu = LW__MUTEX_INIT;
static struct lw__map seen = { .exclusive = 1 };

static int first_time(lw_kind_t kind, const struct lw__lock *l, uintptr_t pc)
{
	/* init_held makes a new lock each time: keyed by its address instead */
	uint64_t who = kind == LW_INIT_HELD ? (uint64_t)(uintptr_t)l->addr : l->id;
	uint64_t key = (who * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)pc << 3) ^ (uint64_t)kind;
	key |= 1;
	lw__mutex_lock(&lw__misuse_mu);
	int first = lw__map_get(&seen, key) == NULL;
	if (first)
		lw__map_put(&seen, key, (void *)1);
	lw__mutex_unlock(&lw__misuse_mu);
	return first;
}

/* Enter the guard (errno into *saved); a builder for l, or NULL when this
 * mistake was reported before at this site (or pc is 0: always new). */
static struct lw__rb *begin(lw_kind_t kind, lw_severity_t sev, const struct lw__lock *l,
			    uintptr_t pc, int *saved)
{
	*saved = errno;
	lw__guard_enter();
	return !pc || first_time(kind, l, pc) ? lw__rb_new(kind, sev) : NULL;
}

static void end(struct lw__rb *rb, int saved)
{
	if (rb)
		lw__report_emit(rb);
	lw__guard_leave();
	errno = saved;
}

/* The stack that took l in another thread o (its inline held entries,
 * read as the snapshot reads them: each word once, the entry checked for
 * a change while read); 0 when not found. Thread records are never freed. */
static uint32_t holder_stack(const struct lw__thread *o, const struct lw__lock *l)
{
	unsigned n = lw__load_acq(&o->n_held);
	if (n > LW__MAX_HELD)
		n = LW__MAX_HELD;
	for (unsigned i = n; i-- > 0;) {
		const struct lw__held *e = &o->held[i];
		if (lw__load(&e->lock) != l)
			continue;
		uint32_t st = lw__load(&e->stack);
		if (lw__load(&e->lock) == l)
			return st;
	}
	return 0;
}

/* Does this relock return EDEADLK instead of blocking? */
static int relock_fails(const struct lw__lock *l, const struct lw__held *h)
{
	return lw__lock_mutex_type(l) == PTHREAD_MUTEX_ERRORCHECK ||
	       (l->kind == LW__RWLOCK && h->mode == LW__WRITE);
}

void lw__misuse_self_deadlock(struct lw__thread *t, struct lw__lock *l,
			      const struct lw__held *h, int mode, int timed,
			      const struct lw__site *s)
{
	int saved;
	/* a relock the lock's type refuses (EDEADLK) cannot hang, and a
	 * program may make it on purpose (libtdb's probe): a warning. One that
	 * ignores the EDEADLK and unlocks twice is told at the second unlock
	 * (bad_unlock, an error). A timed one gives up at its deadline
	 * (ETIMEDOUT, or EINVAL at once for a deadline that is no time):
	 * cannot hang either, a warning */
	int fails = relock_fails(l, h);
	lw_severity_t sev = fails || timed ? LW_WARNING : LW_ERROR;
	struct lw__rb *rb = begin(LW_SELF_DEADLOCK, sev, l, s->pc, &saved);
	if (rb) {
		int li = lw__rb_lock(rb, l);
		lw__thread_refresh_name(t);
		lw__rb_thread(rb, t->tid, t->name, "holder", li, 0, h->stack);
		lw__rb_thread(rb, t->tid, t->name, "requester", li, 0, lw__stack_capture(s));
		lw__rb_headline(rb, "thread %d (%s) %s %s, which it already holds", t->tid,
				t->name, mode == LW__READ ? "read-locks" : "locks",
				lw__rb_lock_name(rb, li));
		if (l->kind == LW__RWLOCK && h->mode == LW__READ && mode == LW__READ)
			lw__rb_note(rb, "this rwlock prefers writers: a writer that queues between "
				    "the two read locks blocks the second, and the writer waits for "
				    "the first: deadlock (a reader-preferring rwlock allows it)");
		else if (fails)
			lw__rb_note(rb, "this lock type detects it: the call fails with EDEADLK "
				    "instead of hanging (a warning: the program must handle that; "
				    "a second unlock would be an error)");
		else if (timed)
			lw__rb_note(rb, "a timed lock: the thread waits for itself until the "
				    "deadline, then the call fails with ETIMEDOUT (a warning: it "
				    "cannot hang, and the program must handle the failure)");
		else
			lw__rb_note(rb, "the lock is not recursive: the thread now waits for "
				    "itself forever (reported before it blocks)");
		lw__report_emit(rb);
		rb = NULL;
	}
	/* certain: nobody else can unlock it (a second read of a writer-preferring
	 * rwlock blocks only if a writer queues in between: not certain) */
	if (!fails && !timed && !(l->kind == LW__RWLOCK && mode == LW__READ))
		lw__deadlock_action();
	end(rb, saved);
}

/* The init_held report: t made l again at site init (its stack init_st,
 * 0: captured now) while owner held it (holder_st); unlock: the site of
 * the holder's unlock that came after (NULL: reported at the init). */
static void init_held(struct lw__thread *t, struct lw__lock *l, const struct lw__thread *owner,
		      uint32_t holder_st, const struct lw__site *init, uint32_t init_st,
		      const struct lw__site *unlock)
{
	int saved;
	struct lw__rb *rb = begin(LW_INIT_HELD, LW_ERROR, l, init->pc, &saved);
	if (rb) {
		int li = lw__rb_lock(rb, l);
		lw__thread_refresh_name(t);
		if (l->kind != LW__SEM) /* a unit is taken without a stack */
			lw__rb_thread(rb, owner->tid, owner->name, "holder", li, 0, holder_st);
		lw__rb_thread(rb, t->tid, t->name, "initialiser", li, 0,
			      init_st ? init_st : lw__stack_capture(init));
		if (unlock)
			lw__rb_thread(rb, t->tid, t->name, "unlocker", li, 0, lw__stack_capture(unlock));
		lw__rb_headline(rb, "thread %d (%s) initialises %s while thread %d (%s) holds it",
				t->tid, t->name, lw__rb_lock_name(rb, li), owner->tid, owner->name);
		if (l->kind == LW__SEM)
			lw__rb_note(rb, "initialising a semaphore in use is undefined behaviour: "
				    "its count is reset, so this thread's later sem_post of the "
				    "unit it took adds one more unit than the semaphore was "
				    "initialised with");
		else if (unlock)
			lw__rb_note(rb, "initialising a held lock is undefined behaviour: the lock is "
				    "reset, and its holder then unlocked it: an unlock of the fresh "
				    "lock, which another thread may hold by then");
		else
			lw__rb_note(rb, "initialising a held lock is undefined behaviour: the lock is "
				    "reset, so the holder's later unlock acts on a fresh lock (and a "
				    "waiter may get it while the holder is still inside)");
	}
	end(rb, saved);
}

void lw__misuse_init_held(struct lw__thread *t, struct lw__lock *l, const struct lw__held *h,
			  const struct lw__site *s)
{
	struct lw__thread *owner = lw__load(&l->owner);
	if (!owner)
		owner = t;
	uint32_t holder_st = owner == t ? (h ? h->stack : 0) : holder_stack(owner, l);
	init_held(t, l, owner, holder_st, s, 0, NULL);
}

void lw__misuse_init_held_unlocked(struct lw__thread *t, struct lw__lock *l,
				   const struct lw__site *s)
{
	init_held(t, l, t, t->reinit_holder_stack, &t->reinit_site, t->reinit_stack, s);
}

void lw__misuse_bad_unlock(struct lw__thread *t, struct lw__lock *l, const struct lw__site *s)
{
	int saved;
	struct lw__thread *owner = lw__load(&l->owner);
	if (owner && owner != t)
		lw__store(&l->owner, NULL); /* the lock is free now: the holder's entry goes stale */
	struct lw__rb *rb = begin(LW_BAD_UNLOCK, LW_ERROR, l, s->pc, &saved);
	if (rb) {
		int li = lw__rb_lock(rb, l);
		lw__thread_refresh_name(t);
		lw__rb_thread(rb, t->tid, t->name, "unlocker", li, 0, lw__stack_capture(s));
		if (owner && owner != t) {
			lw__rb_thread(rb, owner->tid, owner->name, "holder", li, 0,
				      holder_stack(owner, l));
			lw__rb_headline(rb, "thread %d (%s) unlocks %s, which thread %d (%s) holds",
					t->tid, t->name, lw__rb_lock_name(rb, li), owner->tid,
					owner->name);
		} else {
			lw__rb_headline(rb, "thread %d (%s) unlocks %s, which it does not hold",
					t->tid, t->name, lw__rb_lock_name(rb, li));
		}
		if (lw__lock_mutex_type(l) == PTHREAD_MUTEX_ERRORCHECK)
			lw__rb_note(rb, "this error-checking mutex refuses it (EPERM), so "
				    "the program's own logic thinks it held a lock it did not");
		else
			lw__rb_note(rb, "unlocking a lock the thread does not hold is undefined "
				    "behaviour: it can wake a waiter while the holder is still inside");
	}
	end(rb, saved);
}

void lw__misuse_destroy_held(struct lw__thread *t, struct lw__lock *l,
			     const struct lw__held *h, const struct lw__site *s)
{
	int saved;
	struct lw__thread *owner = lw__load(&l->owner);
	struct lw__rb *rb = begin(LW_DESTROY_HELD, LW_WARNING, l, s->pc, &saved);
	if (rb) {
		int li = lw__rb_lock(rb, l);
		if (!owner)
			owner = t;
		lw__rb_thread(rb, owner->tid, owner->name, "holder", li, 0,
			      owner == t ? (h ? h->stack : 0) : holder_stack(owner, l));
		lw__rb_thread(rb, t->tid, t->name, "destroyer", li, 0, lw__stack_capture(s));
		lw__rb_headline(rb, "thread %d (%s) destroys %s while thread %d (%s) holds it",
				t->tid, t->name, lw__rb_lock_name(rb, li), owner->tid, owner->name);
		lw__rb_note(rb, "destroying a locked lock is undefined behaviour");
	}
	end(rb, saved);
}

/* The key of "thread tid's wait for l, held by a gone thread, was reported". */
static uint64_t orphan_key(int tid, const struct lw__lock *l)
{
	return (((uint64_t)l->id * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)(uint32_t)tid << 40) ^
		0x6f727068616e0000ull) | 1;
}

int lw__misuse_orphan_reported(int tid, const struct lw__lock *l)
{
	lw__mutex_lock(&lw__misuse_mu);
	int r = lw__map_get(&seen, orphan_key(tid, l)) != NULL;
	lw__mutex_unlock(&lw__misuse_mu);
	return r;
}

void lw__misuse_orphan(struct lw__thread *t, struct lw__lock *l, int mode,
		       const struct lw__site *s)
{
	int saved;
	struct lw__rb *rb = begin(LW_DEADLOCK, LW_ERROR, l, s->pc, &saved);
	if (rb) {
		int dead = (lw__load(&l->orphan) & LW__ORPHAN_DEAD) != 0;
		int li = lw__rb_lock(rb, l);
		lw__thread_refresh_name(t);
		int ti = lw__rb_thread(rb, t->tid, t->name, "waiter", li, 0, lw__stack_capture(s));
		for (unsigned i = 0; i < lw__held_depth(t); i++) {
			struct lw__lock *hl = lw__load(&lw__held_at(t, i)->lock);
			if (hl) /* read once: see order.c */
				lw__rb_thread_held(rb, ti, lw__rb_lock(rb, hl));
		}
		lw__rb_headline(rb, "deadlock: thread %d (%s) %s %s, which %s", t->tid, t->name,
				mode == LW__READ ? "read-locks" : "locks", lw__rb_lock_name(rb, li),
				dead ? "a thread that has exited still holds"
				     : "was held when this process forked and stays so");
		if (dead)
			lw__rb_note(rb, "the holder exited without unlocking it (reported then) and "
				    "it is not a robust mutex: no thread can unlock it now "
				    "(reported before it blocks)");
		else
			lw__rb_note(rb, "a forked child keeps its parent's locks as they were: "
				    "one another thread held has no holder here, and an "
				    "error-checking, recursive, robust or priority-inheriting "
				    "one the forking thread held names the parent's thread as "
				    "its owner; no thread of this process can unlock it");
		lw__report_emit(rb);
		rb = NULL;
		lw__mutex_lock(&lw__misuse_mu);
		lw__map_put(&seen, orphan_key(t->tid, l), (void *)1);
		lw__mutex_unlock(&lw__misuse_mu);
		lw__deadlock_action();
	}
	end(rb, saved);
}

/* A lock held for writing that nobody but its holder can unlock, and
 * whose next locker waits forever when the holder is gone (glibc 2.36,
 * each kind checked natively): a mutex that is not robust (16: the next
 * locker gets EOWNERDEAD) nor process-shared (another process may hold
 * it), of any type and protocol (a priority-inheriting one's next locker
 * gets ESRCH from the kernel and glibc then waits for good; a
 * priority-protecting one sleeps on its word); an rwlock that is not
 * process-shared (another thread's unlock is a reader's); a spinlock
 * (spins; one that is process-shared is judged as a private one, as at a
 * fork). */
static int dies_with_holder(const struct lw__lock *l)
{
	if (lw__load(&l->retired))
		return 0;
	if (l->kind == LW__MUTEX)
		return !(((const pthread_mutex_t *)l->addr)->__data.__kind & 16) &&
		       !lw__lock_pshared(l);
	return l->kind == LW__SPIN || l->kind == LW__OMP || l->kind == LW__STATIC ||
	       (l->kind == LW__RWLOCK && !lw__lock_pshared(l));
}

/* lw__object_free on a copy of l's object read through the kernel: at
 * a thread's exit, a lock it let go unseen may be freed memory by now. */
static int free_at_exit(const struct lw__lock *l)
{
	union {
		pthread_mutex_t m;
		pthread_rwlock_t rw;
	} o;
	if (l->kind != LW__MUTEX && l->kind != LW__RWLOCK)
		return 0;
	return lw__peek(&o, l->addr, l->kind == LW__MUTEX ? sizeof(o.m) : sizeof(o.rw)) == 0 &&
	       lw__object_free(l->kind, &o);
}

/* Locks, not semaphore units: a unit taken and never posted is how a
 * semaphore used as a signal is meant to be used. */
static int counts(const struct lw__thread *t, const struct lw__held *h)
{
	const struct lw__lock *l = lw__load(&h->lock); /* once: see order.c */
	if (!l || l->kind == LW__SEM)
		return 0;
	/* a write hold another thread unlocked (reported then), or one let
	 * go unseen (its lock reads free), is gone */
	return h->mode != LW__WRITE || (lw__load(&l->owner) == t && !free_at_exit(l));
}

/* What happens next to the locks a thread exited holding, in the report's
 * note: each stays locked for good, or (a robust mutex, a read hold, a
 * lock shared with other processes) not every one does. */
static const char *exit_note(struct lw__thread *t)
{
	for (unsigned i = 0; i < lw__held_depth(t); i++) {
		const struct lw__held *h = lw__held_at(t, i);
		const struct lw__lock *l = lw__load(&h->lock);
		if (l && counts(t, h) && (h->mode != LW__WRITE || !dies_with_holder(l)))
			return "a lock left so stays locked, and whoever takes it next waits forever, "
			       "unless it is robust (the next locker gets EOWNERDEAD and can "
			       "recover it), only read-held (other readers still get in; a writer "
			       "waits forever), or shared with another process (which may unlock it)";
	}
	return "the locks stay locked: any thread that takes them next waits forever";
}

void lw__misuse_thread_exit(struct lw__thread *t)
{
	unsigned n = 0;
	for (unsigned i = 0; i < lw__held_depth(t); i++)
		n += (unsigned)counts(t, lw__held_at(t, i));
	if (!n)
		return;
	lw__thread_refresh_name(t);
	int saved;
	struct lw__rb *rb = begin(LW_THREAD_EXIT_HOLDING, LW_WARNING, NULL, 0, &saved);
	if (rb) {
		int ti = lw__rb_thread(rb, t->tid, t->name, "exiting thread", -1, 0,
				       lw__stack_capture(NULL));
		for (unsigned i = 0; i < lw__held_depth(t); i++) {
			const struct lw__held *h = lw__held_at(t, i);
			if (!counts(t, h))
				continue;
			int li = lw__rb_lock(rb, h->lock);
			lw__rb_thread_held(rb, ti, li);
			lw__rb_thread(rb, t->tid, t->name, "holder", li, 0, h->stack);
		}
		lw__rb_headline(rb, "thread %d (%s) exited holding %u lock%s, first %s", t->tid,
				t->name, n, n == 1 ? "" : "s", lw__rb_lock_name(rb, 0));
		lw__rb_note(rb, "%s", exit_note(t));
	}
	end(rb, saved);
	/* a later locker of such a mutex is deadlocked: held.c's slow path (the
	 * mark keeps it off the fast path) and the watchdog see the mark */
	for (unsigned i = 0; i < lw__held_depth(t); i++) {
		const struct lw__held *h = lw__held_at(t, i);
		struct lw__lock *l = h->lock;
		if (counts(t, h) && h->mode == LW__WRITE && dies_with_holder(l)) {
			lw__store(&l->owner, NULL);
			lw__store(&l->orphan, (uint8_t)(LW__ORPHAN_WRITE | LW__ORPHAN_DEAD));
		}
	}
}
