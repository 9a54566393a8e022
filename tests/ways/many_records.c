/* many_records.c - a program of more locks than lockwatch keeps in its
 * region of hinted records (524,288: model/records.c), each taken once,
 * then the last two, made past the region and found by address, taken in
 * both orders one call after the other (it never deadlocks): one
 * lock-order cycle error in every way in, as for two locks of a small
 * program. In between, each of the region's last locks and the first ones
 * past it is taken again and again (the fast way, with and without a
 * hint). With CAPPED, the program first limits its own address space
 * (RLIMIT_AS, far above what it uses): there lockwatch reserves no region
 * at all, and every record is found by address (skipped, status 77, in a
 * sanitizer build). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef CAPPED
#include <sys/resource.h>
#endif

#define N_LOCKS 600000
#define REGION 524288 /* records in lockwatch's region (when it has one) */

static pthread_mutex_t *locks;
static long counter;

__attribute__((noinline)) static void forward(pthread_mutex_t *a, pthread_mutex_t *b)
{
	pthread_mutex_lock(a);
	pthread_mutex_lock(b);
	counter++;
	pthread_mutex_unlock(b);
	pthread_mutex_unlock(a);
}

__attribute__((noinline)) static void backward(pthread_mutex_t *a, pthread_mutex_t *b)
{
	pthread_mutex_lock(b);
	pthread_mutex_lock(a);
	counter++;
	pthread_mutex_unlock(a);
	pthread_mutex_unlock(b);
}

int main(void)
{
#ifdef CAPPED
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	/* its shadow memory is far more address space than any limit */
	puts("a sanitizer build cannot run under an address-space limit");
	return 77;
#endif
	struct rlimit r = { (rlim_t)64 << 30, (rlim_t)64 << 30 };
	if (setrlimit(RLIMIT_AS, &r) != 0)
		perror("setrlimit");
#endif
	locks = malloc(N_LOCKS * sizeof(*locks));
	if (!locks)
		return 1;
	for (long i = 0; i < N_LOCKS; i++)
		pthread_mutex_init(&locks[i], NULL);
	for (long i = 0; i < N_LOCKS; i++) {
		pthread_mutex_lock(&locks[i]);
		counter++;
		pthread_mutex_unlock(&locks[i]);
	}
	for (int round = 0; round < 100; round++)
		for (long i = REGION - 1000; i < REGION + 1000; i++) {
			pthread_mutex_lock(&locks[i]);
			counter++;
			pthread_mutex_unlock(&locks[i]);
		}
	forward(&locks[N_LOCKS - 2], &locks[N_LOCKS - 1]);
	backward(&locks[N_LOCKS - 2], &locks[N_LOCKS - 1]);
	for (long i = 0; i < N_LOCKS; i++)
		pthread_mutex_destroy(&locks[i]);
	free(locks);
	printf("counter %ld\n", counter);
	return 0;
}
