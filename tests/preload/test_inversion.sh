#!/bin/bash
# test_inversion.sh - the basic promises of `lockwatch run` on unmodified
# programs:
#  - inversion (f_transfer/f_audit, two threads): status 66; the JSON file
#    holds exactly one report, a lock_order_cycle error naming
#    accounts_lock and ledger_lock by symbol with f_transfer and f_audit in
#    its stacks; the stderr summary says "1 lock_order_cycle" and names the
#    JSON file; the program's own output is untouched;
#  - the same with --exitcode 70: status 70;
#  - clean_exit (correct locking, returns 3): status 3, no report at all;
#  - kill_self (raise(SIGKILL)): status 137, and lockwatch run dies of SIGKILL too.
. "$(dirname "$0")/lib.sh"

lw_run inv --json inv.json -- "$LWP_BIN/inversion"
expect_rc 66
check inv.json --expect lock_order_cycle:error:1 --total 1 --kinds-only \
	--lock accounts_lock --lock ledger_lock --n-locks 2 --n-edges 2 \
	--func f_transfer --func f_audit \
	--headline-contains accounts_lock --headline-contains ledger_lock
expect_in inv.err "1 report" "the summary"
expect_in inv.err "1 error" "the summary"
expect_in inv.err "1 lock_order_cycle" "the summary"
expect_in inv.err "JSON in $PWD/inv.json" "the summary (the path made absolute)"
expect_in inv.err "exit status 66 (program's was 0)" "the summary"
expect_in inv.out "balance 0" "the program's output"

# the JSON file is appended to: a second run adds its own report
lw_run inv70 --json inv.json --exitcode 70 -- "$LWP_BIN/inversion"
expect_rc 70
check inv.json --expect lock_order_cycle:error:2 --total 2 --pids 2
expect_in inv70.err "1 lock_order_cycle" "the summary (a second run counts only its own reports)"
expect_not_in inv70.err "2 lock_order_cycle" "the summary (a second run counts only its own reports)"

lw_run clean --json clean.json -- "$LWP_BIN/clean_exit"
expect_rc 3 "clean_exit"
check clean.json --no-reports
[ -s clean.err ] && fail "a clean run printed: $(cat clean.err)"
expect_in clean.out "counter 80000"

lw_run killed --json killed.json -- "$LWP_BIN/kill_self"
expect_rc 137 "kill_self"
check killed.json --no-reports
# and lockwatch itself dies of that signal, as the program did, so that
# its parent sees a death by signal, not an exit (a shell's loop stops on
# a child's death by SIGINT; Python's returncode is -9, not 137)
got=$("$LWP_PYTHON" -c 'import subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(r.returncode)' "$LW" run -- "$LWP_BIN/kill_self")
[ "$got" = "-9" ] || fail "kill_self: lockwatch run's parent saw $got, expected -9 (death by SIGKILL)"

echo "PASS"
