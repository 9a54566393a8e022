#!/usr/bin/env bash
# floor.sh - how close lockwatch's fast path is to the least a held-stack
# checker must do: the benchmark's child (plain pthreads) run natively,
# under the floor libraries (tools/bench/floor.c, levels 0-3: the
# interposition alone; a held entry pushed and popped; and a waiting mark;
# and an owner word; level 4: no held array, a held list threaded through
# the mutexes; level 5: one word per thread, the lock taken last; level 6:
# nothing recorded, the lock call made and not jumped to; level 7: level
# 1's entry pushed before a jump to the call, no result seen) and under
# lockwatch's preload library, the forms alternating, N rounds; prints
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
for level in 0 1 2 3 4 5 6 7; do
	cc -O2 -fPIC -shared -DFLOOR_LEVEL=$level "$top/tools/bench/floor.c" \
		-o "$t/floor$level.so" -ldl
done
forms="plain floor0 floor6 floor7 floor1 floor2 floor3 floor4 floor5 lockwatch"
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
echo "fastest of $rounds rounds, ns per lock+unlock (ratio to plain):"
echo "  floor0: the call passed on (a jump); floor6: the call made, its result returned;"
echo "  floor7: a held entry pushed before a jump to the call (no result seen);"
echo "  floor1: floor6 + a held entry pushed after it and popped;"
echo "  floor2: + waiting marked around the lock call; floor3: + an owner word;"
echo "  floor4: no held array: owner and a link to the lock below in the mutex"
echo "  floor5: one word per thread, the lock taken last"
awk -v forms="$forms" '
	{ k = $1 SUBSEP $2; if (!(k in best) || $3 < best[k]) best[k] = $3; if (!($2 in seen)) { seen[$2] = 1; order[++nr] = $2 } }
	END {
		nf = split(forms, f, " ")
		for (r = 1; r <= nr; r++) {
			line = sprintf("%-10s", order[r]); p = best["plain", order[r]]
			for (i = 1; i <= nf; i++)
				line = line sprintf(" %s %.2f (%.2fx)", f[i], best[f[i], order[r]], best[f[i], order[r]] / p)
			print line
		}
	}' "$t/runs"
