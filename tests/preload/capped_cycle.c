/* capped_cycle.c - a program that caps its own address space at what it
 * uses now plus argv[1] MiB (0: none), then takes two locks in both orders
 * in one thread (a lock-order cycle) and exits 0. With no room, lockwatch
 * cannot make its tables (the thread's state, the graph): the cycle goes
 * unseen, and `lockwatch run` must say that its checks ran short, not
 * pass the run in silence (test_capped.sh). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../ways/probes.h"

static pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER, second = PTHREAD_MUTEX_INITIALIZER;

int main(int argc, char **argv)
{
	struct rlimit r;
	long room = argc > 1 ? atol(argv[1]) : 0;
	r.rlim_cur = r.rlim_max = (rlim_t)(vm_kib() + room * 1024L) * 1024;
	setrlimit(RLIMIT_AS, &r);
	pthread_mutex_lock(&first);
	pthread_mutex_lock(&second);
	pthread_mutex_unlock(&second);
	pthread_mutex_unlock(&first);
	pthread_mutex_lock(&second);
	pthread_mutex_lock(&first);
	pthread_mutex_unlock(&first);
	pthread_mutex_unlock(&second);
	printf("both orders taken\n");
	return 0;
}
