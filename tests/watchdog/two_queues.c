/* two_queues.c - two separate slow holds on two queues: drain_a() (thread
 * drainer-a) holds queue_a_lock for 1.5 s; 400 ms in, while the report
 * of that hold is still open, drain_b() (thread drainer-b) takes
 * queue_b_lock and holds it 1.5 s too (over a second past the threshold,
 * so a watchdog pass a busy machine delays still sees both). Nobody
 * waits. Thresholds 300 ms.
 * Expected: exactly two long_hold warnings, one per lock, each naming only
 * its own lock, its holder thread and function (a still-open report must
 * not swallow the new one); nothing else. */
#include "wdtest.h"

pthread_mutex_t queue_a_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t queue_b_lock = PTHREAD_MUTEX_INITIALIZER;

WD_NOINLINE static void drain_a(void)
{
	pthread_mutex_lock(&queue_a_lock);
	wd_sleep_ms(1500);
	pthread_mutex_unlock(&queue_a_lock);
}

WD_NOINLINE static void drain_b(void)
{
	pthread_mutex_lock(&queue_b_lock);
	wd_sleep_ms(1500);
	pthread_mutex_unlock(&queue_b_lock);
}

static void *drainer_a(void *arg) { (void)arg; wd_name("drainer-a"); drain_a(); return NULL; }
static void *drainer_b(void *arg)
{
	(void)arg;
	wd_name("drainer-b");
	wd_sleep_ms(400);
	drain_b();
	return NULL;
}

/* In-process: the long_hold of `lock`, or NULL. */
static __attribute__((unused)) struct lwt_report *hold_of(const char *lock)
{
	for (int i = 0; i < lwt_count(LW_LONG_HOLD, -1); i++) {
		struct lwt_report *r = wd_nth(LW_LONG_HOLD, i);
		if (lwt_has_lock(r, lock))
			return r;
	}
	return NULL;
}

int main(void)
{
	wd_start();
	CHECK(lw_set_options("hold_ms=300:wait_ms=300") == 0, "options");
	pthread_t a, b;
	REQUIRE(pthread_create(&a, NULL, drainer_a, NULL) == 0, "pthread_create");
	REQUIRE(pthread_create(&b, NULL, drainer_b, NULL) == 0, "pthread_create");
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	wd_settle(2);

	CHECK(lwt_count(LW_LONG_HOLD, LW_WARNING) == 2, "two long_hold warnings, got %d",
	      lwt_count(LW_LONG_HOLD, -1));
	CHECK(wd_total() == 2, "nothing else, got %d reports", wd_total());
	struct lwt_report *ra = hold_of("queue_a_lock"), *rb = hold_of("queue_b_lock");
	CHECK(ra && rb && ra != rb, "one long_hold per queue lock");
	CHECK(ra->n_locks == 1 && rb->n_locks == 1, "each names only its own lock");
	CHECK(lwt_has_func(ra, "drain_a") && !lwt_has_func(ra, "drain_b"), "a: drain_a's stack");
	CHECK(lwt_has_func(rb, "drain_b") && !lwt_has_func(rb, "drain_a"), "b: drain_b's stack");
	CHECK(wd_thread_named(ra, "drainer-a", "holder") && ra->n_threads == 1, "a: its holder");
	CHECK(wd_thread_named(rb, "drainer-b", "holder") && rb->n_threads == 1, "b: its holder");
	CHECK(wd_has_now_func(ra, "holder", "drain_a") && wd_has_now_func(rb, "holder", "drain_b"),
	      "the holders' 'doing now' stacks");
	CHECK(strstr(ra->headline, "queue_a_lock held for") &&
		      strstr(rb->headline, "queue_b_lock held for"),
	      "headlines: %s | %s", ra->headline, rb->headline);
	if (WD_INPROC)
		printf("%s%s", ra->text, rb->text);
	return 0;
}
