/* policy.h - what happens after an error: option on_deadlock after a
 * deadlock report, option exitcode at exit. */
#ifndef LW_POLICY_H
#define LW_POLICY_H

#include "common.h"

/* After a certain deadlock's report: what option on_deadlock says (report:
 * nothing; exit: _exit with exitcode, else 66; abort; auto: _exit with
 * exitcode when it is set, else nothing). */
void lw__deadlock_action(void);

/* At exit: with option exitcode set and an error reported, end the
 * process with that status (returns otherwise). */
void lw__policy_at_exit(void);

/* The status a process that calls _exit(status) ends with: exitcode when
 * that option is set and this process reported an error (said on the
 * log), else status. Safe in a signal handler and a vfork child. */
int lw__policy_exit_status(int status);

#endif
