/* clean.c - a program with correct locking: a mutex and an rwlock always
 * taken in one order by four threads at once, a trylock, a condition wait
 * and a recursive mutex. Expected: no report and no error; main returns 3,
 * so that the exit-code test (run_exitcode.sh) can check that lockwatch's
 * exitcode option leaves the status of an error-free program alone. The
 * last line printed, "clean: no reports", is what ctest looks for. */
#include "lwtest.h"

pthread_mutex_t outer_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_rwlock_t inner_rw = PTHREAD_RWLOCK_INITIALIZER;
pthread_mutex_t again_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long total;
static int turns;

__attribute__((noinline)) static void ordered(int i)
{
	pthread_mutex_lock(&outer_lock);
	if (i % 2)
		pthread_rwlock_rdlock(&inner_rw);
	else
		pthread_rwlock_wrlock(&inner_rw);
	total += i;
	pthread_rwlock_unlock(&inner_rw);
	if (pthread_mutex_trylock(&again_lock) == 0) {
		pthread_mutex_lock(&again_lock);
		pthread_mutex_unlock(&again_lock);
		pthread_mutex_unlock(&again_lock);
	}
	turns++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&outer_lock);
}

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++)
		ordered(i);
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	lwt_start();
	for (int i = 0; i < 4; i++)
		CHECK(pthread_create(&t[i], NULL, worker, NULL) == 0, "create");
	pthread_mutex_lock(&outer_lock);
	while (turns < 4000)
		pthread_cond_wait(&cv, &outer_lock);
	pthread_mutex_unlock(&outer_lock);
	for (int i = 0; i < 4; i++)
		CHECK(pthread_join(t[i], NULL) == 0, "join");
	CHECK(total == 4L * 499500, "work done: %ld", total);
	CHECK(lwt_count(-1, -1) == 0, "no report, got %d", lwt_count(-1, -1));
	CHECK(lw_error_count() == 0 && lw_report_count(LW_KIND_COUNT) == 0, "counters");
	printf("clean: no reports\n");
	return 3;
}
