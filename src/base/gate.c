/* gate.c - the fork gate (see gate.h): a count of those inside, a count
 * of forks closing it, one mutex and one condition for both sides. */
#include "gate.h"
#include "common.h"
#include "mutex.h"


static struct lw__mutex mu = LW__MUTEX_INIT;
static struct lw__cond cv = LW__COND_INIT;
static unsigned inside;  /* threads inside, tickets included */
static unsigned closers; /* forks going on */
static LW__TLS unsigned mine; /* this thread's own entries */

void lw__gate_enter(void)
{
	lw__mutex_lock(&mu);
	if (closers && !mine) {
		struct timespec until = lw__after_ms(LW__GATE_WAIT_MS);
		while (closers && !lw__passed(&until))
			lw__cond_wait(&cv, &mu, &until);
	}
	inside++;
	mine++;
	lw__mutex_unlock(&mu);
}

int lw__gate_enter_now(void)
{
	lw__mutex_lock(&mu);
	int in = !closers || mine;
	if (in) {
		inside++;
		mine++;
	}
	lw__mutex_unlock(&mu);
	return in;
}

/* one fewer inside; mu held */
static void out(void)
{
	if (inside)
		inside--;
	if (closers)
		lw__cond_broadcast(&cv);
}

void lw__gate_leave(void)
{
	lw__mutex_lock(&mu);
	if (mine)
		mine--;
	out();
	lw__mutex_unlock(&mu);
}

void lw__gate_ticket(void)
{
	lw__mutex_lock(&mu);
	inside++;
	lw__mutex_unlock(&mu);
}

void lw__gate_started(void)
{
	lw__mutex_lock(&mu);
	out();
	lw__mutex_unlock(&mu);
}

int lw__gate_close(void)
{
	lw__mutex_lock(&mu);
	closers++;
	struct timespec until = lw__after_ms(LW__GATE_WAIT_MS);
	while (inside > mine && !lw__passed(&until))
		lw__cond_wait(&cv, &mu, &until);
	int rc = inside > mine ? -1 : 0;
	lw__mutex_unlock(&mu);
	return rc;
}

void lw__gate_open(void)
{
	lw__mutex_lock(&mu);
	if (closers)
		closers--;
	lw__cond_broadcast(&cv);
	lw__mutex_unlock(&mu);
}

void lw__gate_atfork_child(void)
{
	lw__mutex_postfork_child(&mu);
	inside = mine;
	closers = 0;
	lw__cond_postfork_child(&cv);
}
