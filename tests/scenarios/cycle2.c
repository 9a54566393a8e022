/* cycle2.c - the classic inversion: transfer() takes accounts_lock then
 * ledger_lock, audit() takes them the other way round, on two threads that
 * never actually deadlock (they run one after the other). Expected: one
 * lock_order_cycle error naming both locks by their global symbols, with
 * transfer and audit in the stacks; repeating the inversion does not make
 * a second report. */
#include "lwtest.h"

pthread_mutex_t accounts_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t ledger_lock = PTHREAD_MUTEX_INITIALIZER;
static int balance;

__attribute__((noinline)) static void transfer(void)
{
	pthread_mutex_lock(&accounts_lock);
	pthread_mutex_lock(&ledger_lock);
	balance++;
	pthread_mutex_unlock(&ledger_lock);
	pthread_mutex_unlock(&accounts_lock);
}

__attribute__((noinline)) static void audit(void)
{
	pthread_mutex_lock(&ledger_lock);
	pthread_mutex_lock(&accounts_lock);
	balance--;
	pthread_mutex_unlock(&accounts_lock);
	pthread_mutex_unlock(&ledger_lock);
}

static void *teller(void *arg) { (void)arg; for (int i = 0; i < 100; i++) transfer(); return NULL; }
static void *auditor(void *arg) { (void)arg; for (int i = 0; i < 100; i++) audit(); return NULL; }

int main(void)
{
	lwt_start();
	lwt_run(teller, NULL);
	lwt_run(auditor, NULL);
	lwt_run(teller, NULL);
	lwt_run(auditor, NULL);

	CHECK(lwt_count(LW_LOCK_ORDER_CYCLE, -1) == 1, "one cycle report, got %d",
	      lwt_count(LW_LOCK_ORDER_CYCLE, -1));
	CHECK(lwt_count(-1, -1) == 1, "no other report");
	struct lwt_report *r = lwt_find(LW_LOCK_ORDER_CYCLE, LW_ERROR);
	CHECK(r != NULL, "the cycle is an error");
	CHECK(r->n_locks == 2, "two locks, got %d", r->n_locks);
	CHECK(lwt_has_lock(r, "accounts_lock"), "names accounts_lock");
	CHECK(lwt_has_lock(r, "ledger_lock"), "names ledger_lock");
	CHECK(r->n_edges == 2, "two edges, got %d", r->n_edges);
	CHECK(lwt_has_func(r, "transfer"), "transfer in the stacks");
	CHECK(lwt_has_func(r, "audit"), "audit in the stacks");
	CHECK(strstr(r->headline, "accounts_lock") && strstr(r->headline, "ledger_lock"),
	      "headline names both: %s", r->headline);
	CHECK(strstr(r->json, "\"kind\":\"lock_order_cycle\"") &&
	      strstr(r->json, "\"severity\":\"error\""), "json kind and severity");
	CHECK(lw_error_count() == 1, "error counter is 1");
	CHECK(lw_report_count(LW_LOCK_ORDER_CYCLE) == 1, "cycle counter is 1");
	printf("%s", r->text);
	return 0;
}
