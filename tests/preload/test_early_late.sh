#!/bin/bash
# test_early_late.sh - lock calls before lockwatch's constructor and after
# its exit handler (early_late.c) are safe: same output as natively, no
# crash or hang, and the inversion made in a destructor is still reported.
. "$(dirname "$0")/lib.sh"

"$LWP_BIN/early_late" >native.out || fail "early_late fails natively"
lw_run el --json el.json -- "$LWP_BIN/early_late"
cmp -s native.out el.out || fail "output differs from the native run"
expect_rc 66 "early_late (an inversion made during exit)"
check el.json --expect lock_order_cycle:error:1 --lock early_lock --lock late_lock \
	--func late_inversion

echo "PASS"
