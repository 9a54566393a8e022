#!/bin/bash
# test_fork_deadlock.sh - a deadlock in a forked child (fork_deadlock.c) is
# found by the child's own watchdog, restarted lazily after the fork: the
# child exits 66 within seconds, its deadlock report (with its pid) is in
# the JSON, and `lockwatch run` exits 66 for the tree.
. "$(dirname "$0")/lib.sh"

start=$(now_s)
lw_run fd --hold-ms 60000 --wait-ms 60000 --json fd.json -- "$LWP_BIN/fork_deadlock"
end=$(now_s)
expect_rc 66 "fork_deadlock"
expect_in fd.out "child exited 66"
check fd.json --expect deadlock:error:1 --lock A --lock B --func a_then_b --func b_then_a
"$LWP_PYTHON" -c "import sys; sys.exit(0 if $end - $start < 10 else 1)" ||
	fail "took $(( end - start )) s"

echo "PASS"
