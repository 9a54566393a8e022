/* capped_memory.c - a program that caps its own address space (as
 * sandboxes and test harnesses do: RLIMIT_AS at what it uses now plus a
 * few MiB), then relocks an error-checking mutex on purpose (EDEADLK: a
 * warning) in a few shapes of stack. Naming the report's frames read debug
 * information with libdw, which ends the process when malloc fails
 * ("libdw: Cannot allocate memory", status 1, the program's output lost:
 * found by a trust check). Under such a cap lockwatch names frames from
 * the loader's symbols instead. The program's output and status (0); its
 * warnings are made (each a self_deadlock warning). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "probes.h"

#define HEADROOM_MIB 18

__attribute__((noinline)) static int probe_deeper(int n)
{
	return n ? probe_deeper(n - 1) + 0 * n : probe();
}

int main(void)
{
	struct rlimit r;
	r.rlim_cur = r.rlim_max = (rlim_t)(vm_kib() + HEADROOM_MIB * 1024L) * 1024;
	setrlimit(RLIMIT_AS, &r);
	printf("probe: %s\n", strerror(probe()));
	printf("deeper: %s\n", strerror(probe_deeper(3)));
	printf("done\n");
	return 0;
}
