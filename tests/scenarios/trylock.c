/* trylock.c - try-acquires make no lock-order edge. forward() takes
 * map_lock then list_lock (blocking: edge map_lock -> list_lock);
 * backward() holds list_lock and only TRIES map_lock, backing off when it
 * is busy, which cannot deadlock. A trylock that fails with EBUSY (the
 * lock is held by another thread) returns EBUSY unchanged and leaves no
 * trace. A lock taken by trylock is held like any other: a blocking
 * acquire under it does make an edge (spill(): map_lock tried, then
 * spill_lock blocking), and so the inversion unspill() (spill_lock then
 * map_lock, blocking) is an error cycle. Expected: exactly that one
 * lock_order_cycle error, over map_lock and spill_lock only. */
#include "lwtest.h"

#include <errno.h>

pthread_mutex_t map_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t spill_lock = PTHREAD_MUTEX_INITIALIZER;
static int entries;
static pthread_cond_t held_cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t sync_lock = PTHREAD_MUTEX_INITIALIZER;
static int holding, done;

__attribute__((noinline)) static void forward(void)
{
	pthread_mutex_lock(&map_lock);
	pthread_mutex_lock(&list_lock);
	entries++;
	pthread_mutex_unlock(&list_lock);
	pthread_mutex_unlock(&map_lock);
}

__attribute__((noinline)) static int backward(void)
{
	int rc;
	pthread_mutex_lock(&list_lock);
	rc = pthread_mutex_trylock(&map_lock);
	if (rc == 0) {
		entries--;
		pthread_mutex_unlock(&map_lock);
	}
	pthread_mutex_unlock(&list_lock);
	return rc;
}

__attribute__((noinline)) static void spill(void)
{
	CHECK(pthread_mutex_trylock(&map_lock) == 0, "trylock of a free lock");
	pthread_mutex_lock(&spill_lock);
	entries++;
	pthread_mutex_unlock(&spill_lock);
	pthread_mutex_unlock(&map_lock);
}

__attribute__((noinline)) static void unspill(void)
{
	pthread_mutex_lock(&spill_lock);
	pthread_mutex_lock(&map_lock);
	entries--;
	pthread_mutex_unlock(&map_lock);
	pthread_mutex_unlock(&spill_lock);
}

static void *forwarder(void *arg) { (void)arg; for (int i = 0; i < 20; i++) forward(); return NULL; }

static void *backer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20; i++)
		CHECK(backward() == 0, "map_lock is free: trylock succeeds");
	return NULL;
}

/* Holds map_lock until told to let go. */
static void *squatter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&map_lock);
	pthread_mutex_lock(&sync_lock);
	holding = 1;
	pthread_cond_signal(&held_cv);
	while (!done)
		pthread_cond_wait(&done_cv, &sync_lock);
	pthread_mutex_unlock(&sync_lock);
	pthread_mutex_unlock(&map_lock);
	return NULL;
}

static void *spiller(void *arg) { (void)arg; spill(); return NULL; }
static void *unspiller(void *arg) { (void)arg; unspill(); return NULL; }

int main(void)
{
	pthread_t sq;
	lwt_start();
	lwt_run(forwarder, NULL);
	lwt_run(backer, NULL);
	lwt_run(forwarder, NULL);
	CHECK(lwt_count(-1, -1) == 0, "trylock inversion: no report, got %d", lwt_count(-1, -1));

	/* a busy trylock returns EBUSY and is not taken */
	CHECK(pthread_create(&sq, NULL, squatter, NULL) == 0, "create");
	pthread_mutex_lock(&sync_lock);
	while (!holding)
		pthread_cond_wait(&held_cv, &sync_lock);
	pthread_mutex_unlock(&sync_lock);
	CHECK(backward() == EBUSY, "trylock of a held lock returns EBUSY");
	pthread_mutex_lock(&sync_lock);
	done = 1;
	pthread_cond_signal(&done_cv);
	pthread_mutex_unlock(&sync_lock);
	CHECK(pthread_join(sq, NULL) == 0, "join");
	CHECK(lwt_count(-1, -1) == 0, "busy trylock: no report, got %d", lwt_count(-1, -1));

	/* a lock taken by trylock is the source of edges */
	lwt_run(spiller, NULL);
	CHECK(lwt_count(-1, -1) == 0, "no report yet, got %d", lwt_count(-1, -1));
	lwt_run(unspiller, NULL);
	CHECK(lwt_count(-1, -1) == 1, "one report, got %d", lwt_count(-1, -1));
	struct lwt_report *r = lwt_find(LW_LOCK_ORDER_CYCLE, LW_ERROR);
	CHECK(r != NULL, "an error cycle");
	CHECK(r->n_locks == 2 && lwt_has_lock(r, "map_lock") && lwt_has_lock(r, "spill_lock"),
	      "map_lock and spill_lock only, %d locks", r->n_locks);
	CHECK(lwt_has_func(r, "spill") && lwt_has_func(r, "unspill"),
	      "spill and unspill in the stacks");
	CHECK(lw_error_count() == 1, "one error");
	printf("%s", r->text);
	return 0;
}
