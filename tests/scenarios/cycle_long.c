/* cycle_long.c - a 20000-lock cycle in one thread: a heap array of mutexes,
 * each pthread_mutex_init'ed, taken pairwise L0->L1, L1->L2, ...,
 * L19999->L0. Only the last pair closes a cycle, and it runs through every
 * lock. Expected: exactly one lock_order_cycle error whose locks are the
 * 20000 mutexes once each and whose 20000 edges chain into a ring
 * (edge i ends where edge i+1 starts), unnamed heap locks named
 * "mutex@cycle_long.c:LINE", and link_pair in the stacks. The elapsed time
 * (20000 new edges plus the search and the report) is printed, never
 * asserted: timing belongs to the benchmark, and the test's time limit
 * bounds a run that hangs. */
#include "lwtest.h"

#define N 20000
static pthread_mutex_t *ring;

/* What the lwtest copy cannot keep (it stops at 64 names): the full
 * counts, and whether the report's lock ids are distinct and its edges
 * form one ring. */
static int full_locks = -1, full_edges = -1, ids_distinct, edges_ring, n_cycle;

static int cmp_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

static void handler(const lw_report_t *rep, void *arg)
{
	if (rep->kind == LW_LOCK_ORDER_CYCLE && n_cycle++ == 0) {
		full_locks = rep->n_locks;
		full_edges = rep->n_edges;
		unsigned *ids = malloc(sizeof(unsigned) * (size_t)(rep->n_locks + 1));
		for (int i = 0; i < rep->n_locks; i++)
			ids[i] = rep->locks[i].id;
		qsort(ids, (size_t)rep->n_locks, sizeof(*ids), cmp_uint);
		ids_distinct = 1;
		for (int i = 1; i < rep->n_locks; i++)
			if (ids[i] == ids[i - 1])
				ids_distinct = 0;
		free(ids);
		edges_ring = rep->n_edges > 0;
		for (int i = 0; i < rep->n_edges; i++) {
			const lw_report_edge_t *e = &rep->edges[i];
			const lw_report_edge_t *next = &rep->edges[(i + 1) % rep->n_edges];
			if (e->from < 0 || e->to < 0 || e->from >= rep->n_locks ||
			    e->to >= rep->n_locks || e->to != next->from || e->from == e->to)
				edges_ring = 0;
		}
	}
	lwt_handler(rep, arg);
}

__attribute__((noinline)) static void link_pair(pthread_mutex_t *a, pthread_mutex_t *b)
{
	pthread_mutex_lock(a);
	pthread_mutex_lock(b);
	pthread_mutex_unlock(b);
	pthread_mutex_unlock(a);
}

static void *walker(void *arg)
{
	(void)arg;
	for (int i = 0; i < N; i++)
		link_pair(&ring[i], &ring[(i + 1) % N]);
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
	lw_set_report_handler(handler, NULL);
	ring = calloc(N, sizeof(*ring));
	CHECK(ring != NULL, "calloc");
	for (int i = 0; i < N; i++)
		CHECK(pthread_mutex_init(&ring[i], NULL) == 0, "init %d", i);

	double t0 = now_s();
	lwt_run(walker, NULL);
	double elapsed = now_s() - t0;
	printf("cycle_long: %d locks, cycle found and reported in %.3f s\n", N, elapsed);
	fflush(stdout);

	CHECK(lwt_count(LW_LOCK_ORDER_CYCLE, -1) == 1, "one cycle report, got %d",
	      lwt_count(LW_LOCK_ORDER_CYCLE, -1));
	CHECK(lwt_count(-1, -1) == 1, "no other report, got %d", lwt_count(-1, -1));
	struct lwt_report *r = lwt_find(LW_LOCK_ORDER_CYCLE, LW_ERROR);
	CHECK(r != NULL, "the cycle is an error");
	CHECK(full_locks == N, "%d locks, got %d", N, full_locks);
	CHECK(full_edges == N, "%d edges, got %d", N, full_edges);
	CHECK(ids_distinct, "each lock once");
	CHECK(edges_ring, "the edges chain into one ring");
	CHECK(strncmp(r->locks[0], "mutex@", 6) == 0 && strstr(r->locks[0], "cycle_long.c"),
	      "heap lock named mutex@cycle_long.c:LINE, got %s", r->locks[0]);
	CHECK(lwt_has_func(r, "link_pair"), "link_pair in the stacks");
	char want[64];
	snprintf(want, sizeof(want), "lock-order cycle of %d locks: ", N);
	CHECK(strncmp(r->headline, want, strlen(want)) == 0 && strstr(r->headline, " -> ... -> "),
	      "a long cycle's headline gives its size and its ends: %.200s", r->headline);
	CHECK(lw_error_count() == 1, "error counter is 1");
	for (int i = 0; i < N; i++)
		CHECK(pthread_mutex_destroy(&ring[i]) == 0, "destroy %d", i);
	free(ring);
	CHECK(lwt_count(-1, -1) == 1, "nothing more reported");
	return 0;
}
