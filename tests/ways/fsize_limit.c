/* fsize_limit.c - a program under a file size limit of 0 (RLIMIT_FSIZE, as
 * a judge or a sandbox sets) while it writes no file: natively it runs
 * to the end. Its lock-order cycle's report is written, as every report,
 * into the JSON file by the thread that found it: the write past the
 * limit raised SIGXFSZ there and killed the program (status 153), and a
 * JSON file that could not be written was not said. Now: output and
 * status as natively but for the error (66), and "cannot write" said
 * once. Meanwhile its standard error is a pipe it reads itself (every
 * file is limited), copied out once the limit is lifted. */
#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER, lock_b = PTHREAD_MUTEX_INITIALIZER;
static char said[65536];
static size_t n_said;
static int pipe_in;

__attribute__((noinline)) static void forward(void)
{
	pthread_mutex_lock(&lock_a);
	pthread_mutex_lock(&lock_b);
	pthread_mutex_unlock(&lock_b);
	pthread_mutex_unlock(&lock_a);
}

__attribute__((noinline)) static void backward(void)
{
	pthread_mutex_lock(&lock_b);
	pthread_mutex_lock(&lock_a);
	pthread_mutex_unlock(&lock_a);
	pthread_mutex_unlock(&lock_b);
}

static void *collect(void *arg)
{
	ssize_t n;
	while (n_said < sizeof(said) &&
	       (n = read(pipe_in, said + n_said, sizeof(said) - n_said)) > 0)
		n_said += (size_t)n;
	return arg;
}

int main(void)
{
	int p[2], err = dup(2);
	pthread_t t;
	if (err < 0 || pipe(p) != 0 || dup2(p[1], 2) < 0)
		return 1;
	close(p[1]);
	pipe_in = p[0];
	pthread_create(&t, NULL, collect, NULL);
	struct rlimit none = { 0, RLIM_INFINITY }, all = { RLIM_INFINITY, RLIM_INFINITY };
	if (setrlimit(RLIMIT_FSIZE, &none) != 0)
		return 1;
	forward();
	backward();
	setrlimit(RLIMIT_FSIZE, &all);
	dup2(err, 2); /* the pipe's last writer gone: collect ends */
	pthread_join(t, NULL);
	if (write(2, said, n_said) < 0)
		return 1;
	puts("done");
	return 0;
}
