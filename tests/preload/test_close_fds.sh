#!/bin/bash
# test_close_fds.sh - a program that closes all descriptors above 2 and then
# opens its own file (close_fds.c) must not get lockwatch's JSON or log
# text in that file: the file holds exactly the program's line, the
# inversion is still reported in the JSON file given with --json (status
# 66), and the same holds with --log.
. "$(dirname "$0")/lib.sh"

"$LWP_BIN/close_fds" native.txt || fail "close_fds fails natively"
lw_run cf --json cf.json -- "$LWP_BIN/close_fds" data.txt
printf "the program's own data\n" >want.txt
cmp -s want.txt data.txt || {
	echo "--- data.txt (first 300 bytes):"
	head -c 300 data.txt
	echo
	fail "lockwatch wrote into the program's own file ($(stat -c %s data.txt) bytes instead of $(stat -c %s want.txt))"
}
expect_rc 66 "close_fds"
check cf.json --expect lock_order_cycle:error:1 --total 1 --lock accounts_lock

lw_run cflog --json cf2.json --log cf.log -- "$LWP_BIN/close_fds" data2.txt
cmp -s want.txt data2.txt || fail "lockwatch (with --log) wrote into the program's own file"
expect_rc 66 "close_fds with --log"
expect_in cf.log "lock-order cycle"

echo "PASS"
