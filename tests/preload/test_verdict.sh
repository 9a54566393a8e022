#!/bin/bash
# test_verdict.sh - the exit status of `lockwatch run` comes from the reports
# the program's processes made (a record shared by the run's processes),
# not from reading the JSON file back:
#  - two concurrent runs sharing one --json file: the one whose program has
#    a lock-order cycle exits 66, the clean one 0 (before, the clean run
#    counted the other run's report appended meanwhile, and exited 66);
#    the overlap is made by the clean program waiting for a file the test
#    creates once the other run has finished;
#  - a run whose JSON file cannot be written once the program runs (the
#    program removes its directory first) still exits 66 and counts the
#    report (before: "no reports", status 0);
#  - no temporary record is left behind in TMPDIR.
. "$(dirname "$0")/lib.sh"

mkdir tmp
export TMPDIR=$PWD/tmp

# B: clean, runs until the file 'go' exists
"$LW" run --json shared.jsonl -- /bin/sh -c 'touch b.ready; while [ ! -e go ]; do sleep 0.05; done' \
	>b.out 2>b.err &
b=$!
for _ in $(seq 1 500); do
	[ -e b.ready ] && break
	sleep 0.02
done
[ -e b.ready ] || { kill $b; fail "run B did not start"; }
# A: the inversion, to its end, while B runs
lw_run a --json shared.jsonl -- "$LWP_BIN/inversion"
expect_rc 66 "run A (a cycle), concurrent with a clean run on the same --json"
touch go
RC=0
wait $b || RC=$?
LAST=b
cat b.err
expect_rc 0 "run B (clean), concurrent with a run that reported a cycle on the same --json"
expect_not_in b.err "lockwatch:" "run B's stderr (a clean run is silent)"
check shared.jsonl --expect lock_order_cycle:error:1 --total 1

# the JSON cannot be written: the program removes the directory first
mkdir gone
lw_run gone --json gone/x.jsonl -- /bin/sh -c 'rm -rf gone && exec "$0"' "$LWP_BIN/inversion"
expect_rc 66 "a cycle whose JSON report could not be written"
expect_in gone.err "1 lock_order_cycle" "the summary"

leftover=$(ls tmp)
[ -z "$leftover" ] || fail "left in TMPDIR: $leftover"
echo "PASS"
