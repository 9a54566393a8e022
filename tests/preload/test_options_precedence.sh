#!/bin/bash
# test_options_precedence.sh - under `lockwatch run` every option follows
# one rule: a flag over LOCKWATCH_OPTIONS from the environment over the
# default (run's defaults: exitcode 66, on_deadlock exit). Before, json,
# exitcode and on_deadlock from the environment were silently overridden:
#  - json: LOCKWATCH_OPTIONS=json=F puts the reports in F (a flag wins);
#  - exitcode: LOCKWATCH_OPTIONS=exitcode=70 makes the status 70 (a flag wins);
#  - on_deadlock: LOCKWATCH_OPTIONS=on_deadlock=abort aborts the program
#    (its status 134) instead of exiting it (a flag wins);
#  - log: honoured, and a flag wins;
#  - --verbose without a value (and -v) is verbose=1; --verbose=N and
#    --verbose N too; LOCKWATCH_OPTIONS=verbose=1 as well; the effective
#    options are printed once, and show the exitcode run will use (66
#    unless set);
#  - edges (the order line): 10000 with --json or json= (where the line is
#    kept), 0 otherwise unless asked for (it named every lock class at
#    exit for a temporary file that is then deleted unread);
#  - --help states the rule and lists -v.
. "$(dirname "$0")/lib.sh"
inv="$LWP_BIN/inversion"

# json
LOCKWATCH_OPTIONS=json=$PWD/env.jsonl lw_run ej -- "$inv"
expect_rc 66 "env json"
check env.jsonl --expect lock_order_cycle:error:1 --total 1
expect_in ej.err "JSON in $PWD/env.jsonl" "the summary (env json)"
LOCKWATCH_OPTIONS=json=$PWD/env2.jsonl lw_run fj --json flag.jsonl -- "$inv"
check flag.jsonl --expect lock_order_cycle:error:1 --total 1
[ ! -e env2.jsonl ] || fail "--json did not win over LOCKWATCH_OPTIONS json"
# a relative json in the environment is made absolute too
mkdir sub
LOCKWATCH_OPTIONS=json=rel.jsonl lw_run rj -- /bin/sh -c 'cd sub && exec "$0"' "$inv"
check rel.jsonl --expect lock_order_cycle:error:1 --total 1
# and refused when unusable
LOCKWATCH_OPTIONS=json=/dev/null lw_run nj -- "$inv"
expect_rc 2 "env json=/dev/null"
expect_in nj.err "/dev/null"

# exitcode
LOCKWATCH_OPTIONS=exitcode=70 lw_run ee -- "$inv"
expect_rc 70 "env exitcode=70"
LOCKWATCH_OPTIONS=exitcode=70 lw_run fe --exitcode 71 -- "$inv"
expect_rc 71 "--exitcode 71 over env exitcode=70"
LOCKWATCH_OPTIONS=exitcode=0 lw_run ze -- /bin/sh -c 'exec "$0"; exit 5' "$inv"
expect_rc 0 "env exitcode=0: the program's own status"

# on_deadlock
LOCKWATCH_OPTIONS=on_deadlock=abort lw_run ed -- "$LWP_BIN/deadlock"
expect_rc 66 "env on_deadlock=abort"
expect_in ed.err "program's was 134" "env on_deadlock=abort: the program aborted"
LOCKWATCH_OPTIONS=on_deadlock=abort lw_run fd --on-deadlock exit -- "$LWP_BIN/deadlock"
expect_rc 66 "--on-deadlock exit over env abort"
expect_in fd.err "program's was 66" "--on-deadlock exit over env abort"

# log
LOCKWATCH_OPTIONS=log=$PWD/env.log lw_run el -- "$inv"
expect_in env.log "lock-order cycle" "env log"
LOCKWATCH_OPTIONS=log=$PWD/env2.log lw_run fl --log flag.log -- "$inv"
expect_in flag.log "lock-order cycle" "--log over env log"
[ ! -e env2.log ] || fail "--log did not win over LOCKWATCH_OPTIONS log"

# verbose: each form prints the effective options once, exitcode as run uses it
verbose_ok() { # verbose_ok NAME EXITCODE
	expect_in "$1.err" "option verbose=1" "$1: verbose"
	expect_in "$1.err" "option exitcode=$2" "$1: the exitcode run uses"
	[ "$(grep -c 'option exitcode=' "$1.err")" = 1 ] || fail "$1: the options were printed more than once"
}
lw_run v1 --verbose -- "$inv"
expect_rc 66 "--verbose"
verbose_ok v1 66
lw_run v2 --verbose "$inv"
expect_rc 66 "--verbose PROGRAM"
verbose_ok v2 66
lw_run v3 -v --exitcode 70 -- "$inv"
expect_rc 70 "-v --exitcode 70"
verbose_ok v3 70
lw_run v4 --verbose=1 -- "$inv"
verbose_ok v4 66
lw_run v5 --verbose 1 -- "$inv"
verbose_ok v5 66
LOCKWATCH_OPTIONS=verbose=1 lw_run v6 -- /bin/sh -c 'exec "$0"' "$inv"
verbose_ok v6 66
LOCKWATCH_OPTIONS=verbose=1:exitcode=70 lw_run v7 -- "$inv"
expect_rc 70 "env verbose and exitcode"
verbose_ok v7 70
lw_run v8 --verbose=0 -- "$inv"
expect_not_in v8.err "option exitcode=" "--verbose=0"

# edges: the order line is made (every lock class named, at exit) only
# where it is kept: with --json (or json= in the environment), not for the
# temporary file run reads nothing from; asked for, it is made anyway
edges_is() { # edges_is NAME N
	expect_in "$1.err" "option edges=$2" "$1: edges=$2"
}
lw_run g1 -v -- /bin/true
edges_is g1 0
lw_run g2 -v --json g2.jsonl -- /bin/true
edges_is g2 10000
LOCKWATCH_OPTIONS=json=$PWD/g3.jsonl lw_run g3 -v -- /bin/true
edges_is g3 10000
lw_run g4 -v --edges 50 -- /bin/true
edges_is g4 50
LOCKWATCH_OPTIONS=edges=60 lw_run g5 -v -- /bin/true
edges_is g5 60

# --help states the rule
"$LW" --help >help.out
expect_in help.out "flags over LOCKWATCH_OPTIONS over the defaults" "--help"
grep -qE -- '^ +--verbose .*-v, --verbose' help.out || fail "--help does not list -v"
echo "PASS"
