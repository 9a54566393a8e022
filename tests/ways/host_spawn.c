/* host_spawn.c - new processes while other threads hold locks: two
 * workers sit holding a mutex and a rwlock while main runs posix_spawn,
 * system, popen and a fork whose child takes a lock nobody held at the
 * fork. Every child's output is read or waited for in turn, so the output
 * is the same every run. Runs correctly natively; lockwatch must change
 * nothing and report nothing. */
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t config = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t spare = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t holding, done;

static void *holder(void *arg)
{
	if (arg)
		pthread_mutex_lock(&table);
	else
		pthread_rwlock_wrlock(&config);
	pthread_barrier_wait(&holding);
	pthread_barrier_wait(&done);
	if (arg)
		pthread_mutex_unlock(&table);
	else
		pthread_rwlock_unlock(&config);
	return NULL;
}

int main(void)
{
	pthread_barrier_init(&holding, NULL, 3);
	pthread_barrier_init(&done, NULL, 3);
	pthread_t a, b;
	pthread_create(&a, NULL, holder, &table);
	pthread_create(&b, NULL, holder, NULL);
	pthread_barrier_wait(&holding);

	fflush(stdout);
	static pid_t pid;
	static char echo[] = "/bin/echo", word[] = "spawned";
	static char *argv[] = { echo, word, NULL };
	int rc = posix_spawn(&pid, echo, NULL, NULL, argv, environ);
	int st = 0;
	if (rc == 0)
		waitpid(pid, &st, 0);
	printf("posix_spawn %d, status %d\n", rc, WEXITSTATUS(st));
	fflush(stdout);

	rc = system("echo from system");
	printf("system %d\n", WEXITSTATUS(rc));

	FILE *p = popen("echo from popen", "r");
	char line[64] = "";
	if (p && fgets(line, sizeof(line), p))
		printf("popen read: %s", line);
	printf("pclose %d\n", p ? pclose(p) : -1);
	fflush(stdout);

	pid = fork();
	if (pid == 0) {
		pthread_mutex_lock(&spare); /* free at the fork: fine in the child */
		printf("child locked spare\n");
		pthread_mutex_unlock(&spare);
		fflush(stdout);
		_exit(7);
	}
	waitpid(pid, &st, 0);
	printf("fork child status %d\n", WEXITSTATUS(st));

	pthread_barrier_wait(&done);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return 0;
}
