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
static int via; /* 0: .symver'd old calls, 1: the library, 2: default */

static void wait_turn(long parity, long i)
{
	struct timespec far = { 4000000000, 0 }; /* a deadline never reached */
	if (via == 1)
		unv_cond_wait(&cv, &mu);
	else if (via == 2)
		i % 2 ? pthread_cond_timedwait(&cv, &mu, &far) : pthread_cond_wait(&cv, &mu);
	else if (i % 2)
		old_cond_timedwait(&cv, &mu, &far);
	else
		old_cond_wait(&cv, &mu);
	(void)parity;
}

static void play(long parity)
{
	for (long i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&mu);
		while (turn % 2 != parity)
			wait_turn(parity, i);
		turn++;
		if (via == 1)
			unv_cond_signal(&cv);
		else if (via == 2)
			pthread_cond_signal(&cv);
		else
			old_cond_signal(&cv);
		pthread_mutex_unlock(&mu);
	}
}

static void *pong(void *arg)
{
	play(1);
	return arg;
}

static long round_trip(int how)
{
	via = how;
	turn = 0;
	if (how == 1)
		unv_cond_init(&cv);
	else if (how == 2)
		pthread_cond_init(&cv, NULL);
	else
		old_cond_init(&cv, NULL);
	pthread_t t;
	pthread_create(&t, NULL, pong, NULL);
	play(0);
	pthread_join(t, NULL);
	if (how == 1)
		unv_cond_destroy(&cv);
	else if (how == 2)
		pthread_cond_destroy(&cv);
	else
		old_cond_destroy(&cv);
	return turn;
}

int main(void)
{
	printf("symver: %ld turns\n", round_trip(0));
	printf("unversioned: %ld turns\n", round_trip(1));
	printf("default: %ld turns\n", round_trip(2));
	return 0;
}
