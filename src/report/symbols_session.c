/* symbols_session.c - the symbolising session (see symbols_session.h).
 *
 * One mutex, taken through the real-function table, guards every part of
 * symbolising (symbols.c, symbols_data.c, symbols_cache.c). One libdwfl
 * session over the running process's own modules, built on first use from
 * the calling thread's /proc maps and rebuilt after lw__sym_reset(). An address outside
 * every known module makes one rebuild of the session per call, and only
 * when the dynamic loader's counts of loaded and unloaded objects changed
 * since the list was read. */
#include "symbols_session.h"
#include "debuginfo.h"
#include "symbols_dyn.h"
#include "symbols_index.h"
#include "mutex.h"
#include "procfs.h"
#include "real.h"

#include <link.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct lw__mutex sym_mu = LW__MUTEX_INIT;
static pid_t state_pid; /* the process the state below was made in, 0: none */

void lw__sym_lock(void)
{
	lw__mutex_lock(&sym_mu);
	if (lw__unlikely(lw__load(&state_pid) == 0))
		lw__store(&state_pid, getpid());
}

void lw__sym_unlock(void)
{
	lw__mutex_unlock(&sym_mu);
}

/* ---- the libdwfl session ---------------------------------------------- */

static const Dwfl_Callbacks dwfl_cbs = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = lw__find_debuginfo, /* this machine's files only */
};

static Dwfl *dwfl;
/* the loader's dlpi_adds / dlpi_subs when the module list was read */
static unsigned long long seen_adds, seen_subs;

static int dl_counts_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	unsigned long long *c = arg;
	if (size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof(info->dlpi_subs)) {
		c[0] = info->dlpi_adds;
		c[1] = info->dlpi_subs;
	}
	return 1; /* the counts are the same in every entry: stop */
}

static void dl_counts(unsigned long long *adds, unsigned long long *subs)
{
	unsigned long long c[2] = { 0, 0 };
	dl_iterate_phdr(dl_counts_cb, c);
	*adds = c[0];
	*subs = c[1];
}

/* Objects loaded so far. */
unsigned long long lw__sym_dl_adds(void)
{
	unsigned long long adds, subs;
	dl_counts(&adds, &subs);
	return adds;
}

/* (Re)read the module list of this process into the session. */
static void dwfl_report_self(void)
{
	dl_counts(&seen_adds, &seen_subs);
	dwfl_report_begin(dwfl);
	/* the maps of this thread, not of the process's first task: that one
	 * reads empty once the main thread has ended with pthread_exit; by its
	 * id as /proc names it (a PID namespace's own ids name other
	 * processes there when /proc is the parent namespace's) */
	pid_t tid = (pid_t)lw__proc_own_tid();
	if (dwfl_linux_proc_report(dwfl, tid) != 0) {
		/* A process that made itself non-dumpable (prctl
		 * PR_SET_DUMPABLE, as ssh-agent does) cannot open its own
		 * /proc/PID/auxv unless root, and libdwfl then reports no
		 * module at all; its maps are still its own to read. */
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/task/%d/maps", (int)tid);
		FILE *f = fopen(path, "re");
		if (f) {
			dwfl_linux_proc_maps_report(dwfl, f);
			fclose(f);
		}
	}
	dwfl_report_end(dwfl, NULL, NULL);
}

/* libdw reads debug information into memory it gets from malloc, and when
 * malloc fails it ends the process (error(EXIT_FAILURE), "libdw: Cannot
 * allocate memory"): a program that caps its own address space or data
 * (RLIMIT_AS, RLIMIT_DATA: sandboxes, test harnesses) was killed in a lock
 * call by its report's names. Under such a cap, with less than this much
 * room left, no libdw session: names come from the loader's symbols. */
#define LIBDW_ROOM (256ull << 20)

static int room_under(int resource, unsigned long long used)
{
	struct rlimit r;
	if (getrlimit(resource, &r) != 0 || r.rlim_cur == RLIM_INFINITY)
		return 1;
	return (unsigned long long)r.rlim_cur > used + LIBDW_ROOM;
}

static int room_for_libdw(void)
{
	char buf[256];
	unsigned long long size = 0, resident, shared, text, lib, data = 0;
	if (lw__proc_read("/proc/self/statm", buf, sizeof(buf)) <= 0 ||
	    sscanf(buf, "%llu %llu %llu %llu %llu %llu", &size, &resident, &shared, &text, &lib,
		   &data) != 6)
		return 1;
	unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE);
	return room_under(RLIMIT_AS, size * page) && room_under(RLIMIT_DATA, data * page);
}

static int dwfl_ready(void)
{
	if (dwfl)
		return 1;
	if (!room_for_libdw())
		return 0;
	dwfl = dwfl_begin(&dwfl_cbs);
	if (!dwfl)
		return 0;
	dwfl_report_self();
	return 1;
}

Dwfl_Module *lw__sym_module(uintptr_t a, int *refreshed)
{
	if (!dwfl_ready())
		return NULL;
	Dwfl_Module *m = dwfl_addrmodule(dwfl, a);
	/* a library loaded or unloaded since the session was made: made
	 * again, found or not. libdwfl takes an unnamed mapping that follows
	 * a module for its .bss, so an address the loader later gave to a
	 * library loaded there (a plugin loaded again) was found in the
	 * module before it (libelf, once, under ASan): no names, and the
	 * plugin's cycle taken for another */
	if (!*refreshed) {
		*refreshed = 1;
		unsigned long long adds, subs;
		dl_counts(&adds, &subs);
		if (adds != seen_adds || subs != seen_subs) {
			/* a fresh session, not the old one re-read: its modules
			 * keep their files mapped (libdw reads them so), and
			 * /proc's maps show such a mapping as part of the module
			 * whose file it is: a library loaded again at another
			 * address got a module starting at libdw's old mapping of
			 * it, and not one of its names */
			lw__sym_session_close();
			lw__sym_dyn_forget();
			dwfl = room_for_libdw() ? dwfl_begin(&dwfl_cbs) : NULL;
			if (!dwfl)
				return NULL;
			dwfl_report_self();
			m = dwfl_addrmodule(dwfl, a);
		}
	}
	return m;
}

void lw__sym_session_close(void)
{
	if (dwfl != NULL) {
		dwfl_end(dwfl);
		dwfl = NULL;
	}
	lw__sym_index_forget(); /* kept by its modules, with their names */
}

/* In a forked child whose parent had another thread inside symbolising at
 * the fork, the lock stays held by a thread that does not exist here and
 * the state may be half-updated: abandon it (leaked, so the strings handed
 * out stay valid) and start over with a fresh lock. 1 when abandoned. */
static int sym_lock_after_fork(void)
{
	if (lw__mutex_trylock(&sym_mu) == 0)
		return 0; /* nobody was inside: the state is whole */
	dwfl = NULL;
	lw__mutex_postfork_child(&sym_mu);
	lw__mutex_lock(&sym_mu);
	return 1;
}

int lw__sym_reset_begin(void)
{
	int abandoned = 0;
	pid_t me = getpid();
	pid_t owner = lw__load(&state_pid);
	/* a forked child calls this before anything else, single-threaded */
	if (owner != 0 && owner != me)
		abandoned = sym_lock_after_fork();
	else
		lw__mutex_lock(&sym_mu);
	lw__store(&state_pid, me);
	lw__sym_session_close();
	return abandoned;
}
