/* verdict.c - this process's side of the run record (see verdict.h): count
 * each report in the file `lockwatch run` named in LOCKWATCH_RUN_RECORD.
 *
 * The path is copied at load (a constructor), before the program can change
 * its environment; the file is mapped at start-up, when the process lists
 * itself as one that runs lockwatch (lw__verdict_register): a few system
 * calls per process, and only under `lockwatch run`.
 * No lock, no allocation; open/fstat/stat/mmap/close/munmap/access only. */
#include "verdict.h"
#include "env.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(LW_KIND_COUNT <= LW__RECORD_KINDS, "the run record has a row per kind");

static char lw__record_path[4096];
static int lw__record_state; /* 0 path not read, 1 read, 2 mapped, 3 none or unusable */
static struct lw__record *lw__record;
static int lw__record_errno = -1; /* why the record could not be mapped; -1: it was not tried */

static int lw__record_dropped; /* a run's process, LW__RECORD_ENV taken away */

static void lw__verdict_read_env(void)
{
	const char *p = lw__getenv(LW__RECORD_ENV);
	size_t n = p ? strlen(p) : 0;
	/* the run sets it, empty when it has no record: missing beside the
	 * run's exit code, a parent filtered the environment */
	lw__record_dropped = !p && lw__getenv(LW__EXITCODE_ENV) != NULL;
	if (n == 0 || n >= sizeof(lw__record_path)) {
		lw__store_rel(&lw__record_state, 3);
		return;
	}
	memcpy(lw__record_path, p, n + 1);
	lw__store_rel(&lw__record_state, 1);
}

__attribute__((constructor)) static void lw__verdict_ctor(void)
{
	if (lw__load_acq(&lw__record_state) == 0)
		lw__verdict_read_env();
}

/* Map the record; NULL when there is none or it is not one. */
static struct lw__record *lw__verdict_map(void)
{
	int fd = open(lw__record_path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	void *m = MAP_FAILED;
	lw__record_errno = fd < 0 ? errno : 0;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= (off_t)LW__RECORD_FILE)
		m = mmap(NULL, LW__RECORD_FILE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd); /* the mapping stays; lockwatch keeps no descriptor */
	if (m == MAP_FAILED)
		return NULL;
	struct lw__record *r = m;
	if (r->magic != LW__RECORD_MAGIC || r->size != sizeof(struct lw__record)) {
		munmap(m, LW__RECORD_FILE);
		return NULL;
	}
	return r;
}

/* The mapped record, mapping it now if needed; NULL when there is none. */
static struct lw__record *lw__verdict_get(void)
{
	int state = lw__load_acq(&lw__record_state);
	if (state == 0) { /* a report before the constructors ran */
		lw__verdict_read_env();
		state = lw__load_acq(&lw__record_state);
	}
	if (state == 3)
		return NULL;
	struct lw__record *r = lw__load_acq(&lw__record);
	if (!r) {
		struct lw__record *mine = lw__verdict_map(), *none = NULL;
		if (!mine) {
			lw__store_rel(&lw__record_state, 3);
			return NULL;
		}
		/* two threads mapping at once: one mapping wins, the other goes */
		if (__atomic_compare_exchange_n(&lw__record, &none, mine, 0, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE)) {
			r = mine;
			lw__store_rel(&lw__record_state, 2);
		} else {
			munmap(mine, LW__RECORD_FILE);
			r = none;
		}
	}
	return r;
}

void lw__verdict_count(lw_kind_t kind, lw_severity_t sev)
{
	struct lw__record *r = (unsigned)kind < LW__RECORD_KINDS ? lw__verdict_get() : NULL;
	if (r)
		__atomic_fetch_add(&r->by_kind[kind][sev == LW_ERROR], 1, __ATOMIC_RELAXED);
}

void lw__verdict_unfinished(int delta)
{
	struct lw__record *r = lw__verdict_get();
	if (r)
		__atomic_fetch_add(&r->unfinished, (uint64_t)(int64_t)delta, __ATOMIC_RELAXED);
}

void lw__verdict_short(void)
{
	static int noted;
	if (__atomic_exchange_n(&noted, 1, __ATOMIC_RELAXED))
		return;
	struct lw__record *r = lw__verdict_get();
	if (r)
		__atomic_store_n(&r->short_pid, (int32_t)getpid(), __ATOMIC_RELAXED);
}

void lw__verdict_more(lw_kind_t kind)
{
	struct lw__record *r = (unsigned)kind < LW__RECORD_KINDS ? lw__verdict_get() : NULL;
	if (r)
		__atomic_fetch_add(&r->more[kind], 1, __ATOMIC_RELAXED);
}

void lw__verdict_suppressed(int entry)
{
	struct lw__record *r = entry >= 0 && entry < LW__RECORD_SUPP ? lw__verdict_get() : NULL;
	if (r)
		__atomic_fetch_add(&r->suppressed[entry], 1, __ATOMIC_RELAXED);
}

int lw__verdict_spill(const char *path, const char *buf, size_t len)
{
	struct lw__record *r = lw__load_acq(&lw__record);
	size_t path_len = strlen(path);
	size_t size = (sizeof(struct lw__spill_entry) + path_len + len + 7) & ~(size_t)7;
	if (!r || size > LW__SPILL_BYTES)
		return -1;
	uint64_t at = __atomic_fetch_add(&r->spill_used, size, __ATOMIC_ACQ_REL);
	if (at + size > LW__SPILL_BYTES) {
		__atomic_fetch_add(&r->spill_lost, 1, __ATOMIC_RELAXED);
		return -1;
	}
	char *area = (char *)r + LW__SPILL_OFFSET;
	struct lw__spill_entry *e = (struct lw__spill_entry *)(area + at);
	lw__store(&e->size, (uint32_t)size);
	e->path_len = (uint32_t)path_len;
	e->len = (uint32_t)len;
	memcpy(e + 1, path, path_len);
	memcpy((char *)(e + 1) + path_len, buf, len);
	lw__store_rel(&e->done, 1u);
	return 0;
}

static uint64_t lw__exe_dev, lw__exe_ino; /* of /proc/self/exe, at start-up */

static void lw__verdict_list(struct lw__record *r)
{
	uint32_t i = __atomic_fetch_add(&r->n_running, 1, __ATOMIC_ACQ_REL);
	if (i >= LW__RECORD_RUNNING)
		return; /* the CLI looks at /proc/PID/maps instead */
	r->running[i].dev = lw__exe_dev;
	r->running[i].ino = lw__exe_ino;
	lw__store_rel(&r->running[i].pid, (int32_t)getpid());
}

void lw__verdict_register(void)
{
	struct lw__record *r = lw__verdict_get();
	struct stat st;
	if (!r)
		return;
	if (stat("/proc/self/exe", &st) != 0)
		return; /* no /proc: the CLI cannot look either */
	lw__exe_dev = (uint64_t)st.st_dev;
	lw__exe_ino = (uint64_t)st.st_ino;
	lw__verdict_list(r);
}

void lw__verdict_register_forked(void)
{
	struct lw__record *r = lw__load_acq(&lw__record);
	if (r && lw__exe_ino)
		lw__verdict_list(r);
}

int lw__verdict_json_mode(void)
{
	struct lw__record *r = lw__verdict_get(); /* reads the path if need be */
	if (r)
		return lw__load_acq(&r->json_gone) ? LW__JSON_NONE : LW__JSON_CREATE;
	if (!lw__record_path[0])
		return LW__JSON_CREATE; /* not part of a run */
	/* part of a run (the path was given) but no record: gone with its
	 * run, or never usable */
	return access(lw__record_path, F_OK) != 0 ? LW__JSON_APPEND : LW__JSON_CREATE;
}

int lw__verdict_under_run(void)
{
	int state = lw__load_acq(&lw__record_state);
	if (state == 0) {
		lw__verdict_read_env();
		state = lw__load_acq(&lw__record_state);
	}
	return state != 3;
}

int lw__verdict_unreachable(int *err)
{
	if (lw__load_acq(&lw__record_state) != 3)
		return 0;
	if (lw__record_dropped)
		return 2;
	if (!lw__record_path[0] || lw__record_errno < 0)
		return 0;
	*err = lw__record_errno;
	return 1;
}

int lw__verdict_watch(void)
{
	struct lw__record *r = lw__verdict_get();
	if (!r)
		return -1;
	uint32_t i = __atomic_fetch_add(&r->n_procs, 1, __ATOMIC_ACQ_REL);
	if (i >= LW__RECORD_PROCS)
		return -2;
	lw__store_rel(&r->procs[i].pid, (int32_t)getpid());
	return (int)i;
}

int lw__verdict_hang_asked(void)
{
	struct lw__record *r = lw__load_acq(&lw__record);
	return r && lw__load_acq(&r->hang) != 0;
}

void lw__verdict_hang_done(int slot)
{
	struct lw__record *r = lw__load_acq(&lw__record);
	if (r && slot >= 0 && slot < LW__RECORD_PROCS)
		lw__store_rel(&r->procs[slot].done, 1u);
}
