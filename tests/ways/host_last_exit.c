/* host_last_exit.c - a process whose last thread ends with pthread_exit:
 * glibc then ends the process with status 0. The main thread calls
 * pthread_exit while two workers still run; one of them forks, and the
 * child's only thread (a copy of that worker) starts a thread, joins it
 * and ends with pthread_exit too. Runs correctly natively (exit status
 * 0, three lines); lockwatch's watchdog thread must not keep either
 * process alive (found running CPython's test_threading under lockwatch
 * run: the forked child never ended, and its parent waited for good). */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t out = PTHREAD_MUTEX_INITIALIZER;

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

static void *forker(void *arg)
{
	(void)arg;
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t t;
		if (pthread_create(&t, NULL, child_thread, NULL) != 0)
			_exit(3);
		pthread_join(t, NULL);
		pthread_exit(NULL); /* its only thread: the child ends, status 0 */
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		say("no child");
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		say("child ended with status 0");
	else
		say("child ended otherwise");
	return NULL;
}

static void *last(void *arg)
{
	pthread_join(*(pthread_t *)arg, NULL);
	say("last worker done");
	return NULL; /* the process's last thread: the process ends, status 0 */
}

int main(void)
{
	static pthread_t a, b;
	say("main starts");
	if (pthread_create(&a, NULL, forker, NULL) != 0 || pthread_create(&b, NULL, last, &a) != 0)
		return 1;
	pthread_exit(NULL);
}
