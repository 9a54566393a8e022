#!/usr/bin/env bash
# icount.sh - instructions per lock+unlock, counted by callgrind (exact and
# repeatable, unlike time on a noisy machine): plain pthreads, the wrapper
# API, the force-included header and the preload library, on one mutex in
# a process that has started a thread, then in one that never does. Each
# form runs a loop of 100,000
# and of 200,000 iterations; the difference over 100,000 is the count.
# usage: tools/bench/icount.sh [BUILD_DIR]   (default: build, after tools/demo.sh)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
b=$(cd "${1:-$top/build}" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
src=$top/tools/bench/icount.c
cc -O2 -g "$src" -o "$t/plain" -pthread
cc -O2 -g -DWRAP -I"$top/include" "$src" -o "$t/wrap" -L"$b/lib" -llockwatch -Wl,-rpath,"$b/lib" -pthread
cc -O2 -g -include lockwatch/pthread.h -I"$top/include" "$src" -o "$t/hdr" -L"$b/lib" -llockwatch -Wl,-rpath,"$b/lib" -pthread
# watchdog_ms=10000: no watchdog look (nor libunwind's set-up before the
# first) in either run, whose lengths differ: they are not the fast path
count() { # preload prog n [st]
	env LOCKWATCH_OPTIONS=watchdog_ms=10000 ${1:+LD_PRELOAD=$1} valgrind --tool=callgrind \
		--callgrind-out-file=/dev/null "$2" "$3" ${4:-} 2>&1 | sed -n 's/.*Collected : //p'
}
for st in "" st; do
[ -n "$st" ] && echo "never-threaded process:"
for form in plain wrapper header preload; do
	pre=
	case $form in
	plain) prog=$t/plain ;;
	wrapper) prog=$t/wrap ;;
	header) prog=$t/hdr ;;
	preload) prog=$t/plain pre=$b/lib/liblockwatch-preload.so ;;
	esac
	a=$(count "$pre" "$prog" 100000 $st)
	c=$(count "$pre" "$prog" 200000 $st)
	echo "$form $(((c - a) / 100000)) instructions per lock+unlock"
done
done
