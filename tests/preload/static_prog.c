/* static_prog.c - a program with a lock-order inversion, linked with
 * -static by test_static.sh: LD_PRELOAD cannot reach a static binary, so
 * `lockwatch run` must refuse it (status 2, "statically linked") instead of
 * running it unchecked. When it runs, it creates the file argv[1], so the
 * test can tell that it was not started. With argv[2], it then sleeps that
 * many milliseconds (test_unchecked.sh: a static child that lives long
 * enough to be seen). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

int main(int argc, char **argv)
{
	if (argc > 1) {
		FILE *f = fopen(argv[1], "w");
		if (f)
			fclose(f);
	}
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	if (argc > 2) {
		long ms = atol(argv[2]);
		struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
		nanosleep(&t, NULL);
	}
	return 0;
}
