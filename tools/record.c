/* record.c - see record.h.
 *
 * The record is made in a directory of its own (mkdtemp) under a name
 * drawn at random. When the run is root, the directory can be crossed but
 * not listed by others (0711) and the record can be written by anyone who
 * knows its name (0666): a process of the program that gave up root and
 * then started a program (setpriv, runuser, a daemon's worker) maps it by
 * the path it inherited, so its reports still count. Without it such a
 * process ran unchecked by the run, its errors out of the exit status. Only
 * processes given the path (the run's tree, and whoever can read their
 * environment) can find it.
 *
 * A process that gave up root cannot open the JSON
 * file root made, nor can one at its descriptor limit open any: such a
 * process puts the line in the run record's spill area, mapped at its
 * start (src/base/verdict.c lw__verdict_spill), and the run writes it
 * here, in the order the lines were claimed. The run may be root and
 * the writer not: an entry names its file, so only a file the run was
 * asked for (the --json pattern) is ever written, and only whole lines. */
#define _GNU_SOURCE
#include "record.h"

#include "verdict.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *tmp_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	return tmp && *tmp ? tmp : "/tmp";
}

/* This process's pid namespace (its inode), 0 when unknown. */
static unsigned long pid_ns(void)
{
	struct stat st;
	return stat("/proc/self/ns/pid", &st) == 0 ? (unsigned long)st.st_ino : 0;
}

void lw__record_name(char *buf, size_t n, const char *prefix, const char *suffix)
{
	snprintf(buf, n, "%s/%s-%lu-%d-XXXXXX%s", tmp_dir(), prefix, pid_ns(), (int)getpid(),
		 suffix);
}

/* Is name `PREFIX-NS-PID-...` with ns ours and pid gone? */
static int left_behind(const char *name, const char *prefix, unsigned long ns)
{
	size_t k = strlen(prefix);
	unsigned long their_ns;
	int pid, used = 0;
	if (strncmp(name, prefix, k) != 0 || name[k] != '-' ||
	    sscanf(name + k + 1, "%lu-%d-%n", &their_ns, &pid, &used) != 2 || !used)
		return 0;
	return their_ns == ns && pid > 0 && kill(pid, 0) != 0 && errno == ESRCH;
}

/* Remove directory `dir`'s record files, then the directory. */
static void sweep_dir(int at, const char *dir)
{
	int fd = openat(at, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "record-", 7) == 0)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	unlinkat(at, dir, AT_REMOVEDIR);
}

void lw__record_sweep(void)
{
	unsigned long ns = pid_ns();
	int fd = ns ? open(tmp_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	struct stat st;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		int run = left_behind(e->d_name, "lockwatch-run", ns);
		int json = !run && left_behind(e->d_name, "lockwatch", ns);
		if ((!run && !json) || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    st.st_uid != geteuid())
			continue;
		if (run && S_ISDIR(st.st_mode))
			sweep_dir(dirfd(d), e->d_name);
		else if (json && S_ISREG(st.st_mode) && strstr(e->d_name, ".jsonl"))
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

int lw__record_create(char *path, size_t n)
{
	char dir[4096];
	unsigned char rnd[16];
	struct lw__record r;
	int root = geteuid() == 0;
	lw__record_name(dir, sizeof(dir), "lockwatch-run", "");
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd) || !mkdtemp(dir))
		return -1;
	int len = snprintf(path, n, "%s/record-", dir);
	for (size_t i = 0; i < sizeof(rnd) && len > 0 && (size_t)len + 3 < n; i++)
		len += snprintf(path + len, n - (size_t)len, "%02x", rnd[i]);
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	int e = errno;
	if (fd >= 0) {
		memset(&r, 0, sizeof(r));
		r.magic = LW__RECORD_MAGIC;
		r.size = sizeof(r);
		/* the spill area after it reads as zeros (a sparse file) */
		if (pwrite(fd, &r, sizeof(r), 0) != (ssize_t)sizeof(r) ||
		    ftruncate(fd, (off_t)LW__RECORD_FILE) != 0 ||
		    (root && (fchmod(fd, 0666) != 0 || chmod(dir, 0711) != 0))) {
			e = errno ? errno : EIO;
			close(fd);
			unlink(path);
			fd = -1;
		} else {
			close(fd);
		}
	}
	if (fd < 0) {
		rmdir(dir);
		errno = e;
		return -1;
	}
	return 0;
}

int lw__record_load(const char *path, struct lw__record *r)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got = fd < 0 ? -1 : pread(fd, r, sizeof(*r), 0);
	if (fd >= 0)
		close(fd);
	if (got != (ssize_t)sizeof(*r) || r->magic != LW__RECORD_MAGIC || r->size != sizeof(*r))
		return -1;
	return 0;
}

int lw__record_pass_up(const char *record, const char *outer)
{
	struct lw__record in;
	if (lw__record_load(record, &in) != 0)
		return -1;
	int fd = open(outer, O_RDWR | O_CLOEXEC);
	struct lw__record *out = fd < 0 ? MAP_FAILED
					: mmap(NULL, sizeof(*out), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (fd >= 0)
		close(fd);
	if (out == MAP_FAILED)
		return -1;
	int rc = -1;
	if (out->magic == LW__RECORD_MAGIC && out->size == sizeof(*out)) {
		for (unsigned k = 0; k < LW__RECORD_KINDS; k++) {
			for (unsigned s = 0; s < 2; s++)
				__atomic_fetch_add(&out->by_kind[k][s], in.by_kind[k][s], __ATOMIC_RELAXED);
			__atomic_fetch_add(&out->more[k], in.more[k], __ATOMIC_RELAXED);
		}
		__atomic_fetch_add(&out->unfinished, in.unfinished, __ATOMIC_RELAXED);
		rc = 0;
	}
	munmap(out, sizeof(*out));
	return rc;
}

void lw__record_remove(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	unlink(path);
	if (slash) {
		*slash = 0;
		rmdir(dir);
	}
}

/* Is s (n bytes) the pattern with each %p a pid and %% a %? */
static int is_pattern(const char *pat, const char *s, size_t n)
{
	size_t k = 0;
	for (const char *p = pat; *p; p++) {
		if (p[0] == '%' && p[1] == 'p') {
			size_t d = k;
			while (k < n && s[k] >= '0' && s[k] <= '9' && k - d < 10)
				k++;
			if (k == d)
				return 0;
			p++;
			continue;
		}
		if (p[0] == '%' && p[1] == '%')
			p++;
		if (k >= n || s[k] != *p)
			return 0;
		k++;
	}
	return k == n;
}

/* One JSON object on one line, its newline last. */
static int is_line(const char *b, size_t n)
{
	return n >= 3 && b[0] == '{' && b[n - 1] == '\n' && !memchr(b, '\n', n - 1) &&
	       !memchr(b, 0, n);
}

static int write_line(const char *path, const char *b, size_t n)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, b, n);
	int e = errno;
	close(fd);
	errno = w < 0 ? e : EIO;
	return w == (ssize_t)n ? 0 : -1;
}

unsigned long lw__spill_drain(const char *record, const char *pattern, unsigned long *lost)
{
	struct lw__record r;
	unsigned long done = 0;
	*lost = 0;
	int fd = open(record, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char *area = NULL;
	uint64_t used = 0;
	if (pread(fd, &r, sizeof(r), 0) == (ssize_t)sizeof(r) && r.magic == LW__RECORD_MAGIC &&
	    r.size == sizeof(r)) {
		*lost = (unsigned long)r.spill_lost;
		used = r.spill_used < LW__SPILL_BYTES ? r.spill_used : LW__SPILL_BYTES;
		area = used ? malloc(used) : NULL;
		if (area && pread(fd, area, used, (off_t)LW__SPILL_OFFSET) != (ssize_t)used)
			used = 0;
	}
	close(fd);
	int said = 0;
	for (uint64_t at = 0; area && at + sizeof(struct lw__spill_entry) <= used;) {
		struct lw__spill_entry e;
		memcpy(&e, area + at, sizeof(e));
		if (e.size == 0 || e.size % 8 || e.size > used - at) {
			(*lost)++; /* its writer ended before its size: the rest is unknown */
			break;
		}
		const char *path = area + at + sizeof(e), *line = path + e.path_len;
		size_t room = e.size - sizeof(e);
		char file[4096];
		if (!e.done || e.path_len >= sizeof(file) || e.len > room - e.path_len ||
		    !is_pattern(pattern, path, e.path_len) || !is_line(line, e.len)) {
			(*lost)++;
		} else {
			memcpy(file, path, e.path_len);
			file[e.path_len] = 0;
			if (write_line(file, line, e.len) == 0) {
				done++;
			} else {
				(*lost)++;
				if (!said++)
					fprintf(stderr, "lockwatch: cannot write '%s': %s\n", file,
						strerror(errno));
			}
		}
		at += e.size;
	}
	free(area);
	return done;
}
