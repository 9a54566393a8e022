#!/bin/bash
# test_fork_orphan.sh - a child locks a mutex another thread held at the
# fork (fork_orphan.c): a deadlock report before it blocks, naming the lock
# and child_work, from the child's pid; the child exits 66, the parent 0,
# and lockwatch run 66 for the tree, in well under the test's timeout.
. "$(dirname "$0")/lib.sh"

lw_run fo --json fo.json -- "$LWP_BIN/fork_orphan"
expect_rc 66 "fork_orphan"
expect_in fo.out "child exited 66"
check fo.json --expect deadlock:error:1 --total 1 --lock session_lock --func child_work \
	--headline-contains "was held when this process forked"

echo "PASS"
