#!/usr/bin/env bash
# rows.sh - the benchmark's rows each way in, fastest of ROUNDS rounds: each
# round runs every form's child once (`lockwatch-bench-FORM --child`), the
# forms taking turns, so a busy spell of a shared machine hits every form
# alike; the fastest run of a row is its least disturbed. Prints ns per
# operation and the ratio to plain's fastest, row by row. The README's
# table of issue 12's targets comes from this (the full benchmark's medians
# swing 20-170% between repetitions on a shared 2-core machine).
# usage: tools/bench/rows.sh [ROUNDS [ROWS [BUILD_DIR]]]
#   (default 7 rounds; rows: every row of the targets table; build)
#   env FORMS (default "plain wrapper header preload")
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-7}
rows=${2:-single,single_st,nested,rwread,table_16,table_64,table_1k,table_100k,two_tables,striped,fanout_16k,two_shared,malloc_free,realloc_free,free_near}
b=$(cd "${3:-$top/build}" && pwd)
forms=${FORMS:-plain wrapper header preload}
for f in "$b/bin/lockwatch-bench-plain" "$b/lib/liblockwatch-preload.so"; do
	[ -e "$f" ] || { echo "rows.sh: $f is missing: build first (tools/demo.sh)" >&2; exit 2; }
done
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
for _ in $(seq "$rounds"); do
	for form in $forms; do
		so= prog=$b/bin/lockwatch-bench-$form
		if [ "$form" = preload ]; then
			so=$b/lib/liblockwatch-preload.so prog=$b/bin/lockwatch-bench-plain
		fi
		env LOCKWATCH_OPTIONS= ${so:+LD_PRELOAD=$so} "$prog" --child --only "$rows" 2>/dev/null |
			awk -v f="$form" '$1 == "row" { print f, $2, $3 }'
	done
done >"$t/runs"
echo "fastest of $rounds rounds, ns per operation (ratio to plain's fastest):"
awk -v forms="$forms" '
	{ k = $1 SUBSEP $2; if (!(k in best) || $3 < best[k]) best[k] = $3; if (!($2 in seen)) { seen[$2] = 1; order[++nr] = $2 } }
	END {
		nf = split(forms, f, " ")
		for (r = 1; r <= nr; r++) {
			line = sprintf("%-12s", order[r]); p = best["plain", order[r]]
			for (i = 1; i <= nf; i++)
				line = line sprintf(" %s %.1f (%.2fx)", f[i], best[f[i], order[r]], p > 0 ? best[f[i], order[r]] / p : 0)
			print line
		}
	}' "$t/runs"
