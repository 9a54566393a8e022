#!/bin/bash
# test_record_unreachable.sh - a process of the run that cannot open the
# run record (here: a /tmp of its own, mounted over in a mount namespace;
# a chroot does the same) cannot count its reports there. Before, the
# cycle was printed but the run said nothing and exited 0 (a false
# green). Now the process says so on stderr and its errors set its own
# exit status (the run's exit code), which reaches the run's. Needs root
# and unshare(1) for the mount namespace (skipped otherwise).
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "not root: no mount namespace to hide the record in"
command -v unshare >/dev/null || skip "no unshare(1)"
unshare -m /bin/true 2>/dev/null || skip "unshare -m is refused here"
mkdir -p tmp

# the record is made under $TMPDIR, which the program's own namespace
# then covers with an empty tmpfs before it runs the cycle
hide='mount -t tmpfs none "$0" && exec "$@"'
TMPDIR=$PWD/tmp lw_run hidden -- unshare -m /bin/sh -c "$hide" "$PWD/tmp" "$LWP_BIN/inversion"
expect_rc 66 "a cycle in a process that cannot reach the run record"
expect_in hidden.err "lock-order cycle: ledger_lock -> accounts_lock -> ledger_lock"
expect_in hidden.err "the run record of \`lockwatch run\` cannot be opened here"
expect_in hidden.err "exiting with status 66"

# with --exitcode 7, that is its status
TMPDIR=$PWD/tmp lw_run seven --exitcode 7 -- unshare -m /bin/sh -c "$hide" "$PWD/tmp" "$LWP_BIN/inversion"
expect_rc 7 "--exitcode 7"

# a clean program there keeps its own status and says so only on stderr
TMPDIR=$PWD/tmp lw_run clean -- unshare -m /bin/sh -c "$hide" "$PWD/tmp" "$LWP_BIN/clean_exit"
expect_rc 3 "a clean program that cannot reach the run record"
expect_not_in clean.err "lock-order cycle" "a clean program"
echo "PASS"
