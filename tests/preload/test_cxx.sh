#!/bin/bash
# test_cxx.sh - a C++ program on std::mutex, std::shared_mutex,
# std::condition_variable and the RAII guards (bank.cpp):
#  - "inversion": status 66, one lock_order_cycle error naming the two
#    namespace-scope mutexes (bank::accounts_mu, bank::ledger_mu), with the
#    demangled member functions bank::Account::transfer and
#    bank::Auditor::audit in its stacks;
#  - "queue": condition-variable producer/consumer and shared_mutex
#    readers/writer in one lock order: status 0, no report at all.
. "$(dirname "$0")/lib.sh"

lw_run inv --json inv.json -- "$LWP_BIN/bank" inversion
expect_rc 66 "bank inversion"
expect_in inv.out "balance 1000, audit 2000"
check inv.json --expect lock_order_cycle:error:1 --total 1 --n-locks 2 \
	--lock bank::accounts_mu --lock bank::ledger_mu \
	--func-contains "bank::Account::transfer" --func-contains "bank::Auditor::audit"

lw_run queue --json queue.json -- "$LWP_BIN/bank" queue
expect_rc 0 "bank queue"
expect_in queue.out "total 20001"
check queue.json --no-reports

echo "PASS"
