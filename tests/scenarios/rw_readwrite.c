/* rw_readwrite.c - cycles through rwlocks with a write acquisition, which
 * can deadlock (a writer waits for the readers, the readers for the other
 * lock). Pair 1: publish() WRITE-locks table_rw then takes index_lock;
 * scan() takes index_lock then READ-locks table_rw. Pair 2: peek()
 * READ-locks route_rw then takes route_lock; reroute() takes route_lock
 * then WRITE-locks route_rw. Expected: two lock_order_cycle ERRORs, one per
 * pair, each over its own two locks, with the functions in the stacks;
 * nothing else. */
#include "lwtest.h"

pthread_rwlock_t table_rw = PTHREAD_RWLOCK_INITIALIZER;
pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_rwlock_t route_rw = PTHREAD_RWLOCK_INITIALIZER;
pthread_mutex_t route_lock = PTHREAD_MUTEX_INITIALIZER;
static int rows;

__attribute__((noinline)) static void publish(void)
{
	CHECK(pthread_rwlock_wrlock(&table_rw) == 0, "wrlock");
	pthread_mutex_lock(&index_lock);
	rows++;
	pthread_mutex_unlock(&index_lock);
	CHECK(pthread_rwlock_unlock(&table_rw) == 0, "unlock");
}

__attribute__((noinline)) static void scan(void)
{
	pthread_mutex_lock(&index_lock);
	CHECK(pthread_rwlock_rdlock(&table_rw) == 0, "rdlock");
	rows += 0;
	CHECK(pthread_rwlock_unlock(&table_rw) == 0, "unlock");
	pthread_mutex_unlock(&index_lock);
}

__attribute__((noinline)) static void peek(void)
{
	CHECK(pthread_rwlock_rdlock(&route_rw) == 0, "rdlock");
	pthread_mutex_lock(&route_lock);
	rows += 0;
	pthread_mutex_unlock(&route_lock);
	CHECK(pthread_rwlock_unlock(&route_rw) == 0, "unlock");
}

__attribute__((noinline)) static void reroute(void)
{
	pthread_mutex_lock(&route_lock);
	CHECK(pthread_rwlock_wrlock(&route_rw) == 0, "wrlock");
	rows++;
	CHECK(pthread_rwlock_unlock(&route_rw) == 0, "unlock");
	pthread_mutex_unlock(&route_lock);
}

static void *publisher(void *arg) { (void)arg; for (int i = 0; i < 20; i++) publish(); return NULL; }
static void *scanner(void *arg) { (void)arg; for (int i = 0; i < 20; i++) scan(); return NULL; }
static void *peeker(void *arg) { (void)arg; for (int i = 0; i < 20; i++) peek(); return NULL; }
static void *rerouter(void *arg) { (void)arg; for (int i = 0; i < 20; i++) reroute(); return NULL; }

int main(void)
{
	lwt_start();
	lwt_run(publisher, NULL);
	lwt_run(scanner, NULL);
	CHECK(lwt_count(-1, -1) == 1, "pair 1: one report, got %d", lwt_count(-1, -1));
	struct lwt_report *a = &lwt_reports[0];
	CHECK(a->kind == LW_LOCK_ORDER_CYCLE && a->severity == LW_ERROR,
	      "write-locked then read-awaited: an error cycle");
	CHECK(a->n_locks == 2 && lwt_has_lock(a, "table_rw") && lwt_has_lock(a, "index_lock"),
	      "table_rw and index_lock, %d locks", a->n_locks);
	CHECK(lwt_has_func(a, "publish") && lwt_has_func(a, "scan"), "publish and scan in the stacks");

	lwt_run(peeker, NULL);
	lwt_run(rerouter, NULL);
	CHECK(lwt_count(-1, -1) == 2, "pair 2: one more report, got %d", lwt_count(-1, -1));
	struct lwt_report *b = &lwt_reports[1];
	CHECK(b->kind == LW_LOCK_ORDER_CYCLE && b->severity == LW_ERROR,
	      "read-locked then write-awaited: an error cycle");
	CHECK(b->n_locks == 2 && lwt_has_lock(b, "route_rw") && lwt_has_lock(b, "route_lock"),
	      "route_rw and route_lock, %d locks", b->n_locks);
	CHECK(lwt_has_func(b, "peek") && lwt_has_func(b, "reroute"), "peek and reroute in the stacks");

	lwt_run(publisher, NULL);
	lwt_run(scanner, NULL);
	lwt_run(peeker, NULL);
	lwt_run(rerouter, NULL);
	CHECK(lwt_count(-1, -1) == 2, "nothing more, got %d", lwt_count(-1, -1));
	CHECK(lw_error_count() == 2, "two errors, got %lu", lw_error_count());
	printf("%s%s", a->text, b->text);
	return 0;
}
