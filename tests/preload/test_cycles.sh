#!/bin/bash
# test_cycles.sh - longer cycles are found whole:
#  - cycle3: lock_a -> lock_b -> lock_c -> lock_a over 3 threads: one
#    lock_order_cycle error with exactly those 3 locks, 3 edges, and
#    f_ab, f_bc, f_ca in the stacks;
#  - long_cycle 2000: a ring of 2000 heap mutexes closed in one thread: one
#    lock_order_cycle error with 2000 locks and 2000 edges (f_chain and
#    f_close in the stacks), status 66, and the program itself unharmed.
. "$(dirname "$0")/lib.sh"

lw_run c3 --json c3.json -- "$LWP_BIN/cycle3"
expect_rc 66 "cycle3"
check c3.json --expect lock_order_cycle:error:1 --total 1 --n-locks 3 --n-edges 3 \
	--lock lock_a --lock lock_b --lock lock_c --func f_ab --func f_bc --func f_ca

start=$(now_s)
lw_run long --json long.json -- "$LWP_BIN/long_cycle" 2000
end=$(now_s)
expect_rc 66 "long_cycle"
expect_in long.out "2000 locks"
check long.json --expect lock_order_cycle:error:1 --total 1 --n-locks 2000 --n-edges 2000 \
	--func f_chain --func f_close
echo "long_cycle 2000 under lockwatch: $(elapsed "$start" "$end") s"

echo "PASS"
