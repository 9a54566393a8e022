#!/bin/bash
# test_dlclose.sh - dlopen/dlclose in a loop under lockwatch (dlclose_loop.c):
# same output and status as natively, no report.
. "$(dirname "$0")/lib.sh"

"$LWP_BIN/dlclose_loop" >native.out || fail "dlclose_loop fails natively"
lw_run dl --json dl.json -- "$LWP_BIN/dlclose_loop"
expect_rc 0 "dlclose_loop"
cmp -s native.out dl.out || fail "output differs from the native run"
check dl.json --no-reports

echo "PASS"
