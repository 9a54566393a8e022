/* destroy_held.c - destroying a mutex its thread still holds. teardown()
 * takes conn_lock (pthread_mutex_init'ed) and destroys it before unlocking;
 * glibc refuses with EBUSY, which must come back unchanged. Expected: one
 * destroy_held WARNING naming conn_lock, teardown in the stacks, no error
 * counted; the lock is still usable (EBUSY destroyed nothing), so the
 * unlock that follows is no bad unlock, and the proper unlock-then-destroy
 * afterwards is quiet. Then main's close_conn() destroys pipe_lock while
 * the thread "keeper" holds it: EBUSY again, and a second destroy_held
 * warning whose headline names the holder. */
#include "lwtest.h"

#include <errno.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

pthread_mutex_t conn_lock;
pthread_mutex_t pipe_lock = PTHREAD_MUTEX_INITIALIZER;
static int rc_destroy = -1;
static pthread_mutex_t sync_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sync_cv = PTHREAD_COND_INITIALIZER;
static int stage, keeper_tid;

static void *keeper(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "keeper", 0, 0, 0);
	keeper_tid = (int)syscall(SYS_gettid);
	pthread_mutex_lock(&pipe_lock);
	pthread_mutex_lock(&sync_lock);
	stage = 1;
	pthread_cond_broadcast(&sync_cv);
	while (stage < 2)
		pthread_cond_wait(&sync_cv, &sync_lock);
	pthread_mutex_unlock(&sync_lock);
	pthread_mutex_unlock(&pipe_lock);
	return NULL;
}

__attribute__((noinline)) static int close_conn(void)
{
	return pthread_mutex_destroy(&pipe_lock);
}

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

	/* destroyed by another thread than the holder */
	pthread_t t;
	char tid[32];
	CHECK(pthread_create(&t, NULL, keeper, NULL) == 0, "create");
	pthread_mutex_lock(&sync_lock);
	while (stage < 1)
		pthread_cond_wait(&sync_cv, &sync_lock);
	pthread_mutex_unlock(&sync_lock);
	CHECK(close_conn() == EBUSY, "destroying another thread's held mutex returns EBUSY");
	CHECK(lwt_count(-1, -1) == 2, "a second report, got %d", lwt_count(-1, -1));
	struct lwt_report *o = &lwt_reports[1];
	CHECK(o->kind == LW_DESTROY_HELD && o->severity == LW_WARNING, "a destroy_held warning");
	CHECK(o->n_locks == 1 && lwt_has_lock(o, "pipe_lock"), "names pipe_lock");
	snprintf(tid, sizeof(tid), "%d", keeper_tid);
	CHECK(strstr(o->headline, "pipe_lock") && strstr(o->headline, tid) &&
	      strstr(o->headline, "(keeper)"), "headline names the holder %s: %s", tid,
	      o->headline);
	CHECK(lwt_has_func(o, "close_conn"), "close_conn in the stacks");
	pthread_mutex_lock(&sync_lock);
	stage = 2;
	pthread_cond_broadcast(&sync_cv);
	pthread_mutex_unlock(&sync_lock);
	CHECK(pthread_join(t, NULL) == 0, "join");
	CHECK(pthread_mutex_destroy(&pipe_lock) == 0, "destroy once free");
	CHECK(lwt_count(-1, -1) == 2, "nothing more, got %d", lwt_count(-1, -1));
	CHECK(lw_error_count() == 0, "warnings only");
	printf("%s", o->text);
	return 0;
}
