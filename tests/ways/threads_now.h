/* threads_now.h - how many threads the process has, as the kernel counts
 * them (Threads: of /proc/self/status), for the tests that check a
 * process is down to one thread where it is natively (fork_single.c,
 * fork_after_join.c, fork_first_lock.c). A header of one static function:
 * each test stays one program. */
#ifndef LW_TEST_THREADS_NOW_H
#define LW_TEST_THREADS_NOW_H

#include <stdio.h>
#include <string.h>

/* Threads: of /proc/self/status, or -1 */
static int threads_now(void)
{
	char line[256];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "Threads:", 8) == 0)
			sscanf(line + 8, "%d", &n);
	if (f)
		fclose(f);
	return n;
}

#endif
