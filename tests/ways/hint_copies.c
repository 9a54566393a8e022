/* hint_copies.c - locks whose bytes name another lock's record: the
 * preload and header ways keep a record's index in an unused word of a
 * mutex or rwlock (the hint, model/lock.h), and a program may copy a used
 * lock's bytes elsewhere (a struct copied whole, then initialised by
 * assignment or not at all). A copy taken for the original would tie the
 * original's edges to it: here B (a copy of A) is taken before C, and C
 * before A, which is a cycle only if B were A; the same over a live lock
 * D written over with A's bytes, and for rwlocks. No report; output and
 * status as native. (Each copy is first taken where the original was:
 * the original's kept chain would let it through.) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t A = PTHREAD_MUTEX_INITIALIZER, C = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t D = PTHREAD_MUTEX_INITIALIZER, E = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t RA = PTHREAD_RWLOCK_INITIALIZER;

static void pair(pthread_mutex_t *x, pthread_mutex_t *y)
{
	pthread_mutex_lock(x);
	pthread_mutex_lock(y);
	pthread_mutex_unlock(y);
	pthread_mutex_unlock(x);
}

static void pair_rw(pthread_rwlock_t *x, pthread_mutex_t *y)
{
	pthread_rwlock_wrlock(x);
	pthread_mutex_lock(y);
	pthread_mutex_unlock(y);
	pthread_rwlock_unlock(x);
}

static void pair_mrw(pthread_mutex_t *x, pthread_rwlock_t *y)
{
	pthread_mutex_lock(x);
	pthread_rwlock_rdlock(y);
	pthread_rwlock_unlock(y);
	pthread_mutex_unlock(x);
}

int main(void)
{
	int n = 0;
	/* A used (its hint written, and its chain from pair's first call
	 * kept: a copy taken for A would go A's fast way), then copied */
	pair(&A, &E);
	pthread_mutex_t *B = malloc(sizeof(*B));
	if (!B)
		return 1;
	memcpy(B, &A, sizeof(*B));
	for (int i = 0; i < 3; i++) {
		pair(B, &C); /* B -> C; with C -> A, a cycle only if B were A */
		pair(&C, &A);
		n++;
	}
	/* D used, then A's bytes written over it: D is still D */
	pair(&D, &E);
	memcpy(&D, &A, sizeof(D));
	for (int i = 0; i < 3; i++) {
		pair(&D, &C);
		pair(&C, &A);
		n++;
	}
	/* the same for an rwlock */
	pair_rw(&RA, &E);
	pthread_rwlock_t *RB = malloc(sizeof(*RB));
	if (!RB)
		return 1;
	memcpy(RB, &RA, sizeof(*RB));
	for (int i = 0; i < 3; i++) {
		pair_rw(RB, &C);
		pair_mrw(&C, &RA);
		n++;
	}
	/* a copy destroyed and made again where it is: a new lock each time */
	for (int i = 0; i < 3; i++) {
		pthread_mutex_destroy(B);
		memcpy(B, &A, sizeof(*B));
		pair(B, &C);
		n++;
	}
	free(B);
	free(RB);
	printf("%d rounds, no lock taken for another\n", n);
	return 0;
}
