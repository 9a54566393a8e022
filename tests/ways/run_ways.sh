#!/bin/bash
# run_ways.sh - one small program, run natively and in every way in, its
# output and exit status compared with the native run, and the reports of
# each way checked against the same expectations.
#
# usage: run_ways.sh PYTHON CHECK_JSON LOCKWATCH WORKDIR NATIVE WRAPPER HEADER
#                    -- [check_json.py expectations...]
# NATIVE is the program built plainly, WRAPPER with the wrapper API
# (tests/as_wrapper.h), HEADER with the force-included header. The ways:
#   wrapper, header      LOCKWATCH_OPTIONS=json=F:exitcode=66
#   preload              lockwatch run --json F -- NATIVE
#   header+run           lockwatch run --json F -- HEADER (a debug build in CI)
# Each way must print exactly what the native run printed, and exit with
# the native status when no error is expected, else 66. Environment:
# WAYS_SKIP="header+run ..." leaves ways out (say why in the test);
# WAYS_PRELOAD=LIB runs everything, the native run too, with LIB (a library
# name as LD_PRELOAD takes it, such as another allocator) preloaded first,
# as `LD_PRELOAD=LIB lockwatch run ...` would; exit 77 (skipped) when LIB
# cannot be preloaded here; WAYS_OPTIONS=key=value:... adds lockwatch
# options in every way; WAYS_STDERR=FILE sends every way's standard error
# there (/dev/full: an error must still reach the exit status), and
# WAYS_STDERR=closed-pipe to a pipe nobody reads (`prog 2>&1 | head`
# once head has gone: the program must not die of SIGPIPE for lockwatch's
# writes);
# WAYS_NO_JSON=1: the program's own limits keep the JSON file from being
# written (RLIMIT_FSIZE): the expectations only set the status;
# WAYS_LOG="N=TEXT|+=TEXT|..." checks each way's log (its stderr): exactly N
# lines contain TEXT, or (+) at least one does.
set -u
py=$1 checker=$2 lw=$3 work=$4 native=$5 wrapper=$6 header=$7
shift 7
[ "${1:-}" = "--" ] && shift
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
chmod 1777 "$work" # a program may take a user id of its own (nproc_watchdog.c)
if [ -n "${WAYS_PRELOAD:-}" ]; then
	if [ -n "$(LD_PRELOAD=$WAYS_PRELOAD /bin/true 2>&1)" ]; then
		echo "SKIP: $WAYS_PRELOAD cannot be preloaded here (not installed?)"
		exit 77
	fi
	export LD_PRELOAD=$WAYS_PRELOAD
	echo "everything runs with LD_PRELOAD=$LD_PRELOAD"
fi
fails=0

# every run is bounded: a hang fails as status 124, not as the test's timeout
limit() {
	timeout -k 5 "${WAYS_TIMEOUT:-30}" "$@"
}

# closed_pipe COMMAND...: COMMAND with its standard error a pipe whose
# reading end is closed; its status (128+N when signal N killed it)
closed_pipe() {
	"$py" -c 'import os, subprocess, sys
r, w = os.pipe()
os.close(r)
rc = subprocess.run(sys.argv[1:], stderr=w).returncode
sys.exit(128 - rc if rc < 0 else rc)' "$@"
}

limit "$native" >native.out 2>native.err
native_rc=$?
echo "native: status $native_rc"
# Every way is compared with the native run, so that run must be a correct
# one: a program killed or hung natively, or refused by the sanitizer runtime,
# would make every way "agree" by failing the same way.
if grep -q "runtime does not come first" native.err; then
	echo "SKIP: the sanitizer build cannot run with ${LD_PRELOAD:-a library} preloaded first"
	exit 77
fi
if [ "$native_rc" = 77 ]; then
	echo "SKIP: the program cannot run here: $(head -1 native.out)"
	exit 77
fi
if [ "$native_rc" -gt 128 ] || [ "$native_rc" = 124 ]; then
	echo "FAIL: the program itself dies or hangs natively (status $native_rc): nothing to compare"
	sed -n '1,15p' native.err
	exit 1
fi
want_error=0
for a in "$@"; do
	case $a in *:error:0) ;; *:error:*) want_error=1 ;; esac
done

way() { # name command...
	local name=$1
	shift
	case " ${WAYS_SKIP:-} " in *" $name "*) echo "$name: skipped"; return ;; esac
	rm -f "$name.jsonl"
	if [ "${WAYS_STDERR:-}" = closed-pipe ]; then
		limit bash -c "$(declare -f closed_pipe); py=$py closed_pipe \"\$@\"" closed_pipe "$@" \
			>"$name.out" 2>"$name.err"
	else
		limit "$@" >"$name.out" 2>"${WAYS_STDERR:-$name.err}"
	fi
	local rc=$? want=$native_rc
	[ $rc = 124 ] && echo "FAIL: $name: still running after ${WAYS_TIMEOUT:-30} s (hung?)"
	[ $want_error = 1 ] && want=66
	if ! cmp -s native.out "$name.out"; then
		echo "FAIL: $name: output differs from the native run:"
		diff native.out "$name.out" | head -10
		fails=$((fails + 1))
	fi
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL: $name: status $rc, expected $want"
		sed -n '1,15p' "$name.err"
		fails=$((fails + 1))
	fi
	if [ -n "${WAYS_NO_JSON:-}" ]; then
		: # the program's own limits keep every process from writing it
	elif ! "$py" "$checker" "$name.jsonl" "${EXPECT[@]}" >"$name.check" 2>&1; then
		echo "FAIL: $name: reports:"
		sed -n '1,20p' "$name.check"
		fails=$((fails + 1))
	fi
	local want_log n text got
	local IFS='|'
	for want_log in ${WAYS_LOG:-}; do
		n=${want_log%%=*} text=${want_log#*=}
		got=$(grep -cF -- "$text" "$name.err")
		if [ "$n" = + ] && [ "$got" -gt 0 ] || [ "$n" = "$got" ]; then
			continue
		fi
		echo "FAIL: $name: $got log line(s) contain '$text', expected $n"
		fails=$((fails + 1))
	done
	unset IFS
	echo "$name: status $rc"
}
EXPECT=("$@")
opts=${WAYS_OPTIONS:+:$WAYS_OPTIONS}
LOCKWATCH_OPTIONS="json=$work/wrapper.jsonl:exitcode=66$opts" way wrapper "$wrapper"
LOCKWATCH_OPTIONS="json=$work/header.jsonl:exitcode=66$opts" way header "$header"
LOCKWATCH_OPTIONS=${WAYS_OPTIONS:-} way preload "$lw" run --json "$work/preload.jsonl" -- "$native"
LOCKWATCH_OPTIONS=${WAYS_OPTIONS:-} way header+run "$lw" run --json "$work/header+run.jsonl" -- "$header"
[ $fails -eq 0 ] && echo "all ways agree"
exit $((fails > 0))
