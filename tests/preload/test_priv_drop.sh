#!/bin/bash
# test_priv_drop.sh - a worker that gives up root (priv_drop.c) cannot open
# the JSON file root made: its lock-order cycle must still reach that file
# (through `lockwatch run`, which writes what the worker could not), be
# counted, and make the status 66. Before, the report came on stderr and
# in the status only, and the last line said it was missing from the
# JSON file. And a program the worker starts once it has given up root
# must be counted in the run too. Run as root only (the worker must lose
# the right to write).
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root (the worker gives up root)"
chmod 755 "$LWP_WORK"

"$LWP_BIN/priv_drop" >native.out 2>native.err
rc=$?
[ "$rc" = 0 ] || fail "natively: status $rc"

lw_run drop --json drop.jsonl -- "$LWP_BIN/priv_drop"
expect_rc 66 "a cycle in the worker"
cmp -s native.out drop.out || fail "stdout differs from the native run"
expect_in drop.err "lockwatch: 1 report, 1 error (1 lock_order_cycle); JSON in "
expect_not_in drop.err "missing"
expect_not_in drop.err "cannot write"
check drop.jsonl --expect lock_order_cycle:error:1 --total 1 --lock conf --lock stats \
	--func reload --func account

# a file per process (%p): the worker's own, made by the run for it
lw_run dropp --json "drop-%p.jsonl" -- "$LWP_BIN/priv_drop"
expect_rc 66 "a cycle in the worker, a file per process"
expect_not_in dropp.err "cannot write"
n=$(cat drop-*.jsonl | grep -c '"kind": *"lock_order_cycle"')
[ "$n" = 1 ] || fail "the worker's cycle in the %p files: $n, expected 1"

# the worker runs a program as `nobody` (it cannot open the run record by
# its path if that is root's alone): its error must count. Before, the
# run said nothing and exited 0 (a false green).
"$LWP_BIN/priv_drop" exec >nativex.out 2>nativex.err
if ! grep -q "worker exited 0" nativex.out; then
	# the build lies where `nobody` cannot run programs (a 0700 home)
	echo "PASS (the exec case skipped: natively, $(cat nativex.out))"
	exit 0
fi
lw_run dropx --json dropx.jsonl -- "$LWP_BIN/priv_drop" exec
expect_rc 66 "a cycle in a program the worker started"
cmp -s nativex.out dropx.out || fail "stdout differs from the native run"
expect_in dropx.err "lockwatch: 1 report, 1 error (1 lock_order_cycle); JSON in "
check dropx.jsonl --expect lock_order_cycle:error:1 --total 1 --lock conf --lock stats \
	--func reload --func account
echo "PASS"
