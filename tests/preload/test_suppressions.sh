#!/bin/bash
# test_suppressions.sh - option suppressions=FILE (--suppressions), issue 14:
#  - the line a report ends with, pasted into a file, suppresses that
#    report: run again with it, status 0, no report printed, none in the
#    JSON file, and the end-of-run line says 1 suppressed and by which
#    entry; the same under the library alone (LD_PRELOAD, exitcode=66);
#  - a file silences exactly the reports it names: two_cycles has two
#    cycles; an entry naming one (by lock class, by function glob) leaves
#    the other reported (status 66); both named: status 0, 2 suppressed;
#  - an entry of another kind or that names nothing suppresses nothing;
#    with -v the entries that matched nothing are listed;
#  - from LOCKWATCH_OPTIONS as from the flag;
#  - a file that cannot be read, or a bad line: status 2, the file (and
#    the line) named, the program not started.
. "$(dirname "$0")/lib.sh"

# the pasted line
lw_run first --json first.jsonl -- "$LWP_BIN/inversion"
expect_rc 66 "inversion"
line=$(grep -A1 '^  to suppress this report, put this line in the --suppressions file:$' first.err |
	sed -n '2s/^    //p')
[ -n "$line" ] || fail "no suppression line in the report"
echo "pasted line: $line"
[ "$(sed -n 's/.*"suppression":"\([^"]*\)".*/\1/p' first.jsonl)" = "$line" ] ||
	fail "the JSON's suppression is not the text's line"
printf '# pasted from a report\n%s\n' "$line" >pasted.supp
lw_run again --json again.jsonl --suppressions pasted.supp -- "$LWP_BIN/inversion"
expect_rc 0 "inversion, its report suppressed by the pasted line"
expect_not_in again.err "lockwatch: ERROR" "the second run's output"
check again.jsonl --no-reports
expect_in again.err "; 1 suppressed" "the end-of-run line"
expect_in again.err "lockwatch: suppressed 1 by $PWD/pasted.supp:2 $line" "the entry's count"

# the pasted line names the program's function, not a system header's
# that every std::shared_lock goes through (__glibcxx_rwlock_rdlock):
# pasted from one cycle, it leaves an unrelated one reported
lw_run shared1 -- "$LWP_BIN/shared_cycles" 1
expect_rc 66 "shared_cycles 1"
line=$(grep -A1 '^  to suppress this report' shared1.err | sed -n '2s/^    //p')
echo "pasted line (shared_lock): $line"
case $line in
"lock_order_cycle:book_order()" | "lock_order_cycle:restock()") ;;
*) fail "the suggested line '$line' names no function of the program's own (book_order, restock)" ;;
esac
echo "$line" >shared.supp
lw_run shared2 --suppressions shared.supp -- "$LWP_BIN/shared_cycles" 2
expect_rc 66 "shared_cycles 2 with the line pasted from cycle 1"
expect_in shared2.err "lockwatch: ERROR: lock-order cycle" "the unrelated cycle's run"
lw_run shared3 --suppressions shared.supp -- "$LWP_BIN/shared_cycles" 1
expect_rc 0 "shared_cycles 1 with its own pasted line"

printf 'lock_order_cycle:x\n\n# fine\nlock-order-cycle:y\n' >kind.supp

# the library alone, pasted line from its own report
RC=0
LD_PRELOAD="$LW_PRELOAD_SO" LOCKWATCH_OPTIONS="exitcode=66" "$LWP_BIN/inversion" >lib1.out 2>lib1.err || RC=$?
LAST=lib1
expect_rc 66 "inversion under the library alone"
line=$(grep -A1 '^  to suppress this report' lib1.err | sed -n '2s/^    //p')
echo "$line" >lib.supp
RC=0
LD_PRELOAD="$LW_PRELOAD_SO" LOCKWATCH_OPTIONS="exitcode=66:suppressions=lib.supp" \
	"$LWP_BIN/inversion" >lib2.out 2>lib2.err || RC=$?
LAST=lib2
expect_rc 0 "the library alone, the report suppressed"
expect_not_in lib2.err "lockwatch: ERROR"
expect_in lib2.err "lockwatch: 1 report suppressed (lib.supp)"
expect_in lib2.err "lockwatch: suppressed 1 by lib.supp:1 $line"

# the library alone with a bad file: named with its line, nothing suppressed
RC=0
LD_PRELOAD="$LW_PRELOAD_SO" LOCKWATCH_OPTIONS="exitcode=66:suppressions=kind.supp" \
	"$LWP_BIN/inversion" >lib3.out 2>lib3.err || RC=$?
LAST=lib3
expect_rc 66 "the library alone, a bad suppressions file"
expect_in lib3.err "lockwatch: suppressions kind.supp:4: unknown report kind 'lock-order-cycle'"
expect_in lib3.err "; no report is suppressed"
expect_in lib3.err "lockwatch: ERROR: lock-order cycle"

# exactly what it names
lw_run both --json both.jsonl -- "$LWP_BIN/two_cycles"
expect_rc 66 "two_cycles"
check both.jsonl --expect lock_order_cycle:error:2 --total 2
echo 'lock_order_cycle:pay_lock' >pay.supp
lw_run pay --json pay.jsonl --suppressions pay.supp -- "$LWP_BIN/two_cycles"
expect_rc 66 "two_cycles, the pay_lock cycle suppressed"
check pay.jsonl --expect lock_order_cycle:error:1 --total 1 --lock cache_lock --lock index_lock
expect_in pay.err "1 error (1 lock_order_cycle); JSON in $PWD/pay.jsonl; 1 suppressed"
printf '*:cache_*\nlock_order_cycle:pay_lock\nlong_hold:*\ndeadlock:index_scan\n*:no_such_function\n' >all.supp
lw_run all -v --json all.jsonl --suppressions all.supp -- "$LWP_BIN/two_cycles"
expect_rc 0 "two_cycles, both suppressed"
check all.jsonl --no-reports
expect_in all.err "; 2 suppressed"
expect_in all.err "lockwatch: suppressed 1 by $PWD/all.supp:1 *:cache_*"
expect_in all.err "lockwatch: suppressed 1 by $PWD/all.supp:2 lock_order_cycle:pay_lock"
expect_in all.err "lockwatch: suppression $PWD/all.supp:3 long_hold:* matched nothing"
expect_in all.err "lockwatch: suppression $PWD/all.supp:4 deadlock:index_scan matched nothing"
expect_in all.err "lockwatch: suppression $PWD/all.supp:5 *:no_such_function matched nothing"
# without -v the unmatched entries are not listed
lw_run quiet --suppressions all.supp -- "$LWP_BIN/two_cycles"
expect_rc 0 "two_cycles, both suppressed, not verbose"
expect_not_in quiet.err "matched nothing"
# another kind, or a name that is nowhere: nothing suppressed
printf 'deadlock:pay_lock\n*:pay_lock2\n' >none.supp
lw_run none --json none.jsonl --suppressions none.supp -- "$LWP_BIN/two_cycles"
expect_rc 66 "entries that name nothing in the reports"
check none.jsonl --expect lock_order_cycle:error:2 --total 2
expect_not_in none.err "suppressed"

# from the environment
LOCKWATCH_OPTIONS="suppressions=$PWD/all.supp" lw_run env --json env.jsonl -- "$LWP_BIN/two_cycles"
expect_rc 0 "suppressions from LOCKWATCH_OPTIONS"
expect_in env.err "; 2 suppressed"

# bad files: refused before the program starts
bad() { # bad NAME 'message' FLAGS...
	local name=$1 msg=$2
	shift 2
	lw_run "$name" "$@" -- /bin/sh -c 'touch "$0"' "$PWD/$name.marker"
	expect_rc 2 "lockwatch run $*"
	expect_in "$name.err" "$msg" "the message for $*"
	expect_in "$name.err" "the program was not started"
	[ ! -e "$name.marker" ] || fail "$*: the program was started"
}
bad missing "lockwatch: suppressions $PWD/nope.supp: cannot be read: No such file or directory" \
	--suppressions nope.supp
bad kind "lockwatch: suppressions $PWD/kind.supp:4: unknown report kind 'lock-order-cycle'" \
	--suppressions kind.supp
printf 'deadlock\n' >colon.supp
bad colon "lockwatch: suppressions $PWD/colon.supp:1: 'deadlock' is not KIND:PATTERN" \
	--suppressions colon.supp
LOCKWATCH_OPTIONS="suppressions=$PWD/kind.supp" bad envkind "$PWD/kind.supp:4: unknown report kind"
echo "PASS"
