/* wd_slow_reader.c - the field-notes story of a read lock held across slow
 * I/O: broadcast() read-locks members_lock and calls slow_send(), which
 * takes 2 s; join_room() wants the write lock meanwhile. With thresholds
 * of 300 ms, expected: a long_hold of members_lock whose holder's "doing
 * now" stack shows slow_send, a long_wait of the writer with join_room in
 * its stack and the holder listed, and no lock-order cycle. */
#include "lwtest.h"

pthread_rwlock_t members_lock = PTHREAD_RWLOCK_INITIALIZER;

__attribute__((noinline)) static void slow_send(void)
{
	struct timespec ts = { 2, 0 };
	while (nanosleep(&ts, &ts) != 0)
		;
}

__attribute__((noinline)) static void broadcast(void)
{
	pthread_rwlock_rdlock(&members_lock);
	slow_send();
	pthread_rwlock_unlock(&members_lock);
}

__attribute__((noinline)) static void join_room(void)
{
	pthread_rwlock_wrlock(&members_lock);
	pthread_rwlock_unlock(&members_lock);
}

static void *broadcaster(void *arg) { (void)arg; broadcast(); return NULL; }
static void *joiner(void *arg) { (void)arg; usleep(100000); join_room(); return NULL; }

int main(void)
{
	lwt_start();
	CHECK(lw_set_options("hold_ms=300:wait_ms=300") == 0, "options");
	pthread_t a, b;
	pthread_create(&a, NULL, broadcaster, NULL);
	pthread_create(&b, NULL, joiner, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);

	CHECK(lwt_count(LW_LONG_HOLD, -1) == 1, "one long_hold, got %d", lwt_count(LW_LONG_HOLD, -1));
	struct lwt_report *h = lwt_find(LW_LONG_HOLD, LW_WARNING);
	CHECK(h && lwt_has_lock(h, "members_lock"), "long_hold names members_lock");
	CHECK(lwt_has_func(h, "slow_send"), "holder's current stack shows slow_send");
	CHECK(lwt_has_func(h, "broadcast"), "and broadcast");
	CHECK(lwt_count(LW_LONG_WAIT, -1) == 1, "one long_wait, got %d", lwt_count(LW_LONG_WAIT, -1));
	struct lwt_report *w = lwt_find(LW_LONG_WAIT, LW_WARNING);
	CHECK(w && lwt_has_lock(w, "members_lock"), "long_wait names members_lock");
	CHECK(lwt_has_func(w, "join_room"), "waiter's stack shows join_room");
	CHECK(lwt_has_func(w, "slow_send"), "the holder's current stack is in the wait report");
	CHECK(w->n_threads == 2, "waiter and holder, got %d threads", w->n_threads);
	CHECK(lwt_count(LW_LOCK_ORDER_CYCLE, -1) == 0 && lwt_count(LW_DEADLOCK, -1) == 0,
	      "no cycle, no deadlock");
	printf("%s%s", h->text, w->text);
	return 0;
}
