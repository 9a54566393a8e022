/* tsan_race.c - a real data race for ThreadSanitizer (built with
 * -fsanitize=thread by test_tsan.sh): the worker writes `shared`, the main
 * thread reads it a while later, and nothing orders the two. Between its
 * access and the other's, each thread takes a mutex of its own never used
 * before (under lockwatch: a new lock each, registered on its slow path),
 * which orders nothing between them. TSan must report the race under
 * lockwatch as natively: "WARNING: ThreadSanitizer: data race" and its
 * status 66. Prints the value read. With an argument, a forked child
 * does all that (lockwatch's fork steps took and remade its mutexes in
 * between) and the parent exits with the child's status. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int shared;
static pthread_mutex_t worker_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t main_mu = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
	shared = 1;
	pthread_mutex_lock(&worker_mu);
	pthread_mutex_unlock(&worker_mu);
	return arg;
}

static int race(void)
{
	pthread_t th;
	if (pthread_create(&th, NULL, worker, NULL) != 0)
		return 1;
	usleep(200000); /* the worker has written and unlocked by now */
	pthread_mutex_lock(&main_mu);
	pthread_mutex_unlock(&main_mu);
	printf("read %d\n", shared);
	pthread_join(th, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc < 2)
		return race();
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		return race();
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 1;
	return WEXITSTATUS(st);
}
