/* process.h - a process's program and command line, as members of a JSON
 * object (a report's, an order line's), read from /proc when written: an
 * exec'd process is a new program, a forked one shares its parent's. */
#ifndef LW_PROCESS_H
#define LW_PROCESS_H

#include "buf.h"

/* Append ,"exe":PATH,"argv":[WORDS] for process pid (this one: read by the
 * calling thread, whose /proc entries stay readable after the main thread
 * ended with pthread_exit). An unreadable executable is null; an
 * unreadable command line is null when argv_null, else []. */
void lw__put_process(struct lw__buf *b, int pid, int argv_null);

#endif
