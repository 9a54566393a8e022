/* thread.c - per-thread state (see thread.h): creation on first use, the
 * global list, thread exit (the check layer's hook reports locks still
 * held), fork. */
#include "thread.h"
#include "hooks.h"
#include "mutex.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

LW__TLS struct lw__thread *lw__tls_self;
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

/* pthread key destructor: the thread is exiting. */
static void thread_exit(void *arg)
{
	struct lw__thread *t = arg;
	if (!t)
		return;
	lw__guard_enter();
	if (lw__hooks.thread_exit)
		lw__hooks.thread_exit(t);
	lw__guard_leave();
	lw__tls_self = NULL;
	lw__tls_gone = 1;
	t->n_held = 0;
	lw__wait_end(t);
	lw__store_rel(&t->alive, 0);
}

/* A zeroed thread state straight from the kernel, never from malloc: the
 * first lock call of a thread can come from inside the program's own
 * allocator (jemalloc locks while it sets a new thread up), which must not
 * be entered again then. Never unmapped: a dead state is reused. */
static struct lw__thread *state_alloc(void)
{
	void *p = mmap(NULL, sizeof(struct lw__thread), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

struct lw__thread *lw__thread_new(void)
{
	if (lw__tls_gone)
		return NULL;
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
		t = state_alloc();
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

void lw__thread_atfork_child(void)
{
	/* only the forking thread survives; what the others held stays locked
	 * in the child with nobody to unlock it: an orphan (check/misuse.c reports a
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
