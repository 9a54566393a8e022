/* ab_deadlock.c - a real A/B deadlock with long thresholds (60 s): teller-1
 * takes acct_lock then audit_lock (debit_then_audit), teller-2 takes
 * audit_lock then acct_lock (audit_then_debit); a barrier between the two
 * steps makes them truly deadlock.
 * Expected: a `deadlock` report (error) well under 1 s after the deadlock
 * formed (asserted < 1.5 s), naming both locks and both threads, with
 * "holds" and "waits for" in its headline and both functions in its
 * stacks (the "doing now" stacks too); besides it only the lock_order_cycle
 * error of the two orders; no long_hold or long_wait (60 s thresholds).
 * In-process main then exits 0. The program prints formed_at_ms=<epoch ms>
 * so that check.py measures the latency from the JSON in the preload form,
 * where `lockwatch run --hold-ms 60000 --wait-ms 60000` must end it with
 * status 66 in under 3 s. */
#include "wdtest.h"

pthread_mutex_t acct_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t audit_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one;
static uint64_t formed_mono[2], formed_epoch[2];
static int n_formed;

/* Record when this thread is about to block for good. */
static void about_to_block(int who)
{
	formed_mono[who] = wd_ms();
	formed_epoch[who] = wd_epoch_ms();
	__atomic_add_fetch(&n_formed, 1, __ATOMIC_RELEASE);
}

WD_NOINLINE static void debit_then_audit(void)
{
	pthread_mutex_lock(&acct_lock);
	pthread_barrier_wait(&both_hold_one);
	about_to_block(0);
	pthread_mutex_lock(&audit_lock); /* never returns */
	pthread_mutex_unlock(&audit_lock);
	pthread_mutex_unlock(&acct_lock);
}

WD_NOINLINE static void audit_then_debit(void)
{
	pthread_mutex_lock(&audit_lock);
	pthread_barrier_wait(&both_hold_one);
	about_to_block(1);
	pthread_mutex_lock(&acct_lock); /* never returns */
	pthread_mutex_unlock(&acct_lock);
	pthread_mutex_unlock(&audit_lock);
}

static void *teller1(void *arg) { (void)arg; wd_name("teller-1"); debit_then_audit(); return NULL; }
static void *teller2(void *arg) { (void)arg; wd_name("teller-2"); audit_then_debit(); return NULL; }

int main(void)
{
	wd_start();
	CHECK(lw_set_options("hold_ms=60000:wait_ms=60000") == 0, "options");
	pthread_barrier_init(&both_hold_one, NULL, 2);
	pthread_t a, b;
	REQUIRE(pthread_create(&a, NULL, teller1, NULL) == 0, "pthread_create");
	REQUIRE(pthread_create(&b, NULL, teller2, NULL) == 0, "pthread_create");
	for (int i = 0; i < 2000 && __atomic_load_n(&n_formed, __ATOMIC_ACQUIRE) < 2; i++)
		wd_sleep_ms(1);
	REQUIRE(__atomic_load_n(&n_formed, __ATOMIC_ACQUIRE) == 2, "both tellers hold one lock");
	uint64_t formed = formed_mono[0] > formed_mono[1] ? formed_mono[0] : formed_mono[1];
	uint64_t formed_ep = formed_epoch[0] > formed_epoch[1] ? formed_epoch[0] : formed_epoch[1];
	printf("formed_at_ms=%" PRIu64 "\n", formed_ep);
	fflush(stdout);

	/* preload form: lwt_wait just sleeps; lockwatch run must end us first */
	int got = lwt_wait(LW_DEADLOCK, 1, 5000);
	CHECK(got == 1, "a deadlock report within 5 s");
	if (!WD_INPROC) {
		fprintf(stderr, "ab_deadlock: still running after 5 s: lockwatch did not end it\n");
		return 3;
	}
	struct lwt_report *d = lwt_find(LW_DEADLOCK, -1);
	long latency = (long)(wd_extra_of(d)->at_ms - formed);
	printf("deadlock reported %ld ms after it formed\n", latency);
	CHECK(latency < 1500, "deadlock reported %ld ms after it formed", latency);
	wd_sleep_ms(400); /* a second report of the same deadlock would come now */

	CHECK(lwt_count(LW_DEADLOCK, LW_ERROR) == 1, "one deadlock error, got %d",
	      lwt_count(LW_DEADLOCK, -1));
	CHECK(lwt_count(LW_LOCK_ORDER_CYCLE, LW_ERROR) == 1, "the cycle of the two orders");
	CHECK(wd_total() == 2, "nothing else (60 s thresholds), got %d reports", wd_total());
	CHECK(lwt_has_lock(d, "acct_lock") && lwt_has_lock(d, "audit_lock") && d->n_locks == 2,
	      "deadlock names both locks");
	CHECK(strstr(d->headline, "holds") && strstr(d->headline, "waits for"),
	      "headline: %s", d->headline);
	CHECK(strstr(d->headline, "holds acct_lock and waits for audit_lock") &&
		      strstr(d->headline, "holds audit_lock and waits for acct_lock"),
	      "headline says who holds what: %s", d->headline);
	CHECK(strstr(d->headline, "teller-1") && strstr(d->headline, "teller-2"),
	      "headline names both threads: %s", d->headline);
	CHECK(d->n_threads == 2 && wd_thread_named(d, "teller-1", "waiter") &&
		      wd_thread_named(d, "teller-2", "waiter"),
	      "both tellers are waiters of the deadlock");
	CHECK(lwt_has_func(d, "debit_then_audit") && lwt_has_func(d, "audit_then_debit"),
	      "deadlock stacks show both functions");
	CHECK(wd_has_now_func(d, "waiter", "debit_then_audit") &&
		      wd_has_now_func(d, "waiter", "audit_then_debit"),
	      "and so do the 'doing now' stacks");
	printf("%s", d->text);
	/* the tellers stay deadlocked. _exit: no at-exit leak check with
	 * threads stuck mid-call (LeakSanitizer's tracer can crash on them: google/sanitizers#1322) */
	fflush(NULL);
	_exit(0);
}
