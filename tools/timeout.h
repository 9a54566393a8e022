/* timeout.h - `lockwatch run --timeout`: the time limit, the hang request
 * to every process of the tree, and killing the tree (tools/timeout.c). */
#ifndef LW_TIMEOUT_H
#define LW_TIMEOUT_H

#include <signal.h>
#include <sys/types.h>

/* Wait for child (its status in *status) and every other process of the
 * tree (orphans come to this subreaper), at most timeout_s seconds (<= 0:
 * no limit): 1 all ended, 0 the time is up (*status set if child ended),
 * -1 waitpid failed. Once child has ended, a daemon (a process of the tree
 * in a session other than lockwatch's and child's) is not waited for, nor
 * is anything once lw__cli_stop is set; each is named on stderr. */
int lw__cli_wait(pid_t child, int *status, long timeout_s);

/* Set by lockwatch's handler of SIGINT, SIGTERM and SIGHUP (the signal):
 * stop waiting for the tree once the program has ended. */
extern volatile sig_atomic_t lw__cli_stop;

/* Set once child has been reaped: a signal is then no longer forwarded to
 * its pid. The wait blocks the forwarded signals while it reaps. */
extern volatile sig_atomic_t lw__cli_child_done;

/* The signals lockwatch forwards to the program (tools/lockwatch.c). */
extern sigset_t lw__cli_forwarded;

/* The time is up: ask every process of the tree for its hang report
 * through the run record at `record` ("" when there is none), wait for
 * the answers (bounded), kill every descendant of this process and reap
 * child into *status. Returns how many processes answered. */
int lw__cli_hang(const char *record, pid_t child, int *status, long watchdog_ms);

/* Read /proc/PID/stat into buf (size bytes): 0, or -1 when pid is gone;
 * its fields by lw__proc_stat_field (src/base/procfs.h). */
int lw__cli_proc_stat(pid_t pid, char *buf, size_t size);

#endif
