/* sigterm_child.c - a program that handles SIGTERM: it writes argv[1].ready
 * when it is set up, then sleeps; on SIGTERM it writes "got SIGTERM" to
 * argv[1] and exits 0. Used to check that `lockwatch run` forwards SIGTERM
 * to the program (and then exits with the program's status, 0). It gives up
 * with status 3 after 30 s. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_term(int sig)
{
	(void)sig;
	got = 1;
}

int main(int argc, char **argv)
{
	char ready[4096];
	if (argc < 2)
		return 2;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	snprintf(ready, sizeof(ready), "%s.ready", argv[1]);
	FILE *f = fopen(ready, "w");
	if (!f)
		return 4;
	fclose(f);
	for (int i = 0; i < 3000 && !got; i++)
		usleep(10000);
	if (!got)
		return 3;
	f = fopen(argv[1], "w");
	if (!f)
		return 4;
	fputs("got SIGTERM\n", f);
	fclose(f);
	return 0;
}
