/* guard.c - the thread-local state of guard.h (initial-exec TLS: no
 * allocation on first access, even in a preloaded library), the thread's
 * cancellation turned off and back around the guard, and the signal mask
 * lockwatch's own threads start with. */
#include "guard.h"

#include <pthread.h>

LW__TLS uintptr_t lw__tls_gs = LW__GS_NONE;
LW__TLS int lw__tls_signalled;
LW__TLS int lw__tls_cancel_was;

void lw__guard_cancel_off(void)
{
	int was;
	if (pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &was) == 0)
		lw__tls_cancel_was = was;
}

/* A deferred cancel that came meanwhile stays pending. An asynchronous
 * one is acted on here, once lockwatch has let its own locks go: the state
 * is enabled while the type is deferred, and the type then set back, since
 * glibc (2.36) acting on it in pthread_setcancelstate leaves the thread's
 * result NULL (pthread_setcanceltype and its signal make it
 * PTHREAD_CANCELED, what a join then gets natively). */
void lw__guard_cancel_back(int was)
{
	if (was == PTHREAD_CANCEL_DISABLE)
		return;
	int type = PTHREAD_CANCEL_DEFERRED;
	pthread_setcanceltype(PTHREAD_CANCEL_DEFERRED, &type);
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
	if (type == PTHREAD_CANCEL_ASYNCHRONOUS)
		pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
}

void lw__own_thread_mask(sigset_t *old)
{
	sigset_t set;
	sigfillset(&set);
	sigdelset(&set, SIGSYS);
	pthread_sigmask(SIG_SETMASK, &set, old);
}
