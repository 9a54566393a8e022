#!/bin/bash
# test_tree_wait.sh - `lockwatch run` waits for the program's whole tree
# (issue 14): a grandchild that outlives its parent is still watched and
# waited for. The program, a shell, starts a subshell in the background
# and exits 0 at once; the subshell waits until that parent is gone (so it
# outlives it, whatever the timing), then runs inversion, which reports a
# cycle. lockwatch run must return only after it, with status 66, the
# report in its JSON and nothing of the tree left. Before, the run ended
# with the shell: "no reports", status 0, and the report came later.
# The same with --timeout (its own wait loop), and a grandchild that hangs
# past --timeout is killed with status 124.
. "$(dirname "$0")/lib.sh"

# the grandchild writes its pid to gpid, then becomes "$0" "$@"
orphan='p=$$; ( while kill -0 $p 2>/dev/null; do sleep 0.05; done
	exec sh -c "echo \$\$ >gpid; exec \"\$0\" \"\$@\"" "$0" "$@" ) & exit 0'
gone() { # the grandchild (pid in gpid) has ended
	[ -s gpid ] || fail "the grandchild did not run"
	! kill -0 "$(cat gpid)" 2>/dev/null || fail "the grandchild $(cat gpid) still runs after lockwatch run"
	rm -f gpid
}

lw_run tree --json tree.jsonl -- /bin/sh -c "$orphan" "$LWP_BIN/inversion"
expect_rc 66 "a grandchild with a cycle that outlives its parent"
check tree.jsonl --expect lock_order_cycle:error:1 --total 1 --lock accounts_lock
gone
lw_run treet --timeout 60 --json treet.jsonl -- /bin/sh -c "$orphan" "$LWP_BIN/inversion"
expect_rc 66 "the same under --timeout 60"
check treet.jsonl --expect lock_order_cycle:error:1 --total 1
gone

lw_run hang --timeout 2 --json hang.jsonl -- /bin/sh -c "$orphan" sleep 600
expect_rc 124 "a grandchild that outlives its parent and hangs past --timeout"
gone
echo "PASS"
