/* out.h - where lockwatch's words go: the log (stderr or option log) and
 * the JSON Lines file (option json). Every report is one write(2) of a
 * preformatted buffer in O_APPEND mode, retried on EINTR and short writes,
 * so a report is never interleaved with another process's and survives a
 * kill right after. No stdio, no allocation, no descriptor kept open. */
#ifndef LW_OUT_H
#define LW_OUT_H

#include "common.h"
#include <stddef.h>

/* Take the log and JSON paths from the options (at start-up and after
 * lw_set_options); each write opens, appends and closes. */
void lw__out_open(void);

/* Note which file the program's standard error is (at start-up), and
 * give 2 while descriptor 2 may be written to (that file, or a write-only
 * or append-mode file, a pipe or a device put there since), else -1: a
 * daemon's data file or connection that took the number is never
 * written into. */
void lw__out_stderr_take(void);
int lw__out_stderr(void);

/* Write all of buf to the log / the JSON file (no-op when none). */
void lw__out_log(const char *buf, size_t len);
void lw__out_json(const char *buf, size_t len);

/* printf-style one-line message to the log, prefixed "lockwatch: ". */
void lw__msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write all of buf to fd; returns 0 or -1. */
int lw__write_all(int fd, const char *buf, size_t len);

#endif
