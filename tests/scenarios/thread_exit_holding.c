/* thread_exit_holding.c - a thread that returns while holding a mutex.
 * leaky_worker() calls grab_slot(), which takes slot_lock and forgets to
 * release it, then returns. Expected: one thread_exit_holding WARNING
 * naming slot_lock, with grab_slot (where it was taken) in the stacks, no
 * error counted. A thread that releases everything before returning
 * reports nothing. */
#include "lwtest.h"

pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t tidy_lock = PTHREAD_MUTEX_INITIALIZER;
static int slots;

__attribute__((noinline)) static void grab_slot(void)
{
	pthread_mutex_lock(&slot_lock);
	slots++;
}

static void *tidy_worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&tidy_lock);
	slots++;
	pthread_mutex_unlock(&tidy_lock);
	return NULL;
}

static void *leaky_worker(void *arg)
{
	(void)arg;
	grab_slot();
	return NULL;
}

int main(void)
{
	lwt_start();
	lwt_run(tidy_worker, NULL);
	CHECK(lwt_count(-1, -1) == 0, "a tidy thread reports nothing, got %d", lwt_count(-1, -1));
	lwt_run(leaky_worker, NULL);
	CHECK(lwt_wait(LW_THREAD_EXIT_HOLDING, 1, 5000) == 1, "a thread_exit_holding report");
	CHECK(lwt_count(-1, -1) == 1, "one report, got %d", lwt_count(-1, -1));
	struct lwt_report *r = lwt_find(LW_THREAD_EXIT_HOLDING, LW_WARNING);
	CHECK(r != NULL, "a thread_exit_holding warning");
	CHECK(r->n_locks == 1 && lwt_has_lock(r, "slot_lock"), "names slot_lock");
	CHECK(strstr(r->headline, "slot_lock") != NULL, "headline: %s", r->headline);
	CHECK(lwt_has_func(r, "grab_slot"), "grab_slot in the stacks");
	CHECK(strstr(r->json, "\"kind\":\"thread_exit_holding\""), "json kind");
	CHECK(lw_error_count() == 0, "a warning is not an error");
	CHECK(lw_report_count(LW_THREAD_EXIT_HOLDING) == 1, "counter");
	printf("%s", r->text);
	return 0;
}
