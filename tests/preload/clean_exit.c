/* clean_exit.c - a correct program: four threads take three mutexes and a
 * rwlock always in the same order, then main returns 3. Under lockwatch
 * run the status must be 3 (the program's own) and no report may be made. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;
static long counter;

__attribute__((noinline)) static void work(int i)
{
	pthread_mutex_lock(&a);
	if (i & 1)
		pthread_mutex_lock(&b);
	pthread_rwlock_rdlock(&table);
	pthread_mutex_lock(&c);
	counter++;
	pthread_mutex_unlock(&c);
	pthread_rwlock_unlock(&table);
	if (i & 1)
		pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
}

static void *worker(void *arg)
{
	for (int i = 0; i < 20000; i++)
		work(i);
	return arg;
}

int main(void)
{
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, worker, NULL))
			return 1;
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("counter %ld\n", counter);
	return counter == 80000 ? 3 : 1;
}
