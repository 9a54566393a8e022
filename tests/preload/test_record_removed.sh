#!/bin/bash
# test_record_removed.sh - the run's verdict survives what the program does
# to the run's files and environment:
#  - the program empties $TMPDIR after its cycle (a test step that cleans
#    up, a tmp cleaner), taking the run record and the temporary JSON file
#    with it: before, the run exited 0 (it read the record again by its
#    path, then counted a JSON file that was gone too);
#  - the same with --json DIR/%p.jsonl (the suite pattern): before, 0;
#  - a child whose environment lost LOCKWATCH_RUN_RECORD but kept the
#    rest (a harness that filters variables): before, the cycle was
#    printed and the run exited 0; now it says so and the child's errors
#    set its own status, as when the record cannot be opened;
#  - a child that kept only LD_PRELOAD: its reports cannot be counted; the
#    run says so on stderr.
. "$(dirname "$0")/lib.sh"
mkdir tmp out

clean='"$0"; rm -rf "$TMPDIR"/lockwatch-*; exit 0'
TMPDIR=$PWD/tmp lw_run rm -- /bin/sh -c "$clean" "$LWP_BIN/inversion"
expect_rc 66 "a cycle, then the program removes the run's files"
expect_in rm.err "lock-order cycle: ledger_lock -> accounts_lock -> ledger_lock"
expect_in rm.err "lockwatch: 1 report, 1 error (1 lock_order_cycle)"

TMPDIR=$PWD/tmp lw_run rm_p --json "$PWD/out/%p.jsonl" -- /bin/sh -c "$clean" "$LWP_BIN/inversion"
expect_rc 66 "the same with --json DIR/%p.jsonl"
expect_in rm_p.err "lockwatch: 1 report, 1 error (1 lock_order_cycle)"
check out/*.jsonl --expect lock_order_cycle:error:1 --total 1

TMPDIR=$PWD/tmp lw_run norec -- env -u LOCKWATCH_RUN_RECORD "$LWP_BIN/inversion"
expect_rc 66 "a cycle in a child without LOCKWATCH_RUN_RECORD"
expect_in norec.err "lock-order cycle: ledger_lock -> accounts_lock -> ledger_lock"
expect_in norec.err "LOCKWATCH_RUN_RECORD is not in this process's environment"

# only LD_PRELOAD kept: the child sleeps first, so that the run's walks
# see it with the library mapped and not listed in the record
keep='exec env -i LD_PRELOAD="$LD_PRELOAD" /bin/sh -c "sleep 2.5; exec \"\$0\"" "$0"'
TMPDIR=$PWD/tmp lw_run bare -- /bin/sh -c "$keep" "$LWP_BIN/inversion"
expect_in bare.err "runs lockwatch without this run's record"

leftover=$(ls tmp)
[ -z "$leftover" ] || fail "left in TMPDIR: $leftover"
echo "PASS"
