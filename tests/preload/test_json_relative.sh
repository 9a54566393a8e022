#!/bin/bash
# test_json_relative.sh - --json and --log given as relative paths name
# files in the directory `lockwatch run` was started in, for every process
# of the program's tree: here the program is a shell that changes directory
# and then execs the inversion program (whose lockwatch opens the files
# anew). Its lock_order_cycle error must land in ./rel.json (and its text
# in ./rel.log), be counted in the summary, and make the status 66; nothing
# may be written under sub/.
. "$(dirname "$0")/lib.sh"

mkdir sub
lw_run rel --json rel.json --log rel.log -- /bin/sh -c 'cd sub && exec "$0"' "$LWP_BIN/inversion"
[ ! -e sub/rel.json ] || echo "(the report went to sub/rel.json: the relative path was not made absolute)"
expect_rc 66 "an error reported by a program that changed directory"
check rel.json --expect lock_order_cycle:error:1 --total 1 --lock accounts_lock
expect_in rel.log "lock-order cycle" "./rel.log"
[ ! -e sub/rel.json ] && [ ! -e sub/rel.log ] || fail "files were written under sub/"

echo "PASS"
