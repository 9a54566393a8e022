/* sem_posted_below.c - a semaphore taken under a held lock, a lock taken
 * over it, then the semaphore posted while that lock is still held (its
 * entry is below the top of the thread's held stack), hundreds of times
 * while one outer lock stays held: a work queue's slot given back inside
 * a critical section. The posted semaphore's entry is cleared where it
 * is (a signal handler's post must not move the entries above it), and
 * popped once it is on top. After the loop, with the outer lock still
 * held, forward() takes four more locks, one inside the other, and later
 * backward() takes the last two in the other order: one lock-order cycle
 * error (third, fourth) in every way in. Cleared entries left to pile up
 * fill the thread's 64 inline entries (gdb: 63 held after the loop, 2
 * with them popped), and every later lock takes the slow way. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

#define ROUNDS 500

static sem_t slots;
static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t item = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t second = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t third = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t fourth = PTHREAD_MUTEX_INITIALIZER;
static int counter;

static void *forward(void *arg)
{
	pthread_mutex_lock(&outer);
	for (int r = 0; r < ROUNDS; r++) {
		sem_wait(&slots);
		pthread_mutex_lock(&item);
		counter++;
		sem_post(&slots); /* below item's entry */
		pthread_mutex_unlock(&item);
	}
	pthread_mutex_lock(&first);
	pthread_mutex_lock(&second);
	pthread_mutex_lock(&third);
	pthread_mutex_lock(&fourth);
	counter++;
	pthread_mutex_unlock(&fourth);
	pthread_mutex_unlock(&third);
	pthread_mutex_unlock(&second);
	pthread_mutex_unlock(&first);
	pthread_mutex_unlock(&outer);
	return arg;
}

static void *backward(void *arg)
{
	pthread_mutex_lock(&fourth);
	pthread_mutex_lock(&third);
	counter++;
	pthread_mutex_unlock(&third);
	pthread_mutex_unlock(&fourth);
	return arg;
}

int main(void)
{
	pthread_t t;
	sem_init(&slots, 0, 1);
	pthread_create(&t, NULL, forward, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, backward, NULL);
	pthread_join(t, NULL);
	printf("counter %d\n", counter);
	return 0;
}
