/* out.c - the log and JSON file descriptors and the writers (see out.h). */
#include "out.h"
#include "options.h"
#include "verdict.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The files are opened for each write and closed again: reports are rare,
 * and a program that closes every descriptor above 2 (daemons do) can then
 * neither lose the reports nor have them written into a file of its own
 * that reused the number. The paths are copied from the options here, so a
 * later lw_set_options() takes effect at the next report. */
static char log_path[LW__OPT_STR_MAX];
static char json_path[LW__OPT_STR_MAX];

/* Take back signal sig, raised by lockwatch's own write, unless it was
 * pending before (the program's). */
static void take_back(int sig, const sigset_t *before)
{
	if (sigismember(before, sig))
		return;
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, sig);
	struct timespec none = { 0, 0 };
	while (sigtimedwait(&one, NULL, &none) < 0 && errno == EINTR)
		;
}

/* A write to a pipe nobody reads any more (`prog 2>&1 | head`, head gone)
 * raises SIGPIPE in the writing thread, and one past the file size limit
 * (RLIMIT_FSIZE: a judge's or a sandbox's) SIGXFSZ: either kills the
 * program unless it ignores it. lockwatch's writes hold both, and take
 * back one they raised (not one that was pending before). */
int lw__write_all(int fd, const char *buf, size_t len)
{
	int saved = errno;
	sigset_t held, old, pending;
	sigemptyset(&held);
	sigaddset(&held, SIGPIPE);
	sigaddset(&held, SIGXFSZ);
	pthread_sigmask(SIG_BLOCK, &held, &old);
	if (sigpending(&pending) != 0)
		sigfillset(&pending); /* cannot tell: take nothing back */
	int rc = 0, err = 0;
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			err = errno;
			break;
		}
		buf += n;
		len -= (size_t)n;
	}
	if (err == EPIPE)
		take_back(SIGPIPE, &pending);
	if (err == EFBIG)
		take_back(SIGXFSZ, &pending);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = rc < 0 ? err : saved;
	return rc;
}

/* The program's standard error as found at start-up: its file's device
 * and inode, or none (closed). A daemon closes descriptor 2 and the
 * number goes to what it opens next: a data file, a client's connection.
 * lockwatch writes to descriptor 2 only while it is that same file, or a
 * replacement made to be written to: a write-only or append-mode file,
 * a pipe (freopen of a log, a logger's pipe), a device (/dev/null, a
 * terminal); never a socket or a file opened to be read back too. */
static int err_open;
static dev_t err_dev;
static ino_t err_ino;

void lw__out_stderr_take(void)
{
	struct stat st;
	int saved = errno;
	err_open = fstat(2, &st) == 0;
	err_dev = err_open ? st.st_dev : 0;
	err_ino = err_open ? st.st_ino : 0;
	errno = saved;
}

int lw__out_stderr(void)
{
	struct stat st;
	int saved = errno, fd = -1;
	if (fstat(2, &st) == 0) {
		if (err_open && st.st_dev == err_dev && st.st_ino == err_ino) {
			fd = 2; /* the one it started with, a socket too */
		} else {
			int fl = fcntl(2, F_GETFL);
			if (fl >= 0 && !S_ISSOCK(st.st_mode) &&
			    (S_ISCHR(st.st_mode) || (fl & O_ACCMODE) == O_WRONLY ||
			     ((fl & O_ACCMODE) == O_RDWR && (fl & O_APPEND))))
				fd = 2;
		}
	}
	errno = saved;
	return fd;
}

/* buf to the program's standard error, when it still is (above) */
static void to_stderr(const char *buf, size_t len)
{
	int fd = lw__out_stderr();
	if (fd >= 0)
		lw__write_all(fd, buf, len);
}

/* path with %p replaced by the pid of the process writing (a forked
 * child writes its own file) and %% by %, into out; -1 when too long. */
static int expand(const char *path, char *out, size_t n)
{
	size_t k = 0;
	for (const char *p = path; *p; p++) {
		char pid[24];
		const char *add = p;
		size_t len = 1;
		if (p[0] == '%' && p[1] == 'p') {
			len = (size_t)snprintf(pid, sizeof(pid), "%d", (int)getpid());
			add = pid;
			p++;
		} else if (p[0] == '%' && p[1] == '%') {
			p++;
		}
		if (k + len >= n)
			return -1;
		memcpy(out + k, add, len);
		k += len;
	}
	out[k] = 0;
	return 0;
}

/* Append buf to path in one write (creating the file when `create`); 0,
 * or -1 when it cannot be opened. A process under `lockwatch run` that
 * cannot open the JSON file it was given (its privileges given up, its
 * descriptors used up) hands the line to the run (`spill`). */
static int append(const char *pattern, const char *buf, size_t len, int create, int spill)
{
	char path[LW__OPT_STR_MAX + 32];
	if (expand(pattern, path, sizeof(path)) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
	if (fd < 0 && spill && errno != ENAMETOOLONG) {
		int why = errno;
		if (lw__verdict_spill(path, buf, len) == 0)
			return 0;
		errno = why;
	}
	if (fd < 0)
		return -1;
	int rc = lw__write_all(fd, buf, len);
	int why = errno;
	close(fd);
	errno = why;
	return rc; /* a write that failed is said too (EFBIG, ENOSPC) */
}

/* Once per process: the pattern's path for this process (%p expanded),
 * and why append() failed. */
static void complain(const char *pattern)
{
	static int said;
	char m[LW__OPT_STR_MAX + 160], path[LW__OPT_STR_MAX + 32];
	if (said++)
		return;
	int why = errno;
	if (expand(pattern, path, sizeof(path)) < 0)
		snprintf(path, sizeof(path), "%s", pattern);
	int n = snprintf(m, sizeof(m), "lockwatch: cannot write '%s': %s\n", path,
			 strerror(why));
	if (n > 0)
		to_stderr(m, (size_t)n < sizeof(m) ? (size_t)n : sizeof(m) - 1);
}

/* A relative path is taken where the program is now (start-up, or the
 * lw_set_options call), not where it has chdir()ed by its first report. */
static void take_path(char *dst, const char *opt)
{
	char cwd[LW__OPT_STR_MAX];
	if (opt[0] && opt[0] != '/' && getcwd(cwd, sizeof(cwd)) &&
	    strlen(cwd) + 1 + strlen(opt) < LW__OPT_STR_MAX) {
		size_t c = strlen(cwd);
		memcpy(dst, cwd, c);
		dst[c] = '/';
		memcpy(dst + c + 1, opt, strlen(opt) + 1);
		return;
	}
	memcpy(dst, opt, LW__OPT_STR_MAX);
}

void lw__out_open(void)
{
	take_path(log_path, lw__opt.log);
	take_path(json_path, lw__opt.json);
}

void lw__out_log(const char *buf, size_t len)
{
	int saved = errno;
	if (!log_path[0] || append(log_path, buf, len, 1, 0) < 0) {
		if (log_path[0])
			complain(log_path);
		to_stderr(buf, len);
	}
	errno = saved;
}

void lw__out_json(const char *buf, size_t len)
{
	int saved = errno;
	/* a process its `lockwatch run` has left running (a daemon) does not
	 * make the run's temporary JSON file again (verdict.h) */
	int mode = json_path[0] ? lw__verdict_json_mode() : LW__JSON_NONE;
	if (mode != LW__JSON_NONE &&
	    append(json_path, buf, len, mode == LW__JSON_CREATE, mode == LW__JSON_CREATE) < 0 &&
	    (mode == LW__JSON_CREATE || errno != ENOENT))
		complain(json_path);
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
		to_stderr(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	abort();
}
