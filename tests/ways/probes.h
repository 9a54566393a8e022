/* probes.h - small things the test programs share, as static functions
 * (each test stays one program): the process's address-space size, and
 * libtdb's probe for working mutexes (an error-checking mutex locked
 * twice: EDEADLK, and a self_deadlock warning under lockwatch). */
#ifndef LW_TEST_PROBES_H
#define LW_TEST_PROBES_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* VmSize of /proc/self/status, in KiB (0 when unreadable). */
__attribute__((unused)) static long vm_kib(void)
{
	char line[256];
	long kib = 0;
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "VmSize:", 7) == 0)
			kib = atol(line + 7);
	if (f)
		fclose(f);
	return kib;
}

/* An error-checking mutex of its own locked twice: the second lock's
 * result (EDEADLK). */
__attribute__((noinline, unused)) static int probe(void)
{
	pthread_mutexattr_t at;
	pthread_mutex_t m;
	pthread_mutexattr_init(&at);
	pthread_mutexattr_settype(&at, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&m, &at);
	pthread_mutexattr_destroy(&at);
	pthread_mutex_lock(&m);
	int rc = pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	pthread_mutex_destroy(&m);
	return rc;
}

#endif
