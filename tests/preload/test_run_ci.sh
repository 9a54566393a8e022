#!/bin/bash
# test_run_ci.sh - `lockwatch run` in a CI job (issue 14):
#  - --json FILE exists after a clean run, empty (a CI step uploads it);
#  - a clean run is silent (as the sanitizers are); -v says "no reports";
#    -q (--quiet, quiet=1) drops the end-of-run line, not the reports;
#  - without --json nothing is left in TMPDIR, reports or not, and the
#    end-of-run line names no temporary file;
#  - a TMPDIR that cannot be used is named (status 2, program not started);
#  - --stack-signal takes 0 or a real-time signal only: 9, 19, 2, 11, 15
#    and 32 are refused (status 2, program not started), 34 runs;
#  - a script without "#!" runs with /bin/sh, as shells run it.
. "$(dirname "$0")/lib.sh"

mkdir tmp
export TMPDIR=$PWD/tmp

lw_run clean --json clean.jsonl -- /bin/true
expect_rc 0 "/bin/true"
[ -e clean.jsonl ] && [ ! -s clean.jsonl ] || fail "clean.jsonl is missing or not empty"
[ -s clean.err ] && fail "a clean run printed: $(cat clean.err)"
lw_run cleanv -v --json cleanv.jsonl -- /bin/true
expect_in cleanv.err "lockwatch: no reports; JSON in $PWD/cleanv.jsonl"

lw_run notmp -- "$LWP_BIN/clean_exit"
expect_rc 3 "clean_exit without --json"
[ -s notmp.err ] && fail "a clean run printed: $(cat notmp.err)"
lw_run notmp2 -- "$LWP_BIN/inversion"
expect_rc 66 "inversion without --json"
expect_in notmp2.err "lockwatch: 1 report, 1 error (1 lock_order_cycle); exit status 66"
expect_not_in notmp2.err "JSON in"
[ -z "$(ls tmp)" ] || fail "left in TMPDIR: $(ls tmp)"

lw_run quiet -q --json quiet.jsonl -- "$LWP_BIN/inversion"
expect_rc 66 "inversion under -q"
expect_in quiet.err "lockwatch: ERROR: lock-order cycle" "the report under -q"
expect_not_in quiet.err "lockwatch: 1 report" "the end-of-run line under -q"
LOCKWATCH_OPTIONS=quiet=1 lw_run quiet2 -- "$LWP_BIN/inversion"
expect_rc 66 "inversion with quiet=1"
expect_not_in quiet2.err "lockwatch: 1 report" "the end-of-run line with quiet=1"

RC=0
TMPDIR=$PWD/no/such/dir "$LW" run -- /bin/sh -c 'touch "$0"' "$PWD/tmpdir.marker" >badtmp.out 2>badtmp.err || RC=$?
LAST=badtmp
expect_rc 2 "a TMPDIR that does not exist"
expect_in badtmp.err "TMPDIR=$PWD/no/such/dir: No such file or directory"
[ ! -e tmpdir.marker ] || fail "the program was started with a bad TMPDIR"

for sig in 9 19 2 11 15 32; do
	lw_run sig$sig --stack-signal $sig -- /bin/sh -c 'touch "$0"' "$PWD/sig$sig.marker"
	expect_rc 2 "--stack-signal $sig"
	expect_in sig$sig.err "option stack_signal: bad value '$sig' (0, or a real-time signal from"
	[ ! -e sig$sig.marker ] || fail "--stack-signal $sig: the program was started"
done
lw_run sig34 --stack-signal 34 -- "$LWP_BIN/inversion"
expect_rc 66 "--stack-signal 34"

printf 'echo "script ran: $1"\nexec "%s"\n' "$LWP_BIN/inversion" >noshebang
chmod +x noshebang
lw_run script --json script.jsonl -- ./noshebang arg1
expect_rc 66 "a script without #! that runs inversion"
expect_in script.out "script ran: arg1"
check script.jsonl --expect lock_order_cycle:error:1 --total 1
echo "PASS"
