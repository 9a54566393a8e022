#!/bin/bash
# test_tsan_exit.sh - a ThreadSanitizer program whose threads take many
# locks and end (tsan_exit.c) runs as natively: the same output, status 0,
# no TSan warning. Before, each such thread, at its end, freed libunwind's
# per-thread cache from a thread-specific destructor that takes a pthread
# mutex, which reached TSan's interceptor after TSan had finished the
# thread: SIGSEGV in TSan's runtime (139), under `lockwatch run` and in the
# header way alike. Without libtsan the test is skipped (77).
. "$(dirname "$0")/lib.sh"
: "${LWP_CC:?}" "${LW_SHARED_SO:?}" "${LWP_TOP:?}"

"$LWP_CC" -fsanitize=thread -g -O1 -pthread -o tsan_exit "$LWP_SRC/tsan_exit.c" 2>cc.err || {
	cat cc.err
	skip "the toolchain cannot build with -fsanitize=thread (no libtsan)"
}
RC=0
./tsan_exit >native.out 2>native.err || RC=$?
[ "$RC" = 0 ] && ! grep -q "^WARNING: ThreadSanitizer" native.err || {
	sed -n '1,20p' native.err
	skip "tsan_exit does not run cleanly natively with TSan (status $RC)"
}

# Compare a way's status, output and TSan warnings with the native run's.
same_as_native() { # name status
	[ "$2" = 0 ] || { sed -n '1,30p' "$1.err" >&2; fail "$1: status $2, natively 0"; }
	cmp -s native.out "$1.out" || fail "$1: output '$(cat "$1.out")', natively '$(cat native.out)'"
	if grep -q "^WARNING: ThreadSanitizer" "$1.err"; then
		sed -n '1,30p' "$1.err" >&2
		fail "$1: a TSan warning, natively none"
	fi
}

lw_run pre -- ./tsan_exit
same_as_native pre "$RC"

tsan_header_build tsan_exit_hdr "$LWP_SRC/tsan_exit.c" || fail "cannot build the header form"
RC=0
./tsan_exit_hdr >hdr.out 2>hdr.err || RC=$?
same_as_native hdr "$RC"

echo "PASS"
