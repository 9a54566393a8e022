/* one_runtime.c - a program with lockwatch inside it twice (a header or
 * wrapper build, which links liblockwatch, run under `lockwatch run`, which
 * preloads the library again) must get one runtime, not two: one watchdog
 * thread (named lw-watchdog) at most, and its own lock-order cycle found
 * as the error it is. The program exits 3 when it sees two watchdogs.
 * Natively (and in every single way in) it prints the same and exits 0. */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static int watchdogs(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		char path[300], name[32] = "";
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (f && fgets(name, sizeof(name), f) && strncmp(name, "lw-watchdog", 11) == 0)
			n++;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

static void *forward(void *arg)
{
	pthread_mutex_lock(&lock_a);
	pthread_mutex_lock(&lock_b);
	pthread_mutex_unlock(&lock_b);
	pthread_mutex_unlock(&lock_a);
	return arg;
}

static void *backward(void *arg)
{
	pthread_mutex_lock(&lock_b);
	pthread_mutex_lock(&lock_a);
	pthread_mutex_unlock(&lock_a);
	pthread_mutex_unlock(&lock_b);
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, forward, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, backward, NULL);
	pthread_join(t, NULL);
	usleep(300000); /* the watchdogs have started by now */
	if (watchdogs() > 1) {
		printf("two lockwatch runtimes in one process\n");
		return 3;
	}
	printf("done\n");
	return 0;
}
