/* self_deadlock_normal.c - a normal (default) mutex locked again by its
 * holder: the thread waits for itself forever. lockwatch must report it
 * BEFORE the thread blocks. The culprit runs on a detached thread; main
 * waits for the report, checks it and exits with the thread still stuck.
 * Expected: one self_deadlock ERROR naming pool_lock, grow_pool and
 * reserve in the stacks, a note saying the thread waits forever. */
#include "lwtest.h"

pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int returned;

__attribute__((noinline)) static void reserve(void)
{
	pthread_mutex_lock(&pool_lock); /* hangs here */
	returned = 1;
}

__attribute__((noinline)) static void grow_pool(void)
{
	pthread_mutex_lock(&pool_lock);
	reserve();
	pthread_mutex_unlock(&pool_lock);
}

static void *worker(void *arg) { (void)arg; grow_pool(); return NULL; }

int main(void)
{
	pthread_t t;
	pthread_attr_t attr;
	lwt_start();
	CHECK(pthread_attr_init(&attr) == 0, "attr");
	CHECK(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0, "detached");
	CHECK(pthread_create(&t, &attr, worker, NULL) == 0, "create");
	pthread_attr_destroy(&attr);

	CHECK(lwt_wait(LW_SELF_DEADLOCK, 1, 10000) == 1, "a self_deadlock report within 10 s");
	usleep(100 * 1000);
	CHECK(!returned, "the relock really blocks");
	CHECK(lwt_count(-1, -1) == 1, "one report, got %d", lwt_count(-1, -1));
	struct lwt_report *r = lwt_find(LW_SELF_DEADLOCK, LW_ERROR);
	CHECK(r != NULL, "a self_deadlock error");
	CHECK(r->n_locks == 1 && lwt_has_lock(r, "pool_lock"), "names pool_lock");
	CHECK(strstr(r->headline, "pool_lock") != NULL, "headline: %s", r->headline);
	CHECK(strstr(r->note, "forever") != NULL, "note: %s", r->note);
	CHECK(lwt_has_func(r, "grow_pool") && lwt_has_func(r, "reserve"),
	      "grow_pool and reserve in the stacks");
	CHECK(lw_error_count() == 1, "one error");
	printf("%s", r->text);
	fflush(stdout);
	exit(0);
}
