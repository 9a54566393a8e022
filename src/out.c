/* out.c - the log and JSON file descriptors and the writers (see out.h). */
#include "out.h"
#include "options.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int log_fd = 2;
static int json_fd = -1;

int lw__write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int open_append(const char *path, int fallback)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		char m[LW__OPT_STR_MAX + 128];
		int n = snprintf(m, sizeof(m), "lockwatch: cannot open '%s': %s\n", path,
				 strerror(errno));
		if (n > 0)
			lw__write_all(2, m, (size_t)n < sizeof(m) ? (size_t)n : sizeof(m) - 1);
		return fallback;
	}
	return fd;
}

void lw__out_open(void)
{
	int saved = errno;
	if (log_fd > 2)
		close(log_fd);
	if (json_fd >= 0)
		close(json_fd);
	log_fd = lw__opt.log[0] ? open_append(lw__opt.log, 2) : 2;
	json_fd = lw__opt.json[0] ? open_append(lw__opt.json, -1) : -1;
	errno = saved;
}

void lw__out_log(const char *buf, size_t len)
{
	int saved = errno;
	lw__write_all(log_fd, buf, len);
	errno = saved;
}

void lw__out_json(const char *buf, size_t len)
{
	int saved = errno;
	if (json_fd >= 0)
		lw__write_all(json_fd, buf, len);
	errno = saved;
}

void lw__msg(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n = snprintf(buf, sizeof(buf), "lockwatch: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	lw__out_log(buf, (size_t)n);
}

void lw__die_at(const char *file, int line, const char *msg)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "lockwatch: internal error at %s:%d: %s\n",
			 file, line, msg);
	if (n > 0)
		lw__write_all(2, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	abort();
}
