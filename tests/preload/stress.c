/* stress.c - lockwatch under load: 8 threads take 64 mutexes in a
 * consistent order (never a cycle), with trylocks, rwlocks, timed
 * condition waits and an occasional 30 ms hold, while main forks children
 * that lock a mutex of their own. With a 5 ms threshold and the watchdog
 * looking every 10 ms, lockwatch signals threads for their stacks all the
 * time. Expected: no crash, no hang, every process exits 0, no error
 * report. Argument: seconds to run. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NL 64
static pthread_mutex_t m[NL];
static pthread_rwlock_t rw[8];
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t cvm = PTHREAD_MUTEX_INITIALIZER;
static volatile int stop;
static long ops[8];

static void *worker(void *arg)
{
	long id = (long)arg, n = 0;
	unsigned seed = (unsigned)id * 7919u;
	while (!stop) {
		int a = rand_r(&seed) % NL, b = rand_r(&seed) % NL;
		if (a > b) {
			int t = a;
			a = b;
			b = t;
		}
		pthread_mutex_lock(&m[a]);
		if (b != a) {
			if (rand_r(&seed) % 4 == 0) {
				if (pthread_mutex_trylock(&m[b]) == 0)
					pthread_mutex_unlock(&m[b]);
			} else {
				pthread_mutex_lock(&m[b]);
				pthread_mutex_unlock(&m[b]);
			}
		}
		if (rand_r(&seed) % 200 == 0) {
			struct timespec t = { 0, 30000000 };
			nanosleep(&t, NULL);
		}
		pthread_mutex_unlock(&m[a]);
		int r = rand_r(&seed) % 8;
		if (r % 2) {
			pthread_rwlock_rdlock(&rw[r]);
			pthread_rwlock_unlock(&rw[r]);
		} else {
			pthread_rwlock_wrlock(&rw[r]);
			pthread_rwlock_unlock(&rw[r]);
		}
		if (rand_r(&seed) % 1000 == 0) {
			struct timespec d;
			pthread_mutex_lock(&cvm);
			clock_gettime(CLOCK_REALTIME, &d);
			d.tv_nsec += 1000000;
			if (d.tv_nsec >= 1000000000) {
				d.tv_sec++;
				d.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&cv, &cvm, &d);
			pthread_mutex_unlock(&cvm);
		}
		n++;
	}
	ops[id] = n;
	return NULL;
}

int main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 3, bad = 0;
	pthread_t t[8];
	for (int i = 0; i < NL; i++)
		pthread_mutex_init(&m[i], NULL);
	for (int i = 0; i < 8; i++)
		pthread_rwlock_init(&rw[i], NULL);
	for (long i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int s = 0; s < secs * 10; s++) {
		usleep(100000);
		if (s % 10 == 5) {
			pid_t p = fork();
			if (p == 0) { /* only its own lock: the parent's may be held */
				pthread_mutex_t own = PTHREAD_MUTEX_INITIALIZER;
				pthread_mutex_lock(&own);
				pthread_mutex_unlock(&own);
				_exit(0);
			}
			int st = 0;
			waitpid(p, &st, 0);
			bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
		}
	}
	stop = 1;
	long total = 0;
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		total += ops[i];
	}
	printf("ops %ld children %s\n", total, bad ? "FAILED" : "ok");
	return bad;
}
