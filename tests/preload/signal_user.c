/* signal_user.c - a program that is told things by signal, as daemons
 * and tools are: SIGUSR1 (dd prints its progress, nginx reopens its
 * logs), SIGUSR2, SIGQUIT (a JVM prints its threads), SIGALRM, SIGWINCH
 * and a real-time signal (SIGRTMIN+3). It writes argv[1] when set up;
 * once it has had all six it names them, a line each in a fixed order,
 * and exits 0 (after 30 s without them, it names those it had and
 * exits 3). Sent to `lockwatch run`, each must reach the program as if
 * sent to it. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got[65];

static void on_signal(int sig)
{
	if (sig > 0 && sig < 65)
		got[sig] = 1;
}

static const char *name(int sig)
{
	static const struct {
		int sig;
		const char *name;
	} names[] = { { SIGUSR1, "SIGUSR1" }, { SIGUSR2, "SIGUSR2" }, { SIGQUIT, "SIGQUIT" },
		      { SIGALRM, "SIGALRM" }, { SIGWINCH, "SIGWINCH" } };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig)
			return names[i].name;
	return sig == SIGRTMIN + 3 ? "SIGRTMIN+3" : "?";
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int sigs[] = { SIGUSR1, SIGUSR2, SIGQUIT, SIGALRM, SIGWINCH, SIGRTMIN + 3 };
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	FILE *f = fopen(argv[1], "w");
	if (!f)
		return 4;
	fclose(f);
	int all = 0;
	for (int i = 0; i < 3000 && !all; i++) {
		all = 1;
		for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
			all &= got[sigs[k]] != 0;
		if (!all)
			usleep(10000);
	}
	/* in a fixed order: two that came at once are handled lowest first */
	for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
		if (got[sigs[k]])
			printf("got %s\n", name(sigs[k]));
	return all ? 0 : 3;
}
