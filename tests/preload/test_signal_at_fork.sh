#!/bin/bash
# test_signal_at_fork.sh - a SIGTERM sent to `lockwatch run` just as it
# forks the program is not lost: it reaches the program. A shim
# (signal_at_fork.c) preloaded into lockwatch sends the SIGTERM the moment
# fork() returns in lockwatch, before lockwatch knows the child's pid. The
# program would sleep 20 s and exit 0; it must die of the forwarded SIGTERM
# instead, so lockwatch run exits 143.
. "$(dirname "$0")/lib.sh"
: "${LWP_CC:?}"

"$LWP_CC" -shared -fPIC -o shim.so "$LWP_SRC/signal_at_fork.c" -ldl 2>cc.err ||
	{ cat cc.err; fail "cannot build the shim"; }
RC=0
LD_PRELOAD=$PWD/shim.so bash -c 'LWTEST_SIGNAL_AT_FORK=$$ exec "$0" run -- /bin/sh -c "sleep 20"' \
	"$LW" >term.out 2>term.err || RC=$?
LAST=term
expect_rc 143 "lockwatch run, SIGTERM at the fork"
echo "PASS"
