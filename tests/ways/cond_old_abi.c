/* cond_old_abi.c - condition variables of glibc's old ABI (GLIBC_2.2.5,
 * whose object holds a pointer to one of the new kind), used correctly:
 * two threads hand a turn back and forth, each waiting for its own.
 *   symver       the program's own calls, bound to the old version with
 *                .symver (a binary linked against an old glibc)
 *   unversioned  through libways_unversioned_cond.so, linked without
 *                symbol versions: the loader gives it the oldest version
 *                of every call (valgrind's DRD preload is such an
 *                object: `lockwatch run -- valgrind --tool=drd` crashed
 *                in DRD's thread start-up, found by a trust check); its
 *                wait wrapper is a tail call
 *   default      the default ABI, in the same program as the first
 * The preload library's pthread_cond_wait, unversioned, caught every
 * caller's wait and made the default (GLIBC_2.3.2) wait on an object
 * the old signal then read as a pointer: before, every run under the
 * preload library hung, crashed (139) or was ended on a false deadlock
 * (66); a first fix that chose by the calling object crashed where one
 * object meant both ABIs (the default round here) or a tail call hid
 * the caller. The program's output and status (0), no report. */
#include <pthread.h>
#include <stdio.h>

__asm__(".symver old_cond_init, pthread_cond_init@GLIBC_2.2.5");
__asm__(".symver old_cond_destroy, pthread_cond_destroy@GLIBC_2.2.5");
__asm__(".symver old_cond_wait, pthread_cond_wait@GLIBC_2.2.5");
__asm__(".symver old_cond_timedwait, pthread_cond_timedwait@GLIBC_2.2.5");
__asm__(".symver old_cond_signal, pthread_cond_signal@GLIBC_2.2.5");
int old_cond_init(pthread_cond_t *, const pthread_condattr_t *);
int old_cond_destroy(pthread_cond_t *);
int old_cond_wait(pthread_cond_t *, pthread_mutex_t *);
int old_cond_timedwait(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
int old_cond_signal(pthread_cond_t *);

int unv_cond_init(pthread_cond_t *c);
int unv_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int unv_cond_signal(pthread_cond_t *c);
int unv_cond_destroy(pthread_cond_t *c);

#define ROUNDS 20000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv;
static long turn;

static int old_init(pthread_cond_t *c)
{
	return old_cond_init(c, NULL);
}

static int default_init(pthread_cond_t *c)
{
	return pthread_cond_init(c, NULL);
}

/* One ABI's calls (timedwait NULL: the library has none). */
struct abi {
	const char *name;
	int (*init)(pthread_cond_t *);
	int (*wait)(pthread_cond_t *, pthread_mutex_t *);
	int (*timedwait)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
	int (*signal)(pthread_cond_t *);
	int (*destroy)(pthread_cond_t *);
};

static const struct abi abis[] = {
	{ "symver", old_init, old_cond_wait, old_cond_timedwait, old_cond_signal, old_cond_destroy },
	{ "unversioned", unv_cond_init, unv_cond_wait, NULL, unv_cond_signal, unv_cond_destroy },
	{ "default", default_init, pthread_cond_wait, pthread_cond_timedwait, pthread_cond_signal,
	  pthread_cond_destroy },
};
static const struct abi *via;

static void play(long parity)
{
	struct timespec far = { 4000000000, 0 }; /* a deadline never reached */
	for (long i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&mu);
		while (turn % 2 != parity) {
			if (via->timedwait && i % 2)
				via->timedwait(&cv, &mu, &far);
			else
				via->wait(&cv, &mu);
		}
		turn++;
		via->signal(&cv);
		pthread_mutex_unlock(&mu);
	}
}

static void *pong(void *arg)
{
	play(1);
	return arg;
}

static long round_trip(const struct abi *a)
{
	via = a;
	turn = 0;
	a->init(&cv);
	pthread_t t;
	pthread_create(&t, NULL, pong, NULL);
	play(0);
	pthread_join(t, NULL);
	a->destroy(&cv);
	return turn;
}

int main(void)
{
	for (size_t i = 0; i < sizeof(abis) / sizeof(abis[0]); i++)
		printf("%s: %ld turns\n", abis[i].name, round_trip(&abis[i]));
	return 0;
}
