/* threads.c - what many threads cost: memory per thread and the
 * watchdog's CPU. N threads each lock their own mutex; with `hold` they
 * keep it locked while the main thread measures, else they let it go and
 * wait (`free`: at a barrier, which lockwatch does not see; `pool`: on a
 * condition variable, as a pool's idle workers do, waits it sees). Prints "row threads_rss_kib K" (the process's resident memory
 * with every thread started) and, when a thread named lw-watchdog exists,
 * "row watchdog_cpu_pct P" (its CPU time and its reader's, lw-reader,
 * over SECONDS, percent of one core). Run natively and under `lockwatch
 * run` (tools/bench/threads.sh).
 * usage: threads N hold|free|pool SECONDS */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_barrier_t started, done;
static int hold, pool;
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cv = PTHREAD_COND_INITIALIZER;
static int pool_done;

/* an idle pool worker: waits on a condition variable until the end */
static void pool_wait(void)
{
	pthread_mutex_lock(&pool_mu);
	while (!pool_done)
		pthread_cond_wait(&pool_cv, &pool_mu);
	pthread_mutex_unlock(&pool_mu);
}

static void *worker(void *arg)
{
	pthread_mutex_t *m = arg;
	pthread_mutex_lock(m);
	if (!hold)
		pthread_mutex_unlock(m);
	pthread_barrier_wait(&started);
	if (pool)
		pool_wait();
	else
		pthread_barrier_wait(&done);
	if (hold)
		pthread_mutex_unlock(m);
	return NULL;
}

static long rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = atol(line + 6);
	if (f)
		fclose(f);
	return kib;
}

/* CPU seconds of the threads named lw-watchdog and lw-reader (its /proc
 * reads), or -1 when there is no watchdog. */
static double watchdog_cpu(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	double s = 0;
	int watchdogs = 0;
	while (d && (e = readdir(d)) != NULL) {
		char path[300], buf[512];
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		int got = fgets(buf, sizeof(buf), f) != NULL;
		int watchdog = got && strncmp(buf, "lw-watchdog", 11) == 0;
		int ours = watchdog || (got && strncmp(buf, "lw-reader", 9) == 0);
		fclose(f);
		if (!ours)
			continue;
		watchdogs += watchdog;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (f && fgets(buf, sizeof(buf), f)) {
			unsigned long ut = 0, st = 0;
			char *p = strrchr(buf, ')');
			if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
					&ut, &st) == 2)
				s += (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return watchdogs ? s : -1;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: threads N hold|free|pool SECONDS\n");
		return 2;
	}
	int n = atoi(argv[1]), secs = atoi(argv[3]);
	hold = strcmp(argv[2], "hold") == 0;
	pool = strcmp(argv[2], "pool") == 0;
	pthread_mutex_t *locks = calloc((size_t)n, sizeof(*locks));
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	if (!locks || !t || n <= 0)
		return 1;
	pthread_barrier_init(&started, NULL, (unsigned)n + 1);
	pthread_barrier_init(&done, NULL, (unsigned)n + 1);
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 64 * 1024);
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], &at, worker, &locks[i]) != 0) {
			perror("pthread_create");
			return 1;
		}
	pthread_barrier_wait(&started);
	printf("row threads_rss_kib %ld\n", rss_kib());
	double c0 = watchdog_cpu();
	sleep((unsigned)secs);
	double c1 = watchdog_cpu();
	if (c0 >= 0 && c1 >= 0 && secs > 0)
		printf("row watchdog_cpu_pct %.1f\n", (c1 - c0) / secs * 100);
	fflush(stdout);
	if (pool) {
		pthread_mutex_lock(&pool_mu);
		pool_done = 1;
		pthread_cond_broadcast(&pool_cv);
		pthread_mutex_unlock(&pool_mu);
	} else {
		pthread_barrier_wait(&done);
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}
