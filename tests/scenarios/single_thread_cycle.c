/* single_thread_cycle.c - a lock-order cycle seen in ONE thread: it first
 * runs credit() (wallet_lock then bank_lock) and later debit() (bank_lock
 * then wallet_lock). One thread alone never deadlocks this way, but any
 * two threads running these paths can, so it is an error like any other.
 * Expected: one lock_order_cycle error over wallet_lock and bank_lock, two
 * edges both taken by the same thread, credit and debit in the stacks. */
#include "lwtest.h"

pthread_mutex_t wallet_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t bank_lock = PTHREAD_MUTEX_INITIALIZER;
static int money;

__attribute__((noinline)) static void credit(void)
{
	pthread_mutex_lock(&wallet_lock);
	pthread_mutex_lock(&bank_lock);
	money++;
	pthread_mutex_unlock(&bank_lock);
	pthread_mutex_unlock(&wallet_lock);
}

__attribute__((noinline)) static void debit(void)
{
	pthread_mutex_lock(&bank_lock);
	pthread_mutex_lock(&wallet_lock);
	money--;
	pthread_mutex_unlock(&wallet_lock);
	pthread_mutex_unlock(&bank_lock);
}

int main(void)
{
	lwt_start();
	for (int i = 0; i < 10; i++)
		credit();
	CHECK(lwt_count(-1, -1) == 0, "no report yet, got %d", lwt_count(-1, -1));
	for (int i = 0; i < 10; i++) {
		debit();
		credit();
	}
	CHECK(lwt_count(-1, -1) == 1, "one report, got %d", lwt_count(-1, -1));
	struct lwt_report *r = lwt_find(LW_LOCK_ORDER_CYCLE, LW_ERROR);
	CHECK(r != NULL, "a single-thread cycle is an error");
	CHECK(r->n_locks == 2 && r->n_edges == 2, "two locks, two edges: %d %d", r->n_locks,
	      r->n_edges);
	CHECK(lwt_has_lock(r, "wallet_lock") && lwt_has_lock(r, "bank_lock"),
	      "names wallet_lock and bank_lock");
	CHECK(strcmp(r->headline, "lock-order cycle: bank_lock -> wallet_lock -> bank_lock") == 0 ||
	      strcmp(r->headline, "lock-order cycle: wallet_lock -> bank_lock -> wallet_lock") == 0,
	      "headline: %s", r->headline);
	CHECK(lwt_has_func(r, "credit") && lwt_has_func(r, "debit"), "credit and debit in the stacks");
	/* both edges by this thread */
	const char *p = r->json;
	int tids = 0;
	char mine[48];
	snprintf(mine, sizeof(mine), "\"thread\":{\"tid\":%d,", (int)getpid());
	while ((p = strstr(p, mine)) != NULL) {
		tids++;
		p++;
	}
	CHECK(tids == 2, "both edges by the main thread (tid %d), found %d", (int)getpid(), tids);
	CHECK(lw_error_count() == 1, "one error");
	printf("%s", r->text);
	return 0;
}
