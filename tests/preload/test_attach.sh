#!/bin/bash
# test_attach.sh - `lockwatch attach [--json FILE] PID` on processes built
# and started without lockwatch. attach_abba.c really deadlocks: attach
# exits 66 with a deadlock report (text, and JSON that check_json.py
# validates) naming both locks (global symbols) and both threads'
# functions, and the process is left running, still deadlocked, traced by
# nobody and stopped nowhere (then the test kills it); so does
# attach_rw.c, through a write-held rwlock, attach_cxx.cpp, on two
# std::mutex (names demangled, inlined frames expanded, as a run shows
# them), attach_self.c, a worker
# waiting for a default mutex it holds (a self-deadlock), and
# attach_leader.c, a worker waiting for a mutex its main thread held when
# it ended with pthread_exit (read through the live thread: the kernel
# shows the process's maps and memory through /proc/PID as empty). A
# kernel thread is refused with status 2. attach_calls.c's
# threads wait in epoll_wait, sigtimedwait, recv with a timeout and
# semtimedop, which a stop would end with EINTR: attach leaves their
# stacks unread and none of those calls fails. attach_healthy.c is
# blocked everywhere but not for good: attach exits 0, writes no report,
# prints the held-locks dump (state_lock held by one thread, waited for by
# another), and the process then ends normally when told to. Bad command
# lines exit 2. When this machine forbids tracing the programs (Yama's
# ptrace_scope, no CAP_SYS_PTRACE) the test is skipped, saying why.
. "$(dirname "$0")/lib.sh"

pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done' EXIT

# in_syscalls PID N "NR...": wait (bounded) until at least N threads of
# PID are in one of the system calls NR (x86_64 numbers, as /proc shows).
in_syscalls() {
	local i n f nr
	for i in $(seq 400); do
		kill -0 "$1" 2>/dev/null || return 1
		n=0
		for f in /proc/"$1"/task/*/syscall; do
			read -r nr _ <"$f" 2>/dev/null || continue
			case " $3 " in *" $nr "*) n=$((n + 1)) ;; esac
		done
		[ "$n" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

# blocked PID N: at least N threads of PID in a futex wait (202).
blocked() { in_syscalls "$1" "$2" 202; }

# in_calls PID N: in epoll_wait, rt_sigtimedwait, recvfrom or semtimedop.
in_calls() { in_syscalls "$1" "$2" "232 128 45 220"; }

# untouched PID: no thread of PID is traced or stopped.
untouched() {
	local s
	grep -q '^TracerPid:[[:space:]]*0$' /proc/"$1"/status || fail "process $1 is still traced"
	for s in /proc/"$1"/task/*/stat; do
		case "$(sed 's/^.*) //' "$s" | cut -d' ' -f1)" in
		T | t) fail "a thread of process $1 is left stopped ($s)" ;;
		esac
	done
}

attach() { # NAME ARGS...: lockwatch attach ARGS, status in RC
	local name=$1
	shift
	RC=0
	"$LW" attach "$@" >"$name.out" 2>"$name.err" || RC=$?
	echo "--- lockwatch attach $* -> status $RC"
	sed -n '1,12p' "$name.out" | sed 's/^/  out: /'
	sed -n '1,12p' "$name.err" | sed 's/^/  err: /'
	if [ "$RC" = 1 ] && grep -q "cannot trace" "$name.err"; then
		skip "this machine does not let lockwatch trace the test program: $(head -1 "$name.err")"
	fi
}

# -- bad command lines ---------------------------------------------------
attach noarg
[ "$RC" = 2 ] || fail "attach without a PID: status $RC, expected 2"
attach notnum abc
[ "$RC" = 2 ] || fail "attach abc: status $RC, expected 2"
sleep 60 &
idle=$!
pids+=("$idle")
for bad in " $idle" "+$idle" "$idle "; do
	attach spaced "$bad"
	[ "$RC" = 2 ] || fail "attach '$bad': status $RC, expected 2 (not process $idle)"
	expect_in spaced.err "PID must be a process id"
done
true &
gone=$!
wait "$gone"
attach nopid "$gone"
[ "$RC" = 2 ] || fail "attach to a process that is gone: status $RC, expected 2"
expect_in nopid.err "no process"

# deadlocked NAME N WHAT CHECK...: start $LWP_BIN/attach_NAME, wait until
# N of its threads are in futex waits, attach with --json NAME.json: status
# 66, a JSON report that check_json.py CHECK... passes, and the process (in
# PID) left running, traced by nobody and stopped nowhere. WHAT is what it
# is, for the messages.
deadlocked() {
	local name=$1 n=$2 what=$3
	shift 3
	"$LWP_BIN/attach_$name" >"$name.prog" 2>&1 &
	PID=$!
	pids+=("$PID")
	if ! head -c 1 /proc/"$PID"/task/"$PID"/syscall >/dev/null 2>&1; then
		skip "cannot read /proc/$PID/task/*/syscall (ptrace access denied: ptrace_scope $(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo '?'))"
	fi
	blocked "$PID" "$n" || fail "attach_$name never blocked ($n threads in futex waits)"
	attach "$name" --json "$name.json" "$PID"
	[ "$RC" = 66 ] || fail "attach to $what: status $RC, expected 66"
	"$LWP_PYTHON" "$LWP_TOP/tests/check_json.py" "$name.json" "$@" ||
		fail "the report of $what (JSON) does not name its locks and functions as expected"
	untouched "$PID"
}

# ended PID: the test is done with process PID.
ended() {
	kill -9 "$1"
	wait "$1" 2>/dev/null
}

# -- a real ABBA deadlock --------------------------------------------------
deadlocked abba 3 "a deadlocked process" --expect deadlock:error:1 --count 1 \
	--lock lock_a --lock lock_b --func forward --func backward
abba=$PID
expect_in abba.out "lockwatch: ERROR: deadlock: "
expect_in abba.out "lock_a"
expect_in abba.out "lock_b"
expect_in abba.out "forward"
expect_in abba.out "backward"
kill -0 "$abba" 2>/dev/null || fail "the deadlocked process is gone after attach"
blocked "$abba" 3 || fail "the deadlocked process is no longer blocked as before"
expect_not_in abba.prog "not reached"
ended "$abba"

# -- a deadlock through a write-held rwlock -------------------------------
deadlocked rw 4 "a process deadlocked through a rwlock" --expect deadlock:error:1 --count 1 \
	--lock table_rw --lock stats_lock --func rebuild --func report
expect_in rw.out "waits for rwlock table_rw, held by thread"
ended "$PID"

# -- a C++ deadlock: names as C++ wrote them, inlined frames expanded ------
deadlocked cxx 3 "a deadlocked C++ process" --expect deadlock:error:1 --count 1 \
	--lock inventory::stock_mutex --lock inventory::ledger_mutex \
	--func "inventory::reserve()" --func "inventory::settle()" --func "std::mutex::lock()"
expect_in cxx.out "inventory::reserve()"
expect_in cxx.out "(inlined)"
expect_not_in cxx.out "_ZN9inventory"
ended "$PID"

# -- a self-deadlock: a worker takes a default mutex it holds ---------------
deadlocked self 2 "a self-deadlocked process" --expect self_deadlock:error:1 --count 1 \
	--lock config_lock --func reload --func apply
expect_in self.out "lockwatch: ERROR: self-deadlock: "
expect_in self.out "waits for a mutex it holds itself"
ended "$PID"

# -- a holder that is gone: the main thread ended with pthread_exit holding
# registry_lock; /proc/PID shows its maps and memory empty (a zombie) -----
deadlocked leader 1 "a process whose main thread exited holding a lock" \
	--expect deadlock:error:1 --count 1 --lock registry_lock --func publish
expect_in leader.out "waits for mutex registry_lock, held by thread $PID, which has exited"
expect_in leader.out "publish"
ended "$PID"

# -- a kernel thread: no user-space locks, a clear refusal -----------------
attach kthread 2
[ "$RC" = 2 ] || fail "attach to kthreadd (a kernel thread): status $RC, expected 2"
expect_in kthread.err "kernel thread"

# -- a healthy process -----------------------------------------------------
mkfifo healthy.in
"$LWP_BIN/attach_healthy" <healthy.in >healthy.prog 2>&1 &
healthy=$!
pids+=("$healthy")
exec 3>healthy.in
blocked "$healthy" 2 || fail "attach_healthy never blocked (2 threads in futex waits)"
attach healthy --json healthy.json "$healthy"
[ "$RC" = 0 ] || fail "attach to a healthy process: status $RC, expected 0"
"$LWP_PYTHON" "$LWP_TOP/tests/check_json.py" healthy.json --count 0 ||
	fail "a report for a healthy process"
expect_in healthy.out "no deadlock found"
expect_in healthy.out "waits for mutex state_lock, held by thread"
expect_in healthy.out "holds: state_lock"
expect_in healthy.out "sleeper"
expect_in healthy.out "listener"
untouched "$healthy"
echo go >&3
exec 3>&-
rc=0
wait "$healthy" || rc=$?
[ "$rc" = 0 ] || fail "the healthy process ended with status $rc after attach"
expect_in healthy.prog "done"

# -- a healthy process in calls a stop would end with EINTR ----------------
mkfifo calls.in
"$LWP_BIN/attach_calls" <calls.in >calls.prog 2>&1 &
calls=$!
pids+=("$calls")
exec 3>calls.in
in_calls "$calls" 4 || fail "attach_calls never blocked (4 threads in its calls)"
attach calls "$calls"
[ "$RC" = 0 ] || fail "attach to a healthy process in epoll_wait and others: status $RC, expected 0"
expect_in calls.out "no deadlock found"
expect_in calls.out "stopping the thread would end its epoll_wait with EINTR"
expect_in calls.out "stopping the thread would end its sigtimedwait with EINTR"
expect_in calls.out "in system call semtimedop"
untouched "$calls"
echo go >&3
exec 3>&-
rc=0
wait "$calls" || rc=$?
sed 's/^/  calls: /' calls.prog
[ "$rc" = 0 ] || fail "a call of the healthy process failed with EINTR after attach (status $rc)"
expect_in calls.prog "EINTR: epoll_wait 0, sigtimedwait 0, recv 0, semtimedop 0"
echo "attach: ok"
