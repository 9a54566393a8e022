#!/bin/bash
# test_signal_user.sh - signals sent to `lockwatch run` reach the program:
# SIGUSR1, SIGUSR2, SIGQUIT, SIGALRM, SIGWINCH and a real-time signal,
# each sent (kill) to lockwatch's pid as a script sends it to the `$!` of
# a program it started (`kill -USR1 $!` to dd for its progress, to nginx
# to reopen its logs; `kill -QUIT` to a JVM for its threads). Before,
# only SIGINT, SIGTERM and SIGHUP were forwarded: SIGUSR1 killed
# lockwatch (status 138) and, with it, the program.
. "$(dirname "$0")/lib.sh"
sigs="USR1 USR2 QUIT ALRM WINCH RTMIN+3"

# send_all PID READY: once READY exists, each signal to PID in turn
send_all() {
	for _ in $(seq 500); do
		[ -e "$2" ] && break
		sleep 0.02
	done
	[ -e "$2" ] || fail "the program did not start"
	for s in $sigs; do
		kill -s "$s" "$1" || fail "kill -s $s $1"
		sleep 0.1 # one at a time: the same signal pending twice is one
	done
}

"$LWP_BIN/signal_user" native.ready >native.out 2>native.err &
pid=$!
send_all "$pid" native.ready
rc=0
wait "$pid" || rc=$?
[ "$rc" = 0 ] || fail "natively: status $rc"

"$LW" run -- "$LWP_BIN/signal_user" lw.ready >lw.out 2>lw.err &
pid=$!
send_all "$pid" lw.ready
RC=0
wait "$pid" || RC=$?
LAST=lw
echo "--- lockwatch run, each signal sent to lockwatch -> status $RC"
sed 's/^/  out: /' lw.out
expect_rc 0 "every signal reached the program"
cmp -s native.out lw.out || fail "the program's output differs from the native run"

# The program starts with the dispositions lockwatch found: lockwatch
# ignores SIGPIPE itself (its words to a closed pipe must not end the
# run) and handles the forwarded signals, the program none of that.
for ign in "" PIPE HUP; do
	want=$(trap '' $ign; grep SigIgn /proc/self/status)
	got=$(trap '' $ign; "$LW" run -- grep SigIgn /proc/self/status)
	[ "$got" = "$want" ] || fail "ignoring '$ign': the program starts with $got, natively $want"
done
echo "PASS"
