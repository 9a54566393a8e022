/* pid_paths.c - an inversion in the parent, then (after the fork) another
 * in the child, each on its own locks, after an optional chdir(argv[1]):
 * with json=...%p... each process writes its own file, and a relative
 * path means the directory the program started in. Prints "done", exits 0
 * (the child's status comes back through the parent's wait). */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER, d = PTHREAD_MUTEX_INITIALIZER;

static void both(pthread_mutex_t *x, pthread_mutex_t *y)
{
	pthread_mutex_lock(x);
	pthread_mutex_lock(y);
	pthread_mutex_unlock(y);
	pthread_mutex_unlock(x);
}

int main(int argc, char **argv)
{
	if (argc > 1 && chdir(argv[1]) != 0)
		return 2;
	both(&a, &b);
	both(&b, &a);
	pid_t p = fork();
	if (p == 0) {
		both(&c, &d);
		both(&d, &c);
		_exit(0);
	}
	int st = 0;
	waitpid(p, &st, 0);
	printf("done\n");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
