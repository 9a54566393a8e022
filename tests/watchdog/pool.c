/* pool.c - the pool story: a pool of 2 database connections is a counting
 * semaphore (sem_init(&pool, 0, 2)). Two request threads (req-1, req-2)
 * each take one connection in handle_request(), then, still holding it,
 * ask for a second one in borrow_second(): both wait forever, and the rest
 * of the process waits for them (main blocked with no deadline), so nobody
 * is left to post the pool: a certain deadlock. (While some thread still
 * runs, it could post, and only long waits are reported.)
 * Thresholds 300 ms.
 * Expected: one `deadlock` report (error) naming the semaphore and both
 * threads; and a long_wait (warning) for each thread whose note says it
 * already holds a unit of this semaphore and which lists the other thread
 * as a holder; nothing else.
 * In-process (header form only: the wrapper API has no semaphore type) the
 * semaphore is named "db_pool" with lw_set_name(); main waits in
 * sem_wait(&reported), which the report handler posts on the deadlock
 * report, then asserts, and exits 0, the two threads still blocked.
 * Preload form: main joins req-1; `lockwatch run` (on_deadlock=exit there
 * by default) ends the program with status 66 within a few seconds; the
 * JSON has the deadlock, the semaphore named by its symbol, "pool"
 * (check.py). */
#include "wdtest.h"

#include <semaphore.h>

sem_t pool;
static sem_t reported; /* in-process: posted on the deadlock report */
static pthread_barrier_t both_have_one;

WD_NOINLINE static void borrow_second(void)
{
	REQUIRE(sem_wait(&pool) == 0, "sem_wait: %s", strerror(errno)); /* never returns */
	sem_post(&pool);
}

WD_NOINLINE static void handle_request(void)
{
	REQUIRE(sem_wait(&pool) == 0, "sem_wait: %s", strerror(errno));
	pthread_barrier_wait(&both_have_one);
	borrow_second();
	sem_post(&pool);
}

static void *request(void *arg)
{
	wd_name(arg);
	handle_request();
	return NULL;
}

/* In-process: is r a long_wait of `name` that names the other thread as a
 * holder and says it holds a unit itself? */
static __attribute__((unused)) int pool_wait_ok(const struct lwt_report *r, const char *name,
						const char *other)
{
	return r && r->severity == LW_WARNING && lwt_has_lock(r, "db_pool") &&
	       wd_thread_named(r, name, "waiter") && wd_thread_named(r, other, "holder") &&
	       r->n_threads == 2 && strstr(r->note, "already holds a unit of this semaphore") &&
	       strstr(r->note, "1 other thread holds units too") &&
	       wd_has_now_func(r, "waiter", "borrow_second") &&
	       wd_has_now_func(r, "waiter", "handle_request");
}

#if WD_INPROC
static void on_report(const lw_report_t *rep, void *arg)
{
	wd_handler(rep, arg);
	if (rep->kind == LW_DEADLOCK)
		sem_post(&reported);
}
#endif

/* Wait, with no deadline, until lockwatch has reported the deadlock
 * (in-process), or for req-1 (preload: lockwatch run ends us first). */
static void wait_for_the_deadlock(pthread_t req1)
{
#if WD_INPROC
	(void)req1;
	while (sem_wait(&reported) != 0)
		REQUIRE(errno == EINTR, "sem_wait: %s", strerror(errno));
#else
	pthread_join(req1, NULL);
	fprintf(stderr, "pool: req-1 returned: lockwatch did not end the program\n");
	exit(3);
#endif
}

int main(void)
{
#if WD_INPROC
	lw_set_report_handler(on_report, NULL);
#endif
	CHECK(lw_set_options("hold_ms=300:wait_ms=300") == 0, "options");
	REQUIRE(sem_init(&pool, 0, 2) == 0, "sem_init");
	REQUIRE(sem_init(&reported, 0, 0) == 0, "sem_init");
	lw_set_name(&pool, "db_pool");
	lw_set_thresholds(&reported, 0, 0); /* main's own wait is not the story */
	pthread_barrier_init(&both_have_one, NULL, 2);
	pthread_t a, b;
	REQUIRE(pthread_create(&a, NULL, request, "req-1") == 0, "pthread_create");
	REQUIRE(pthread_create(&b, NULL, request, "req-2") == 0, "pthread_create");

	wait_for_the_deadlock(a);
	int got = lwt_count(LW_DEADLOCK, -1);
	CHECK(got == 1, "a deadlock report");
	got = lwt_wait(LW_LONG_WAIT, 2, 5000);
	CHECK(got == 2, "two long_waits, got %d", got);
	wd_sleep_ms(400); /* room for anything unexpected to show up */

	CHECK(lwt_count(LW_DEADLOCK, LW_ERROR) == 1, "one deadlock error, got %d",
	      lwt_count(LW_DEADLOCK, -1));
	CHECK(lwt_count(LW_LONG_WAIT, LW_WARNING) == 2, "two long_wait warnings, got %d",
	      lwt_count(LW_LONG_WAIT, -1));
	CHECK(wd_total() == 3, "nothing else (no long_hold of a unit), got %d reports", wd_total());

	struct lwt_report *d = lwt_find(LW_DEADLOCK, LW_ERROR);
	CHECK(d->n_locks == 1 && lwt_has_lock(d, "db_pool"), "deadlock names db_pool only");
	CHECK(d->n_threads == 2 && wd_thread_named(d, "req-1", "waiter") &&
		      wd_thread_named(d, "req-2", "waiter"),
	      "both request threads are waiters of the deadlock");
	CHECK(strstr(d->headline, "req-1") && strstr(d->headline, "req-2"),
	      "headline names both threads: %s", d->headline);
	CHECK(strstr(d->headline, "holds db_pool and waits for db_pool"),
	      "headline says each holds and waits for db_pool: %s", d->headline);
	CHECK(lwt_has_func(d, "borrow_second") && lwt_has_func(d, "handle_request"),
	      "deadlock stacks show borrow_second and handle_request");

	struct lwt_report *w0 = wd_nth(LW_LONG_WAIT, 0), *w1 = wd_nth(LW_LONG_WAIT, 1);
	CHECK((pool_wait_ok(w0, "req-1", "req-2") && pool_wait_ok(w1, "req-2", "req-1")) ||
		      (pool_wait_ok(w0, "req-2", "req-1") && pool_wait_ok(w1, "req-1", "req-2")),
	      "one long_wait per thread, each listing the other as holder:\n%s\n%s", w0->text,
	      w1->text);
	printf("%s%s%s", d->text, w0->text, w1->text);
	/* req-1 and req-2 stay blocked. _exit: no at-exit leak check with threads
	 * stuck mid-call (LeakSanitizer's tracer can crash on them: google/sanitizers#1322) */
	fflush(NULL);
	_exit(0);
}
