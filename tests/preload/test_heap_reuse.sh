#!/bin/bash
# test_heap_reuse.sh - a lock's identity must end with its object: two
# std::mutex at the same heap address, one after the other (heap_reuse.cpp),
# taken in opposite orders against registry_mu, are not a lock-order cycle.
# Status 0, no report. (When malloc did not reuse the address the case is
# not exercised and the test skips.)
. "$(dirname "$0")/lib.sh"

lw_run reuse --json reuse.json -- "$LWP_BIN/heap_reuse"
grep -q "address reused: yes" reuse.out || skip "malloc did not reuse the address here"
expect_rc 0 "heap_reuse"
check reuse.json --no-reports

echo "PASS"
