#!/bin/bash
# test_fork.sh - fork and exec under the preload:
#  - fork_hammer 8: forks 8 children while 4 threads hammer locks (a hang
#    here is a lockwatch lock left held across fork: the test's TIMEOUT is
#    60 s). Status 66; the JSON file holds exactly one lock_order_cycle
#    error per child, each with that child's pid (from the program's
#    "child PID" lines) naming child_a and child_b with child_forward and
#    child_backward in its stacks, and none with the parent's pid;
#  - fork_exec: a threaded parent forks /bin/sh -c 'exec inversion': the
#    inversion's report lands in the same JSON file with the child's pid;
#    status 66.
. "$(dirname "$0")/lib.sh"

lw_run hammer --json hammer.json -- "$LWP_BIN/fork_hammer" 8
expect_rc 66 "fork_hammer"
pids=$(sed -n 's/^child \([0-9]*\)$/\1/p' hammer.out)
parent=$(sed -n 's/^parent \([0-9]*\):.*/\1/p' hammer.out)
[ "$(echo "$pids" | wc -w)" = 8 ] || fail "fork_hammer printed $(echo "$pids" | wc -w) child pids, expected 8"
[ -n "$parent" ] || fail "fork_hammer printed no parent line"
check hammer.json --expect lock_order_cycle:error:8 --kinds-only --pids 8 --not-pid "$parent" \
	--lock child_a --lock child_b --n-locks 2 --func child_forward --func child_backward
for p in $pids; do
	check hammer.json --quiet --select lock_order_cycle --pid-count "$p:1"
done
expect_in hammer.err "8 reports" "the summary"
expect_in hammer.err "8 errors" "the summary"
expect_in hammer.err "8 lock_order_cycle" "the summary"

lw_run exec --json exec.json -- "$LWP_BIN/fork_exec" "$LWP_BIN/inversion"
expect_rc 66 "fork_exec"
child=$(sed -n 's/^child \([0-9]*\)$/\1/p' exec.out)
[ -n "$child" ] || fail "fork_exec printed no child pid"
check exec.json --expect lock_order_cycle:error:1 --total 1 --pid "$child" \
	--lock accounts_lock --lock ledger_lock --func f_transfer --func f_audit
expect_in exec.out "balance 0" "the exec'd program's output"

echo "PASS"
