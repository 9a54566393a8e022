/* condwait_quiet.c - waiting on a condition variable is not waiting for a
 * lock: wait_for_mail() (thread mailbox) sits in pthread_cond_wait for
 * 1.5 s until deliver_mail() (thread postman) signals; then
 * wait_with_timeout() sits in pthread_cond_timedwait until it times out
 * (0.5 s, ETIMEDOUT). inbox_lock counts as released while waiting.
 * Thresholds 300 ms. Expected: no report at all. */
#include "wdtest.h"

pthread_mutex_t inbox_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t inbox_cv = PTHREAD_COND_INITIALIZER;
static int mail;

WD_NOINLINE static void wait_for_mail(void)
{
	pthread_mutex_lock(&inbox_lock);
	while (!mail)
		pthread_cond_wait(&inbox_cv, &inbox_lock);
	pthread_mutex_unlock(&inbox_lock);
}

WD_NOINLINE static void deliver_mail(void)
{
	wd_sleep_ms(1500);
	pthread_mutex_lock(&inbox_lock);
	mail = 1;
	pthread_cond_signal(&inbox_cv);
	pthread_mutex_unlock(&inbox_lock);
}

WD_NOINLINE static int wait_with_timeout(void)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 500000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&inbox_lock);
	int rc;
	do
		rc = pthread_cond_timedwait(&inbox_cv, &inbox_lock, &until);
	while (rc == 0); /* nobody signals: only spurious wake-ups */
	pthread_mutex_unlock(&inbox_lock);
	return rc;
}

static void *mailbox(void *arg) { (void)arg; wd_name("mailbox"); wait_for_mail(); return NULL; }
static void *postman(void *arg) { (void)arg; wd_name("postman"); deliver_mail(); return NULL; }

int main(void)
{
	wd_start();
	CHECK(lw_set_options("hold_ms=300:wait_ms=300") == 0, "options");
	uint64_t t0 = wd_ms();
	pthread_t a, b;
	REQUIRE(pthread_create(&a, NULL, mailbox, NULL) == 0, "pthread_create");
	REQUIRE(pthread_create(&b, NULL, postman, NULL) == 0, "pthread_create");
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	REQUIRE(wd_ms() - t0 >= 1450, "the mailbox waited the whole 1.5 s");
	int rc = wait_with_timeout();
	REQUIRE(rc == ETIMEDOUT, "pthread_cond_timedwait returned %d, not ETIMEDOUT", rc);
	wd_sleep_ms(200);
	CHECK(wd_total() == 0, "no report at all, got %d", wd_total());
	printf("condwait_quiet: no reports\n");
	return 0;
}
