#!/bin/bash
# test_daemon.sh - a process the program leaves running never holds the run
# for good. `lockwatch run` waits for the program's whole tree (a grandchild
# that outlives its parent still counts, test_tree_wait.sh), but:
# - a daemon, a process of the tree in a session of its own (setsid, as gpg
#   starts gpg-agent and ssh-agent detaches), is not waited for once the
#   program has ended: natively the command returns at once and the daemon
#   runs on; under lockwatch the run hung until the daemon ended (with
#   gpg-agent, for good; `timeout 30 lockwatch run -- gpg ...` too, since
#   the SIGTERM was forwarded to the program, already gone). The run says
#   which process it left, and the errors the daemon found before the end
#   still count.
# - a termination signal (SIGTERM, SIGINT, SIGHUP) sent to lockwatch once
#   the program has ended ends the wait for the rest of the tree: before,
#   a background process of the same session that ignored it kept the run
#   (and a CI job) going.
. "$(dirname "$0")/lib.sh"
command -v setsid >/dev/null || skip "no setsid (util-linux)"

left=() # processes to kill at the end, whatever happens
trap 'for p in "${left[@]}"; do kill -9 "$p" 2>/dev/null; done' EXIT

# bounded NAME ARGS...: `lockwatch run ARGS...`, killed after 30 s (status
# 137: it hung)
bounded() {
	local name=$1
	shift
	RC=0
	timeout -s KILL 30 "$LW" run "$@" >"$name.out" 2>"$name.err" || RC=$?
	LAST=$name
	echo "--- lockwatch run $* -> status $RC"
	sed -n '1,10p' "$name.err" | sed 's/^/  err: /'
}

# still_runs PIDFILE: the daemon (pid in PIDFILE, set in $pid) runs on, as
# natively
still_runs() {
	[ -s "$1" ] || fail "$LAST: the daemon did not start"
	pid=$(cat "$1")
	left+=("$pid")
	kill -0 "$pid" 2>/dev/null || fail "$LAST: the daemon $pid was killed"
}

# The program starts a daemon (its own session: setsid -f forks, then
# setsid) that writes its pid and sleeps 10 minutes, and exits 3.
daemon='setsid -f sh -c "echo \$\$ >$1.pid; exec sleep 600" </dev/null >/dev/null 2>&1
	while [ ! -s $1.pid ]; do sleep 0.05; done; echo started; exit 3'

sh -c "$daemon" sh native >native.out 2>native.err
rc=$?
[ "$rc" = 3 ] || fail "natively: status $rc, expected 3"
still_runs native.pid

bounded daemon -- /bin/sh -c "$daemon" sh daemon
expect_rc 3 "a program that leaves a daemon running"
cmp -s native.out daemon.out || fail "stdout differs from the native run"
still_runs daemon.pid
expect_in daemon.err "lockwatch: process $pid (sleep) runs on in a session of its own"

bounded daemon_t --timeout 120 -- /bin/sh -c "$daemon" sh daemon_t
expect_rc 3 "the same under --timeout 120 (its own wait loop)"
still_runs daemon_t.pid
expect_in daemon_t.err "lockwatch: process $pid (sleep)"

# The daemon runs inversion (a lock-order cycle) first: found before the
# program ended, the error counts.
cycle='setsid -f sh -c "$0; echo \$\$ >cycle.pid; exec sleep 600" </dev/null >/dev/null 2>&1
	while [ ! -s cycle.pid ]; do sleep 0.05; done; exit 0'
bounded cycle --json cycle.jsonl -- /bin/sh -c "$cycle" "$LWP_BIN/inversion"
expect_rc 66 "a daemon that found a cycle before the program ended"
check cycle.jsonl --expect lock_order_cycle:error:1 --total 1 --lock accounts_lock
still_runs cycle.pid

# A daemon that reports after the run has ended (inversion, once the test
# says go) writes its report to its own stderr, appends it to a --json
# file that still exists, and never creates a file: before, a run without
# --json left the temporary JSON file it had removed in TMPDIR again.
late='setsid -f sh -c "echo \$\$ >$1.pid; while [ ! -e $1.go ]; do sleep 0.05; done
	exec $0" </dev/null >/dev/null 2>$1.late; while [ ! -s $1.pid ]; do sleep 0.05; done'
mkdir tmp
for j in "" "--json late_j.jsonl"; do
	name=late${j:+_j}
	# shellcheck disable=SC2086
	TMPDIR=$PWD/tmp bounded "$name" $j -- /bin/sh -c "$late" "$LWP_BIN/inversion" "$name"
	expect_rc 0 "a daemon that reports only after the run ended"
	[ -z "$(ls tmp)" ] || fail "$name: the run left files in TMPDIR: $(ls tmp)"
	still_runs "$name.pid"
	touch "$name.go"
	for _ in $(seq 200); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$pid" 2>/dev/null && fail "$name: the daemon's inversion did not end"
	expect_in "$name.late" "lock-order cycle" "the daemon's stderr"
	[ -z "$(ls tmp)" ] || fail "$name: the daemon's report made a file in TMPDIR: $(ls tmp)"
done
check late_j.jsonl --expect lock_order_cycle:error:1 --total 1

# A background process of the program's own session that ignores SIGTERM:
# lockwatch waits for it, until lockwatch itself is sent SIGTERM.
straggler='trap "" TERM; sleep 600 & echo $! >straggler.pid; exit 0'
# the run, until the shell is gone and its sleep is lockwatch's (lw, spid)
"$LW" run -- /bin/sh -c "$straggler" >straggler.out 2>straggler.err &
lw=$!
left+=("$lw")
for _ in $(seq 200); do
	[ -s straggler.pid ] && [ "$(ps -o ppid= -p "$(cat straggler.pid)" | tr -d ' ')" = "$lw" ] && break
	sleep 0.05
done
still_runs straggler.pid
spid=$pid
sleep 0.3
ps -o pid,ppid,pgid,sid,stat,comm -p "$spid,$lw" >straggler.ps 2>&1
kill -0 "$lw" 2>/dev/null || fail "lockwatch run did not wait for the background process"
kill -TERM "$lw"
for _ in $(seq 200); do
	kill -0 "$lw" 2>/dev/null || break
	sleep 0.05
done
kill -0 "$lw" 2>/dev/null && fail "lockwatch run still waits 10 s after SIGTERM, the program gone"
RC=0
wait "$lw" || RC=$?
LAST=straggler
cat straggler.err
grep -q "still runs" straggler.err || {
	echo "before the SIGTERM:"
	cat straggler.ps
	echo "now:"
	ps -o pid,ppid,pgid,sid,stat,comm -p "$spid"
}
expect_rc 0 "SIGTERM once the program has ended: the program's status"
expect_in straggler.err "lockwatch: process $spid (sleep) still runs"
kill -0 "$spid" 2>/dev/null || fail "the background process was killed"
echo "PASS"
