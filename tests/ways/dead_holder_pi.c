/* dead_holder_pi.c - a thread exits holding a (non-robust) priority-
 * inheriting mutex; main then locks it: the kernel finds its owner gone
 * (ESRCH) and glibc then waits for good (natively it hangs). Before, only
 * a mutex of the default protocol counted as dying with its holder: the
 * exit warning, long waits, a hang. In every way in: the
 * thread_exit_holding warning, then a deadlock error before main blocks,
 * then the program ends with 66. With DEAD_HOLDER_PP (dead_holder_pp.c)
 * the mutex protects its priority instead. */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

static pthread_mutex_t session_lock;

static void *login(void *arg)
{
	pthread_mutex_lock(&session_lock);
	return arg; /* forgets to unlock */
}

#ifdef DEAD_HOLDER_PP
/* A PP mutex can be locked only by a thread whose policy allows its
 * ceiling (glibc raises the thread to it with sched_setscheduler): the
 * program runs SCHED_FIFO at the lowest priority, and where it may not
 * (no CAP_SYS_NICE, no RLIMIT_RTPRIO) says so on stderr and keeps the
 * default protocol. */
static void set_protocol(pthread_mutexattr_t *a)
{
	int lo = sched_get_priority_min(SCHED_FIFO);
	struct sched_param sp = { .sched_priority = lo };
	if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0) {
		fprintf(stderr, "dead_holder_pp: no SCHED_FIFO here: a default mutex\n");
		return;
	}
	pthread_mutexattr_setprotocol(a, PTHREAD_PRIO_PROTECT);
	pthread_mutexattr_setprioceiling(a, lo);
}
#else
static void set_protocol(pthread_mutexattr_t *a)
{
	pthread_mutexattr_setprotocol(a, PTHREAD_PRIO_INHERIT);
}
#endif

int main(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	set_protocol(&a);
	pthread_mutex_init(&session_lock, &a);
	pthread_mutexattr_destroy(&a);
	pthread_t t;
	pthread_create(&t, NULL, login, NULL);
	pthread_join(t, NULL);
	pthread_mutex_lock(&session_lock);
	printf("not reached\n");
	return 0;
}
