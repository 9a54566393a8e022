#!/bin/bash
# test_parent_killed.sh - `kill -9` of `lockwatch run` must not orphan the
# program: the program (its direct child) gets SIGKILL from the kernel
# (PR_SET_PDEATHSIG) when lockwatch dies. The program here is a shell that
# writes its pid and then execs sleep 300 (same pid); after kill -9 of
# lockwatch, that pid must be gone (or a zombie waiting for its new parent
# to reap it) within a generous bound of 10 s, polled. The files the
# killed run made in $TMPDIR (its run record's directory, its temporary
# JSON file) are removed by the next run (they were left for good).
. "$(dirname "$0")/lib.sh"

gone() { # gone PID: no such process, or a zombie
	local st
	st=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 0
	[ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ]
}

export TMPDIR=$LWP_WORK/tmp
mkdir -p "$TMPDIR"
"$LW" run -- /bin/sh -c 'echo $$ >prog.pid.tmp; mv prog.pid.tmp prog.pid; exec sleep 300' \
	>run.out 2>run.err &
lw=$!
for _ in $(seq 1 500); do
	[ -s prog.pid ] && break
	sleep 0.02
done
[ -s prog.pid ] || { kill -KILL $lw; fail "the program did not start"; }
prog=$(cat prog.pid)
# wait until the shell has exec'd sleep (its comm is then 'sleep')
for _ in $(seq 1 500); do
	[ "$(cat /proc/$prog/comm 2>/dev/null)" = sleep ] && break
	sleep 0.02
done
echo "lockwatch run: pid $lw; program: pid $prog ($(cat /proc/$prog/comm 2>/dev/null))"
gone "$prog" && fail "the program is not running before the kill"

kill -KILL $lw
wait $lw 2>/dev/null
for _ in $(seq 1 500); do
	gone "$prog" && break
	sleep 0.02
done
if ! gone "$prog"; then
	kill -KILL "$prog" 2>/dev/null
	fail "the program (pid $prog) outlived kill -9 of lockwatch run by 10 s: orphaned"
fi
left=$(ls "$TMPDIR")
[ -n "$left" ] || fail "the killed run left no files: nothing to check"
echo "left by the killed run: $left"
mkdir -p "$TMPDIR/lockwatch-run-1-999999-keep" # another namespace's: kept
"$LW" run -- /bin/true || fail "the next run failed"
ls "$TMPDIR"
[ "$(ls "$TMPDIR")" = "lockwatch-run-1-999999-keep" ] ||
	fail "the next run left the killed run's files: $(ls "$TMPDIR" | tr '\n' ' ')"
echo "PASS"
