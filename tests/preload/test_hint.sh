#!/bin/bash
# test_hint.sh - the hint (model/lock.h): lockwatch keeps the index of a
# lock's record in a word glibc leaves unused, only in a process-private
# mutex (not robust, PI or PP) and rwlock; every other lock's bytes stay as
# natively, every call's result too (hint_words.c prints both), no report;
# with --hint 0 the program sees exactly what it sees natively.
. "$(dirname "$0")/lib.sh"

"$LWP_BIN/hint_words" >native.out || fail "hint_words failed natively"
grep -q "private mutex: word zero" native.out || fail "natively the word is not zero"

lw_run on --json on.json -- "$LWP_BIN/hint_words"
expect_rc 0 "hint_words under lockwatch"
check on.json --total 0
expect_in on.out "private mutex: word set"
expect_in on.out "private rwlock: word set"
# every other line (the other locks, each call's result) as natively
diff <(grep -v '^private' native.out) <(grep -v '^private' on.out) ||
	fail "a lock other than a private mutex or rwlock changed, or a result did"

lw_run off --hint 0 --json off.json -- "$LWP_BIN/hint_words"
expect_rc 0 "hint_words under lockwatch --hint 0"
check off.json --total 0
diff native.out off.out || fail "--hint 0: the program saw its locks changed"

echo "PASS"
