/* attach_proc.h - what /proc says of another process's threads, for
 * `lockwatch attach` (attach_proc.c): which have exited, which live one to
 * read the process through, a kernel thread, lockwatch already loaded. */
#ifndef LW_ATTACH_PROC_H
#define LW_ATTACH_PROC_H

#include <sys/types.h>

/* Has thread tid of process pid exited (a zombie: the main thread of a
 * process that lives on in its other threads, after pthread_exit)? 0 also
 * when it cannot be read. */
int at_proc_exited(pid_t pid, int tid);

/* Is process pid a kernel thread (no user-space memory, no locks)? */
int at_proc_kernel(pid_t pid);

/* Does process pid, read through its live thread tid, have lockwatch's
 * preload library loaded (it runs under `lockwatch run`)? */
int at_proc_under_lockwatch(int tid);

#endif
