#!/bin/bash
# test_no_fds.sh - a program at its descriptor limit (no_fds.c): lockwatch
# can open nothing in it, neither /proc files nor the JSON file. Its
# long-hold report still comes (stderr, and the count `lockwatch run`
# keeps), and says what cannot be known: before, the holder's "doing now"
# said "the thread has exited" (a /proc file that could not be opened was
# taken for a thread that had gone) while it held the lock. (Names and
# stacks are poor here: the program's files cannot be opened either.)
. "$(dirname "$0")/lib.sh"

"$LWP_BIN/no_fds" >native.out 2>native.err
rc=$?
[ "$rc" = 0 ] || fail "natively: status $rc"

lw_run nofds --hold-ms 300 -- "$LWP_BIN/no_fds"
expect_rc 0 "a long hold is a warning"
cmp -s native.out nofds.out || fail "stdout differs from the native run"
expect_in nofds.err "still held (threshold 300 ms); 2 threads waiting for it"
expect_in nofds.err "doing now: not known (whether it is in a system call cannot be read here)"
expect_not_in nofds.err "has exited"
expect_in nofds.err "lockwatch: 1 report, 0 errors (1 long_hold)"
echo "PASS"
