#!/bin/bash
# test_hang.sh - `lockwatch run --timeout SECONDS`: a program that hangs
# (hang_condwait.c: in two processes, a worker waits on a condition
# variable nobody signals holding state_lock, which main wants; a listener
# in read() keeps it from being a certain deadlock) ends with status 124
# and one hang report per process, naming both threads, the lock and the
# condition wait; every process of the tree is gone afterwards. A healthy
# program that ends before the time is up keeps its status. The option
# timeout without `lockwatch run` ends the process itself with 124.
. "$(dirname "$0")/lib.sh"

lw_run hang --timeout 2 --json hang.json -- "$LWP_BIN/hang_condwait"
expect_rc 124 "a hanging program under --timeout 2"
check hang.json --expect hang:error:2 --kinds-only --pids 2 --lock state_lock \
	--func worker --func update_state --headline-contains "cond"
expect_not_in hang.out "not reached"
expect_in hang.err "time limit"
"$LWP_PYTHON" - hang.json <<'PY' || fail "the hang reports do not show the threads"
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "kind" not in r:
        continue  # the order line
    ids = {l["name"]: l["id"] for l in r["locks"]}
    roles = {}
    for t in r["threads"]:
        roles.setdefault(t["role"], []).append(t)
    cond = roles.get("cond waiter", [])
    assert len(cond) == 1, ("one thread in a condition wait", r["headline"])
    assert ids["state_lock"] in cond[0]["held"], "the cond waiter holds state_lock"
    waiters = [t for t in roles.get("waiter", []) if t["lock"] == ids["state_lock"]]
    assert len(waiters) == 1, ("main waits for state_lock", r["headline"])
    assert waiters[0]["waits_for"] == [cond[0]["tid"]], "main waits for the worker"
    assert waiters[0]["state"] and "state_lock" in waiters[0]["state"]
    assert any(t["role"] == "in a system call" and "read" in (t["state"] or "")
               for t in r["threads"]), "the listener is in read()"
    for t in r["threads"]:
        assert t["now"] or t["now_note"], ("a current stack for every thread", t)
    print("pid %d: %d threads, ok" % (r["pid"], len(r["threads"])))
PY
for pid in $("$LWP_PYTHON" -c 'import json,sys; print(" ".join(sorted({str(json.loads(l)["pid"]) for l in open(sys.argv[1])})))' hang.json); do
	! kill -0 "$pid" 2>/dev/null || fail "process $pid of the hung tree is still running"
done

lw_run clean --timeout 60 -- "$LWP_BIN/clean_exit"
expect_rc 3 "a healthy program under --timeout 60"
expect_not_in clean.err "time limit"

# the option alone, in a process not started by `lockwatch run`
RC=0
timeout -s KILL 60 env LD_PRELOAD="$LW_PRELOAD_SO" \
	LOCKWATCH_OPTIONS="timeout=2:json=$LWP_WORK/alone.json" \
	"$LWP_BIN/hang_condwait" >alone.out 2>alone.err || RC=$?
LAST=alone
expect_rc 124 "option timeout=2 without lockwatch run"
expect_in alone.json '"kind":"hang"'
check alone.json --select hang --lock state_lock --func worker

# a program with one thread (no watchdog without timeout: issue 12) answers
lw_run single --timeout 1 --json single.json -- "$LWP_BIN/hang_single"
expect_rc 124 "a single-threaded program hung under --timeout 1"
check single.json --expect hang:error:1 --lock config_lock --func wait_forever
# a program whose main thread ended (pthread_exit) while a worker hangs:
# its first task is a zombie, yet the process lives on and must be ended
RC=0
timeout -s KILL 20 "$LW" run --timeout 1 --json gone.json -- "$LWP_BIN/hang_main_gone" \
	>gone.out 2>gone.err || RC=$?
LAST=gone
expect_rc 124 "a hung program whose main thread ended, under --timeout 1"
check gone.json --expect hang:error:1 --lock queue_lock --func drain_forever
# the worker waits for nothing: only what it does now is shown, no empty stack
expect_not_in gone.err "no stack recorded"
expect_in gone.err "drain_forever"
for pid in $("$LWP_PYTHON" -c 'import json,sys; print(" ".join(sorted({str(json.loads(l)["pid"]) for l in open(sys.argv[1]) if "kind" in json.loads(l)})))' gone.json); do
	[ -d "/proc/$pid" ] && fail "process $pid (its main thread gone) is still there"
done
echo "PASS"
