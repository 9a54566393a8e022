/* blocked_holder.c - a thread holds a lock long past hold_ms while it sits
 * in a blocking system call: poll, then nanosleep, then select, one hold
 * each. The program installs no signal handler and checks what each call
 * returns: natively poll and select time out (0) and nanosleep sleeps its
 * whole time (0), never EINTR. lockwatch asks what the holder is doing now
 * and must find out without interrupting it: every way in prints exactly
 * what the native run prints, and each long_hold report's "doing now"
 * stack names the function that made the call (wait_for_disk,
 * flush_journal, wait_for_peer). Run with hold_ms=200. Built as it is
 * (frame pointers, as the tests are) and as blocked_holder_o2.c (-O2, no
 * frame pointer). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

#define HOLD_MS 1200 /* hold_ms=200: a report at 200 ms, which a pass a busy
		     * machine delays by up to a second still makes, and never
		     * the 10x one at 2 s, which a release delayed by 800 ms
		     * still avoids */

static pthread_mutex_t journal_lock = PTHREAD_MUTEX_INITIALIZER;

static void result(const char *call, int rc, int err)
{
	printf("%s: %d%s%s\n", call, rc, rc < 0 ? " " : "", rc < 0 ? strerror(err) : "");
}

__attribute__((noinline)) static int wait_for_disk(void)
{
	int rc = poll(NULL, 0, HOLD_MS);
	result("poll", rc, errno);
	return rc;
}

__attribute__((noinline)) static int flush_journal(void)
{
	struct timespec t = { HOLD_MS / 1000, (HOLD_MS % 1000) * 1000000L };
	int rc = nanosleep(&t, &t);
	result("nanosleep", rc, errno);
	return rc;
}

__attribute__((noinline)) static int wait_for_peer(void)
{
	struct timeval tv = { HOLD_MS / 1000, (HOLD_MS % 1000) * 1000L };
	int rc = select(0, NULL, NULL, NULL, &tv);
	result("select", rc, errno);
	return rc;
}

static void *holder(void *arg)
{
	int (*blocking_call)(void) = (int (*)(void))arg;
	pthread_mutex_lock(&journal_lock);
	blocking_call();
	pthread_mutex_unlock(&journal_lock);
	return NULL;
}

static void hold_while(int (*blocking_call)(void))
{
	pthread_t t;
	pthread_create(&t, NULL, holder, (void *)blocking_call);
	pthread_join(t, NULL);
}

int main(void)
{
	hold_while(wait_for_disk);
	hold_while(flush_journal);
	hold_while(wait_for_peer);
	return 0;
}
