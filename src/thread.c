/* thread.c - per-thread state (see thread.h): creation on first use, the
 * global list, thread exit (reporting locks still held), fork. */
#include "thread.h"
#include "init.h"
#include "real.h"
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

LW__TLS int lw__tls_guard;
LW__TLS struct lw__thread *lw__tls_self;
LW__TLS int lw__tls_gone;
LW__TLS int lw__tls_signalled;
uint32_t lw__tick;

static pthread_mutex_t list_mu = PTHREAD_MUTEX_INITIALIZER;
static struct lw__thread *threads;
static pthread_key_t exit_key;
static int exit_key_ok;

#define LOCK() LW_REAL_FN(pthread_mutex_lock)(&list_mu)
#define UNLOCK() LW_REAL_FN(pthread_mutex_unlock)(&list_mu)

void lw__thread_refresh_name(struct lw__thread *t)
{
	char name[16] = "";
	if (prctl(PR_GET_NAME, name, 0, 0, 0) == 0) {
		name[15] = 0;
		memcpy(t->name, name, sizeof(name));
	}
}

/* Locks, not semaphore units: a unit taken and never posted is how a
 * semaphore used as a signal is meant to be used. */
static int counts(const struct lw__thread *t, const struct lw__held *h)
{
	if (h->lock->kind == LW__SEM)
		return 0;
	/* a write hold another thread unlocked (reported then) is gone */
	return h->mode != LW__WRITE || lw__load(&h->lock->owner) == t;
}

static unsigned locks_held(const struct lw__thread *t)
{
	unsigned n = 0;
	for (unsigned i = 0; i < t->n_held; i++)
		n += (unsigned)counts(t, &t->held[i]);
	return n;
}

static void report_exit_holding(struct lw__thread *t)
{
	unsigned n = locks_held(t);
	struct lw__rb *rb = lw__rb_new(LW_THREAD_EXIT_HOLDING, LW_WARNING);
	if (!rb)
		return;
	int ti = lw__rb_thread(rb, t->tid, t->name, "exiting thread", -1, 0, 0);
	for (unsigned i = 0; i < t->n_held; i++) {
		if (!counts(t, &t->held[i]))
			continue;
		int li = lw__rb_lock(rb, t->held[i].lock);
		lw__rb_thread_held(rb, ti, li);
		lw__rb_thread(rb, t->tid, t->name, "holder", li, 0, t->held[i].stack);
	}
	lw__rb_headline(rb, "thread %d (%s) exited holding %u lock%s, first %s", t->tid,
			t->name, n, n == 1 ? "" : "s", lw__rb_lock_name(rb, 0));
	lw__rb_note(rb, "the locks stay locked: any thread that takes them next waits forever");
	lw__report_emit(rb);
}

/* pthread key destructor: the thread is exiting. */
static void thread_exit(void *arg)
{
	struct lw__thread *t = arg;
	if (!t)
		return;
	lw__guard_enter();
	if (locks_held(t) > 0) {
		lw__thread_refresh_name(t);
		report_exit_holding(t);
	}
	lw__guard_leave();
	lw__tls_self = NULL;
	lw__tls_gone = 1;
	t->n_held = 0;
	lw__wait_end(t);
	lw__store_rel(&t->alive, 0);
}

struct lw__thread *lw__thread_slow(void)
{
	if (lw__tls_gone)
		return NULL;
	lw__init();
	lw__guard_enter();
	struct lw__thread *t = NULL;
	LOCK();
	for (struct lw__thread *p = threads; p; p = p->next)
		if (!lw__load_acq(&p->alive)) {
			t = p;
			break;
		}
	if (t) {
		struct lw__thread *next = t->next;
		memset(t, 0, sizeof(*t));
		t->next = next;
	} else {
		t = calloc(1, sizeof(*t));
		if (t) {
			t->next = threads;
			threads = t;
		}
	}
	if (t) {
		t->tid = (int)syscall(SYS_gettid);
		lw__thread_refresh_name(t);
		lw__store_rel(&t->alive, 1);
	}
	UNLOCK();
	if (t && exit_key_ok)
		pthread_setspecific(exit_key, t);
	lw__tls_self = t;
	lw__guard_leave();
	return t;
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

void lw__thread_atfork_prepare(void) { LOCK(); }
void lw__thread_atfork_parent(void) { UNLOCK(); }
void lw__thread_atfork_child(void)
{
	pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
	list_mu = fresh;
	/* only the forking thread survives; what the others held stays locked
	 * in the child with nobody to unlock it: an orphan (core.c reports a
	 * thread that then waits for one) */
	struct lw__thread *self = lw__tls_self;
	for (struct lw__thread *p = threads; p; p = p->next) {
		if (p == self || !lw__load(&p->alive))
			continue;
		for (unsigned i = 0; i < p->n_held && i < LW__MAX_HELD; i++) {
			struct lw__lock *l = p->held[i].lock;
			if (l && l->kind != LW__SEM) {
				l->orphan |= p->held[i].mode == LW__READ ? LW__ORPHAN_READ
									   : LW__ORPHAN_WRITE;
				if (l->owner == p)
					l->owner = NULL;
			}
		}
		lw__store(&p->alive, 0);
	}
	if (self) {
		self->tid = (int)syscall(SYS_gettid);
		lw__wait_end(self);
	}
}
