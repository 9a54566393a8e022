/* unshare_after_join.c - a program that sandboxes itself after its start-up
 * threads are done: it joins them, then enters a mount namespace (setns,
 * its own: root only) and a new user namespace (unshare), which the
 * kernel allows only a process of one thread (EINVAL otherwise), with
 * more threads started and joined in between, and one after. Natively
 * each call succeeds (or fails alike in every way: not root, user
 * namespaces off). lockwatch's watchdog and reader, started by the first
 * thread's lock, used to stay: both calls failed with EINVAL. They now
 * end at the call, as at a fork, and wait until the kernel has let them
 * go (a joined thread counts for a moment after its join: before that
 * wait, 13 runs in 100 still failed); the program waits so for its own.
 * Runs correctly natively; no report. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static int loaded;

static void *load_part(void *arg)
{
	pthread_mutex_lock(&config_lock);
	loaded++;
	pthread_mutex_unlock(&config_lock);
	*(pid_t *)arg = (pid_t)syscall(SYS_gettid);
	return arg;
}

static void start_up(int parts)
{
	pthread_t t[4];
	pid_t tid[4];
	for (int i = 0; i < parts; i++)
		pthread_create(&t[i], NULL, load_part, &tid[i]);
	for (int i = 0; i < parts; i++) {
		pthread_join(t[i], NULL);
		/* a joined thread's task lingers a moment, natively too: until
		 * the kernel has let it go, so the native run is sure */
		for (int k = 0; k < 2000 && syscall(SYS_tgkill, getpid(), tid[i], 0) == 0; k++)
			nanosleep(&(struct timespec){ 0, 1000 * 1000 }, NULL);
	}
}

static const char *result(int rc)
{
	return rc == 0 ? "ok" : strerror(errno);
}

int main(void)
{
	start_up(4);
	int fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	printf("setns: %s\n", fd < 0 ? "no namespace file" : result(setns(fd, CLONE_NEWNS)));
	if (fd >= 0)
		close(fd);
	start_up(2);
	printf("unshare: %s\n", result(unshare(CLONE_NEWUSER)));
	start_up(1);
	printf("loaded %d parts\n", loaded);
	return 0;
}
