/* guard.c - the thread-local state of guard.h (initial-exec TLS: no
 * allocation on first access, even in a preloaded library), and the
 * signal mask lockwatch's own threads start with. */
#include "guard.h"

#include <pthread.h>

LW__TLS int lw__tls_guard;
LW__TLS int lw__tls_signalled;

void lw__own_thread_mask(sigset_t *old)
{
	sigset_t set;
	sigfillset(&set);
	sigdelset(&set, SIGSYS);
	pthread_sigmask(SIG_SETMASK, &set, old);
}
