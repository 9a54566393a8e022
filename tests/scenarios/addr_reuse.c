/* addr_reuse.c - a lock's address reused by a new lock must not inherit
 * the old lock's edges. Two malloc'ed mutexes A and B: take A then B
 * (edge A->B), destroy B and init a new mutex B' at the same address, take
 * B' then A: no cycle, because B' is a new lock. Then A again then B' makes
 * the real cycle A -> B' -> A: one error, whose B' carries the site of the
 * second init. The same with a re-init over a lock that was never
 * destroyed (C, D: D re-initialised in place). Expected: exactly one
 * lock_order_cycle error, and it comes only from the last step of the
 * first case. */
#include "lwtest.h"

static pthread_mutex_t *A, *B, *C, *D;
static int reinit_line;

__attribute__((noinline)) static void nest(pthread_mutex_t *outer, pthread_mutex_t *inner)
{
	pthread_mutex_lock(outer);
	pthread_mutex_lock(inner);
	pthread_mutex_unlock(inner);
	pthread_mutex_unlock(outer);
}

struct pair { pthread_mutex_t *outer, *inner; };
static void *nester(void *arg)
{
	struct pair *p = arg;
	nest(p->outer, p->inner);
	return NULL;
}

static void run_nest(pthread_mutex_t *outer, pthread_mutex_t *inner)
{
	struct pair p = { outer, inner };
	lwt_run(nester, &p);
}

int main(void)
{
	lwt_start();
	A = malloc(sizeof(*A));
	B = malloc(sizeof(*B));
	C = malloc(sizeof(*C));
	D = malloc(sizeof(*D));
	CHECK(A && B && C && D, "malloc");
	CHECK(pthread_mutex_init(A, NULL) == 0, "init A");
	CHECK(pthread_mutex_init(B, NULL) == 0, "init B");
	CHECK(pthread_mutex_init(C, NULL) == 0, "init C");
	CHECK(pthread_mutex_init(D, NULL) == 0, "init D");

	/* case 1: destroy, then init at the same address */
	run_nest(A, B);
	void *old_b = B;
	CHECK(pthread_mutex_destroy(B) == 0, "destroy B");
	CHECK(pthread_mutex_init(B, NULL) == 0, "init B'"); reinit_line = __LINE__;
	CHECK((void *)B == old_b, "same address");
	run_nest(B, A);
	CHECK(lwt_count(-1, -1) == 0, "B' did not inherit A->B: no report, got %d",
	      lwt_count(-1, -1));

	/* case 2: init over a live lock (no destroy) */
	run_nest(C, D);
	CHECK(pthread_mutex_init(D, NULL) == 0, "re-init D in place");
	run_nest(D, C);
	CHECK(lwt_count(-1, -1) == 0, "re-initialised D did not inherit C->D, got %d",
	      lwt_count(-1, -1));

	/* the new lock is tracked: the real inversion A -> B' -> A */
	run_nest(A, B);
	CHECK(lwt_count(-1, -1) == 1, "one report, got %d", lwt_count(-1, -1));
	struct lwt_report *r = lwt_find(LW_LOCK_ORDER_CYCLE, LW_ERROR);
	CHECK(r != NULL, "an error cycle");
	CHECK(r->n_locks == 2 && r->n_edges == 2, "two locks, two edges: %d %d", r->n_locks,
	      r->n_edges);
	for (int i = 0; i < 2; i++)
		CHECK(strncmp(r->locks[i], "mutex@", 6) == 0 && strstr(r->locks[i], "addr_reuse.c"),
		      "heap locks named mutex@addr_reuse.c:LINE, got %s", r->locks[i]);
#ifdef LOCKWATCH_PTHREAD_H
	/* header form: the name is the exact site of B's second init */
	char want[64];
	snprintf(want, sizeof(want), "mutex@addr_reuse.c:%d", reinit_line);
	CHECK(lwt_has_lock(r, want), "B' named %s: %s / %s", want, r->locks[0], r->locks[1]);
#endif
	CHECK(lwt_has_func(r, "nest"), "nest in the stacks");
	CHECK(lw_error_count() == 1, "one error");

	CHECK(pthread_mutex_destroy(A) == 0 && pthread_mutex_destroy(B) == 0 &&
	      pthread_mutex_destroy(C) == 0 && pthread_mutex_destroy(D) == 0, "destroy all");
	free(A);
	free(B);
	free(C);
	free(D);
	CHECK(lwt_count(-1, -1) == 1, "nothing more, got %d", lwt_count(-1, -1));
	printf("%s", r->text);
	return 0;
}
