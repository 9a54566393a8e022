/* guard.c - unit test of the guard's word (src/base/guard.h): the guard's
 * count and the thread's state kept together, so the fast path's one load
 * says both. A thread with no state, or with the guard up, reads NULL on
 * the fast way; the state survives any nesting of enters and leaves, a
 * put-back (the fork handlers') and its own change with the guard up; a
 * thread's cancellation is off exactly while the guard is up. */
#include "unit.h"

#include "guard.h"

#include <pthread.h>

/* A stand-in for a thread's state: page-aligned, as lw__os_map gives. */
static _Alignas(4096) char fake_state[4096];
#define FAKE ((struct lw__thread *)(void *)fake_state)

static int cancel_state(void)
{
	int was;
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &was);
	pthread_setcancelstate(was, NULL);
	return was;
}

static void no_state(void)
{
	CHECK(lw__guard_state() == NULL);
	CHECK(lw__guard_fast() == NULL);
	CHECK(lw__guard_up() == 0);
	lw__guard_enter();
	CHECK(lw__guard_up() == 1);
	CHECK(lw__guard_state() == NULL && lw__guard_fast() == NULL);
	lw__guard_leave();
	CHECK(lw__guard_up() == 0 && lw__guard_state() == NULL && lw__guard_fast() == NULL);
}

static void with_state(void)
{
	lw__guard_set_state(FAKE);
	CHECK(lw__guard_state() == FAKE && lw__guard_fast() == FAKE && lw__guard_up() == 0);
	CHECK(cancel_state() == PTHREAD_CANCEL_ENABLE);

	/* nested enters: the fast way closed until the last leave */
	for (int depth = 1; depth <= 100; depth++) {
		lw__guard_enter();
		CHECKF(lw__guard_up() == depth && lw__guard_fast() == NULL &&
			       lw__guard_state() == FAKE,
		       "depth %d", depth);
	}
	CHECK(cancel_state() == PTHREAD_CANCEL_DISABLE);
	for (int depth = 99; depth >= 0; depth--) {
		lw__guard_leave();
		CHECKF(lw__guard_up() == depth && lw__guard_state() == FAKE, "depth %d", depth);
	}
	CHECK(lw__guard_fast() == FAKE);
	CHECK(cancel_state() == PTHREAD_CANCEL_ENABLE);

	/* the raise and lower of a signal handler's stack capture */
	lw__guard_raise();
	CHECK(lw__guard_fast() == NULL && lw__guard_up() == 1);
	lw__guard_lower();
	CHECK(lw__guard_fast() == FAKE && lw__guard_up() == 0);

	/* the fork handlers: enter once more than they leave, put back */
	lw__guard_enter();
	int before = lw__guard_up();
	lw__guard_enter();
	lw__guard_enter();
	lw__guard_back_to(before);
	CHECK(lw__guard_up() == before && lw__guard_state() == FAKE);
	lw__guard_leave();
	CHECK(lw__guard_up() == 0 && lw__guard_fast() == FAKE);

	/* the state made or ended with the guard up keeps the count */
	lw__guard_enter();
	lw__guard_set_state(NULL);
	CHECK(lw__guard_up() == 1 && lw__guard_state() == NULL);
	lw__guard_set_state(FAKE);
	CHECK(lw__guard_up() == 1 && lw__guard_state() == FAKE && lw__guard_fast() == NULL);
	lw__guard_leave();
	CHECK(lw__guard_fast() == FAKE);

	lw__guard_set_state(NULL);
	CHECK(lw__guard_fast() == NULL && lw__guard_state() == NULL && lw__guard_up() == 0);
}

int main(void)
{
	no_state();
	with_state();
	return unit_end();
}
