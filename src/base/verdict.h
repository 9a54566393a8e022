/* verdict.h - the run record: report counts shared by every process of one
 * `lockwatch run`, so that its exit status comes from the reports that were
 * made, not from reading back a JSON file (which can be /dev/null, fail to
 * be written, or be shared with another run).
 *
 * `lockwatch run` creates a file in a directory of its own under $TMPDIR
 * (tools/record.c: who may open it), sized to one struct lw__record with
 * its magic set and the spill area, and passes its path in
 * LOCKWATCH_RUN_RECORD. Each lockwatch process of the tree maps it
 * (MAP_SHARED; the descriptor is closed at once) at start-up, lists itself
 * in it as a process that runs lockwatch, and adds its reports to the
 * counters atomically; a forked child shares its parent's mapping, an
 * exec'd one maps the file again. While the tree runs, the CLI warns about
 * a process of it that is not listed (tools/unchecked.c); it reads the
 * counters once the program has ended, then removes the file.
 *
 * This header is also read by tools/lockwatch.c (the layout and the
 * variable's name); lw__verdict_count() is library code (verdict.c). */
#ifndef LW_VERDICT_H
#define LW_VERDICT_H

#include "common.h"

#include <stdlib.h>

#define LW__RECORD_ENV "LOCKWATCH_RUN_RECORD"
/* The exit code `lockwatch run` applies to errors, for a process that
 * cannot reach the record (lw__verdict_unreachable) and a run started
 * inside the run's tree (whose LOCKWATCH_OPTIONS say the library's 0) */
#define LW__EXITCODE_ENV "LOCKWATCH_RUN_EXITCODE"

/* The run's exit code from LW__EXITCODE_ENV, or dflt when it is missing
 * or not a status (0 to 255). For the library and the CLI alike. */
static inline long lw__run_exitcode(long dflt)
{
	const char *e = getenv(LW__EXITCODE_ENV);
	char *end;
	long x = e && *e ? strtol(e, &end, 10) : -1;
	return x >= 0 && x <= 255 && !*end ? x : dflt;
}
#define LW__RECORD_MAGIC 0x3172776cu /* "lwr1" */
#define LW__RECORD_KINDS 16          /* >= LW_KIND_COUNT, checked in verdict.c */
#define LW__RECORD_PROCS 64          /* watching processes the CLI waits for */
#define LW__RECORD_SUPP 256          /* suppression entries counted one by one */
#define LW__RECORD_RUNNING 1024      /* processes that run lockwatch, listed */

struct lw__record {
	uint32_t magic;
	uint32_t size; /* sizeof(struct lw__record), as the CLI wrote it */
	/* reports by kind (lw_kind_t) and severity: [kind][0] warnings,
	 * [kind][1] errors */
	uint64_t by_kind[LW__RECORD_KINDS][2];
	/* --timeout (option timeout): each process of the tree that watches
	 * (its watchdog runs, option timeout set) claims a slot with its pid;
	 * when the time is up the CLI sets `hang`, each watching process
	 * writes its hang report and sets its slot's `done`, and the CLI
	 * kills the tree once every live watcher is done (or after a grace
	 * period). An exec'd process claims a new slot: the last slot of a
	 * pid is the one that counts. */
	uint32_t hang;
	uint32_t n_procs; /* slots claimed (may exceed LW__RECORD_PROCS) */
	struct {
		int32_t pid;
		uint32_t done;
	} procs[LW__RECORD_PROCS];
	/* instances grouped into an earlier report of their kind (same
	 * shape), by kind: counted here, not in by_kind */
	uint64_t more[LW__RECORD_KINDS];
	/* reports suppressed (option suppressions), by entry index of the
	 * suppressions file, which every process and the CLI read alike */
	uint64_t suppressed[LW__RECORD_SUPP];
	/* every process of the tree that runs lockwatch lists itself here at
	 * start-up, in a forked child and after exec (each image starts
	 * lockwatch again): its pid and the device and inode of its
	 * /proc/self/exe, so that a pid that later exec'd a program lockwatch
	 * cannot reach no longer matches. The CLI walks the tree and warns
	 * about a process it does not find here (tools/unchecked.c). A slot
	 * is claimed with n_running; dev and ino are written before pid
	 * (release), so pid 0 means "being written". Beyond
	 * LW__RECORD_RUNNING the CLI falls back to /proc/PID/maps. */
	uint32_t n_running; /* slots claimed (may exceed LW__RECORD_RUNNING) */
	uint32_t pad_running;
	struct {
		uint64_t dev, ino;
		int32_t pid;
		uint32_t pad;
	} running[LW__RECORD_RUNNING];
	/* set by the CLI when the run has ended and it removes the temporary
	 * JSON file it made (no --json): a process left running (a daemon)
	 * writes no JSON from then on, rather than leave that file again */
	uint32_t json_gone;
	/* the pid of the last process of the tree whose lockwatch found no
	 * memory for its tables (lw__os_map failed: a tight RLIMIT_AS); 0:
	 * none. What it met from then on may be missing from its reports,
	 * and the CLI says so */
	int32_t short_pid;
	/* JSON lines a process could not write itself (its privileges given
	 * up, its descriptors used up): claimed with spill_used in the spill
	 * area that follows the record in the file (LW__SPILL_OFFSET), each
	 * an lw__spill_entry; the CLI appends them to their files once the
	 * program has ended (tools/spill.c). spill_lost counts lines that did
	 * not fit. */
	uint64_t spill_used;
	uint64_t spill_lost;
	/* error reports begun (found) and not yet counted or suppressed: a
	 * process that ended in the middle of one (killed, _exit, exec; exit
	 * waits for them) leaves it here, and the CLI counts it as an error */
	uint64_t unfinished;
};

/* The spill area: page-aligned after the record, LW__SPILL_BYTES long
 * (the file is made that long, sparse: only what is written takes room). */
#define LW__SPILL_BYTES (1u << 20)
#define LW__SPILL_OFFSET ((sizeof(struct lw__record) + 4095) & ~(size_t)4095)
#define LW__RECORD_FILE (LW__SPILL_OFFSET + LW__SPILL_BYTES)

/* One spilled line: this header, then the file's path (path_len bytes, no
 * NUL), then the line (len bytes, its newline included), padded to 8.
 * `size` is written first, `done` (release) last: the CLI skips an entry
 * whose writer died before `done`, and stops at a size of 0. */
struct lw__spill_entry {
	uint32_t size; /* the whole entry, a multiple of 8 */
	uint32_t done;
	uint32_t path_len;
	uint32_t len;
};

/* Count one report in the run record, when this process belongs to a
 * `lockwatch run` (else nothing). Lock-free, allocates nothing, only
 * async-signal-safe calls (getenv aside, done once at load). */
void lw__verdict_count(lw_kind_t kind, lw_severity_t sev);

/* An error report begun (+1) or done with (-1), counted or not: same
 * conditions as lw__verdict_count(). */
void lw__verdict_unfinished(int delta);

/* Count one instance grouped into an earlier report of its kind (no
 * report of its own): same conditions as lw__verdict_count(). */
void lw__verdict_more(lw_kind_t kind);
/* Count one report suppressed by entry `entry` of the suppressions file. */
void lw__verdict_suppressed(int entry);

/* List this process in the run record as one that runs lockwatch (maps
 * the record now when under `lockwatch run`; else nothing). Called at
 * start-up; lw__verdict_register_forked() in a forked child (same
 * executable, the record already mapped: no system call but getpid).
 * Lock-free, allocates nothing. */
void lw__verdict_register(void);
/* lockwatch found no memory for its tables in this process: noted in the
 * record (short_pid), once per process. No lock, no allocation. */
void lw__verdict_short(void);
void lw__verdict_register_forked(void);

/* Is this process part of a `lockwatch run` (which then sums up the run)? */
int lw__verdict_under_run(void);

/* Was this process given a run record it could not map at start-up (a
 * chroot, a private /tmp in a mount namespace of its own, the run gone)?
 * 1 with the open's errno in *err (0: not a record); 2 when it is a run's
 * process (LW__EXITCODE_ENV) whose LW__RECORD_ENV a parent took away
 * (a harness filtering the environment); else 0. Its reports cannot
 * count in the run's status. */
int lw__verdict_unreachable(int *err);

/* How this process may write its JSON reports: LW__JSON_CREATE (as
 * usual, the file made if need be; also when not part of a run),
 * LW__JSON_APPEND (only to a file that exists: the process's run has
 * ended and removed its record, so whether the JSON file was the run's
 * temporary one is unknown), LW__JSON_NONE (the run has ended and removed
 * its temporary JSON file). */
enum { LW__JSON_CREATE, LW__JSON_APPEND, LW__JSON_NONE };
int lw__verdict_json_mode(void);

/* Hand a JSON line this process could not write to path to the CLI (the
 * spill area): 0, or -1 when not under `lockwatch run` or it is full.
 * Lock-free, allocates nothing, no system call. */
int lw__verdict_spill(const char *path, const char *buf, size_t len);
/* The hang request (option timeout, watchdog thread only). Claim a slot
 * for the calling process: its index; -2 when the table is full (the
 * process still answers, the CLI does not wait for it); -1 when this
 * process is not under `lockwatch run` (it keeps its own time). Maps the
 * record if it is not yet mapped. */
int lw__verdict_watch(void);
/* Has the CLI asked for hang reports? */
int lw__verdict_hang_asked(void);
/* This process's hang report is written (slot from lw__verdict_watch). */
void lw__verdict_hang_done(int slot);

#endif
