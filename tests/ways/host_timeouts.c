/* host_timeouts.c - timed waits that time out: a mutex, a rwlock held for
 * writing, a semaphore at zero and a condition variable nobody signals,
 * each waited for 50 ms by a second thread while main holds what it
 * needs. Every call must return ETIMEDOUT, exactly as natively, and
 * lockwatch must report nothing (no deadlock: each wait has a deadline). */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static sem_t sem;
static pthread_barrier_t held, tried;

static struct timespec soon(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 50 * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static const char *name(int rc)
{
	return rc == ETIMEDOUT ? "ETIMEDOUT" : rc == 0 ? "0" : strerror(rc);
}

static void *waiter(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&held);
	struct timespec ts = soon();
	printf("mutex_timedlock: %s\n", name(pthread_mutex_timedlock(&m, &ts)));
	ts = soon();
	printf("rwlock_timedrdlock: %s\n", name(pthread_rwlock_timedrdlock(&rw, &ts)));
	ts = soon();
	int rc = sem_timedwait(&sem, &ts);
	printf("sem_timedwait: %s\n", rc == 0 ? "0" : name(errno));
	pthread_mutex_lock(&cm);
	ts = soon();
	rc = pthread_cond_timedwait(&cv, &cm, &ts);
	pthread_mutex_unlock(&cm);
	printf("cond_timedwait: %s\n", name(rc));
	pthread_barrier_wait(&tried);
	return NULL;
}

int main(void)
{
	sem_init(&sem, 0, 0);
	pthread_barrier_init(&held, NULL, 2);
	pthread_barrier_init(&tried, NULL, 2);
	pthread_t t;
	pthread_create(&t, NULL, waiter, NULL);
	pthread_mutex_lock(&m);
	pthread_rwlock_wrlock(&rw);
	pthread_barrier_wait(&held);
	pthread_barrier_wait(&tried);
	pthread_rwlock_unlock(&rw);
	pthread_mutex_unlock(&m);
	pthread_join(t, NULL);
	return 0;
}
