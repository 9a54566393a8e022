#!/bin/bash
# test_no_deadlock.sh - cycles that cannot deadlock must not be errors, and
# the status is the program's own (0):
#  - gate: a cycle whose every edge was taken under gate_lock: one
#    lock_order_cycle warning whose locks include gate_lock;
#  - trylock: back-off with pthread_mutex_trylock makes no edge: no report;
#  - rwread: a cycle of read locks only: one lock_order_cycle warning;
#  - all three in one process: no error, only those two warnings.
. "$(dirname "$0")/lib.sh"

lw_run gate --json gate.json -- "$LWP_BIN/no_deadlock" gate
expect_rc 0 "gate"
check gate.json --no-errors --expect lock_order_cycle:warning:1 --kinds-only \
	--lock gate_lock --lock gated_a --lock gated_b --func f_gate_ab --func f_gate_ba

lw_run trylock --json trylock.json -- "$LWP_BIN/no_deadlock" trylock
expect_rc 0 "trylock"
check trylock.json --no-reports

lw_run rwread --json rwread.json -- "$LWP_BIN/no_deadlock" rwread
expect_rc 0 "rwread"
check rwread.json --no-errors --expect lock_order_cycle:warning:1 --kinds-only \
	--lock table1 --lock table2 --n-locks 2 --func f_read_12 --func f_read_21

lw_run all --json all.json -- "$LWP_BIN/no_deadlock" all
expect_rc 0 "all"
check all.json --no-errors --expect lock_order_cycle:warning:2 --kinds-only
expect_in all.err "0 errors"

echo "PASS"
