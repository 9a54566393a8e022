/* policy.c - the policy after an error (see policy.h). on_deadlock=auto,
 * the library's default, ends the process only when exitcode is set: a CI
 * job must not hang on a deadlock it was told about, a service that set
 * neither keeps running and reporting. */
#include "policy.h"
#include "options.h"
#include "order_line.h"
#include "out.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void lw__deadlock_action(void)
{
	int how = lw__opt.on_deadlock;
	/* a suppressed deadlock is the user's to keep: no report, no action */
	if (lw__report_last_suppressed())
		return;
	/* the process ends here without its atexit handlers: the order line
	 * is written first (this thread holds no lockwatch lock) */
	if ((how == LW__ON_DEADLOCK_AUTO && lw__opt.exitcode) || how == LW__ON_DEADLOCK_EXIT ||
	    how == LW__ON_DEADLOCK_ABORT)
		lw__order_line_write();
	if (how == LW__ON_DEADLOCK_AUTO && lw__opt.exitcode) {
		lw__msg("deadlock: exiting with status %ld (option exitcode; on_deadlock not set)",
			lw__opt.exitcode);
		_exit((int)lw__opt.exitcode);
	}
	if (how == LW__ON_DEADLOCK_EXIT) {
		int code = lw__opt.exitcode ? (int)lw__opt.exitcode : 66;
		lw__msg("deadlock: exiting with status %d (option on_deadlock=exit)", code);
		_exit(code);
	}
	if (lw__opt.on_deadlock == LW__ON_DEADLOCK_ABORT) {
		lw__msg("deadlock: aborting (option on_deadlock=abort)");
		abort();
	}
}

/* With option exitcode set and an error reported by this process: said on
 * the log, and the status to end with; else 0. */
static int error_status(void)
{
	unsigned long errors = lw__report_errors();
	if (!lw__opt.exitcode || errors == 0)
		return 0;
	lw__msg("%lu error report%s: exiting with status %ld (option exitcode)", errors,
		errors == 1 ? "" : "s", lw__opt.exitcode);
	return (int)lw__opt.exitcode;
}

void lw__policy_at_exit(void)
{
	int code = error_status();
	if (code) {
		fflush(NULL);
		_exit(code);
	}
}

int lw__policy_exit_status(int status)
{
	int code = error_status();
	return code ? code : status;
}
