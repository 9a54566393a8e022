/* aside.c - the reader thread, whose descriptor table is its own (see
 * aside.h). The watchdog asks, and starts it; another thread (a fork's,
 * runtime/watchdog.c) may ask while it runs; the reader runs one job at
 * a time, each asker waiting its turn. Its mutex is held only to hand a job over and back,
 * never across a call into the rest of lockwatch: a forked child only
 * makes it afresh (runtime/init.c's fork table). */
#define _GNU_SOURCE
#include "aside.h"
#include "mutex.h"
#include "procfs.h"
#include "real.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* its jobs are small reads into buffers of the caller's */
#define READER_STACK (128u << 10)
#define READER_NAME "lw-reader"

static struct lw__mutex mu = LW__MUTEX_INIT;
static struct lw__cond cv = LW__COND_INIT;
static int state; /* 0 not started, 1 starting, 2 runs, -1 cannot be had */
static int reader_tid;
static pthread_t reader_th; /* joined by lw__aside_stop */
static void (*job_fn)(void *);
static void *job_arg;
static int job_errno;
static unsigned posted, done;
static LW__TLS int enabled;
static LW__TLS int in_reader;

/* Close every descriptor of this thread's own table (copies of the
 * program's, which would keep its pipes and sockets open); 0, or -1 when
 * they cannot all be closed. */
static int close_all(void)
{
	if (syscall(SYS_close_range, 0u, ~0u, 0u) == 0)
		return 0;
	/* before Linux 5.9: each one listed, in this table's own listing */
	char buf[4096];
	int d = open("/proc/thread-self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d < 0)
		return -1;
	long got;
	while ((got = syscall(SYS_getdents64, d, buf, sizeof(buf))) > 0)
		for (long at = 0; at < got;) {
			const struct dirent64 *e = (const void *)(buf + at);
			at += e->d_reclen;
			int fd = atoi(e->d_name);
			if (e->d_name[0] != '.' && fd != d)
				close(fd);
		}
	close(d);
	return got == 0 ? 0 : -1;
}

static void *reader(void *arg)
{
	(void)arg;
	lw__guard_enter(); /* everything this thread does passes straight through */
	lw__unseen_begin(); /* and is no business of ThreadSanitizer's (mutex.h) */
	prctl(PR_SET_NAME, READER_NAME);
	int ok = unshare(CLONE_FILES) == 0 && close_all() == 0;
	in_reader = ok;
	if (!ok)
		pthread_detach(pthread_self()); /* nobody joins one that never ran */
	lw__mutex_lock(&mu);
	reader_tid = ok ? (int)syscall(SYS_gettid) : 0;
	state = ok ? 2 : -1;
	lw__cond_broadcast(&cv);
	while (ok) {
		while (posted == done)
			lw__cond_wait(&cv, &mu, NULL);
		void (*fn)(void *) = job_fn;
		void *a = job_arg;
		unsigned n = posted;
		if (!fn) { /* lw__aside_stop's: the thread ends */
			done = n;
			lw__cond_broadcast(&cv);
			break;
		}
		lw__mutex_unlock(&mu);
		errno = 0;
		fn(a);
		int err = errno;
		lw__mutex_lock(&mu);
		job_errno = err;
		done = n;
		lw__cond_broadcast(&cv);
	}
	lw__mutex_unlock(&mu); /* it cannot be had: the thread ends */
	lw__unseen_end(); /* ThreadSanitizer: no thread ends with ignores on */
	return NULL;
}

/* Start the reader and wait until it runs or cannot. */
static void start(void)
{
	lw__mutex_lock(&mu);
	state = 1;
	lw__mutex_unlock(&mu);
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, READER_STACK);
	sigset_t old;
	lw__own_thread_mask(&old);
	int rc = LW_REAL_FN(pthread_create)(&reader_th, &at, reader, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&at);
	lw__mutex_lock(&mu);
	if (rc != 0)
		state = -1;
	while (state == 1)
		lw__cond_wait(&cv, &mu, NULL);
	lw__mutex_unlock(&mu);
}

void lw__aside_enable(void)
{
	enabled = 1;
}

/* Hand fn(arg) to the reader, once it is done with a job posted before;
 * mu held. Returns the job's number. */
static unsigned post(void (*fn)(void *), void *arg)
{
	while (posted != done)
		lw__cond_wait(&cv, &mu, NULL);
	job_fn = fn;
	job_arg = arg;
	unsigned n = ++posted;
	lw__cond_broadcast(&cv);
	return n;
}

/* 1 with mu held when the reader runs, to post to; else 0, mu free (the
 * caller runs the job itself). */
static int reader_ready(int may_start)
{
	if (in_reader)
		return 0; /* a job's own reads: here */
	if (!may_start && lw__load(&state) != 2)
		return 0; /* others use it while it runs */
	if (lw__load(&state) == 0)
		start();
	lw__mutex_lock(&mu);
	if (state == 2)
		return 1;
	lw__mutex_unlock(&mu);
	return 0;
}

/* lw__aside and lw__aside_start's */
static void run_aside(void (*fn)(void *), void *arg, int may_start)
{
	if (!reader_ready(may_start)) {
		fn(arg);
		return;
	}
	unsigned n = post(fn, arg);
	while (done != n)
		lw__cond_wait(&cv, &mu, NULL);
	int err = job_errno;
	lw__mutex_unlock(&mu);
	errno = err;
}

void lw__aside(void (*fn)(void *), void *arg)
{
	run_aside(fn, arg, enabled);
}

void lw__aside_start(void (*fn)(void *), void *arg)
{
	run_aside(fn, arg, 1);
}

struct read_job {
	const char *path;
	char *buf;
	size_t size;
	ssize_t got;
};

static void read_job(void *arg)
{
	struct read_job *j = arg;
	j->got = lw__proc_read(j->path, j->buf, j->size);
}

ssize_t lw__proc_read_aside(const char *path, char *buf, size_t size)
{
	struct read_job j = { path, buf, size, -1 };
	lw__aside(read_job, &j);
	return j.got;
}

int lw__aside_private(void)
{
	return in_reader;
}

int lw__aside_tid(void)
{
	return lw__load(&state) == 2 ? lw__load(&reader_tid) : 0;
}

void lw__aside_stop(void)
{
	lw__mutex_lock(&mu);
	if (state != 2) {
		lw__mutex_unlock(&mu);
		return;
	}
	unsigned n = post(NULL, NULL);
	while (done != n)
		lw__cond_wait(&cv, &mu, NULL);
	state = 0; /* started again by the next job */
	reader_tid = 0;
	lw__mutex_unlock(&mu);
	LW_REAL_FN(pthread_join)(reader_th, NULL);
}

void lw__aside_atfork_child(void)
{
	lw__mutex_postfork_child(&mu);
	lw__cond_postfork_child(&cv);
	state = 0;
	reader_tid = 0;
	posted = done = 0;
}
