#!/bin/bash
# run_ends.sh - a program that really deadlocks (natively it hangs), run in
# every way in: each run must END, with status 66, the message that
# lockwatch ended it, and the expected reports (check_json.py). No timing is
# asserted; each run is bounded (60 s, then SIGKILL) so a hang fails.
#
# usage: run_ends.sh PYTHON CHECK_JSON LOCKWATCH WORKDIR NATIVE WRAPPER HEADER
#                    -- [check_json.py expectations...]
# The ways are those of run_ways.sh: wrapper and header with
# LOCKWATCH_OPTIONS=json=F:exitcode=66 (no on_deadlock: the exitcode alone
# makes a certain deadlock end the process), preload (`lockwatch run --
# NATIVE`) and header+run. WAYS_SKIP="name ..." leaves ways out;
# WAYS_OPTIONS=key=value:... adds lockwatch options to every way.
set -u
py=$1 checker=$2 lw=$3 work=$4 native=$5 wrapper=$6 header=$7
shift 7
[ "${1:-}" = "--" ] && shift
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
fails=0
EXPECT=("$@")

way() { # name command...
	local name=$1
	shift
	case " ${WAYS_SKIP:-} " in *" $name "*) echo "$name: skipped"; return ;; esac
	rm -f "$name.jsonl"
	timeout -s KILL 60 "$@" >"$name.out" 2>"$name.err"
	local rc=$?
	if [ "$rc" -ne 66 ]; then
		echo "FAIL: $name: status $rc, expected 66 (137: it hung and was killed)"
		sed -n '1,15p' "$name.err"
		fails=$((fails + 1))
	fi
	if ! grep -q "exiting with status 66" "$name.err"; then
		echo "FAIL: $name: no 'exiting with status 66' on stderr"
		fails=$((fails + 1))
	fi
	if grep -q "not reached" "$name.out"; then
		echo "FAIL: $name: the program went past its deadlock"
		fails=$((fails + 1))
	fi
	if ! "$py" "$checker" "$name.jsonl" "${EXPECT[@]}" >"$name.check" 2>&1; then
		echo "FAIL: $name: reports:"
		sed -n '1,20p' "$name.check"
		fails=$((fails + 1))
	fi
	echo "$name: status $rc"
}
opts=${WAYS_OPTIONS:+:$WAYS_OPTIONS}
LOCKWATCH_OPTIONS="json=$work/wrapper.jsonl:exitcode=66$opts" way wrapper "$wrapper"
LOCKWATCH_OPTIONS="json=$work/header.jsonl:exitcode=66$opts" way header "$header"
LOCKWATCH_OPTIONS=${WAYS_OPTIONS:-} way preload "$lw" run --json "$work/preload.jsonl" -- "$native"
LOCKWATCH_OPTIONS=${WAYS_OPTIONS:-} way header+run "$lw" run --json "$work/header+run.jsonl" -- "$header"
[ $fails -eq 0 ] && echo "every way ends"
exit $((fails > 0))
