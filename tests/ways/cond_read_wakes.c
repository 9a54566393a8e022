/* cond_read_wakes.c - main joins; a waiter waits on a condition variable
 * that only the reader signals, and the reader sits in read() on a pipe
 * that a child process writes after 1.5 s. For those 1.5 s every thread
 * but the reader is blocked in a wait lockwatch sees, and the reader is
 * blocked in read(), which something outside (here: the child) can end:
 * not a deadlock. The reader then signals, everything ends cleanly: no
 * report at all, the native output and status in every way. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t flag_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t flag_set = PTHREAD_COND_INITIALIZER;
static int flag, pipefd[2];

static void *reader(void *arg)
{
	char c;
	while (read(pipefd[0], &c, 1) < 0) /* blocked here for 1.5 s */
		;
	pthread_mutex_lock(&flag_lock);
	flag = 1;
	pthread_cond_signal(&flag_set);
	pthread_mutex_unlock(&flag_lock);
	return arg;
}

static void *waiter(void *arg)
{
	pthread_mutex_lock(&flag_lock);
	while (!flag)
		pthread_cond_wait(&flag_set, &flag_lock);
	pthread_mutex_unlock(&flag_lock);
	return arg;
}

int main(void)
{
	pthread_t r, w;
	if (pipe(pipefd) != 0)
		return 1;
	pid_t child = fork();
	if (child == 0) {
		struct timespec t = { 1, 500000000 };
		nanosleep(&t, NULL);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		_exit(0);
	}
	pthread_create(&w, NULL, waiter, NULL);
	pthread_create(&r, NULL, reader, NULL);
	pthread_join(w, NULL);
	pthread_join(r, NULL);
	waitpid(child, NULL, 0);
	printf("flag %d\n", flag);
	return 0;
}
