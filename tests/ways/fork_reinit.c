/* fork_reinit.c - a fork-safe library's handlers (pthread_atfork): the
 * prepare handler takes the library's lock, so no other thread is inside
 * when the process forks; the parent's handler lets it go; the child's
 * makes it again with pthread_mutex_init, an idiom of fork-safe code (the
 * child has one thread, and nobody will unlock the old one). Initialising
 * a held lock is undefined behaviour, but here its holder is the one that
 * makes it again, nobody waits for it, and nobody unlocks it afterwards:
 * not an error. A worker thread takes the lock meanwhile; each child
 * takes it, lets it go and ends with status 7. Runs correctly natively. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t lib_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void prepare(void)
{
	pthread_mutex_lock(&lib_lock);
}

static void parent(void)
{
	pthread_mutex_unlock(&lib_lock);
}

static void child(void)
{
	pthread_mutex_init(&lib_lock, NULL);
}

static void *worker(void *arg)
{
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&lib_lock);
		counter++;
		pthread_mutex_unlock(&lib_lock);
	}
	return arg;
}

int main(void)
{
	if (pthread_atfork(prepare, parent, child))
		return 1;
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL))
		return 1;
	int sevens = 0;
	for (int i = 0; i < 5; i++) {
		pid_t p = fork();
		if (p < 0)
			return 1;
		if (p == 0) {
			pthread_mutex_lock(&lib_lock);
			counter = -1;
			pthread_mutex_unlock(&lib_lock);
			_exit(7);
		}
		int st;
		if (waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 7)
			sevens++;
	}
	pthread_join(t, NULL);
	printf("children ended with 7: %d, counter %ld\n", sevens, counter);
	return 0;
}
