#!/bin/bash
# test_nondumpable.sh - a program that makes itself non-dumpable (prctl
# PR_SET_DUMPABLE 0: ssh-agent, gpg-agent), run by a user other than root.
# Its /proc entries then belong to root: it cannot open its own auxv, and
# `lockwatch run` cannot read its executable or maps. Before, its reports
# named no lock and no function (libdwfl, refused the auxv, knew no module:
# "mutex@nondumpable+0x1199", "?? [nondumpable+0x11c6]"), and `lockwatch
# run` warned that it "runs without lockwatch". Now: the same names as any
# program's, and no warning. Needs root (to become nobody with setpriv).
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root, to run the program as nobody"
command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
as_nobody test -r "$LWP_BIN/nondumpable" -a -x "$LW" ||
	skip "user nobody cannot reach the build folder"
chmod 777 "$LWP_WORK"

as_nobody "$LWP_BIN/nondumpable" >native.out 2>native.err
rc=$?
[ "$rc" = 0 ] || fail "natively: status $rc"

RC=0
as_nobody "$LW" run --json nd.jsonl -- "$LWP_BIN/nondumpable" >nd.out 2>nd.err || RC=$?
LAST=nd
echo "--- lockwatch run (as nobody) -> status $RC"
grep '^lockwatch' nd.err | sed 's/^/  err: /'
expect_rc 66 "the cycle is an error"
cmp -s native.out nd.out || fail "stdout differs from the native run"
expect_not_in nd.err "runs without lockwatch"
check nd.jsonl --expect lock_order_cycle:error:1 --total 1 --lock accounts_lock --lock ledger_lock \
	--func f_transfer --func f_audit
echo "PASS"
