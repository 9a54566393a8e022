#!/bin/bash
# test_sem_signal.sh - semaphores used as signals (sem_signal.c) are not
# lock bugs: destroying a semaphore after a thread consumed its unit with
# sem_wait is well defined. Status 0 and no report at all.
. "$(dirname "$0")/lib.sh"

"$LWP_BIN/sem_signal" >native.out || fail "sem_signal fails natively"
lw_run sem --json sem.json -- "$LWP_BIN/sem_signal"
expect_rc 0 "sem_signal"
expect_in sem.out "ok"
check sem.json --no-reports

echo "PASS"
