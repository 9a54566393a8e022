/* fds_reopen.c - a program that closes its standard input and opens
 * /dev/null, counting on the lowest free number (0) coming back, again and
 * again for two seconds, while a worker of its waits on a condition
 * variable (a thread pool's idle thread): natively the number always
 * comes back, since no other thread of the program opens anything. The
 * watchdog reads /proc every look (the waiting thread's system call,
 * whether the main thread has ended), and each of its opens took the
 * lowest free number for a few microseconds: some reopens got 3 (117 in
 * 1.4 million in five seconds). No report; the program's output and
 * status (0). */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go = PTHREAD_COND_INITIALIZER;
static int done;

static void *idle_worker(void *arg)
{
	pthread_mutex_lock(&mu);
	while (!done)
		pthread_cond_wait(&go, &mu);
	pthread_mutex_unlock(&mu);
	return arg;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, idle_worker, NULL))
		return 1;
	long other = 0, reopens = 0;
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		for (int i = 0; i < 1000; i++, reopens++) {
			close(0);
			int fd = open("/dev/null", O_RDONLY);
			if (fd != 0) {
				other++;
				if (fd > 0)
					close(fd);
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec < 2);
	pthread_mutex_lock(&mu);
	done = 1;
	pthread_cond_signal(&go);
	pthread_mutex_unlock(&mu);
	pthread_join(t, NULL);
	if (other)
		printf("%ld reopens of descriptor 0 got another number\n", other);
	else
		printf("every reopen got descriptor 0\n");
	fprintf(stderr, "fds_reopen: %ld reopens\n", reopens);
	return 0;
}
