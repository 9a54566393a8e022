#!/bin/bash
# run_exitcode.sh - the exitcode option. Arguments: CYCLE_HEADER CYCLE_WRAPPER
# CLEAN_HEADER CLEAN_WRAPPER WARNING_ONLY. With LOCKWATCH_OPTIONS=exitcode=66
# a program that made an error report exits with 66 (the cycle2 scenarios
# would return 0), an error-free one keeps its own status (clean returns 3,
# the warning-only destroy_held returns 0), and without the option the
# error program keeps its status too.
set -u
fails=0
expect() { # want_status options program
	local want=$1 opts=$2 prog=$3 got
	LOCKWATCH_OPTIONS="$opts" "$prog" >/dev/null 2>&1
	got=$?
	if [ "$got" -eq "$want" ]; then
		echo "ok: LOCKWATCH_OPTIONS='$opts' $(basename "$prog") -> $got"
	else
		echo "FAIL: LOCKWATCH_OPTIONS='$opts' $(basename "$prog") -> $got, expected $want"
		fails=$((fails + 1))
	fi
}
expect 66 exitcode=66 "$1"
expect 66 exitcode=66 "$2"
expect 3 exitcode=66 "$3"
expect 3 exitcode=66 "$4"
expect 0 exitcode=66 "$5"
expect 0 "" "$1"
expect 7 exitcode=7 "$1"
[ $fails -eq 0 ] && echo "exitcode: all ok"
exit $fails
