/* thread.c - per-thread state (see thread.h): creation on first use, the
 * global list, thread exit (the check layer's hook reports locks still
 * held), fork. */
#include "thread.h"
#include "mem.h"
#include "hooks.h"
#include "mutex.h"
#include "peek.h"

#include <limits.h>
#include <linux/futex.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

LW__TLS int lw__tls_gone;
uint32_t lw__tick;

struct lw__mutex lw__thread_list_mu = LW__MUTEX_INIT;
static struct lw__thread *threads;
static pthread_key_t exit_key;
static int exit_key_ok;

#define LOCK() lw__mutex_lock(&lw__thread_list_mu)
#define UNLOCK() lw__mutex_unlock(&lw__thread_list_mu)

void lw__thread_refresh_name(struct lw__thread *t)
{
	char name[16] = "";
	if (prctl(PR_GET_NAME, name, 0, 0, 0) == 0) {
		name[15] = 0;
		memcpy(t->name, name, sizeof(name));
	}
}

/* pthread key destructor: the thread is exiting. glibc calls the
 * destructors of the keys still set, in key order, for up to
 * PTHREAD_DESTRUCTOR_ITERATIONS rounds while any sets a key again; ours
 * sets itself again until the last round, so the program's destructors
 * (a key's or a C11 tss destructor that unlocks what the thread held)
 * run first, tracked as any lock call. */
static LW__TLS int exit_round;

static void thread_exit(void *arg)
{
	struct lw__thread *t = arg;
	if (!t)
		return;
	if (++exit_round < PTHREAD_DESTRUCTOR_ITERATIONS && exit_key_ok &&
	    pthread_setspecific(exit_key, t) == 0)
		return;
	exit_round = 0;
	lw__guard_enter();
	if (lw__hooks.thread_exit)
		lw__hooks.thread_exit(t);
	lw__guard_leave();
	lw__guard_set_state(NULL);
	lw__tls_gone = 1;
	t->n_held = 0;
	t->n_more = 0;
	lw__wait_end(t);
	lw__store_rel(&t->alive, 0);
}

/* A zeroed thread state straight from the kernel, never from malloc: the
 * first lock call of a thread can come from inside the program's own
 * allocator (jemalloc locks while it sets a new thread up), which must not
 * be entered again then. Never unmapped: a dead state is reused. */
static struct lw__thread *state_alloc(void)
{
	return lw__os_map(sizeof(struct lw__thread), 0);
}

struct lw__lock lw__lock_none;

struct lw__thread *lw__thread_new(void)
{
	if (lw__tls_gone)
		return NULL;
	lw__guard_enter();
	/* a signal handler that interrupted this thread's first lock call
	 * before the guard made its state already: one state per thread */
	if (lw__guard_state()) {
		lw__guard_leave();
		return lw__guard_state();
	}
	/* a new thread: in a forked child, the second one, unless it is the
	 * thread that forked (base/hooks.h) */
	int tid = (int)syscall(SYS_gettid), forker = lw__load(&lw__forked_single);
	if (lw__unlikely(forker) && forker != tid)
		lw__store(&lw__forked_single, 0);
	struct lw__thread *t = NULL;
	LOCK();
	for (struct lw__thread *p = threads; p; p = p->next)
		if (!lw__load_acq(&p->alive)) {
			t = p;
			break;
		}
	if (t) {
		/* the list link and the deep-held array stay with the slot */
		struct lw__thread *next = t->next;
		struct lw__held_more *more = t->more;
		unsigned cap_more = t->cap_more;
		memset(t, 0, sizeof(*t));
		t->next = next;
		t->more = more;
		t->cap_more = cap_more;
	} else {
		t = state_alloc();
		if (t) {
			t->next = threads;
			threads = t;
		}
	}
	if (t && ((uintptr_t)t & LW__GS_LOW))
		lw__die("thread state not page-aligned (base/guard.h)");
	if (t) {
		for (unsigned i = 0; i < LW__ADDR_CACHE; i++)
			t->addr_lock[i] = &lw__lock_none;
		t->tid = tid;
		t->self_pt = (uintptr_t)pthread_self();
		lw__thread_refresh_name(t);
		lw__store_rel(&t->alive, 1);
	}
	UNLOCK();
	if (t && exit_key_ok)
		pthread_setspecific(exit_key, t);
	lw__guard_set_state(t);
	lw__guard_leave();
	return t;
}

int lw__thread_more_room(struct lw__thread *t)
{
	if (t->n_more < t->cap_more)
		return 0;
	/* allocate and copy outside the list lock (only t writes its state),
	 * swap under it (the snapshot reads the array under it), free after */
	unsigned cap = t->cap_more ? t->cap_more * 2 : LW__MAX_HELD;
	struct lw__held_more *p = lw__mem_alloc(cap * sizeof(*p)), *old = t->more;
	if (!p)
		return -1;
	if (t->n_more)
		memcpy(p, old, t->n_more * sizeof(*p));
	LOCK();
	t->more = p;
	t->cap_more = cap;
	UNLOCK();
	lw__mem_free(old);
	return 0;
}

void lw__threads_each(void (*fn)(struct lw__thread *t, void *arg), void *arg)
{
	LOCK();
	for (struct lw__thread *p = threads; p; p = p->next)
		if (lw__load_acq(&p->alive))
			fn(p, arg);
	UNLOCK();
}

void lw__thread_init(void)
{
	if (!exit_key_ok && pthread_key_create(&exit_key, thread_exit) == 0)
		exit_key_ok = 1;
}

/* A fork's child: l, which dead thread p held (bits: how), is an orphan */
static void mark_orphan(struct lw__thread *p, struct lw__lock *l, uint8_t bits)
{
	l->orphan |= bits;
	if (l->owner == p)
		l->owner = NULL;
}

/* A fork's child: did dead thread p hold l for writing at the fork with
 * its record not written yet (between the real lock call and the record,
 * its wait still set) or no more (between the record's removal and the
 * real unlock)? The lock's own words say, read through the kernel (the
 * record may be stale and its memory gone): a mutex locked (its futex
 * word) with glibc's owner p, or none yet (glibc writes the owner just
 * after taking the word and clears it just before letting it go; the
 * forking thread is in neither step); an rwlock whose writer is p; not
 * process-shared (read so too: the lock p let go last may have been
 * destroyed and its memory freed or unmapped since). Then l is an orphan,
 * as if p's record held it. */
static void window_orphan(struct lw__thread *p, struct lw__lock *l)
{
	if (!l || p->tid <= 0 || (l->orphan & LW__ORPHAN_WRITE))
		return;
	int held = 0;
	if (l->kind == LW__MUTEX) {
		pthread_mutex_t m;
		held = lw__peek(&m, l->addr, sizeof(m)) == 0 && m.__data.__lock != 0 &&
		       ((m.__data.__owner & FUTEX_TID_MASK) == p->tid || m.__data.__owner == 0) &&
		       !lw__mutex_kind_shared(l, m.__data.__kind);
	} else if (l->kind == LW__RWLOCK) {
		pthread_rwlock_t rw;
		held = lw__peek(&rw, l->addr, sizeof(rw)) == 0 &&
		       (rw.__data.__cur_writer & FUTEX_TID_MASK) == p->tid && rw.__data.__shared == 0;
	}
	if (held)
		mark_orphan(p, l, LW__ORPHAN_WRITE);
}

void lw__thread_atfork_child(void)
{
	/* only the forking thread survives; what the others held stays locked
	 * in the child with nobody to unlock it: an orphan (check/misuse.c reports a
	 * thread that then waits for one); a process-shared lock is not: the
	 * parent's threads still hold it, and will let it go; nor a once, which
	 * glibc runs again in the child */
	struct lw__thread *self = lw__guard_state();
	for (struct lw__thread *p = threads; p; p = p->next) {
		if (p == self || !lw__load(&p->alive))
			continue;
		unsigned n = p->n_held < LW__MAX_HELD ? p->n_held : LW__MAX_HELD;
		n += p->n_more < p->cap_more ? p->n_more : p->cap_more;
		for (unsigned i = 0; i < n; i++) {
			struct lw__held *h = lw__held_at(p, i);
			struct lw__lock *l = h->lock;
			if (l && l->kind != LW__SEM && l->kind != LW__ONCE && !lw__lock_pshared(l))
				mark_orphan(p, l, h->mode == LW__READ ? LW__ORPHAN_READ : LW__ORPHAN_WRITE);
		}
		uintptr_t w = lw__load(&p->waiting);
		if (!(w & LW__WAIT_READ))
			window_orphan(p, (struct lw__lock *)(w & ~(uintptr_t)LW__WAIT_COND));
		window_orphan(p, (struct lw__lock *)lw__load(&p->released));
		lw__store(&p->alive, 0);
	}
	if (self) {
		self->tid = (int)syscall(SYS_gettid);
		lw__wait_end(self);
		lw__join_end(self);
	}
}
