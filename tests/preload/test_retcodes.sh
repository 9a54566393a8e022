#!/bin/bash
# test_retcodes.sh - retcodes.c asserts that every interposed call returns
# exactly glibc's code (EBUSY, ETIMEDOUT, EDEADLK, EPERM, EOWNERDEAD,
# EINVAL, EAGAIN via errno) and leaves errno alone on success. It must exit
# 0 natively and under lockwatch run. Some of those calls are real lock
# bugs that lockwatch reports as errors (an errorcheck relock, unlocks by a
# non-owner), so under lockwatch it runs with --exitcode 0: the status is
# then the program's own and says whether every code matched. The reports
# are checked too, one per bug provoked:
#   self_deadlock warning x2 errorcheck mutex relock, rwlock wrlock relock
#   bad_unlock error x3      errorcheck unlock: unlocked, once too often,
#                            by a non-owner
#   destroy_held warning x1  pthread_mutex_destroy of a locked mutex
#   thread_exit_holding x1   the robust mutex's owner exits holding it
. "$(dirname "$0")/lib.sh"

"$LWP_BIN/retcodes" >native.out 2>native.err || {
	cat native.err >&2
	fail "retcodes fails natively (the test's expectations are wrong for this glibc)"
}
lw_run rc --exitcode 0 --json rc.json -- "$LWP_BIN/retcodes"
expect_rc 0 "retcodes under lockwatch (a FAIL line in its stderr names the call)"
expect_in rc.out "all return codes as expected"
check rc.json --expect self_deadlock:warning:2 --expect bad_unlock:error:3 \
	--expect destroy_held:warning:1 --expect thread_exit_holding:warning:1 --kinds-only
check rc.json --select self_deadlock --func errorcheck
check rc.json --select destroy_held --func destroy_locked
check rc.json --select thread_exit_holding --func holder_main

echo "PASS"
