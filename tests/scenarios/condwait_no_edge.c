/* condwait_no_edge.c - the re-acquire inside pthread_cond_wait is no
 * lock-order edge. consumer() takes state_mu, then buf_lock, then waits on
 * the condition with state_mu (released during the wait, taken back
 * before the call returns, while buf_lock is held), then unlocks buf_lock
 * and state_mu. producer() signals under state_mu. Counting the re-acquire
 * as an acquire of state_mu under buf_lock would make buf_lock ->
 * state_mu and a false cycle with state_mu -> buf_lock; forgetting that
 * state_mu is held again would make its unlock a bad unlock. Expected:
 * no report at all, including for a timed wait. */
#include "lwtest.h"

pthread_mutex_t state_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t buf_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cv = PTHREAD_COND_INITIALIZER;
static int ready, waiting;

__attribute__((noinline)) static void consumer_wait(int timed)
{
	pthread_mutex_lock(&state_mu);
	pthread_mutex_lock(&buf_lock);
	waiting = 1;
	while (!ready) {
		if (timed) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 20 * 1000 * 1000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&ready_cv, &state_mu, &ts);
		} else {
			pthread_cond_wait(&ready_cv, &state_mu);
		}
	}
	ready = 0;
	waiting = 0;
	CHECK(pthread_mutex_unlock(&buf_lock) == 0, "unlock buf_lock");
	CHECK(pthread_mutex_unlock(&state_mu) == 0, "unlock state_mu");
}

__attribute__((noinline)) static void producer_signal(void)
{
	for (;;) {
		pthread_mutex_lock(&state_mu);
		if (waiting) {
			ready = 1;
			pthread_cond_signal(&ready_cv);
			pthread_mutex_unlock(&state_mu);
			return;
		}
		pthread_mutex_unlock(&state_mu);
		usleep(1000);
	}
}

static void *consumer(void *arg) { consumer_wait((int)(intptr_t)arg); return NULL; }
static void *producer(void *arg) { (void)arg; producer_signal(); return NULL; }

int main(void)
{
	lwt_start();
	for (int timed = 0; timed < 2; timed++) {
		pthread_t c, p;
		CHECK(pthread_create(&c, NULL, consumer, (void *)(intptr_t)timed) == 0, "create");
		CHECK(pthread_create(&p, NULL, producer, NULL) == 0, "create");
		CHECK(pthread_join(p, NULL) == 0, "join");
		CHECK(pthread_join(c, NULL) == 0, "join");
	}
	CHECK(lwt_count(-1, -1) == 0, "no report, got %d", lwt_count(-1, -1));
	CHECK(lw_report_count(LW_KIND_COUNT) == 0, "counters agree");
	printf("condwait_no_edge: no report\n");
	return 0;
}
