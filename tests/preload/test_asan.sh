#!/bin/bash
# test_asan.sh - a program built with AddressSanitizer (it needs
# libasan.so.N) runs under `lockwatch run` as it runs natively: the ASan
# runtime must come first in the initial library list, so lockwatch puts it
# first in LD_PRELOAD, before its own library (and says so with --verbose).
#  - clean_exit built with -fsanitize=address: same output and status (3)
#    natively and under lockwatch run, no "does not come first" refusal, no
#    report;
#  - inversion built with -fsanitize=address: status 66 and the
#    lock_order_cycle error, as for the plain build.
# The programs are built here with the C compiler; without libasan the test
# is skipped (77).
. "$(dirname "$0")/lib.sh"
: "${LWP_CC:?}"

build() { # build NAME: NAME.c with ASan into ./NAME_asan, or skip
	"$LWP_CC" -fsanitize=address -fno-omit-frame-pointer -g -O1 -pthread \
		-o "$1_asan" "$LWP_SRC/$1.c" 2>cc.err || {
		cat cc.err
		skip "the toolchain cannot build with -fsanitize=address (no libasan)"
	}
}
build clean_exit
build inversion
RC=0
./clean_exit_asan >native.out 2>native.err || RC=$?
[ "$RC" = 3 ] || { cat native.err; skip "clean_exit_asan does not run natively (status $RC)"; }
readelf -d clean_exit_asan 2>/dev/null | grep NEEDED | sed 's/^/  /'

lw_run clean --json clean.json -- ./clean_exit_asan
expect_not_in clean.err "does not come first" "stderr of the ASan program"
expect_rc 3 "clean_exit_asan under lockwatch run"
cmp -s native.out clean.out || fail "output differs: native '$(cat native.out)', lockwatch '$(cat clean.out)'"
expect_not_in clean.err "lockwatch:" "stderr of a clean run (silent)"

# --verbose says what was put first
lw_run verbose --verbose 1 -- ./clean_exit_asan
expect_rc 3 "clean_exit_asan under lockwatch run --verbose"
expect_in verbose.err "libasan.so" "the verbose message"
expect_in verbose.err "first in LD_PRELOAD" "the verbose message"

lw_run inv --json inv.json -- ./inversion_asan
expect_not_in inv.err "does not come first" "stderr of the ASan program"
expect_rc 66 "inversion_asan under lockwatch run"
check inv.json --expect lock_order_cycle:error:1 --total 1 --kinds-only \
	--lock accounts_lock --lock ledger_lock --func f_transfer --func f_audit
expect_in inv.out "balance 0" "the program's output"

echo "PASS"
