#!/usr/bin/env bash
# icount_rows.sh - instructions per operation of the benchmark's many-lock
# rows (tools/bench/scale.c), counted by callgrind: each row's body run
# exactly N1 and N2 times (--count, no calibration) in one form; the
# difference over N2-N1 is the count (table set-up and first touches cancel
# out). Per lock+unlock for the tables, per pair for striped, per item for
# the fan-outs.
# usage: [N1=100000 N2=300000] [FORMS="plain preload"] tools/bench/icount_rows.sh
#        [BUILD_DIR] [ROWS...]
#   (default: build; table_16 table_64 table_1k table_100k striped fanout_256
#   fanout_16k)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
b=$(cd "${1:-$top/build}" && pwd)
shift || true
rows=${*:-table_16 table_64 table_1k table_100k try_1k coupling striped fanout_256 fanout_16k}
n1=${N1:-100000} n2=${N2:-300000}
# watchdog_ms=10000: no watchdog look (nor libunwind's set-up before the
# first) in either run, whose lengths differ: they are not the fast path
count() { # preload prog row n
	env LOCKWATCH_OPTIONS=watchdog_ms=10000 ${1:+LD_PRELOAD=$1} valgrind --tool=callgrind \
		--callgrind-out-file=/dev/null "$2" --child --only "$3" --count "$4" 2>&1 >/dev/null |
		sed -n 's/.*Collected : //p'
}
forms=${FORMS:-plain wrapper header preload}
printf '%-12s' row; printf ' %8s' $forms; echo
for row in $rows; do
	line=$(printf '%-12s' "$row")
	for form in $forms; do
		pre=
		case $form in
		plain) prog=$b/bin/lockwatch-bench-plain ;;
		wrapper) prog=$b/bin/lockwatch-bench-wrapper ;;
		header) prog=$b/bin/lockwatch-bench-header ;;
		preload) prog=$b/bin/lockwatch-bench-plain pre=$b/lib/liblockwatch-preload.so ;;
		esac
		a=$(count "$pre" "$prog" "$row" $n1)
		c=$(count "$pre" "$prog" "$row" $n2)
		line+=$(printf ' %8d' $(((c - a) / (n2 - n1))))
	done
	echo "$line"
done
