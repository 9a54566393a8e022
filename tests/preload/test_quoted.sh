#!/bin/bash
# test_quoted.sh - option values may be quoted so that a path can hold a
# ':' (issue 14):
#  - LOCKWATCH_OPTIONS='json="DIR/a:b.jsonl":exitcode=66' under lockwatch
#    run: the cycle is in a:b.jsonl, the exit code applies (66), the
#    effective options (--verbose) show the path whole;
#  - --json and --log with a ':' (no quoting needed on the command line);
#  - the library alone (LD_PRELOAD, no run) reads the quoted value too;
#  - an unterminated quote: one message naming the option and the quote.
. "$(dirname "$0")/lib.sh"

LOCKWATCH_OPTIONS="json=\"$PWD/a:b.jsonl\":exitcode=67" lw_run env -v -- "$LWP_BIN/inversion"
expect_rc 67 "the exit code after a quoted value"
[ -s a:b.jsonl ] || fail "a:b.jsonl not written"
check a:b.jsonl --expect lock_order_cycle:error:1 --total 1
expect_in env.err "option json=$PWD/a:b.jsonl" "the effective options"
expect_not_in env.err "keeping the previous value"

lw_run flag --json c:d.jsonl --log e:f.log -- "$LWP_BIN/inversion"
expect_rc 66 "--json with a ':'"
check c:d.jsonl --expect lock_order_cycle:error:1 --total 1
expect_in e:f.log "lockwatch: ERROR: lock-order cycle" "the log with a ':' in its name"

RC=0
LD_PRELOAD="$LW_PRELOAD_SO" LOCKWATCH_OPTIONS="json='lib:x.jsonl':exitcode=68" \
	"$LWP_BIN/inversion" >lib.out 2>lib.err || RC=$?
LAST=lib
expect_rc 68 "the library alone, a quoted json"
check lib:x.jsonl --expect lock_order_cycle:error:1 --total 1

RC=0
LD_PRELOAD="$LW_PRELOAD_SO" LOCKWATCH_OPTIONS='hold_ms=100:json="oops.jsonl:exitcode=1' \
	"$LWP_BIN/clean_exit" >unterm.out 2>unterm.err || RC=$?
LAST=unterm
expect_rc 3 "a clean program (status 3) with an unterminated quote in its options"
expect_in unterm.err "option json: unterminated double quote in value \"oops.jsonl:exitcode=1; keeping the previous value"
echo "PASS"
