/* close_fds.c - a daemon-like start-up: the program closes every file
 * descriptor above 2 (as many daemons and some shells do), then opens its
 * own output file argv[1] (which gets the lowest free descriptor), makes a
 * lock-order inversion (f_transfer/f_audit) and writes one line to its
 * file. Whatever lockwatch does with its own files, it must never write
 * into the program's: argv[1] must hold exactly the program's line. Under
 * lockwatch run the inversion must still be reported (status 66). */
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

pthread_mutex_t accounts_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t ledger_lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void *f_transfer(void *arg)
{
	pthread_mutex_lock(&accounts_lock);
	pthread_mutex_lock(&ledger_lock);
	pthread_mutex_unlock(&ledger_lock);
	pthread_mutex_unlock(&accounts_lock);
	return arg;
}

__attribute__((noinline)) void *f_audit(void *arg)
{
	pthread_mutex_lock(&ledger_lock);
	pthread_mutex_lock(&accounts_lock);
	pthread_mutex_unlock(&accounts_lock);
	pthread_mutex_unlock(&ledger_lock);
	return arg;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		return 1;
	pthread_t t;
	pthread_create(&t, NULL, f_transfer, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, f_audit, NULL);
	pthread_join(t, NULL);
	const char *line = "the program's own data\n";
	if (write(out, line, strlen(line)) != (ssize_t)strlen(line))
		return 1;
	return close(out) == 0 ? 0 : 1;
}
