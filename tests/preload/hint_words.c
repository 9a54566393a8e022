/* hint_words.c - which pthread objects lockwatch writes its hint into
 * (model/lock.h: the index of the lock's record, in a word glibc leaves
 * unused), seen from the program: after a lock and unlock, is the word
 * zero? A process-private mutex and rwlock: under lockwatch not (hint=0:
 * zero, as natively); a process-shared mutex and rwlock, a robust, a
 * priority-inheriting and a priority-protecting mutex: the object's bytes
 * exactly as natively (ways/robust_dead_holder.c: a robust mutex's dead
 * owner still reaches the next locker). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static int word_zero_m(const pthread_mutex_t *m)
{
	return m->__data.__list.__prev == NULL;
}

static void mutex_case(const char *what, int pshared, int robust, int proto)
{
	pthread_mutexattr_t a;
	pthread_mutex_t m;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, pshared);
	pthread_mutexattr_setrobust(&a, robust);
	pthread_mutexattr_setprotocol(&a, proto);
	int rc = pthread_mutex_init(&m, &a);
	if (rc) {
		printf("%s: init %s\n", what, strerror(rc)); /* no PI here: same natively */
		return;
	}
	pthread_mutex_t before = m;
	int l = pthread_mutex_lock(&m), u = l ? -1 : pthread_mutex_unlock(&m);
	int l2 = pthread_mutex_lock(&m), u2 = l2 ? -1 : pthread_mutex_unlock(&m);
	printf("%s: lock %d unlock %d again %d %d word %s bytes %s\n", what, l, u, l2, u2,
	       word_zero_m(&m) ? "zero" : "set",
	       memcmp(&before, &m, sizeof(m)) ? "changed" : "as before");
	pthread_mutex_destroy(&m);
	pthread_mutexattr_destroy(&a);
}

int main(void)
{
	pthread_mutex_t pm = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&pm);
	pthread_mutex_unlock(&pm);
	printf("private mutex: word %s\n", word_zero_m(&pm) ? "zero" : "set");

	pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
	pthread_rwlock_rdlock(&rw);
	pthread_rwlock_unlock(&rw);
	pthread_rwlock_wrlock(&rw);
	pthread_rwlock_unlock(&rw);
	printf("private rwlock: word %s\n", rw.__data.__pad2 ? "set" : "zero");

	mutex_case("shared mutex", PTHREAD_PROCESS_SHARED, PTHREAD_MUTEX_STALLED, PTHREAD_PRIO_NONE);
	mutex_case("robust mutex", PTHREAD_PROCESS_PRIVATE, PTHREAD_MUTEX_ROBUST, PTHREAD_PRIO_NONE);
	mutex_case("pi mutex", PTHREAD_PROCESS_PRIVATE, PTHREAD_MUTEX_STALLED, PTHREAD_PRIO_INHERIT);
	mutex_case("pp mutex", PTHREAD_PROCESS_PRIVATE, PTHREAD_MUTEX_STALLED, PTHREAD_PRIO_PROTECT);

	pthread_rwlockattr_t ra;
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setpshared(&ra, PTHREAD_PROCESS_SHARED);
	pthread_rwlock_t srw;
	pthread_rwlock_init(&srw, &ra);
	pthread_rwlock_t before = srw;
	pthread_rwlock_wrlock(&srw);
	pthread_rwlock_unlock(&srw);
	printf("shared rwlock: bytes %s\n", memcmp(&before, &srw, sizeof(srw)) ? "changed" : "as before");

	return 0;
}
