/* self_deadlock_errcheck.c - an error-checking mutex locked again by its
 * holder: relock() takes check_lock and, deeper down, refresh() takes it
 * again. glibc detects it and returns EDEADLK instead of hanging; lockwatch
 * reports it before the call and must hand EDEADLK back unchanged. Expected:
 * one self_deadlock warning naming check_lock, relock and refresh in the
 * stacks, a note mentioning EDEADLK; the failed relock leaves check_lock
 * held once, so the single unlock is fine (no bad_unlock) and the lock is
 * free afterwards. */
#include "lwtest.h"

#include <errno.h>

pthread_mutex_t check_lock = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
static int rc_inner = -1;

__attribute__((noinline)) static void refresh(void)
{
	rc_inner = pthread_mutex_lock(&check_lock);
}

__attribute__((noinline)) static void relock(void)
{
	CHECK(pthread_mutex_lock(&check_lock) == 0, "first lock");
	refresh();
	CHECK(pthread_mutex_unlock(&check_lock) == 0, "one unlock");
}

static void *worker(void *arg) { (void)arg; relock(); return NULL; }

int main(void)
{
	lwt_start();
	lwt_run(worker, NULL);
	CHECK(rc_inner == EDEADLK, "the relock returns EDEADLK, got %d", rc_inner);

	CHECK(lwt_count(-1, -1) == 1, "one report, got %d", lwt_count(-1, -1));
	struct lwt_report *r = lwt_find(LW_SELF_DEADLOCK, LW_WARNING);
	CHECK(r != NULL, "a self_deadlock warning (the relock cannot hang)");
	CHECK(r->n_locks == 1 && lwt_has_lock(r, "check_lock"), "names check_lock");
	CHECK(strstr(r->headline, "check_lock") != NULL, "headline: %s", r->headline);
	CHECK(strstr(r->note, "EDEADLK") != NULL, "note mentions EDEADLK: %s", r->note);
	CHECK(lwt_has_func(r, "relock") && lwt_has_func(r, "refresh"),
	      "relock and refresh in the stacks");
	CHECK(strstr(r->json, "\"kind\":\"self_deadlock\""), "json kind");
	CHECK(lw_error_count() == 0 && lw_report_count(LW_SELF_DEADLOCK) == 1, "counters");

	/* the lock is free: this thread can take and drop it */
	CHECK(pthread_mutex_trylock(&check_lock) == 0, "free after the unlock");
	CHECK(pthread_mutex_unlock(&check_lock) == 0, "unlock");
	CHECK(lwt_count(-1, -1) == 1, "nothing more, got %d", lwt_count(-1, -1));
	printf("%s", r->text);
	return 0;
}
