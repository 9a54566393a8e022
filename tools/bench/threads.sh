#!/usr/bin/env bash
# threads.sh - what many threads cost under lockwatch (issue 12): memory
# per thread (1,000 threads, a lock each, RSS over the native run) and the
# watchdog's CPU with 10,000 threads each holding a lock (percent of one
# core over 5 s; hold_ms=0, so no long-hold report is made), and with
# 1,000 threads waiting on a condition variable (an idle pool).
# usage: tools/bench/threads.sh [BUILD_DIR]   (default: build)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
b=$(cd "${1:-$top/build}" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cc -O2 -g "$top/tools/bench/threads.c" -o "$t/threads" -pthread
val() { sed -n "s/^row $1 //p"; }
native=$("$t/threads" 1000 free 0 | val threads_rss_kib)
under=$(LOCKWATCH_OPTIONS= "$b/bin/lockwatch" run -q -- "$t/threads" 1000 free 0 | val threads_rss_kib)
echo "1,000 threads with a lock each: RSS native ${native} KiB, under lockwatch ${under} KiB:" \
	"$(( (under - native) / 1000 )) KiB per thread over native (target <= 16)"
cpu=$(LOCKWATCH_OPTIONS=hold_ms=0:wait_ms=0 "$b/bin/lockwatch" run -q -- "$t/threads" 10000 hold 5 |
	val watchdog_cpu_pct)
echo "10,000 threads each holding a lock: the watchdog uses ${cpu}% of one core (target < 5)"
cpu=$(LOCKWATCH_OPTIONS= "$b/bin/lockwatch" run -q -- "$t/threads" 1000 pool 5 | val watchdog_cpu_pct)
echo "1,000 threads waiting on a condition variable (an idle pool): the watchdog uses ${cpu}% of one core"
