#!/bin/bash
# test_nested.sh - `lockwatch run` inside the tree of another (a test
# suite run under `lockwatch run`, one of whose scripts runs `lockwatch
# run` itself). The inner run inherits the options the outer gave its
# program, exitcode 0 among them (the library's: the outer applies the
# exit code). Before, the inner run took that 0 as its own and exited with
# the program's 0 after a cycle, and its program's reports went to its own
# record only: the outer said "no reports" and exited 0 (a false green).
# Now the inner run applies the outer's exit code (66, or the outer's
# --exitcode), and adds its counts to the outer's record.
. "$(dirname "$0")/lib.sh"

# 1. the inner run finds a cycle; the script ignores its status
lw_run swallowed -- /bin/sh -c '"$0" run -- "$1"; echo "inner status $?"; exit 0' "$LW" "$LWP_BIN/inversion"
expect_rc 66 "a cycle found by an inner run, its status ignored"
expect_in swallowed.out "inner status 66"
expect_in swallowed.err "lock-order cycle: ledger_lock -> accounts_lock -> ledger_lock"
[ "$(grep -c '^lockwatch: 1 report, 1 error (1 lock_order_cycle)' swallowed.err)" = 2 ] ||
	fail "the inner and the outer run must each count the cycle once"

# 2. the outer's --exitcode goes down: 0 keeps the program's status in both
lw_run zero --exitcode 0 -- /bin/sh -c '"$0" run -- "$1"; echo "inner status $?"' "$LW" "$LWP_BIN/inversion"
expect_rc 0 "--exitcode 0 outside"
expect_in zero.out "inner status 0"
expect_in zero.err "lock-order cycle: "

# 3. the outer's --exitcode 3 is the inner's too
lw_run three --exitcode 3 -- /bin/sh -c '"$0" run -- "$1"; echo "inner status $?"; exit 0' "$LW" "$LWP_BIN/inversion"
expect_rc 3 "--exitcode 3 outside"
expect_in three.out "inner status 3"

# 4. a clean inner run: nothing reported, the program's status
lw_run clean -- /bin/sh -c '"$0" run -- "$1"; echo "inner status $?"; exit 5' "$LW" "$LWP_BIN/clean_exit"
expect_rc 5 "a clean inner run"
expect_in clean.out "inner status 3"
expect_not_in clean.err "report" "a clean inner run"
echo "PASS"
