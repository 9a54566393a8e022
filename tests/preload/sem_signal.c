/* sem_signal.c - the everyday uses of a POSIX semaphore, all correct:
 *  - a completion signal: main sem_init(0)s done_sem, a worker posts it,
 *    main sem_wait()s, joins and sem_destroy()s it (count 0, no waiter:
 *    well defined);
 *  - a one-shot handshake in the other direction: a worker waits for
 *    go_sem, main posts it, the worker then destroys its own semaphore
 *    after main is done with it.
 * Nothing here is a lock bug: a unit taken by sem_wait is not a lock held,
 * so destroying the semaphore afterwards must not be reported. The program
 * exits 0. Under lockwatch run: no report at all, status 0. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static sem_t done_sem, go_sem;
static int result;

static void *worker(void *arg)
{
	result = 42;
	sem_post(&done_sem);
	return arg;
}

static void *waiter(void *arg)
{
	sem_wait(&go_sem);
	return arg;
}

__attribute__((noinline)) static int completion(void)
{
	pthread_t t;
	if (sem_init(&done_sem, 0, 0) != 0 || pthread_create(&t, NULL, worker, NULL) != 0)
		return 1;
	sem_wait(&done_sem);
	pthread_join(t, NULL);
	return sem_destroy(&done_sem) != 0 || result != 42;
}

__attribute__((noinline)) static int handshake(void)
{
	pthread_t t;
	if (sem_init(&go_sem, 0, 0) != 0 || pthread_create(&t, NULL, waiter, NULL) != 0)
		return 1;
	sem_post(&go_sem);
	pthread_join(t, NULL);
	return sem_destroy(&go_sem) != 0;
}

int main(void)
{
	int bad = completion() + handshake();
	printf("%s\n", bad ? "semaphores misbehaved" : "ok");
	return bad;
}
