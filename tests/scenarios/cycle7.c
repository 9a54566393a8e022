/* cycle7.c - a seven-lock ring: seven pipeline stages, each a thread that
 * takes its own stage lock and then the next stage's (stage6 takes stage0
 * last). The locks are a global array initialised with pthread_mutex_init
 * and named with lw_set_name ("stage0".."stage6"); the threads run one after
 * the other, so nothing hangs. Expected: no report until the seventh edge,
 * then exactly one lock_order_cycle error with the seven locks once each,
 * seven edges, hand_over in the stacks, a headline walking the ring in
 * order; a second lap adds nothing. */
#include "lwtest.h"

#define N 7
static pthread_mutex_t stage[N];
static int items[N];

__attribute__((noinline)) static void hand_over(int i)
{
	pthread_mutex_lock(&stage[i]);
	pthread_mutex_lock(&stage[(i + 1) % N]);
	items[i]--;
	items[(i + 1) % N]++;
	pthread_mutex_unlock(&stage[(i + 1) % N]);
	pthread_mutex_unlock(&stage[i]);
}

static void *stage_worker(void *arg)
{
	int i = (int)(intptr_t)arg;
	for (int k = 0; k < 20; k++)
		hand_over(i);
	return NULL;
}

/* "lock-order cycle: stageK -> stageK+1 -> ... -> stageK" */
static int headline_walks_ring(const char *h)
{
	const char *prefix = "lock-order cycle: ";
	if (strncmp(h, prefix, strlen(prefix)) != 0)
		return 0;
	const char *p = h + strlen(prefix);
	int start;
	if (sscanf(p, "stage%d", &start) != 1 || start < 0 || start >= N)
		return 0;
	char want[256];
	size_t len = 0;
	for (int i = 0; i <= N; i++)
		len += (size_t)snprintf(want + len, sizeof(want) - len, "%sstage%d",
					i ? " -> " : "", (start + i) % N);
	return strcmp(p, want) == 0;
}

int main(void)
{
	char name[32];
	lwt_start();
	for (int i = 0; i < N; i++) {
		CHECK(pthread_mutex_init(&stage[i], NULL) == 0, "init");
		snprintf(name, sizeof(name), "stage%d", i);
		lw_set_name(&stage[i], name);
	}
	for (int i = 0; i < N - 1; i++)
		lwt_run(stage_worker, (void *)(intptr_t)i);
	CHECK(lwt_count(-1, -1) == 0, "no report before the ring closes, got %d",
	      lwt_count(-1, -1));
	lwt_run(stage_worker, (void *)(intptr_t)(N - 1));
	for (int i = 0; i < N; i++)
		lwt_run(stage_worker, (void *)(intptr_t)i);

	CHECK(lwt_count(LW_LOCK_ORDER_CYCLE, -1) == 1, "one cycle report, got %d",
	      lwt_count(LW_LOCK_ORDER_CYCLE, -1));
	CHECK(lwt_count(-1, -1) == 1, "no other report, got %d", lwt_count(-1, -1));
	struct lwt_report *r = lwt_find(LW_LOCK_ORDER_CYCLE, LW_ERROR);
	CHECK(r != NULL, "the cycle is an error");
	CHECK(r->n_locks == N, "seven locks, got %d", r->n_locks);
	CHECK(r->n_edges == N, "seven edges, got %d", r->n_edges);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "stage%d", i);
		CHECK(lwt_has_lock(r, name), "names %s", name);
		/* the class is the symbol ("stage", "stage+48", ...) */
		CHECK(strncmp(r->classes[i], "stage", 5) == 0, "class from the symbol: %s",
		      r->classes[i]);
		for (int k = 0; k < i; k++)
			CHECK(strcmp(r->locks[i], r->locks[k]) != 0, "each lock once");
	}
	CHECK(lwt_has_func(r, "hand_over"), "hand_over in the stacks");
	CHECK(lwt_has_func(r, "stage_worker"), "stage_worker in the stacks");
	CHECK(headline_walks_ring(r->headline), "headline walks the ring: %s", r->headline);
	CHECK(lw_error_count() == 1, "error counter is 1");
	for (int i = 0; i < N; i++)
		CHECK(pthread_mutex_destroy(&stage[i]) == 0, "destroy");
	CHECK(lwt_count(-1, -1) == 1, "destroying unheld locks reports nothing");
	printf("%s", r->text);
	return 0;
}
