/* two_orders.c - one test of a suite: takes two global locks in the order
 * its argument names, in one thread, and ends cleanly. Alone, every order
 * is clean; two processes taking the same two locks in opposite orders
 * ("ab" and "ba") are a cycle only `lockwatch report` sees. A third lock
 * (c) makes a new cycle with "bc" and "cb"; "g" takes gate_lock around
 * everything (a gated order: dashed in the picture).
 * ORDER may hold several pairs ("abba": both orders in this one process,
 * a cycle it reports itself).
 * With "d" it destroys its locks before it ends: their edges must still be
 * in the order line it writes at exit.
 * With "kill" or "_exit" it then makes a report (a cycle of its own
 * between audit_lock and spare_lock, both orders taken under gate_lock: a
 * warning) and ends at once, with no exit handlers: by SIGKILL, as a test
 * harness's timeout ends a test, or by _exit(0). Its lock order must still
 * reach `lockwatch report`, written when the report was made. With "exec"
 * it then execs itself as `two_orders ab`: the same pid, another program.
 * With "f" the second lock of each pair is initialised holding the first,
 * then taken for the first time: a fresh lock, whose edge cannot block.
 * usage: two_orders ORDER [g|d|f|kill|_exit|exec], ORDER pairs of a, b, c */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t ledger_lock = PTHREAD_MUTEX_INITIALIZER;   /* a */
static pthread_mutex_t accounts_lock = PTHREAD_MUTEX_INITIALIZER; /* b */
static pthread_mutex_t audit_lock = PTHREAD_MUTEX_INITIALIZER;    /* c */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t spare_lock = PTHREAD_MUTEX_INITIALIZER;

static pthread_mutex_t *lock_of(char c)
{
	return c == 'a' ? &ledger_lock : c == 'b' ? &accounts_lock : &audit_lock;
}

__attribute__((noinline)) static void take_second(pthread_mutex_t *m)
{
	pthread_mutex_lock(m);
	pthread_mutex_unlock(m);
}

__attribute__((noinline)) static void take_first(const char *order)
{
	pthread_mutex_lock(lock_of(order[0]));
	take_second(lock_of(order[1]));
	pthread_mutex_unlock(lock_of(order[0]));
}

/* A gated cycle (a warning report under lockwatch), then the end: SIGKILL,
 * _exit(0), or exec of this program taking the first order, "ab". */
static void report_then_end(const char *self, const char *how)
{
	pthread_mutex_lock(&gate_lock);
	pthread_mutex_lock(&audit_lock);
	take_second(&spare_lock);
	pthread_mutex_unlock(&audit_lock);
	pthread_mutex_lock(&spare_lock);
	take_second(&audit_lock);
	pthread_mutex_unlock(&spare_lock);
	pthread_mutex_unlock(&gate_lock);
	printf("two_orders: ending by %s\n", how);
	fflush(stdout);
	if (strcmp(how, "kill") == 0)
		kill(getpid(), SIGKILL);
	if (strcmp(how, "exec") == 0) {
		char *args[] = { (char *)self, (char *)"ab", NULL };
		execv(self, args);
		perror("two_orders: exec");
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	size_t n = argc < 2 ? 0 : strlen(argv[1]);
	if (n < 2 || n % 2) {
		fprintf(stderr, "usage: two_orders ORDER [g|d]\n");
		return 2;
	}
	int gated = argc > 2 && strcmp(argv[2], "g") == 0;
	if (gated)
		pthread_mutex_lock(&gate_lock);
	int fresh = argc > 2 && strcmp(argv[2], "f") == 0;
	for (size_t i = 0; i < n; i += 2) {
		if (fresh) { /* made holding the first, then taken: a fresh lock */
			pthread_mutex_lock(lock_of(argv[1][i]));
			pthread_mutex_init(lock_of(argv[1][i + 1]), NULL);
			take_second(lock_of(argv[1][i + 1]));
			pthread_mutex_unlock(lock_of(argv[1][i]));
		} else {
			take_first(argv[1] + i);
		}
	}
	if (gated)
		pthread_mutex_unlock(&gate_lock);
	if (argc > 2 && (strcmp(argv[2], "kill") == 0 || strcmp(argv[2], "_exit") == 0 ||
			 strcmp(argv[2], "exec") == 0))
		report_then_end(argv[0], argv[2]);
	if (argc > 2 && strcmp(argv[2], "d") == 0) {
		pthread_mutex_destroy(&ledger_lock);
		pthread_mutex_destroy(&accounts_lock);
		pthread_mutex_destroy(&audit_lock);
	}
	printf("two_orders %s: done\n", argv[1]);
	return 0;
}
