/* attach_proc.c - another process's threads as /proc shows them (see
 * attach_proc.h). A thread's state and flags come from its stat line,
 * after its name (which may hold spaces and parentheses: the last ')'
 * ends it). A process whose main thread has exited keeps that thread as a
 * zombie, and the kernel then shows /proc/PID's maps, memory and
 * descriptors as empty: they are read through a live thread's id, which
 * names the same process. */
#include "attach_proc.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PF_KTHREAD 0x00200000ul /* the kernel's flag of a kernel thread */

/* The fields of path's stat line after the name, into buf; NULL when
 * unreadable. */
static const char *stat_fields(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	ssize_t len = read(fd, buf, n - 1);
	close(fd);
	if (len <= 0)
		return NULL;
	buf[len] = 0;
	char *end = strrchr(buf, ')');
	return end && end[1] == ' ' ? end + 2 : NULL;
}

int at_proc_exited(pid_t pid, int tid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, tid);
	const char *f = stat_fields(path, buf, sizeof(buf));
	return f && (f[0] == 'Z' || f[0] == 'X');
}

int at_proc_kernel(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	const char *f = stat_fields(path, buf, sizeof(buf));
	if (!f)
		return 0;
	/* state ppid pgrp session tty_nr tpgid flags */
	for (int i = 0; i < 6 && f; i++) {
		f = strchr(f, ' ');
		f = f ? f + 1 : NULL;
	}
	return f && (strtoul(f, NULL, 10) & PF_KTHREAD) != 0;
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
