/* fds_sample.c - a lock held for a second by a thread running its own
 * code (the watchdog samples its stack: a perf event on it), while
 * another thread waits for it and the main thread lists its own
 * descriptors again and again (as a daemon checking for leaks does). The
 * perf event was open in the program's table for the whole sample wait,
 * taking the lowest free number (a helper's program that reopened
 * descriptor 0 got another number 7,700 times in 1.6 s). No descriptor of
 * lockwatch's may show: "perf events seen: 0". Reports: the long hold
 * (and the long wait) warnings, with hold_ms and wait_ms at 300. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t busy_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int done;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static void *crunch(void *arg)
{
	pthread_mutex_lock(&busy_lock);
	volatile unsigned long x = 0;
	for (double end = now_s() + 1.0; now_s() < end;)
		x++;
	pthread_mutex_unlock(&busy_lock);
	return arg;
}

__attribute__((noinline)) static void *waiter(void *arg)
{
	usleep(50000);
	pthread_mutex_lock(&busy_lock);
	pthread_mutex_unlock(&busy_lock);
	done = 1;
	return arg;
}

/* How many of this process's descriptors are perf events now. */
static int perf_events(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		char path[300], target[256];
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		ssize_t len = readlink(path, target, sizeof(target) - 1);
		if (len > 0) {
			target[len] = 0;
			n += strstr(target, "perf_event") != NULL;
		}
	}
	closedir(d);
	return n;
}

int main(void)
{
	pthread_t h, w;
	pthread_create(&h, NULL, crunch, NULL);
	pthread_create(&w, NULL, waiter, NULL);
	int seen = 0;
	while (!done)
		seen += perf_events() > 0;
	pthread_join(h, NULL);
	pthread_join(w, NULL);
	printf("perf events seen: %d\n", seen);
	return 0;
}
