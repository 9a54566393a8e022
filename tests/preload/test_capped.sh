#!/bin/bash
# test_capped.sh - a program that caps its address space at what it uses
# (capped_cycle 0) leaves lockwatch no room for its tables: its lock-order
# cycle cannot be seen. `lockwatch run` keeps the program's output and
# status (0) and says on stderr that the process ran out of memory for
# lockwatch's tables (before: "no reports" in silence, a false green).
# With room (capped_cycle 400), the cycle is reported (status 66) and
# nothing is said of memory.
. "$(dirname "$0")/lib.sh"

lw_run capped -- "$LWP_BIN/capped_cycle" 0
expect_rc 0 "capped_cycle 0"
expect_in capped.out "both orders taken"
expect_in capped.err "ran out of memory for lockwatch's tables"

lw_run roomy -- "$LWP_BIN/capped_cycle" 400
expect_rc 66 "capped_cycle 400"
expect_in roomy.err "1 lock_order_cycle"
! grep -q "ran out of memory" roomy.err || fail "a run with room said it ran out of memory"
echo "PASS"
