/* no_mprotect.c - a program that puts itself in a sandbox whose seccomp
 * filter refuses mprotect (EPERM), then takes two locks in both orders,
 * one call after the other (it never deadlocks). lockwatch maps the
 * pages of its region of hinted records with mprotect: refused, it takes
 * pages of their own, and the region ends (model/records.c). One
 * lock-order cycle error in every way in; the output is the program's.
 * Where no filter can be set, the same program without it. */
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>

#include "../seccomp_refuse.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int counter;

__attribute__((noinline)) static void forward(void)
{
	pthread_mutex_lock(&lock_a);
	pthread_mutex_lock(&lock_b);
	counter++;
	pthread_mutex_unlock(&lock_b);
	pthread_mutex_unlock(&lock_a);
}

__attribute__((noinline)) static void backward(void)
{
	pthread_mutex_lock(&lock_b);
	pthread_mutex_lock(&lock_a);
	counter++;
	pthread_mutex_unlock(&lock_a);
	pthread_mutex_unlock(&lock_b);
}

int main(void)
{
	(void)seccomp_refuse(__NR_mprotect);
	forward();
	backward();
	printf("counter %d\n", counter);
	return 0;
}
