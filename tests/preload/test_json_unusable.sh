#!/bin/bash
# test_json_unusable.sh - an unusable --json is refused before the program
# starts: status 2, one message naming the path and why, and the program
# not started (it would create a marker file). Before, each of these ran the
# program, printed its ERROR reports, then "no reports" and exit status 0:
#  - '' (empty), a directory, /dev/null (not a regular file), a /proc file
#    (regular, writable as root, every write EIO), a file in a directory
#    that does not exist (cannot be created).
. "$(dirname "$0")/lib.sh"

refused() { # refused NAME JSON WHY
	local name=$1 json=$2 why=$3
	lw_run "$name" --json "$json" -- /bin/sh -c 'touch "$0"; exec "$1"' "$PWD/$name.marker" \
		"$LWP_BIN/inversion"
	expect_rc 2 "--json '$json'"
	expect_in "$name.err" "$why" "the message for --json '$json'"
	[ "$json" = "" ] || expect_in "$name.err" "$json" "the message for --json '$json' (the path)"
	[ "$(grep -c . "$name.err")" -le 2 ] || fail "--json '$json': more than one message"
	[ ! -e "$name.marker" ] || fail "--json '$json': the program was started"
}
refused empty "" "empty"
mkdir adir
refused dir "$PWD/adir" "is a directory"
refused devnull /dev/null "not a regular file"
refused procfile /proc/version "is a /proc or /sys file"
refused missing "$PWD/no/such/dir/x.jsonl" "cannot be created"
# the same with the --json=VALUE form
lw_run eqform --json= -- /bin/sh -c 'touch "$0"' "$PWD/eqform.marker"
expect_rc 2 "--json="
[ ! -e eqform.marker ] || fail "--json=: the program was started"

# a usable one is still fine: a new file in an existing directory
lw_run ok --json "$PWD/adir/new.jsonl" -- "$LWP_BIN/inversion"
expect_rc 66 "--json adir/new.jsonl"
check adir/new.jsonl --expect lock_order_cycle:error:1 --total 1
echo "PASS"
