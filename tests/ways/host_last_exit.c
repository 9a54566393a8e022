/* host_last_exit.c - a process whose last thread ends with pthread_exit:
 * glibc then ends the process with status 0. The main thread calls
 * pthread_exit while two workers still run; one of them forks, and the
 * child's only thread (a copy of that worker) starts a thread, joins it
 * and ends with pthread_exit too. Runs correctly natively (exit status
 * 0, three lines); lockwatch's watchdog thread must not keep either
 * process alive (found running CPython's test_threading under lockwatch
 * run: the forked child never ended, and its parent waited for good).
 * Thread starts retry while the machine is briefly out of threads, and the
 * unwinder is loaded before the fork, and the fork waits until the main
 * thread has ended and the other worker runs its own code (under ASan,
 * whose allocator gcc 12 does not make safe across fork, a child forked
 * while another thread's start or exit was in that allocator waited for
 * good in its first allocation, natively too): the program must
 * end as it does natively however loaded the machine (a fresh clone's
 * test run once saw the native child end otherwise). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t out = PTHREAD_MUTEX_INITIALIZER;
static int last_runs; /* the other worker is in its own code */

static void say(const char *what)
{
	pthread_mutex_lock(&out);
	printf("%s\n", what);
	fflush(stdout);
	pthread_mutex_unlock(&out);
}

static void *child_thread(void *arg)
{
	(void)arg;
	say("child's thread ran");
	return NULL;
}

/* pthread_create, again while the machine is out of threads for a
 * moment (EAGAIN: other tests run beside this one). */
static int start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	int rc;
	struct timespec ms = { 0, 1000000 };
	for (int i = 0; (rc = pthread_create(t, NULL, fn, arg)) == EAGAIN && i < 1000; i++)
		nanosleep(&ms, NULL);
	return rc;
}

/* Wait (up to 10 s) until the main thread has ended: the process's first
 * task is a zombie. */
static void main_gone(void)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)getpid());
	struct timespec ms = { 0, 1000000 };
	for (int i = 0; i < 10000; i++) {
		int fd = open(path, O_RDONLY);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (fd >= 0)
			close(fd);
		if (n <= 0)
			return;
		buf[n] = 0;
		const char *p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'Z')
			return;
		nanosleep(&ms, NULL);
	}
}

static void *forker(void *arg)
{
	(void)arg;
	struct timespec ms = { 0, 1000000 };
	for (int i = 0; i < 10000 && !__atomic_load_n(&last_runs, __ATOMIC_ACQUIRE); i++)
		nanosleep(&ms, NULL);
	main_gone();
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t t;
		if (start(&t, child_thread, NULL) != 0)
			_exit(3);
		pthread_join(t, NULL);
		pthread_exit(NULL); /* its only thread: the child ends, status 0 */
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		say("no child");
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		say("child ended with status 0");
	else {
		say("child ended otherwise");
		/* why, on standard error (not compared with the native run's) */
		fprintf(stderr, "child: status %d, signal %d\n",
			WIFEXITED(st) ? WEXITSTATUS(st) : -1, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	}
	return NULL;
}

static void *last(void *arg)
{
	__atomic_store_n(&last_runs, 1, __ATOMIC_RELEASE);
	pthread_join(*(pthread_t *)arg, NULL);
	say("last worker done");
	return NULL; /* the process's last thread: the process ends, status 0 */
}

static void *ends_early(void *arg)
{
	pthread_exit(arg);
}

int main(void)
{
	static pthread_t a, b, w;
	/* glibc loads its unwinder (libgcc_s) at a process's first
	 * pthread_exit: here, before any fork, so that the child never
	 * inherits that load half-done by the main thread's pthread_exit */
	if (start(&w, ends_early, NULL) != 0)
		return 1;
	pthread_join(w, NULL);
	say("main starts");
	if (start(&a, forker, NULL) != 0 || start(&b, last, &a) != 0)
		return 1;
	pthread_exit(NULL);
}
