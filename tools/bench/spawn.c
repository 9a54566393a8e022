/* spawn.c - what starting a program costs: starts PROG N times natively
 * and N times with each preload library named (LD_PRELOAD, the rest of
 * the environment kept), the forms taking turns start by start, so a
 * busy spell of the machine falls on every form alike, and prints one
 * line per form, "row spawn_us FORM MEDIAN": the median wall time of one
 * start (posix_spawn to waitpid), in microseconds; FORM is "plain" or
 * the library's position, 1 for the first.
 * usage: spawn N PROG [PRELOAD_SO...] */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

#define MAX_FORMS 4

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* environ without LD_PRELOAD, and with it set to so when so is not NULL */
static char **env_with(const char *so)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **e = calloc(n + 2, sizeof(*e));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0)
			e[k++] = environ[i];
	if (so) {
		char *v = malloc(strlen(so) + 12);
		sprintf(v, "LD_PRELOAD=%s", so);
		e[k++] = v;
	}
	return e;
}

int main(int argc, char **argv)
{
	if (argc < 3 || atoi(argv[1]) <= 0 || argc > 3 + MAX_FORMS - 1) {
		fprintf(stderr, "usage: spawn N PROG [PRELOAD_SO...] (at most %d)\n", MAX_FORMS - 1);
		return 2;
	}
	int n = atoi(argv[1]), forms = argc - 2;
	char *args[] = { argv[2], NULL };
	char **envs[MAX_FORMS];
	double *us[MAX_FORMS];
	for (int f = 0; f < forms; f++) {
		envs[f] = env_with(f ? argv[2 + f] : NULL);
		us[f] = calloc((size_t)n, sizeof(double));
	}
	for (int i = 0; i < n; i++)
		for (int f = 0; f < forms; f++) {
			struct timespec a, b;
			pid_t pid;
			int st;
			clock_gettime(CLOCK_MONOTONIC, &a);
			if (posix_spawnp(&pid, argv[2], NULL, NULL, args, envs[f]) != 0 ||
			    waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
				fprintf(stderr, "spawn: %s did not run, or failed\n", argv[2]);
				return 1;
			}
			clock_gettime(CLOCK_MONOTONIC, &b);
			us[f][i] = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / 1e3;
		}
	for (int f = 0; f < forms; f++) {
		qsort(us[f], (size_t)n, sizeof(double), by_value);
		if (f)
			printf("row spawn_us %d %.0f\n", f, us[f][n / 2]);
		else
			printf("row spawn_us plain %.0f\n", us[f][n / 2]);
	}
	return 0;
}
