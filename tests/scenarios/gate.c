/* gate.c - a cycle serialised by a gate lock, and the same shape without
 * one. Phase 1: move_left() takes gate_lock, left_lock, right_lock;
 * move_right() takes gate_lock, right_lock, left_lock. Both inner edges
 * were taken holding gate_lock, so they cannot deadlock: expected one
 * lock_order_cycle WARNING whose locks are left_lock, right_lock and the
 * gate, with the gate named in the note. Phase 2: swap_up()/swap_down()
 * invert up_lock and down_lock with no gate: an ERROR for those two only.
 * Phase 3: sneak() takes left_lock then right_lock without the gate; the
 * left/right cycle is no longer serialised, so it is reported again, now
 * as an ERROR. Nothing else is reported. */
#include "lwtest.h"

pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t left_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t right_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t up_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t down_lock = PTHREAD_MUTEX_INITIALIZER;
static int pos;

__attribute__((noinline)) static void move_left(void)
{
	pthread_mutex_lock(&gate_lock);
	pthread_mutex_lock(&left_lock);
	pthread_mutex_lock(&right_lock);
	pos--;
	pthread_mutex_unlock(&right_lock);
	pthread_mutex_unlock(&left_lock);
	pthread_mutex_unlock(&gate_lock);
}

__attribute__((noinline)) static void move_right(void)
{
	pthread_mutex_lock(&gate_lock);
	pthread_mutex_lock(&right_lock);
	pthread_mutex_lock(&left_lock);
	pos++;
	pthread_mutex_unlock(&left_lock);
	pthread_mutex_unlock(&right_lock);
	pthread_mutex_unlock(&gate_lock);
}

__attribute__((noinline)) static void swap_up(void)
{
	pthread_mutex_lock(&up_lock);
	pthread_mutex_lock(&down_lock);
	pos++;
	pthread_mutex_unlock(&down_lock);
	pthread_mutex_unlock(&up_lock);
}

__attribute__((noinline)) static void swap_down(void)
{
	pthread_mutex_lock(&down_lock);
	pthread_mutex_lock(&up_lock);
	pos--;
	pthread_mutex_unlock(&up_lock);
	pthread_mutex_unlock(&down_lock);
}

__attribute__((noinline)) static void sneak(void)
{
	pthread_mutex_lock(&left_lock);
	pthread_mutex_lock(&right_lock);
	pos++;
	pthread_mutex_unlock(&right_lock);
	pthread_mutex_unlock(&left_lock);
}

static void *lefty(void *arg) { (void)arg; for (int i = 0; i < 20; i++) move_left(); return NULL; }
static void *righty(void *arg) { (void)arg; for (int i = 0; i < 20; i++) move_right(); return NULL; }
static void *upper(void *arg) { (void)arg; for (int i = 0; i < 20; i++) swap_up(); return NULL; }
static void *downer(void *arg) { (void)arg; for (int i = 0; i < 20; i++) swap_down(); return NULL; }
static void *sneaker(void *arg) { (void)arg; sneak(); return NULL; }

int main(void)
{
	lwt_start();

	/* phase 1: gated */
	lwt_run(lefty, NULL);
	lwt_run(righty, NULL);
	lwt_run(lefty, NULL);
	lwt_run(righty, NULL);
	CHECK(lwt_count(-1, -1) == 1, "one report after phase 1, got %d", lwt_count(-1, -1));
	struct lwt_report *w = lwt_find(LW_LOCK_ORDER_CYCLE, LW_WARNING);
	CHECK(w != NULL, "the gated cycle is a warning");
	CHECK(w->n_edges == 2, "two edges, got %d", w->n_edges);
	CHECK(w->n_locks == 3, "the two locks and the gate, got %d", w->n_locks);
	CHECK(lwt_has_lock(w, "left_lock") && lwt_has_lock(w, "right_lock"),
	      "names left_lock and right_lock");
	CHECK(lwt_has_lock(w, "gate_lock"), "the gate is among the locks");
	CHECK(strstr(w->note, "gate_lock") != NULL, "the note names the gate: %s", w->note);
	CHECK(strstr(w->headline, "left_lock") && strstr(w->headline, "right_lock") &&
	      !strstr(w->headline, "gate_lock"), "headline is the cycle only: %s", w->headline);
	CHECK(lwt_has_func(w, "move_left") && lwt_has_func(w, "move_right"),
	      "move_left and move_right in the stacks");
	CHECK(strstr(w->json, "\"severity\":\"warning\""), "json severity warning");
	CHECK(lw_error_count() == 0, "a warning is not an error");

	/* phase 2: the same shape without a gate */
	lwt_run(upper, NULL);
	lwt_run(downer, NULL);
	CHECK(lwt_count(-1, -1) == 2, "one more report after phase 2, got %d",
	      lwt_count(-1, -1));
	struct lwt_report *e = lwt_find(LW_LOCK_ORDER_CYCLE, LW_ERROR);
	CHECK(e != NULL, "the ungated cycle is an error");
	CHECK(e->n_locks == 2 && e->n_edges == 2, "two locks, two edges: %d %d", e->n_locks,
	      e->n_edges);
	CHECK(lwt_has_lock(e, "up_lock") && lwt_has_lock(e, "down_lock"),
	      "names up_lock and down_lock");
	CHECK(!lwt_has_lock(e, "gate_lock"), "no gate in the ungated cycle");
	CHECK(lwt_has_func(e, "swap_up") && lwt_has_func(e, "swap_down"),
	      "swap_up and swap_down in the stacks");
	CHECK(lw_error_count() == 1, "one error, got %lu", lw_error_count());

	/* phase 3: the gated cycle loses its gate */
	lwt_run(sneaker, NULL);
	CHECK(lwt_count(-1, -1) == 3, "the left/right cycle reported again, got %d",
	      lwt_count(-1, -1));
	CHECK(lwt_count(LW_LOCK_ORDER_CYCLE, LW_ERROR) == 2, "now two errors");
	struct lwt_report *u = &lwt_reports[2];
	CHECK(u->kind == LW_LOCK_ORDER_CYCLE && u->severity == LW_ERROR, "an error cycle");
	CHECK(u->n_locks == 2 && lwt_has_lock(u, "left_lock") && lwt_has_lock(u, "right_lock"),
	      "left_lock and right_lock only, got %d locks", u->n_locks);
	CHECK(lw_error_count() == 2, "two errors, got %lu", lw_error_count());
	lwt_run(sneaker, NULL);
	lwt_run(lefty, NULL);
	lwt_run(righty, NULL);
	CHECK(lwt_count(-1, -1) == 3, "nothing more, got %d", lwt_count(-1, -1));
	printf("%s%s%s", w->text, e->text, u->text);
	/* last: the error must show where the ungated acquisition was */
	CHECK(lwt_has_func(u, "sneak"), "sneak in the stacks");
	return 0;
}
