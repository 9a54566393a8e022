/* reset.c - the checks made where a lock is made again or destroyed
 * (pthread_*_init and _destroy over a lock in use: misuse reports in
 * misuse.c), and what a fork leaves of the held stack: the held stack's
 * (held.c) side of a lock's end. */
#include "held.h"
#include "misuse.h"
#include "stack.h"

#include <errno.h>

struct waiters {
	const struct lw__thread *self;
	const struct lw__lock *l;
	int found;
};

static void find_waiter(struct lw__thread *p, void *arg)
{
	struct waiters *w = arg;
	uintptr_t on = lw__load(&p->waiting) & ~(uintptr_t)(LW__WAIT_READ | LW__WAIT_COND);
	if (p != w->self && on == (uintptr_t)w->l)
		w->found = 1;
}

/* Does a thread other than t wait for l (to lock it, or in a condition
 * wait on it)? */
static int waited_for(struct lw__thread *t, struct lw__lock *l)
{
	struct waiters w = { t, l, 0 };
	lw__threads_each(find_waiter, &w);
	return w.found;
}

void lw__reset_check(struct lw__thread *t, struct lw__lock *l, int destroy,
		     const struct lw__site *s)
{
	if (l->kind == LW__UNKNOWN)
		return;
	struct lw__held *h = lw__held_find(t, l);
	/* Semaphore units are not owned, and another thread's taken units are
	 * a signal semaphore's normal state: only a thread that initialises a
	 * semaphore while it holds units of it itself is told (its later
	 * sem_post gives a unit to the fresh semaphore). Destroying one is
	 * never a held-lock mistake. */
	if (l->kind == LW__SEM) {
		if (h && !destroy)
			lw__misuse_init_held(t, l, h, s);
		return;
	}
	if (!h && !lw__load(&l->owner))
		return;
	/* a write hold that the lock's object says is gone was let go where
	 * lockwatch could not see (an unlock through a function pointer) */
	if ((!h || h->mode == LW__WRITE) && lw__lock_free_now(l))
		return;
	if (destroy) {
		lw__misuse_destroy_held(t, l, h, s);
		return;
	}
	if (h && !waited_for(t, l)) {
		/* its holder makes it again with nobody waiting for it (a fork
		 * child's handler resetting what its prepare handler took): an
		 * error only if it unlocks it afterwards (lw__release_slow) */
		int saved = errno;
		lw__guard_enter();
		t->reinit_stack = lw__stack_capture(s);
		lw__guard_leave();
		errno = saved;
		t->reinit_holder_stack = h->stack;
		t->reinit_site = *s;
		t->reinit_quiet = 1;
		t->reinit = l->addr;
		return;
	}
	lw__misuse_init_held(t, l, h, s);
	if (h) {
		t->reinit = l->addr; /* its next unlock is the same mistake */
		t->reinit_quiet = 0;
	}
}

void lw__held_atfork_child(struct lw__thread *t)
{
	for (unsigned i = lw__held_depth(t); i-- > 0;) {
		struct lw__held *h = lw__held_at(t, i);
		struct lw__lock *l = h->lock;
		if (!l || l->kind == LW__SEM)
			continue;
		if (lw__lock_pshared(l)) {
			lw__held_remove(t, h);
		} else if (lw__lock_owner_checked(l)) {
			/* held by the parent's thread in glibc's eyes: nobody
			 * here can unlock it (the child's unlock fails) */
			l->orphan |= LW__ORPHAN_WRITE;
			if (l->owner == t)
				l->owner = NULL;
			lw__held_remove(t, h);
		}
	}
}

void lw__destroyed(struct lw__thread *t, const void *addr)
{
	struct lw__lock *l = lw__lock_find(addr);
	if (t && l) {
		struct lw__held *h = lw__held_find(t, l);
		if (h)
			lw__held_remove(t, h);
	}
	int saved = errno;
	lw__guard_enter();
	lw__lock_retire(addr);
	lw__guard_leave();
	errno = saved;
}

