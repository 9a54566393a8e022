#!/bin/bash
# test_tsan.sh - lockwatch's own locking is invisible to ThreadSanitizer:
# a race TSan reports natively it reports under lockwatch too (tsan_race.c:
# between the racing accesses each thread takes a new mutex of its own,
# which lockwatch registers under its internal locks). Before, those were
# taken through the real pthread calls, which in a TSan program are TSan's
# interceptors: TSan saw a release in one thread and an acquire in the
# other that the program does not have, and hid the race (no warning,
# status 0).
#  - natively: the warning, status 66 (else the test is skipped);
#  - under `lockwatch run`: the same warning and status, the same output,
#    and no other warning (none of lockwatch's own code: TSan is told to
#    ignore it, base/mutex.h);
#  - the same in a forked child (lockwatch's fork steps in between);
#  - the header way (-include lockwatch/pthread.h, liblockwatch): the same.
# The programs are built here with the C compiler; without libtsan the test
# is skipped (77).
. "$(dirname "$0")/lib.sh"
: "${LWP_CC:?}" "${LW_SHARED_SO:?}" "${LWP_TOP:?}"

WARN="WARNING: ThreadSanitizer: data race"

"$LWP_CC" -fsanitize=thread -g -O1 -pthread -o tsan_race "$LWP_SRC/tsan_race.c" 2>cc.err || {
	cat cc.err
	skip "the toolchain cannot build with -fsanitize=thread (no libtsan)"
}
RC=0
./tsan_race >native.out 2>native.err || RC=$?
grep -qF "$WARN" native.err && [ "$RC" = 66 ] || {
	sed -n '1,20p' native.err
	skip "tsan_race does not run natively with TSan's report (status $RC)"
}

lw_run pre -- ./tsan_race
expect_in pre.err "$WARN" "TSan's output under lockwatch run"
expect_rc 66 "tsan_race under lockwatch run"
cmp -s native.out pre.out || fail "output differs: native '$(cat native.out)', lockwatch '$(cat pre.out)'"
# and no more of them: none in lockwatch's own code (its memset, mmap,
# read, ordered by its own locks, which TSan does not see)
n=$(grep -c "^WARNING: ThreadSanitizer" pre.err)
[ "$n" = 1 ] || { sed -n '1,60p' pre.err >&2; fail "$n TSan warnings under lockwatch run, natively 1"; }

# in a forked child: lockwatch's fork steps, which take and remake its
# mutexes, leave the child seen by TSan as natively
RC=0
./tsan_race fork >native_fork.out 2>native_fork.err || RC=$?
[ "$RC" = 66 ] || fail "tsan_race fork natively: status $RC, expected 66"
lw_run fork -- ./tsan_race fork
expect_rc 66 "tsan_race fork under lockwatch run"
n=$(grep -c "^WARNING: ThreadSanitizer: data race" fork.err)
[ "$n" = 1 ] || { sed -n '1,60p' fork.err >&2; fail "$n TSan warnings in the forked child, natively 1"; }

# the header way: the same library code, linked in
tsan_header_build tsan_race_hdr "$LWP_SRC/tsan_race.c" || fail "cannot build the header form"
RC=0
./tsan_race_hdr >hdr.out 2>hdr.err || RC=$?
echo "--- header way -> status $RC"
grep -qF "$WARN" hdr.err || { sed -n '1,40p' hdr.err >&2; fail "the header way: no '$WARN'"; }
[ "$RC" = 66 ] || fail "the header way: status $RC, expected 66"
n=$(grep -c "^WARNING: ThreadSanitizer" hdr.err)
[ "$n" = 1 ] || { sed -n '1,60p' hdr.err >&2; fail "$n TSan warnings in the header way, natively 1"; }
cmp -s native.out hdr.out || fail "header way output differs: '$(cat hdr.out)'"

echo "PASS"
