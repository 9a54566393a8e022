/* health.c - lw_health(): a health check for services, non-zero while a
 * lock is held or awaited past its threshold or threads are deadlocked. */
#include "health.h"
#include "mutex.h"

static struct lw__mutex health_mu = LW__MUTEX_INIT;
static lw_health_t health;

void lw__health_stalls(unsigned long long_holds, unsigned long long_waits, uint64_t max_hold,
		       uint64_t max_wait)
{
	lw__mutex_lock(&health_mu);
	health.long_holds = long_holds;
	health.long_waits = long_waits;
	health.longest_hold_ms = max_hold;
	health.longest_wait_ms = max_wait;
	lw__mutex_unlock(&health_mu);
}

void lw__health_deadlocked(size_t n_threads)
{
	lw__mutex_lock(&health_mu);
	health.deadlocked = n_threads;
	lw__mutex_unlock(&health_mu);
}

void lw__health_deadlock_found(void)
{
	lw__mutex_lock(&health_mu);
	health.deadlocks_found++;
	lw__mutex_unlock(&health_mu);
}

void lw__health_cycles(unsigned long n)
{
	lw__mutex_lock(&health_mu);
	health.cycles_found = n;
	lw__mutex_unlock(&health_mu);
}

void lw__health_atfork_child(void)
{
	lw__mutex_postfork_child(&health_mu);
}

int lw_health(lw_health_t *h)
{
	lw_health_t copy;
	lw__mutex_lock(&health_mu);
	copy = health;
	lw__mutex_unlock(&health_mu);
	/* the count itself: a process with one thread has no watchdog */
	copy.cycles_found = lw_report_count(LW_LOCK_ORDER_CYCLE);
	if (h)
		*h = copy;
	return copy.long_holds || copy.long_waits || copy.deadlocked;
}
