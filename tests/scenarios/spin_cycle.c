/* spin_cycle.c - an A/B inversion on spinlocks: push() takes head_spin then
 * tail_spin, pop() takes tail_spin then head_spin, on two threads run one
 * after the other. A spinlock waiter spins forever just as a mutex waiter
 * blocks. Expected: one lock_order_cycle error naming head_spin and
 * tail_spin (kind "spinlock" in the JSON), push and pop in the stacks;
 * spin_trylock makes no edge; destroying the unheld spinlocks reports
 * nothing. */
#include "lwtest.h"

pthread_spinlock_t head_spin;
pthread_spinlock_t tail_spin;
static int depth;

__attribute__((noinline)) static void push(void)
{
	CHECK(pthread_spin_lock(&head_spin) == 0, "spin_lock");
	CHECK(pthread_spin_lock(&tail_spin) == 0, "spin_lock");
	depth++;
	CHECK(pthread_spin_unlock(&tail_spin) == 0, "spin_unlock");
	CHECK(pthread_spin_unlock(&head_spin) == 0, "spin_unlock");
}

__attribute__((noinline)) static void peek(void)
{
	/* tail then head, but only tried: no edge */
	CHECK(pthread_spin_lock(&tail_spin) == 0, "spin_lock");
	if (pthread_spin_trylock(&head_spin) == 0)
		CHECK(pthread_spin_unlock(&head_spin) == 0, "spin_unlock");
	CHECK(pthread_spin_unlock(&tail_spin) == 0, "spin_unlock");
}

__attribute__((noinline)) static void pop(void)
{
	CHECK(pthread_spin_lock(&tail_spin) == 0, "spin_lock");
	CHECK(pthread_spin_lock(&head_spin) == 0, "spin_lock");
	depth--;
	CHECK(pthread_spin_unlock(&head_spin) == 0, "spin_unlock");
	CHECK(pthread_spin_unlock(&tail_spin) == 0, "spin_unlock");
}

static void *pusher(void *arg) { (void)arg; for (int i = 0; i < 20; i++) push(); return NULL; }
static void *peeker(void *arg) { (void)arg; for (int i = 0; i < 20; i++) peek(); return NULL; }
static void *popper(void *arg) { (void)arg; for (int i = 0; i < 20; i++) pop(); return NULL; }

int main(void)
{
	lwt_start();
	CHECK(pthread_spin_init(&head_spin, PTHREAD_PROCESS_PRIVATE) == 0, "spin_init");
	CHECK(pthread_spin_init(&tail_spin, PTHREAD_PROCESS_PRIVATE) == 0, "spin_init");
	lwt_run(pusher, NULL);
	lwt_run(peeker, NULL);
	CHECK(lwt_count(-1, -1) == 0, "a tried inversion is no cycle, got %d", lwt_count(-1, -1));
	lwt_run(popper, NULL);
	lwt_run(pusher, NULL);

	CHECK(lwt_count(-1, -1) == 1, "one report, got %d", lwt_count(-1, -1));
	struct lwt_report *r = lwt_find(LW_LOCK_ORDER_CYCLE, LW_ERROR);
	CHECK(r != NULL, "the spinlock cycle is an error");
	CHECK(r->n_locks == 2 && r->n_edges == 2, "two locks, two edges: %d %d", r->n_locks,
	      r->n_edges);
	CHECK(lwt_has_lock(r, "head_spin") && lwt_has_lock(r, "tail_spin"),
	      "names head_spin and tail_spin");
	CHECK(strstr(r->json, "\"kind\":\"spinlock\""), "kind spinlock in the json");
	CHECK(lwt_has_func(r, "push") && lwt_has_func(r, "pop"), "push and pop in the stacks");
	CHECK(lw_error_count() == 1, "one error");
	CHECK(pthread_spin_destroy(&head_spin) == 0, "spin_destroy");
	CHECK(pthread_spin_destroy(&tail_spin) == 0, "spin_destroy");
	CHECK(lwt_count(-1, -1) == 1, "nothing more, got %d", lwt_count(-1, -1));
	printf("%s", r->text);
	return 0;
}
