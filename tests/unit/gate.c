/* gate.c - unit test of the fork gate (src/base/gate.h): a close waits
 * until those inside have left, and says so (0); a thread entering while
 * the gate is closed waits until it opens; a thread inside may close it
 * itself (a report handler that forks) and re-enter; a ticket counts as
 * inside until its thread has started; a close on someone who never
 * leaves gives up after the bound (-1), and an enter while a close never
 * opens goes on after the bound too. Orders are checked with flags set
 * just before each step, never with timings. */
#include "unit.h"

#include "gate.h"

#include <pthread.h>
#include <unistd.h>

static int left, entered, started;
static pthread_barrier_t in;

static void *stay_then_leave(void *arg)
{
	(void)arg;
	lw__gate_enter();
	pthread_barrier_wait(&in);
	usleep(50000); /* the close below waits meanwhile */
	__atomic_store_n(&left, 1, __ATOMIC_SEQ_CST);
	lw__gate_leave();
	return NULL;
}

static void close_waits_for_inside(void)
{
	pthread_t t;
	pthread_barrier_init(&in, NULL, 2);
	pthread_create(&t, NULL, stay_then_leave, NULL);
	pthread_barrier_wait(&in);
	CHECK(lw__gate_close() == 0);
	CHECKF(__atomic_load_n(&left, __ATOMIC_SEQ_CST) == 1, "the close returned while a thread was inside");
	lw__gate_open();
	pthread_join(t, NULL);
	pthread_barrier_destroy(&in);
}

static void *enter_once(void *arg)
{
	(void)arg;
	lw__gate_enter();
	__atomic_store_n(&entered, 1, __ATOMIC_SEQ_CST);
	lw__gate_leave();
	return NULL;
}

static void enter_waits_for_open(void)
{
	pthread_t t;
	CHECK(lw__gate_close() == 0);
	pthread_create(&t, NULL, enter_once, NULL);
	usleep(50000); /* time to enter, were the gate open */
	CHECKF(__atomic_load_n(&entered, __ATOMIC_SEQ_CST) == 0, "entered a closed gate");
	lw__gate_open();
	pthread_join(t, NULL);
	CHECK(__atomic_load_n(&entered, __ATOMIC_SEQ_CST) == 1);
}

static void *enter_now_once(void *arg)
{
	*(int *)arg = lw__gate_enter_now();
	if (*(int *)arg)
		lw__gate_leave();
	return NULL;
}

/* lw__gate_enter_now: in at once while open; refused at once (no wait)
 * while a fork closes the gate, unless the thread is inside already */
static void enter_now_never_waits(void)
{
	int got = -1;
	pthread_t t;
	CHECK(lw__gate_enter_now() == 1);
	lw__gate_leave();
	CHECK(lw__gate_close() == 0);
	pthread_create(&t, NULL, enter_now_once, &got);
	pthread_join(t, NULL); /* returns though the gate stays closed */
	CHECKF(got == 0, "entered a closed gate (%d)", got);
	lw__gate_open();
	lw__gate_enter();
	CHECK(lw__gate_close() == 0);
	CHECK(lw__gate_enter_now() == 1); /* its own entries pass */
	lw__gate_leave();
	lw__gate_open();
	lw__gate_leave();
	CHECK(lw__gate_close() == 0); /* nobody left inside */
	lw__gate_open();
}

static void inside_may_close(void)
{
	lw__gate_enter();
	CHECK(lw__gate_close() == 0); /* only this thread is inside */
	lw__gate_enter();             /* its own entries pass a closed gate */
	lw__gate_leave();
	lw__gate_open();
	lw__gate_leave();
	CHECK(lw__gate_close() == 0); /* nobody left inside */
	lw__gate_open();
}

static void *first_step(void *arg)
{
	(void)arg;
	usleep(50000);
	__atomic_store_n(&started, 1, __ATOMIC_SEQ_CST);
	lw__gate_started();
	return NULL;
}

static void ticket_counts_until_started(void)
{
	pthread_t t;
	lw__gate_ticket();
	pthread_create(&t, NULL, first_step, NULL);
	CHECK(lw__gate_close() == 0);
	CHECKF(__atomic_load_n(&started, __ATOMIC_SEQ_CST) == 1, "the close returned before the thread started");
	lw__gate_open();
	pthread_join(t, NULL);
}

static void *stay_long(void *arg)
{
	(void)arg;
	lw__gate_enter();
	pthread_barrier_wait(&in);
	pthread_barrier_wait(&in); /* until main has given up */
	lw__gate_leave();
	return NULL;
}

static void bounded_waits(void)
{
	pthread_t t;
	pthread_barrier_init(&in, NULL, 2);
	pthread_create(&t, NULL, stay_long, NULL);
	pthread_barrier_wait(&in);
	CHECK(lw__gate_close() == -1); /* after LW__GATE_WAIT_MS */
	pthread_barrier_wait(&in);
	pthread_join(t, NULL);
	/* still closed: an enter waits out the bound, then goes on */
	entered = 0;
	pthread_create(&t, NULL, enter_once, NULL);
	pthread_join(t, NULL);
	CHECK(entered == 1);
	lw__gate_open();
	CHECK(lw__gate_close() == 0);
	lw__gate_open();
	pthread_barrier_destroy(&in);
}

int main(void)
{
	close_waits_for_inside();
	enter_waits_for_open();
	inside_may_close();
	enter_now_never_waits();
	ticket_counts_until_started();
	bounded_waits();
	return unit_end();
}
