/* process.c - a process's program and command line in JSON (see
 * process.h). */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void lw__put_process(struct lw__buf *b, int pid, int argv_null)
{
	char exe[PATH_MAX], args[8192], path[64], dir[32];
	if (pid == (int)getpid())
		snprintf(dir, sizeof(dir), "/proc/thread-self");
	else
		snprintf(dir, sizeof(dir), "/proc/%d", pid);
	snprintf(path, sizeof(path), "%s/exe", dir);
	ssize_t n = readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	lw__buf_puts(b, ",\"exe\":");
	lw__buf_json_str(b, n > 0 ? exe : NULL);
	snprintf(path, sizeof(path), "%s/cmdline", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	while (fd >= 0 && len < sizeof(args) - 1) {
		ssize_t got = read(fd, args + len, sizeof(args) - 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	if (fd >= 0)
		close(fd);
	args[len] = 0;
	if (len == 0 && argv_null) {
		lw__buf_puts(b, ",\"argv\":null");
		return;
	}
	/* NUL-separated words; a cut last word is kept as far as it goes */
	lw__buf_puts(b, ",\"argv\":[");
	for (size_t k = 0; k < len; k += strlen(args + k) + 1) {
		if (k)
			lw__buf_puts(b, ",");
		lw__buf_json_str(b, args + k);
	}
	lw__buf_puts(b, "]");
}
