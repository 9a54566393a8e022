/* host_million.c - 1,000,000 mutexes in one heap array (zeroed memory is
 * an initialised default mutex in glibc), each locked and unlocked once,
 * then every thousandth again under one global lock. Runs correctly
 * natively; lockwatch must change nothing and report nothing. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define N 1000000

static pthread_mutex_t global = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
	pthread_mutex_t *m = calloc(N, sizeof(*m));
	if (!m)
		return 1;
	long n = 0;
	for (long i = 0; i < N; i++) {
		n += pthread_mutex_lock(&m[i]) == 0;
		pthread_mutex_unlock(&m[i]);
	}
	pthread_mutex_lock(&global);
	for (long i = 0; i < N; i += 1000) {
		n += pthread_mutex_lock(&m[i]) == 0;
		pthread_mutex_unlock(&m[i]);
	}
	pthread_mutex_unlock(&global);
	printf("locked %ld times\n", n);
	free(m);
	return 0;
}
