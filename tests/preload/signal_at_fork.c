/* signal_at_fork.c - a shim preloaded into `lockwatch run` itself by
 * test_signal_at_fork.sh: its fork() sends SIGTERM to the calling process
 * the moment the real fork() returns in the parent, before the caller has
 * stored the child's pid: the worst moment a `kill` of lockwatch can come
 * (it does, when lockwatch is descheduled right after fork). It acts only in
 * the process whose pid is $LWTEST_SIGNAL_AT_FORK. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

pid_t fork(void)
{
	pid_t (*real)(void) = (pid_t(*)(void))dlsym(RTLD_NEXT, "fork");
	const char *who = getenv("LWTEST_SIGNAL_AT_FORK");
	pid_t p = real();
	if (p > 0 && who && atol(who) == (long)getpid())
		kill(getpid(), SIGTERM);
	return p;
}
