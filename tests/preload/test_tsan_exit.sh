#!/bin/bash
# test_tsan_exit.sh - a ThreadSanitizer program whose threads take many
# locks and end (tsan_exit.c) runs as natively: the same output, status 0,
# no TSan warning. Before, each such thread, at its end, freed libunwind's
# per-thread cache from a thread-specific destructor that takes a pthread
# mutex, which reached TSan's interceptor after TSan had finished the
# thread: SIGSEGV in TSan's runtime (139), under `lockwatch run` and in the
# header way alike. And a TSan program that forks while its threads run,
# whose forking thread made no lock call before (ways/fork_first_lock.c):
# the child's first lock started lockwatch's watchdog there, and TSan
# killed the child ("starting new threads after multi-threaded fork",
# 66). Without libtsan the test is skipped (77).
. "$(dirname "$0")/lib.sh"
: "${LWP_CC:?}" "${LW_SHARED_SO:?}" "${LWP_TOP:?}"

# Compare a way's status, output and TSan warnings with the native run's
# (native.out, status 0, no warning).
same_as_native() { # name status
	[ "$2" = 0 ] || { sed -n '1,30p' "$1.err" >&2; fail "$1: status $2, natively 0"; }
	cmp -s native.out "$1.out" || fail "$1: output '$(cat "$1.out")', natively '$(cat native.out)'"
	if grep -q "^WARNING: ThreadSanitizer" "$1.err"; then
		sed -n '1,30p' "$1.err" >&2
		fail "$1: a TSan warning, natively none"
	fi
}

# check NAME SRC: SRC built with TSan runs cleanly natively (else the test
# is skipped), and the same under `lockwatch run` and in the header way.
check() {
	"$LWP_CC" -fsanitize=thread -g -O1 -pthread -o "$1" "$2" 2>cc.err || {
		cat cc.err
		skip "the toolchain cannot build with -fsanitize=thread (no libtsan)"
	}
	RC=0
	"./$1" >native.out 2>native.err || RC=$?
	[ "$RC" = 0 ] && ! grep -q "^WARNING: ThreadSanitizer" native.err || {
		sed -n '1,20p' native.err
		skip "$1 does not run cleanly natively with TSan (status $RC)"
	}
	lw_run "$1_run" -- "./$1"
	same_as_native "$1_run" "$RC"
	tsan_header_build "$1_hdr" "$2" || fail "$1: cannot build the header form"
	RC=0
	"./$1_hdr" >"$1_hdr.out" 2>"$1_hdr.err" || RC=$?
	same_as_native "$1_hdr" "$RC"
}

check tsan_exit "$LWP_SRC/tsan_exit.c"
# the fork (TSan's "thread leak" of the parent's threads, which it prints
# from a child now and then, natively too, is not what this checks)
export TSAN_OPTIONS=report_thread_leaks=0
check tsan_fork "$LWP_SRC/../ways/fork_first_lock.c"

echo "PASS"
