/* fds_kept.c - a daemon's start-up: after its first locks (lockwatch has
 * captured stacks by then), the program closes every descriptor above 2,
 * opens its own files (they take the lowest numbers, those lockwatch's
 * unwinder had before), then starts threads that take new lock chains
 * (more stack captures). Its files must still be its own, open, at the
 * same numbers, and no descriptor it did not open may be left open in it.
 * (Before it closes them, no descriptor it did not open may be open
 * either.) No report; the program's output and status (0). */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILES 6
#define THREADS 4

static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t inner[THREADS];
static int fds[FILES];
static ino_t inos[FILES];

static __attribute__((noinline)) void nest(int i)
{
	pthread_mutex_lock(&outer);
	pthread_mutex_lock(&inner[i]);
	pthread_mutex_unlock(&inner[i]);
	pthread_mutex_unlock(&outer);
}

static void *worker(void *arg)
{
	nest((int)(long)arg);
	return NULL;
}

static void run_threads(int from, int to)
{
	pthread_t t[THREADS];
	for (int i = from; i < to; i++)
		pthread_create(&t[i], NULL, worker, (void *)(long)i);
	for (int i = from; i < to; i++)
		pthread_join(t[i], NULL);
}

/* Descriptors open now that the program did not open. */
static int others(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		if (e->d_name[0] == '.')
			continue;
		int fd = atoi(e->d_name), mine = fd <= 2 || fd == dirfd(d);
		for (int i = 0; i < FILES; i++)
			mine |= fd == fds[i];
		n += !mine;
	}
	closedir(d);
	return n;
}

int main(void)
{
	for (int i = 0; i < THREADS; i++)
		pthread_mutex_init(&inner[i], NULL);
	run_threads(0, THREADS / 2);
	printf("%d descriptors open that the program did not open\n", others());
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	char path[64];
	for (int i = 0; i < FILES; i++) {
		snprintf(path, sizeof(path), "daemon-%d.log", i);
		fds[i] = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		struct stat st;
		if (fds[i] < 0 || fstat(fds[i], &st) != 0)
			return 1;
		inos[i] = st.st_ino;
	}
	run_threads(THREADS / 2, THREADS);
	int intact = 0;
	for (int i = 0; i < FILES; i++) {
		struct stat st;
		intact += fstat(fds[i], &st) == 0 && st.st_ino == inos[i] &&
			  write(fds[i], "up\n", 3) == 3;
	}
	printf("%d of %d files intact, %d other descriptors open\n", intact, FILES, others());
	return 0;
}
