/* grouped_holds.c - one long-hold shape over many locks (issue 18): a
 * flusher takes all 20 of its buffer locks at one line, then holds them
 * for 400 ms. Run with hold_ms=100: the 20 holds cross the threshold in
 * one burst from one site, so they make one grouped long_hold warning
 * whose JSON lists all 20 holds; the output is the program's. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define N_BUFFERS 20

static pthread_mutex_t buffer_locks[N_BUFFERS];

__attribute__((noinline)) static void flush_all(void)
{
	struct timespec t = { 0, 400 * 1000000L };
	for (int i = 0; i < N_BUFFERS; i++)
		pthread_mutex_lock(&buffer_locks[i]);
	while (nanosleep(&t, &t) != 0)
		;
	for (int i = N_BUFFERS - 1; i >= 0; i--)
		pthread_mutex_unlock(&buffer_locks[i]);
}

static void *flusher(void *arg)
{
	flush_all();
	return arg;
}

int main(void)
{
	for (int i = 0; i < N_BUFFERS; i++)
		pthread_mutex_init(&buffer_locks[i], NULL);
	pthread_t t;
	pthread_create(&t, NULL, flusher, NULL);
	pthread_join(t, NULL);
	printf("%d buffers flushed\n", N_BUFFERS);
	return 0;
}
