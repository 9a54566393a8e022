#!/bin/bash
# test_cli.sh - the `lockwatch run` command line:
#  - a bad flag (--nope 1), a bad value (--hold-ms abc, --hold-ms -5,
#    --on-deadlock maybe), a value with both quotes and ':', a flag without its value, no
#    program: status 2, a message naming the problem, and the program not
#    started (it would create a marker file);
#  - --help (of lockwatch and of lockwatch run) lists every option of
#    src/base/options.def as a --kebab-case flag; --version prints the version;
#    an unknown command is status 2;
#  - a program that does not exist: status 127;
#  - the program's argv is passed unchanged (spaces, empty strings, and
#    flag-like words after the program), and its status comes back (42);
#  - SIGTERM sent to `lockwatch run` reaches the program: one that traps it
#    writes a marker and exits 0, so lockwatch run exits 0; one that does
#    not dies of it, so lockwatch run exits 143.
. "$(dirname "$0")/lib.sh"
: "${LWP_TOP:?}"

marker_prog=(/bin/sh -c 'touch "$0"')

bad() { # bad NAME 'message' FLAGS... : status 2, message, marker absent
	local name=$1 msg=$2
	shift 2
	lw_run "$name" "$@" -- "${marker_prog[@]}" "$PWD/$name.marker"
	expect_rc 2 "lockwatch run $*"
	expect_in "$name.err" "$msg" "the message for $*"
	[ ! -e "$name.marker" ] || fail "lockwatch run $*: the program was started"
}
bad nope "unknown flag '--nope'" --nope 1
bad nope_eq "unknown flag '--nope=1'" --nope=1
bad hold_abc "bad value 'abc'" --hold-ms abc
bad hold_neg "bad value '-5'" --hold-ms -5
bad hold_eq "bad value 'x'" --hold-ms=x
bad enum "bad value 'maybe'" --on-deadlock maybe
bad exitcode "bad value '300'" --exitcode 300
bad stacksig "(0, or a real-time signal from" --stack-signal 9
bad quotes "cannot hold both quote characters and ':'" --log "a'b\"c:d"

RC=0
"$LW" run --hold-ms >noval.out 2>noval.err || RC=$?
LAST=noval
expect_rc 2 "a flag without its value"
expect_in noval.err "needs a value"
RC=0
"$LW" run --hold-ms 5 >noprog.out 2>noprog.err || RC=$?
LAST=noprog
expect_rc 2 "no program"
expect_in noprog.err "no program to run"
lw_run emptyprog -- ''
expect_rc 2 "an empty program name"
expect_in emptyprog.err "the program's name is empty"
# a LOCKWATCH_PRELOAD that is not lockwatch's library checks nothing: said
libm=$(ldconfig -p | awk '/libm\.so\.6 /{ print $NF; exit }')
if [ -n "$libm" ]; then
	LOCKWATCH_PRELOAD=$libm lw_run wronglib -- "$LWP_BIN/inversion"
	expect_in wronglib.err "no process of the program ran lockwatch: nothing was checked"
fi
lw_run rightlib -- "$LWP_BIN/inversion"
expect_not_in rightlib.err "no process of the program ran lockwatch"
RC=0
"$LW" frobnicate >cmd.out 2>cmd.err || RC=$?
LAST=cmd
expect_rc 2 "an unknown command"
expect_in cmd.err "unknown command 'frobnicate'"

# --help lists every option of options.def
keys=$(sed -n 's/^LW_OPT(\([a-z_0-9]*\),.*/\1/p' "$LWP_TOP/src/base/options.def")
[ "$(echo "$keys" | wc -w)" -ge 8 ] || fail "could not read the options of src/base/options.def"
"$LW" --help >help.out 2>help.err || fail "lockwatch --help: status $?"
"$LW" run --help >runhelp.out 2>&1 || fail "lockwatch run --help: status $?"
for k in $keys; do
	flag="--${k//_/-}"
	grep -qE -- "^ +$flag( |$)" help.out || fail "lockwatch --help does not list $flag"
	grep -qE -- "^ +$flag( |$)" runhelp.out || fail "lockwatch run --help does not list $flag"
done
echo "--help lists all $(echo "$keys" | wc -w) options: $(echo $keys)"
"$LW" --version >version.out || fail "lockwatch --version: status $?"
grep -qE '^lockwatch [0-9]+\.[0-9]+\.[0-9]+$' version.out || fail "lockwatch --version printed: $(cat version.out)"

# a missing program
lw_run missing -- ./no-such-program arg
expect_rc 127 "a missing program"
expect_in missing.err "no-such-program"
lw_run missing_path -- no-such-program-on-path-xyz
expect_rc 127 "a missing program (PATH)"

# argv unchanged; status passed through; no flag parsing after the program
lw_run args -- /bin/sh -c 'printf "[%s]" "$@"; echo; exit 42' sh 'a b' '' --nope --hold-ms=x
expect_rc 42 "the program's status"
expect_in args.out "[a b][][--nope][--hold-ms=x]" "the program's argv"
lw_run noddash /bin/sh -c 'exit 7'
expect_rc 7 "a program given without --"

# SIGTERM is forwarded
"$LW" run -- "$LWP_BIN/sigterm_child" "$PWD/term.marker" >term.out 2>term.err &
pid=$!
for _ in $(seq 1 500); do
	[ -e term.marker.ready ] && break
	sleep 0.02
done
[ -e term.marker.ready ] || { kill -KILL $pid; fail "sigterm_child did not start"; }
kill -TERM $pid
RC=0
wait $pid || RC=$?
LAST=term
expect_rc 0 "lockwatch run after SIGTERM to a program that traps it"
expect_in term.marker "got SIGTERM" "the program's marker"

"$LW" run -- /bin/sh -c 'touch sleep.ready; exec sleep 30' >sleep.out 2>sleep.err &
pid=$!
for _ in $(seq 1 500); do
	[ -e sleep.ready ] && break
	sleep 0.02
done
kill -TERM $pid
RC=0
wait $pid || RC=$?
LAST=sleep
expect_rc 143 "lockwatch run after SIGTERM to a program that dies of it"

echo "PASS"
