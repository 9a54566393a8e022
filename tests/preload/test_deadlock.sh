#!/bin/bash
# test_deadlock.sh - a real deadlock (deadlock.c) does not hang
# `lockwatch run`: status 66 well within the test's TIMEOUT, a deadlock
# error naming left_fork and right_fork whose threads are the two waiters
# (philosopher_a, philosopher_b in the stacks), plus the lock_order_cycle
# error that led there; with --exitcode 70 the status is 70.
. "$(dirname "$0")/lib.sh"

start=$(now_s)
lw_run dl --json dl.json -- "$LWP_BIN/deadlock"
end=$(now_s)
expect_rc 66 "a deadlocked program"
check dl.json --expect deadlock:error:1 --expect lock_order_cycle:error:1 --kinds-only
check dl.json --select deadlock --lock left_fork --lock right_fork --n-locks 2 \
	--func philosopher_a --func philosopher_b
expect_in dl.err "1 deadlock"
expect_not_in dl.out "not reached"
echo "deadlock found and the program ended after $(elapsed "$start" "$end") s"

lw_run dl70 --exitcode 70 --json dl70.json -- "$LWP_BIN/deadlock"
expect_rc 70 "a deadlocked program with --exitcode 70"

echo "PASS"
