/* bad_unlock_other_thread.c - a lock released by a thread other than its
 * holder. The "owner" thread takes session_lock (a normal mutex, which
 * glibc lets anyone unlock) and waits; main's close_session() unlocks it.
 * Expected: one bad_unlock ERROR naming session_lock whose headline names
 * the holder (its tid and the thread name "owner"), close_session in the
 * stacks. After that session_lock is free: the owner thread, told to go
 * on, exits without unlocking it (it no longer holds it) and another
 * thread can take it. Nothing else is reported. */
#include "lwtest.h"

#include <sys/syscall.h>

pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t sync_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sync_cv = PTHREAD_COND_INITIALIZER;
static int stage, owner_tid, rc_unlock = -1;

__attribute__((noinline)) static void open_session(void)
{
	pthread_mutex_lock(&session_lock);
}

static void *owner(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "owner");
	owner_tid = (int)syscall(SYS_gettid);
	open_session();
	pthread_mutex_lock(&sync_lock);
	stage = 1;
	pthread_cond_broadcast(&sync_cv);
	while (stage < 2)
		pthread_cond_wait(&sync_cv, &sync_lock);
	pthread_mutex_unlock(&sync_lock);
	return NULL; /* session_lock was released by main */
}

__attribute__((noinline)) static void close_session(void)
{
	rc_unlock = pthread_mutex_unlock(&session_lock);
}

static void *taker(void *arg)
{
	(void)arg;
	CHECK(pthread_mutex_trylock(&session_lock) == 0, "session_lock is free");
	pthread_mutex_unlock(&session_lock);
	return NULL;
}

int main(void)
{
	pthread_t t;
	char tid[32];
	lwt_start();
	CHECK(pthread_create(&t, NULL, owner, NULL) == 0, "create");
	pthread_mutex_lock(&sync_lock);
	while (stage < 1)
		pthread_cond_wait(&sync_cv, &sync_lock);
	pthread_mutex_unlock(&sync_lock);

	close_session();
	CHECK(rc_unlock == 0, "glibc lets a normal mutex be unlocked by anyone: %d", rc_unlock);
	CHECK(lwt_count(-1, -1) == 1, "one report, got %d", lwt_count(-1, -1));
	struct lwt_report *r = lwt_find(LW_BAD_UNLOCK, LW_ERROR);
	CHECK(r != NULL, "a bad_unlock error");
	CHECK(r->n_locks == 1 && lwt_has_lock(r, "session_lock"), "names session_lock");
	snprintf(tid, sizeof(tid), "%d", owner_tid);
	CHECK(strstr(r->headline, "session_lock") && strstr(r->headline, tid) &&
	      strstr(r->headline, "(owner)"), "headline names the holder %s: %s", tid,
	      r->headline);
	CHECK(lwt_has_func(r, "close_session"), "close_session in the stacks");
	CHECK(lw_error_count() == 1, "one error");

	pthread_mutex_lock(&sync_lock);
	stage = 2;
	pthread_cond_broadcast(&sync_cv);
	pthread_mutex_unlock(&sync_lock);
	CHECK(pthread_join(t, NULL) == 0, "join");
	lwt_run(taker, NULL);
	CHECK(lwt_count(-1, -1) == 1, "nothing more (the owner no longer holds it), got %d",
	      lwt_count(-1, -1));
	printf("%s", r->text);
	return 0;
}
