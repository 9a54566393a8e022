/* attach_stop.h - which of another process's blocked system calls a
 * ptrace stop would break (attach_stop.c): `lockwatch attach` reads a
 * thread's stack only where the stop leaves the program as it was. */
#ifndef LW_ATTACH_STOP_H
#define LW_ATTACH_STOP_H

#include <sys/types.h>

/* Would stopping thread tid of process pid, blocked in system call nr
 * whose first argument is arg0, make that call fail with EINTR? Then
 * its name (for the message), else NULL. */
const char *at_stop_breaks(pid_t pid, long nr, unsigned long arg0);

#endif
