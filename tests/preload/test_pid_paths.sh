#!/bin/bash
# test_pid_paths.sh - %p in the json and log paths gives one file per
# process (the pid of the process writing), and a relative path is taken
# where the program started, not where it chdir()s later: under
# `lockwatch run` and in library mode (a header build, LOCKWATCH_OPTIONS).
. "$(dirname "$0")/lib.sh"
prog=$LWP_BIN/pid_paths
mkdir -p elsewhere logs

# 1. lockwatch run: parent and child each write their own JSON and log
lw_run pp --json "$LWP_WORK/logs/r.%p.jsonl" --log "$LWP_WORK/logs/l.%p.txt" -- "$prog"
expect_rc 66
files=$(ls logs/r.*.jsonl 2>/dev/null | wc -l)
[ "$files" -eq 2 ] || fail "expected 2 JSON files (parent, child), got $files: $(ls logs)"
for f in logs/r.*.jsonl; do
	pid=${f#logs/r.}; pid=${pid%.jsonl}
	check "$f" --expect lock_order_cycle:error:1 --total 1 --pid "$pid" ||
		fail "$f: not one cycle made by process $pid"
	[ -s "logs/l.$pid.txt" ] || fail "no log file for process $pid"
done
[ ! -e "logs/r.%p.jsonl" ] || fail "a file named with a literal %p was written"

# 2. library mode: a relative json path with %p, and the program chdirs
inc=$LWP_TOP/include libdir=$(dirname "$LW_SHARED_SO")
"$LWP_CC" -g -include lockwatch/pthread.h -I"$inc" "$LWP_SRC/pid_paths.c" -o hdr_prog \
	-L"$libdir" -llockwatch -Wl,-rpath,"$libdir" -pthread || fail "cannot build the header form"
rm -f logs/*
(cd logs && LOCKWATCH_OPTIONS="json=h.%p.jsonl" ../hdr_prog ../elsewhere >../hdr.out 2>../hdr.err)
[ "$(cat hdr.out)" = done ] || fail "the header form printed '$(cat hdr.out)'"
n=$(ls logs/h.*.jsonl 2>/dev/null | wc -l)
[ "$n" -eq 2 ] || fail "library mode: expected 2 JSON files in the start directory, got $n (elsewhere: $(ls elsewhere))"
for f in logs/h.*.jsonl; do
	check "$f" --expect lock_order_cycle:error:1 --total 1 || fail "$f"
done
echo "pid_paths: ok"
