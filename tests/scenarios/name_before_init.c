/* name_before_init.c - a name given before the lock is initialised.
 * lw_set_name() accepts any lock address, and lockwatch keeps names given
 * before a lock's first use; pthread_mutex_init() is such a first use.
 * Two heap mutexes are named "alpha" and "beta", then initialised, then
 * inverted (forth() alpha then beta, back() beta then alpha). Expected: one
 * lock_order_cycle error naming alpha and beta (not mutex@FILE:LINE);
 * names given after init are checked too (gamma, delta). */
#include "lwtest.h"

static pthread_mutex_t *alpha, *beta, *gamma_, *delta;

__attribute__((noinline)) static void forth(pthread_mutex_t *a, pthread_mutex_t *b)
{
	pthread_mutex_lock(a);
	pthread_mutex_lock(b);
	pthread_mutex_unlock(b);
	pthread_mutex_unlock(a);
}

__attribute__((noinline)) static void back(pthread_mutex_t *a, pthread_mutex_t *b)
{
	pthread_mutex_lock(b);
	pthread_mutex_lock(a);
	pthread_mutex_unlock(a);
	pthread_mutex_unlock(b);
}

int main(void)
{
	lwt_start();
	alpha = malloc(sizeof(*alpha));
	beta = malloc(sizeof(*beta));
	gamma_ = malloc(sizeof(*gamma_));
	delta = malloc(sizeof(*delta));
	CHECK(alpha && beta && gamma_ && delta, "malloc");

	/* named after init: the usual order */
	CHECK(pthread_mutex_init(gamma_, NULL) == 0 && pthread_mutex_init(delta, NULL) == 0, "init");
	lw_set_name(gamma_, "gamma");
	lw_set_name(delta, "delta");
	forth(gamma_, delta);
	back(gamma_, delta);
	CHECK(lwt_count(-1, -1) == 1, "one report, got %d", lwt_count(-1, -1));
	struct lwt_report *g = &lwt_reports[0];
	CHECK(g->kind == LW_LOCK_ORDER_CYCLE && g->severity == LW_ERROR, "an error cycle");
	CHECK(lwt_has_lock(g, "gamma") && lwt_has_lock(g, "delta"), "named after init: %s / %s",
	      g->locks[0], g->locks[1]);

	/* named before init */
	lw_set_name(alpha, "alpha");
	lw_set_name(beta, "beta");
	CHECK(pthread_mutex_init(alpha, NULL) == 0 && pthread_mutex_init(beta, NULL) == 0, "init");
	forth(alpha, beta);
	back(alpha, beta);
	CHECK(lwt_count(-1, -1) == 2, "two reports, got %d", lwt_count(-1, -1));
	struct lwt_report *r = &lwt_reports[1];
	CHECK(r->kind == LW_LOCK_ORDER_CYCLE && r->severity == LW_ERROR, "an error cycle");
	CHECK(r->n_locks == 2, "two locks");
	CHECK(lwt_has_func(r, "forth") && lwt_has_func(r, "back"), "forth and back in the stacks");
	printf("%s", r->text);
	CHECK(lwt_has_lock(r, "alpha") && lwt_has_lock(r, "beta"),
	      "names given before init survive it: got %s / %s", r->locks[0], r->locks[1]);
	return 0;
}
