/* nproc_watchdog.c - a program whose thread limit leaves room for its own
 * two threads and no more: as root it takes a user id of its own with
 * RLIMIT_NPROC 2 (which counts every thread of that user), starts a worker
 * and then takes locks in both orders. lockwatch's watchdog cannot start:
 * that must be said, once (a helper's finding: nothing said so, and a real
 * deadlock then went unreported until --timeout), while the program runs
 * as natively and its cycle is still an error, status 66. Not root, or
 * no right to change user: skipped (77). */
#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER, lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t started, done;
static long work;

__attribute__((noinline)) static void forward(void)
{
	pthread_mutex_lock(&lock_a);
	pthread_mutex_lock(&lock_b);
	work++;
	pthread_mutex_unlock(&lock_b);
	pthread_mutex_unlock(&lock_a);
}

__attribute__((noinline)) static void backward(void)
{
	pthread_mutex_lock(&lock_b);
	pthread_mutex_lock(&lock_a);
	work++;
	pthread_mutex_unlock(&lock_a);
	pthread_mutex_unlock(&lock_b);
}

static void *worker(void *arg)
{
	pthread_barrier_wait(&started);
	pthread_barrier_wait(&done); /* main has taken its locks */
	backward();
	return arg;
}

int main(void)
{
	if (geteuid() != 0) {
		puts("skipped: needs root to take a user id of its own");
		return 77;
	}
	struct rlimit r = { 2, 2 };
	if (setrlimit(RLIMIT_NPROC, &r) != 0 || setgid(54321) != 0 || setuid(54321) != 0) {
		puts("skipped: cannot take a user id of its own here");
		return 77;
	}
	pthread_barrier_init(&started, NULL, 2);
	pthread_barrier_init(&done, NULL, 2);
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL) != 0) {
		puts("skipped: another process of user 54321 runs");
		return 77;
	}
	pthread_barrier_wait(&started);
	forward(); /* two threads now: the watchdog is wanted */
	pthread_barrier_wait(&done);
	pthread_join(t, NULL);
	printf("work %ld\n", work);
	return 0;
}
