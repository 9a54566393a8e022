/* destroy_held.c - destroying a mutex its thread still holds. teardown()
 * takes conn_lock (pthread_mutex_init'ed) and destroys it before unlocking;
 * glibc refuses with EBUSY, which must come back unchanged. Expected: one
 * destroy_held WARNING naming conn_lock, teardown in the stacks, no error
 * counted; the lock is still usable (EBUSY destroyed nothing), so the
 * unlock that follows is no bad unlock, and the proper unlock-then-destroy
 * afterwards is quiet. */
#include "lwtest.h"

#include <errno.h>

pthread_mutex_t conn_lock;
static int rc_destroy = -1;

__attribute__((noinline)) static void teardown(void)
{
	CHECK(pthread_mutex_lock(&conn_lock) == 0, "lock");
	rc_destroy = pthread_mutex_destroy(&conn_lock);
	CHECK(pthread_mutex_unlock(&conn_lock) == 0, "unlock");
}

static void *worker(void *arg) { (void)arg; teardown(); return NULL; }

int main(void)
{
	lwt_start();
	CHECK(pthread_mutex_init(&conn_lock, NULL) == 0, "init");
	lwt_run(worker, NULL);
	CHECK(rc_destroy == EBUSY, "destroying a held mutex returns EBUSY, got %d", rc_destroy);

	CHECK(lwt_count(-1, -1) == 1, "one report, got %d", lwt_count(-1, -1));
	struct lwt_report *r = lwt_find(LW_DESTROY_HELD, LW_WARNING);
	CHECK(r != NULL, "a destroy_held warning");
	CHECK(r->n_locks == 1 && lwt_has_lock(r, "conn_lock"), "names conn_lock");
	CHECK(strstr(r->headline, "conn_lock") != NULL, "headline: %s", r->headline);
	CHECK(lwt_has_func(r, "teardown"), "teardown in the stacks");
	CHECK(strstr(r->json, "\"kind\":\"destroy_held\""), "json kind");
	CHECK(lw_error_count() == 0, "a warning is not an error");
	CHECK(lw_report_count(LW_DESTROY_HELD) == 1, "counter");

	CHECK(pthread_mutex_lock(&conn_lock) == 0, "lock");
	CHECK(pthread_mutex_unlock(&conn_lock) == 0, "unlock");
	CHECK(pthread_mutex_destroy(&conn_lock) == 0, "destroy");
	CHECK(lwt_count(-1, -1) == 1, "nothing more, got %d", lwt_count(-1, -1));
	printf("%s", r->text);
	return 0;
}
