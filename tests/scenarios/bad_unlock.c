/* bad_unlock.c - unlocking a lock the thread does not hold. release_twice()
 * takes and drops journal_lock, an error-checking mutex, then drops it
 * again; glibc answers EPERM, which must come back unchanged. Expected: one
 * bad_unlock ERROR naming journal_lock, its headline saying the thread does
 * not hold it, release_twice in the stacks; later correct use is quiet. */
#include "lwtest.h"

#include <errno.h>

pthread_mutex_t journal_lock = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
static int rc_second = -1;

__attribute__((noinline)) static void release_twice(void)
{
	CHECK(pthread_mutex_lock(&journal_lock) == 0, "lock");
	CHECK(pthread_mutex_unlock(&journal_lock) == 0, "first unlock");
	rc_second = pthread_mutex_unlock(&journal_lock);
}

static void *worker(void *arg) { (void)arg; release_twice(); return NULL; }

int main(void)
{
	lwt_start();
	lwt_run(worker, NULL);
	CHECK(rc_second == EPERM, "the second unlock returns EPERM, got %d", rc_second);

	CHECK(lwt_count(-1, -1) == 1, "one report, got %d", lwt_count(-1, -1));
	struct lwt_report *r = lwt_find(LW_BAD_UNLOCK, LW_ERROR);
	CHECK(r != NULL, "a bad_unlock error");
	CHECK(r->n_locks == 1 && lwt_has_lock(r, "journal_lock"), "names journal_lock");
	CHECK(strstr(r->headline, "journal_lock") && strstr(r->headline, "does not hold"),
	      "headline: %s", r->headline);
	CHECK(lwt_has_func(r, "release_twice"), "release_twice in the stacks");
	CHECK(strstr(r->json, "\"kind\":\"bad_unlock\""), "json kind");
	CHECK(lw_error_count() == 1 && lw_report_count(LW_BAD_UNLOCK) == 1, "counters");

	/* correct use afterwards: nothing */
	CHECK(pthread_mutex_lock(&journal_lock) == 0, "lock");
	CHECK(pthread_mutex_unlock(&journal_lock) == 0, "unlock");
	CHECK(lwt_count(-1, -1) == 1, "nothing more, got %d", lwt_count(-1, -1));
	printf("%s", r->text);
	return 0;
}
