/* attach_proc.c - another process's threads as /proc shows them (see
 * attach_proc.h). A thread's state and flags come from its stat line
 * (base/procfs.h reads its fields). A process whose main thread has
 * exited keeps that thread as a zombie, and the kernel then shows
 * /proc/PID's maps, memory and descriptors as empty: they are read
 * through a live thread's id, which names the same process. */
#include "attach_proc.h"
#include "procfs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PF_KTHREAD 0x00200000ul /* the kernel's flag of a kernel thread */

int at_proc_exited(pid_t pid, int tid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, tid);
	const char *state = lw__proc_read(path, buf, sizeof(buf)) > 0 ? lw__proc_stat_field(buf, 3)
								    : NULL;
	return state && (*state == 'Z' || *state == 'X');
}

int at_proc_kernel(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	const char *flags = lw__proc_read(path, buf, sizeof(buf)) > 0 ? lw__proc_stat_field(buf, 9)
								    : NULL;
	return flags && (strtoul(flags, NULL, 10) & PF_KTHREAD) != 0;
}

int at_proc_under_lockwatch(int tid)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	int found = 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "/liblockwatch-preload.so") != NULL;
	fclose(f);
	return found;
}
