/* rw_readread.c - a cycle through an rwlock that is only ever read-locked.
 * lookup() read-locks config_rw then takes stats_lock; record() takes
 * stats_lock then read-locks config_rw. config_rw is held for reading on
 * one edge and awaited for reading on the other, and readers do not block
 * readers (glibc's default rwlock prefers readers), so this cannot
 * deadlock. Expected: one lock_order_cycle WARNING over config_rw and
 * stats_lock, the note saying it is only read, read flags in the JSON,
 * lookup and record in the stacks, and no error counted. */
#include "lwtest.h"

pthread_rwlock_t config_rw = PTHREAD_RWLOCK_INITIALIZER;
pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static int hits;

__attribute__((noinline)) static void lookup(void)
{
	CHECK(pthread_rwlock_rdlock(&config_rw) == 0, "rdlock");
	pthread_mutex_lock(&stats_lock);
	hits++;
	pthread_mutex_unlock(&stats_lock);
	CHECK(pthread_rwlock_unlock(&config_rw) == 0, "unlock");
}

__attribute__((noinline)) static void record(void)
{
	pthread_mutex_lock(&stats_lock);
	CHECK(pthread_rwlock_rdlock(&config_rw) == 0, "rdlock");
	hits++;
	CHECK(pthread_rwlock_unlock(&config_rw) == 0, "unlock");
	pthread_mutex_unlock(&stats_lock);
}

static void *reader(void *arg) { (void)arg; for (int i = 0; i < 20; i++) lookup(); return NULL; }
static void *recorder(void *arg) { (void)arg; for (int i = 0; i < 20; i++) record(); return NULL; }

int main(void)
{
	lwt_start();
	lwt_run(reader, NULL);
	lwt_run(recorder, NULL);
	lwt_run(reader, NULL);
	lwt_run(recorder, NULL);

	CHECK(lwt_count(-1, -1) == 1, "one report, got %d", lwt_count(-1, -1));
	struct lwt_report *r = lwt_find(LW_LOCK_ORDER_CYCLE, LW_WARNING);
	CHECK(r != NULL, "the read-only cycle is a warning");
	CHECK(r->n_locks == 2 && r->n_edges == 2, "two locks, two edges: %d %d", r->n_locks,
	      r->n_edges);
	CHECK(lwt_has_lock(r, "config_rw") && lwt_has_lock(r, "stats_lock"),
	      "names config_rw and stats_lock");
	CHECK(strstr(r->note, "read") != NULL, "the note says why: %s", r->note);
	CHECK(strstr(r->json, "\"from_read\":true") && strstr(r->json, "\"to_read\":true"),
	      "read flags in the json");
	CHECK(strstr(r->json, "\"kind\":\"rwlock\""), "config_rw is an rwlock in the json");
	CHECK(lwt_has_func(r, "lookup") && lwt_has_func(r, "record"),
	      "lookup and record in the stacks");
	CHECK(lw_error_count() == 0, "no error, got %lu", lw_error_count());
	CHECK(lw_report_count(LW_LOCK_ORDER_CYCLE) == 1, "cycle counter is 1");
	printf("%s", r->text);
	return 0;
}
