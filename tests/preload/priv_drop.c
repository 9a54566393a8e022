/* priv_drop.c - a server's shape: started as root, it forks a worker that
 * gives up its privileges (setgid, setuid to `nobody`, 65534) and then
 * takes two locks in both orders, one after the other (a lock-order
 * cycle, never a deadlock: one thread). The worker can no longer open a
 * JSON file root made, yet its report must reach it. With the argument
 * `exec` the worker, once it is `nobody`, runs this program again (as
 * `setpriv` or `runuser` would) to do its work: that program's lockwatch
 * must still count its report in the run. Started by a user other than
 * root, the worker keeps its user. Prints the worker's status. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t conf = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stats = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void reload(void)
{
	pthread_mutex_lock(&conf);
	pthread_mutex_lock(&stats);
	pthread_mutex_unlock(&stats);
	pthread_mutex_unlock(&conf);
}

__attribute__((noinline)) static void account(void)
{
	pthread_mutex_lock(&stats);
	pthread_mutex_lock(&conf);
	pthread_mutex_unlock(&conf);
	pthread_mutex_unlock(&stats);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "work") == 0) {
		reload();
		account();
		return 0;
	}
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(3);
		if (argc > 1 && strcmp(argv[1], "exec") == 0) {
			execl("/proc/self/exe", argv[0], "work", (char *)NULL);
			_exit(4);
		}
		reload();
		account();
		_exit(0);
	}
	int st = 0;
	if (waitpid(pid, &st, 0) != pid)
		return 2;
	printf("worker exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}
