/* unchecked.c - the processes of the program's tree that run without
 * lockwatch (see unchecked.h): a setuid program (the loader ignores
 * LD_PRELOAD), a child started with a cleared environment, a static
 * program started from a script. Their locks are not checked and their
 * reports, if any, not counted; without a word the run would look clean.
 *
 * Each process that runs lockwatch lists itself in the run record (pid
 * and the inode of its executable, src/base/verdict.c). Every walk reads
 * the tree from /proc/PID/task/TID/children, starting at this process
 * (the subreaper: orphans of the tree are its children). A process seen
 * in two walks in a row (so it had a walk period to start lockwatch) that
 * is not listed with its current executable, and has not the preload
 * library mapped (still starting, or the list is full), is warned about,
 * once per process and executable. A process whose /proc entries this
 * user cannot read (setuid to another user) is warned about by pid and
 * name, unless it is listed and runs as this user (it made itself
 * non-dumpable, which makes its entries root's). A process that has begun to exit (its memory gone: its
 * executable and maps read as nothing) is never warned about, nor one
 * that runs lockwatch's own executable (the program's process before its
 * exec, which a loaded machine may not run for two walks). A process
 * that lives less than a walk period may go unseen. A process that has
 * the library mapped but is not listed for about a second (its
 * environment kept LD_PRELOAD and lost the run's variables) runs lockwatch
 * with nobody counting its reports: said too. Another `lockwatch run` in
 * the tree walks its own part of it. */
#define _GNU_SOURCE
#include "procfs.h"
#include "timeout.h"
#include "unchecked.h"
#include "verdict.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct seen {
	pid_t pid;
	unsigned long long start; /* start time: a reused pid is another process */
	unsigned long gen;        /* last walk that saw it */
	int warned;
	uint64_t warned_ino; /* the executable warned about (0: unreadable) */
	uint64_t ok_ino;     /* the executable last found listed */
	unsigned late;       /* walks seen starting under valgrind */
	unsigned unlisted;   /* walks seen with the library but not listed */
	int warned_unlisted;
};

static struct lw__record *rec;
static uint64_t pre_dev, pre_ino; /* the preload library */
static uint64_t self_dev, self_ino; /* lockwatch's own executable */
static struct seen *seen;
static size_t n_seen, cap_seen;
static unsigned long gen;

void lw__unchecked_start(const char *record, const char *preload)
{
	struct stat st;
	int fd = record[0] ? open(record, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return;
	void *m = mmap(NULL, sizeof(*rec), PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return;
	rec = m;
	if (stat(preload, &st) == 0) {
		pre_dev = (uint64_t)st.st_dev;
		pre_ino = (uint64_t)st.st_ino;
	}
	if (stat("/proc/self/exe", &st) == 0) {
		self_dev = (uint64_t)st.st_dev;
		self_ino = (uint64_t)st.st_ino;
	}
}

void lw__unchecked_stop(void)
{
	if (rec)
		munmap(rec, sizeof(*rec));
	rec = NULL;
	free(seen);
	seen = NULL;
	n_seen = cap_seen = 0;
}

/* State and start time of pid; 0, or -1 when it is gone. */
static int stat_of(pid_t pid, char *state, unsigned long long *start)
{
	char buf[1024];
	if (lw__cli_proc_stat(pid, buf, sizeof(buf)) != 0)
		return -1;
	const char *s = lw__proc_stat_field(buf, 3), *t = lw__proc_stat_field(buf, 22);
	if (!s || !t || sscanf(t, "%llu", start) != 1)
		return -1;
	*state = *s;
	return 0;
}

/* Is (pid, dev, ino) listed in the run record (ino 0: with any
 * executable)? (Beyond a full list, has_preload() answers.) */
static int listed(pid_t pid, uint64_t dev, uint64_t ino)
{
	uint32_t n = __atomic_load_n(&rec->n_running, __ATOMIC_ACQUIRE);
	if (n > LW__RECORD_RUNNING)
		n = LW__RECORD_RUNNING;
	for (uint32_t i = 0; i < n; i++)
		if (__atomic_load_n(&rec->running[i].pid, __ATOMIC_ACQUIRE) == pid &&
		    (ino == 0 || (rec->running[i].dev == dev && rec->running[i].ino == ino)))
			return 1;
	return 0;
}

/* Does pid run as this user, real and effective (its status line)? A
 * setuid executable runs as another. */
static int same_user(pid_t pid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (lw__proc_read(path, buf, sizeof(buf)) <= 0)
		return 0;
	const char *u = strstr(buf, "\nUid:");
	unsigned long ruid, euid;
	return u && sscanf(u + 5, "%lu %lu", &ruid, &euid) == 2 && ruid == (unsigned long)getuid() &&
	       euid == (unsigned long)getuid();
}

/* Has pid the preload library mapped? (0 when its maps cannot be read) */
static int has_preload(pid_t pid)
{
	char path[64], line[4096];
	if (!pre_ino)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	FILE *f = fopen(path, "re");
	int found = 0;
	while (f && !found && fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		unsigned long long ino;
		if (sscanf(line, "%*s %*s %*s %x:%x %llu", &maj, &min, &ino) == 3)
			found = ino == pre_ino && makedev(maj, min) == pre_dev;
		while (!strchr(line, '\n') && fgets(line, sizeof(line), f))
			; /* the rest of a long line */
	}
	if (f)
		fclose(f);
	return found;
}

/* valgrind runs the program in its own static executable (a tool such as
 * /usr/libexec/valgrind/memcheck-amd64-linux, which maps the program, its
 * loader and the preload library itself), and takes seconds to get to the
 * program's first instruction: given LATE_WALKS walks to map the library
 * before it is said to run without lockwatch. */
#define LATE_WALKS 100
static int under_valgrind(const char *exe_link)
{
	char exe[4096];
	ssize_t n = readlink(exe_link, exe, sizeof(exe) - 1);
	if (n <= 0)
		return 0;
	exe[n] = 0;
	return strstr(exe, "/valgrind/") != NULL;
}

/* Walks a process with the preload library mapped may take to list
 * itself (its loader and constructors) before it is said to run without
 * the record: about a second, or more on a busy machine. */
#define UNLISTED_WALKS 10

/* Has pid LW__EXITCODE_ENV in its environment (as it was at its exec)?
 * Then its lockwatch knows it is a run's process without the record, says
 * so itself and sets its own status (src/base/verdict.h). */
static int has_run_env(pid_t pid)
{
	static char buf[1 << 16];
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	ssize_t n = lw__proc_read(path, buf, sizeof(buf) - 1);
	const char *key = LW__EXITCODE_ENV "=";
	if (n > 0)
		buf[n] = 0;
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
		if (strncmp(buf + i, key, strlen(key)) == 0)
			return 1;
	return 0;
}

/* pid has the preload library mapped but is not listed in the record: its
 * environment lost the run's variables while LD_PRELOAD stayed (a harness
 * that builds its children's environment), so its reports are counted
 * nowhere. Said once, after UNLISTED_WALKS walks in a row; not for a
 * process stopped or traced (a debugger's, before its first instruction),
 * nor beyond a full list. */
static void check_unlisted(pid_t pid, char state, struct seen *s, const char *exe_link)
{
	if (s->warned_unlisted || state == 'T' || state == 't' ||
	    __atomic_load_n(&rec->n_running, __ATOMIC_ACQUIRE) >= LW__RECORD_RUNNING ||
	    (under_valgrind(exe_link) && s->late++ < LATE_WALKS) || ++s->unlisted < UNLISTED_WALKS)
		return;
	s->warned_unlisted = 1; /* looked at once */
	if (has_run_env(pid))
		return;
	char exe[4096];
	ssize_t n = readlink(exe_link, exe, sizeof(exe) - 1);
	if (n <= 0)
		n = (ssize_t)strlen(strcpy(exe, "?"));
	exe[n] = 0;
	fprintf(stderr,
		"lockwatch: process %d (%s) runs lockwatch without this run's record (its environment "
		"kept LD_PRELOAD but lost LOCKWATCH_RUN_RECORD and LOCKWATCH_RUN_EXITCODE): its reports "
		"are not counted in the run's exit status\n",
		(int)pid, exe);
}

/* Check pid; 0 when its children are not to be walked: another `lockwatch
 * run` inside the tree, which checks its own. */
static int check(pid_t pid)
{
	char state, path[64], exe[4096];
	unsigned long long start;
	if (stat_of(pid, &state, &start) != 0 || state == 'Z' || state == 'X')
		return 1;
	struct seen *s = NULL;
	for (size_t i = 0; i < n_seen && !s; i++)
		if (seen[i].pid == pid && seen[i].start == start)
			s = &seen[i];
	if (!s) { /* first sighting: give it a walk period to start */
		if (n_seen == cap_seen) {
			struct seen *m = realloc(seen, (cap_seen = cap_seen ? 2 * cap_seen : 64) * sizeof(*m));
			if (!m)
				return 1;
			seen = m;
		}
		seen[n_seen++] = (struct seen){ .pid = pid, .start = start, .gen = gen };
		return 1;
	}
	s->gen = gen;
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	int readable = stat(path, &st) == 0;
	if (!readable && errno != EACCES && errno != EPERM)
		return 1; /* exiting: its memory (and so its executable) is gone */
	uint64_t ino = readable ? (uint64_t)st.st_ino : 0;
	if (readable && ino == self_ino && (uint64_t)st.st_dev == self_dev)
		return 0; /* lockwatch's own child before its exec (a slow one), or a
			   * run inside this one's tree */
	if (s->warned && s->warned_ino == ino)
		return 1;
	if (readable && s->ok_ino == ino)
		return 1; /* listed with this executable at an earlier walk */
	if (readable && listed(pid, (uint64_t)st.st_dev, ino)) {
		s->ok_ino = ino;
		return 1;
	}
	if (has_preload(pid)) { /* starting, listed beyond the table, or not a run's */
		if (readable)
			check_unlisted(pid, state, s, path);
		return 1;
	}
	if (readable && under_valgrind(path) && ++s->late < LATE_WALKS)
		return 1;
	/* A process of this user whose executable and maps cannot be read
	 * made itself non-dumpable (prctl PR_SET_DUMPABLE, as ssh-agent
	 * does): listed, it runs lockwatch. (An exec resets that: an image
	 * that did not list itself is readable, unless it too makes itself
	 * non-dumpable.) */
	if (!readable && listed(pid, 0, 0) && same_user(pid))
		return 1;
	if (readable && stat(path, &st) != 0)
		return 1; /* it began to exit while its maps were read: they read empty */
	ssize_t n = readable ? readlink(path, exe, sizeof(exe) - 1) : -1;
	if (n <= 0) { /* not ours to read: its name, from comm */
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, exe, sizeof(exe) - 1);
		if (fd >= 0)
			close(fd);
		while (n > 0 && exe[n - 1] == '\n')
			n--;
	}
	if (n <= 0)
		n = (ssize_t)strlen(strcpy(exe, "?"));
	exe[n] = 0;
	fprintf(stderr,
		"lockwatch: process %d (%s) runs without lockwatch: its locks are not checked "
		"(a setuid or static program, or a cleared environment)\n",
		(int)pid, exe);
	s->warned = 1;
	s->warned_ino = ino;
	return 1;
}

/* The children of every thread of pid, each passed to check() and pushed
 * on the queue. */
static void children_of(pid_t pid, pid_t **q, size_t *nq, size_t *cq)
{
	char path[64], buf[8192];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char cpath[300];
		snprintf(cpath, sizeof(cpath), "/proc/%d/task/%s/children", (int)pid, e->d_name);
		if (lw__proc_read(cpath, buf, sizeof(buf)) <= 0)
			continue;
		for (char *p = buf, *end; *p; p = end) {
			long c = strtol(p, &end, 10);
			if (end == p)
				break;
			if (*nq == *cq) {
				pid_t *m = realloc(*q, (*cq = *cq ? 2 * *cq : 64) * sizeof(*m));
				if (!m)
					break;
				*q = m;
			}
			(*q)[(*nq)++] = (pid_t)c;
		}
	}
	if (d)
		closedir(d);
}

void lw__unchecked_walk(void)
{
	if (!rec)
		return;
	gen++;
	pid_t *q = NULL;
	size_t nq = 0, cq = 0;
	children_of(getpid(), &q, &nq, &cq);
	for (size_t i = 0; i < nq; i++)
		if (check(q[i]))
			children_of(q[i], &q, &nq, &cq);
	free(q);
	/* forget the processes that are gone */
	size_t k = 0;
	for (size_t i = 0; i < n_seen; i++)
		if (seen[i].gen == gen)
			seen[k++] = seen[i];
	n_seen = k;
}
