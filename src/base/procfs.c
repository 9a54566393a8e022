/* procfs.c - small reads of /proc files (see procfs.h). */
#include "common.h"
#include "procfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int lw__proc_own_tid(void)
{
	char link[64];
	ssize_t n = readlink("/proc/thread-self", link, sizeof(link) - 1);
	const char *task = n > 0 ? (link[n] = 0, strstr(link, "/task/")) : NULL;
	int tid = task ? atoi(task + 6) : 0;
	return tid > 0 ? tid : (int)syscall(SYS_gettid);
}

int lw__proc_own_pid(void)
{
	char link[32];
	ssize_t n = readlink("/proc/self", link, sizeof(link) - 1);
	int pid = n > 0 ? (link[n] = 0, atoi(link)) : 0;
	return pid > 0 ? pid : (int)getpid();
}

ssize_t lw__proc_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

const char *lw__proc_stat_field(const char *buf, int n)
{
	const char *p = strrchr(buf, ')');
	if (!p || n < 3)
		return NULL;
	p++; /* the space before field 3 */
	for (int field = 3; p && field <= n; field++)
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	return p && *p ? p : NULL;
}

int lw__proc_status_num(const char *buf, const char *key, int hex, unsigned long long *v)
{
	size_t k = strlen(key);
	for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, k) == 0)
			return sscanf(p + k, hex ? "%llx" : "%llu", v) == 1;
	return 0;
}

/* PF_EXITING of the kernel's task flags (stat field 9): do_exit has begun */
#define PF_EXITING_FLAG 0x4ul

/* Is task tid gone or going? One that cannot be read for another reason
 * counts as one that lives. */
static int task_going(int tid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	if (lw__proc_read(path, buf, sizeof(buf)) <= 0)
		return errno == ENOENT || errno == ESRCH;
	const char *state = lw__proc_stat_field(buf, 3), *flags = lw__proc_stat_field(buf, 9);
	return (state && (*state == 'Z' || *state == 'X')) ||
	       (flags && (strtoul(flags, NULL, 10) & PF_EXITING_FLAG));
}

int lw__proc_alone_but(const int *skip, int n)
{
	char buf[2048];
	int fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	int alone = 1;
	long got;
	while (alone && (got = syscall(SYS_getdents64, fd, buf, sizeof(buf))) != 0) {
		alone = got > 0;
		for (long at = 0; alone && at < got;) {
			const struct dirent64 *e = (const void *)(buf + at);
			at += e->d_reclen;
			int tid = atoi(e->d_name), mine = tid <= 0;
			for (int i = 0; i < n && !mine; i++)
				mine = tid == skip[i];
			if (!mine)
				alone = task_going(tid);
		}
	}
	close(fd);
	return alone;
}

void lw__task_wait_gone(int tid, int ms)
{
	pid_t self = getpid();
	for (int i = 0; tid > 0 && i < ms * 10; i++) {
		if (syscall(SYS_tgkill, self, tid, 0) != 0 && errno == ESRCH)
			return;
		struct timespec ts = { 0, 100 * 1000 }; /* 0.1 ms */
		nanosleep(&ts, NULL);
	}
}
