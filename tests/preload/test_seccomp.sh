#!/bin/bash
# test_seccomp.sh - a program in a sandbox whose seccomp filter refuses
# unshare (no_fds.c with `keep`: a holder asleep holding a lock while two
# threads wait for it, started by seccomp_exec.c): lockwatch's reader
# thread cannot make its own descriptor table there, so libunwind is set
# up at the program's start, as the watchdog's reader does elsewhere. The
# long-hold report must show the holder's stack now, down to the
# function that sleeps holding the lock (read by libunwind's remote
# interface); output and status as natively. The same program without
# the filter (the set-up made by the reader) must say the same.
. "$(dirname "$0")/lib.sh"

"$LWP_BIN/seccomp_exec" "$LWP_BIN/no_fds" keep >native.out 2>native.err
rc=$?
[ "$rc" = 77 ] && skip "no seccomp filter can be set here"
[ "$rc" = 0 ] || fail "natively: status $rc"

for form in filtered plain; do
	if [ $form = filtered ]; then
		lw_run $form --hold-ms 300 -- "$LWP_BIN/seccomp_exec" "$LWP_BIN/no_fds" keep
	else
		lw_run $form --hold-ms 300 -- "$LWP_BIN/no_fds" keep
	fi
	expect_rc 0 "$form: a long hold is a warning"
	cmp -s native.out $form.out || fail "$form: stdout differs from the native run"
	expect_in $form.err "still held (threshold 300 ms); 2 threads waiting for it"
	sed -n '/doing now:/,/^$/p' $form.err >$form.now
	grep -q "#0 clock_nanosleep" $form.now && grep -q " holder " $form.now || {
		sed -n '1,40p' $form.err
		fail "$form: the holder's 'doing now' is not its sleep in holder()"
	}
	expect_in $form.err "lockwatch: 1 report, 0 errors (1 long_hold)"
done
echo "PASS"
