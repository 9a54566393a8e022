/* record.h - `lockwatch run`'s side of the run record (src/base/verdict.h):
 * where it is made and removed, and the JSON lines the program's processes
 * could not write themselves, written by the run once the program has
 * ended (its spill area). tools/record.c. */
#ifndef LW_RECORD_H
#define LW_RECORD_H

#include <stddef.h>

/* Make the run record in $TMPDIR (or /tmp): its path in path (n bytes).
 * 0, or -1 with errno. See record.c for who may open it. */
int lw__record_create(char *path, size_t n);

struct lw__record;

/* Read the run record at path into *r: 0, or -1 when it cannot be read or
 * is not one (its magic and size checked). */
int lw__record_load(const char *path, struct lw__record *r);

/* A run inside another's tree (`lockwatch run` started by a program that
 * runs under `lockwatch run`: a test suite's script) adds its own
 * record's counts (reports by kind and severity, grouped instances,
 * unfinished errors; not the suppressed ones, whose entries are of its
 * own suppressions file) to the outer run's record at
 * `outer`, atomically, so the outer's status counts them too. 0, or -1
 * when either cannot be read or written. */
int lw__record_pass_up(const char *record, const char *outer);

/* Remove the record and the directory it was made in. */
void lw__record_remove(const char *path);

/* The temporary files of a run (its record's directory, its JSON file
 * without --json) are named after the run's pid namespace and pid,
 * `PREFIX-NS-PID-XXXXXX...`: the pattern for PREFIX into buf (n bytes),
 * mkstemp's X's last (before the `suffix`). */
void lw__record_name(char *buf, size_t n, const char *prefix, const char *suffix);

/* Remove what runs of this user in this pid namespace left in $TMPDIR (or
 * /tmp) when they were killed (kill -9): their pid is gone. */
void lw__record_sweep(void);

/* Append each complete line of the run record at `record` to its file,
 * when that file is `pattern` (the run's --json value, absolute) with %p
 * as a pid: a process can name no other file. Says on stderr what could
 * not be written. Returns the lines written; *lost counts those that did
 * not fit, were cut short by their writer's end, or could not be written. */
unsigned long lw__spill_drain(const char *record, const char *pattern, unsigned long *lost);

#endif /* LW_RECORD_H */
