/* attach_healthy.c - a plain program (no lockwatch) whose threads are
 * all blocked, none for good: sleeper() holds state_lock while it sleeps
 * (nanosleep), reader() waits for state_lock, listener() waits on a
 * condition variable, main reads its standard input. `lockwatch attach
 * PID` must find no deadlock, show who holds and who waits for
 * state_lock, and change nothing: after it, one line on standard input
 * ends the program normally ("done", status 0; test_attach.sh). */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_ready = PTHREAD_COND_INITIALIZER;
static volatile int stop, held, jobs;

__attribute__((noinline)) static void *sleeper(void *arg)
{
	pthread_mutex_lock(&state_lock);
	held = 1;
	while (!stop) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	pthread_mutex_unlock(&state_lock);
	return arg;
}

__attribute__((noinline)) static void *reader(void *arg)
{
	while (!held) {
		struct timespec ts = { 0, 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	pthread_mutex_lock(&state_lock);
	pthread_mutex_unlock(&state_lock);
	return arg;
}

__attribute__((noinline)) static void *listener(void *arg)
{
	pthread_mutex_lock(&queue_lock);
	while (!jobs)
		pthread_cond_wait(&queue_ready, &queue_lock);
	pthread_mutex_unlock(&queue_lock);
	return arg;
}

int main(void)
{
	pthread_t t[3];
	pthread_create(&t[0], NULL, sleeper, NULL);
	pthread_create(&t[1], NULL, reader, NULL);
	pthread_create(&t[2], NULL, listener, NULL);
	printf("started\n");
	fflush(stdout);
	char c;
	if (read(0, &c, 1) != 1)
		return 1;
	stop = 1;
	pthread_mutex_lock(&queue_lock);
	jobs = 1;
	pthread_cond_signal(&queue_ready);
	pthread_mutex_unlock(&queue_lock);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("done\n");
	return 0;
}
