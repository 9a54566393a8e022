#!/bin/bash
# test_no_fds.sh - a program at its descriptor limit (no_fds.c): lockwatch
# can open nothing in it, neither /proc files nor the JSON file. Its
# long-hold report still comes (stderr, and the count `lockwatch run`
# keeps), and says what the holder is doing: before, its "doing now" said
# "the thread has exited" (a /proc file that could not be opened was taken
# for a thread that had gone) while it held the lock; then, that it could
# not be read. The watchdog's /proc reads are now made in a thread whose
# descriptor table is lockwatch's own (src/base/aside.h), which the
# program's full table does not hold back. (Names are poor here: the
# program's files cannot be opened in the thread that makes the report.)
# The JSON file asked for cannot be opened either: the process hands its
# line to `lockwatch run` (the run record's spill area), which writes it;
# before, the report was missing from the file (then the run's last line
# said so).
. "$(dirname "$0")/lib.sh"

"$LWP_BIN/no_fds" >native.out 2>native.err
rc=$?
[ "$rc" = 0 ] || fail "natively: status $rc"

lw_run nofds --hold-ms 300 --json nofds.jsonl -- "$LWP_BIN/no_fds"
expect_rc 0 "a long hold is a warning"
cmp -s native.out nofds.out || fail "stdout differs from the native run"
expect_in nofds.err "still held (threshold 300 ms); 2 threads waiting for it"
grep -A1 "doing now:" nofds.err | grep -q "#0 clock_nanosleep" || {
	sed -n '1,30p' nofds.err
	fail "the holder's 'doing now' is not its sleep"
}
expect_not_in nofds.err "has exited"
expect_in nofds.err "lockwatch: 1 report, 0 errors (1 long_hold); JSON in "
expect_not_in nofds.err "missing"
expect_not_in nofds.err "lockwatch: cannot write '"
check nofds.jsonl --expect long_hold:warning:1 --total 1
echo "PASS"
