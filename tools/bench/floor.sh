#!/usr/bin/env bash
# floor.sh - how close lockwatch's fast path is to the least a held-stack
# checker must do: the benchmark's child (plain pthreads) run natively,
# under the floor libraries (tools/bench/floor.c, levels 0-3: the
# interposition alone; a held entry pushed and popped; and a waiting mark;
# and an owner word; level 4: no held array, a held list threaded through
# the mutexes; level 5: one word per thread, the lock taken last; level 6:
# nothing recorded, the lock call made and not jumped to; level 7: level
# 1's entry pushed before a jump to the call, no result seen) and under
# lockwatch's preload library, the forms alternating, N rounds (for the
# malloc_free and free_near rows, the floors of free instead: free1, the
# call passed on; free2, one load of a page's counter first, unused;
# free3, the same load and its branch, no lock anywhere); prints
# the fastest ns per operation of each form and its ratio to plain's
# fastest, row by row. The environment passes through: LD_BIND_NOW=1
# measures a program bound at load.
# usage: tools/bench/floor.sh [ROUNDS [ROWS [BUILD_DIR]]]
#   (default 9 rounds, rows single,table_1k, build; after tools/demo.sh)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-9}
rows=${2:-single,table_1k}
b=$(cd "${3:-$top/build}" && pwd)
bench=$b/bin/lockwatch-bench-plain
pre=$b/lib/liblockwatch-preload.so
for f in "$bench" "$pre"; do
	[ -e "$f" ] || { echo "floor.sh: $f is missing: build first (tools/demo.sh)" >&2; exit 2; }
done
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
lockforms='' freeforms=''
for row in ${rows//,/ }; do
	case $row in
	malloc_free | free_near) freeforms="free1 free2 free3" ;;
	*) lockforms="floor0 floor6 floor7 floor1 floor2 floor3 floor4 floor5" ;;
	esac
done
for form in $lockforms $freeforms; do
	case $form in
	floor*) def=-DFLOOR_LEVEL=${form#floor} ;;
	free*) def=-DFLOOR_FREE=${form#free} ;;
	esac
	cc -O2 -fPIC -shared "$def" "$top/tools/bench/floor.c" -o "$t/$form.so" -ldl
done
forms="plain $lockforms $freeforms lockwatch"
for _ in $(seq "$rounds"); do
	for form in $forms; do
		case $form in
		plain) so= ;;
		lockwatch) so=$pre ;;
		*) so=$t/$form.so ;;
		esac
		env LOCKWATCH_OPTIONS= ${so:+LD_PRELOAD=$so} "$bench" --child --only "$rows" 2>/dev/null |
			awk -v f="$form" '$1 == "row" { print f, $2, $3 }'
	done
done >"$t/runs"
echo "fastest and median of $rounds rounds, ns per operation (ratio to plain's):"
echo "  floor0: the call passed on (a jump); floor6: the call made, its result returned;"
echo "  floor7: a held entry pushed before a jump to the call (no result seen);"
echo "  floor1: floor6 + a held entry pushed after it and popped;"
echo "  floor2: + waiting marked around the lock call; floor3: + an owner word;"
echo "  floor4: no held array: owner and a link to the lock below in the mutex"
echo "  floor5: one word per thread, the lock taken last"
echo "  (malloc_free, free_near) free1: free passed on (a jump); free2: one load of"
echo "  its page's counter first, unused; free3: that load and its branch"
# each form's runs of a row in order of time: the first is the fastest,
# the middle one the median
sort -k1,1 -k2,2 -k3,3g "$t/runs" | awk -v forms="$forms" '
	{ k = $1 SUBSEP $2; v[k, ++n[k]] = $3; if (!($2 in seen)) { seen[$2] = 1; order[++nr] = $2 } }
	END {
		nf = split(forms, f, " ")
		for (r = 1; r <= nr; r++) {
			row = order[r]; free = row ~ /^(malloc_free|free_near)$/
			pk = "plain" SUBSEP row; pf = v[pk, 1]; pm = v[pk, int((n[pk] + 1) / 2)]
			print row
			for (i = 1; i <= nf; i++) {
				if ((f[i] ~ /^floor/ && free) || (f[i] ~ /^free/ && !free))
					continue
				k = f[i] SUBSEP row; fa = v[k, 1]; me = v[k, int((n[k] + 1) / 2)]
				printf "  %-10s %7.2f (%.2fx)  median %7.2f (%.2fx)\n", f[i], fa, fa / pf, me, me / pm
			}
		}
	}'
