#!/usr/bin/env bash
# bench_compare.sh - lockwatch against ThreadSanitizer and Helgrind, on the
# same benchmark program (tools/bench/bench.c), as one markdown table.
#
#   tools/bench_compare.sh [--build DIR] [--quick] [--helgrind-scale F]
#                          [--helgrind-edge-n S,L] [--timeout S]
#                          [-- EXTRA BENCH OPTIONS]
#
# Builds nothing of lockwatch: it needs an existing build (default: build/
# next to this script's directory) with bin/lockwatch-bench-plain,
# bin/lockwatch-bench-wrapper and lib/liblockwatch-preload.so. It runs
#   plain     lockwatch-bench-plain --child
#   wrapper   lockwatch-bench-wrapper --child
#   preload   LD_PRELOAD=liblockwatch-preload.so lockwatch-bench-plain --child
#   TSan      bench.c compiled plain with -fsanitize=thread into a temporary
#             directory, run with TSAN_OPTIONS=detect_deadlocks=1
#   Helgrind  valgrind --tool=helgrind lockwatch-bench-plain --child
#             --iters-scale F (default 0.25: 20 ms repetitions), under
#             timeout S (default 120); the graphs are as for the others
#             unless --helgrind-edge-n S,L makes them smaller (Helgrind
#             needs about 30 s and 600 MB for 100,000 locks)
# A peer whose tool is not installed is skipped ("skipped: not installed").
# Every row is ns per operation with its ratio to plain; the memory rows
# are RSS growth beyond plain's for the same work (for TSan and Helgrind
# that is the tool's own shadow state). Exit status: 0 when the lockwatch
# forms and plain ran, 1 otherwise (a peer that fails is only reported).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$root/build
quick=
hg_scale=0.25
hg_timeout=120
hg_edges=()
extra=()

while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--quick) quick=--quick; shift ;;
	--helgrind-scale) hg_scale=$2; shift 2 ;;
	--helgrind-edge-n) hg_edges=(--edge-n "$2"); shift 2 ;;
	--timeout) hg_timeout=$2; shift 2 ;;
	--) shift; extra=("$@"); break ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench_compare.sh: bad argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done

plain_bin=$build/bin/lockwatch-bench-plain
wrapper_bin=$build/bin/lockwatch-bench-wrapper
preload_lib=$build/lib/liblockwatch-preload.so
src=$here/bench/bench.c
for f in "$plain_bin" "$wrapper_bin" "$preload_lib" "$src"; do
	if [ ! -e "$f" ]; then
		echo "bench_compare.sh: $f is missing: build first (cd build && cmake .. && make)" >&2
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lw-bench-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
opts=(--child $quick "${extra[@]}")
declare -A status note

# run NAME COMMAND...: stdout to $tmp/NAME.out, stderr to $tmp/NAME.err
run() {
	local name=$1; shift
	local t0=$SECONDS
	"$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	local rc=$?
	if [ $rc -eq 0 ] && grep -q '^done' "$tmp/$name.out"; then
		status[$name]=ok
	elif [ $rc -eq 124 ]; then
		status[$name]="timeout after ${hg_timeout} s"
	else
		status[$name]="failed (status $rc)"
	fi
	echo "bench_compare.sh: $name: ${status[$name]} in $((SECONDS - t0)) s" >&2
}

run plain env -u LD_PRELOAD "$plain_bin" "${opts[@]}"
run wrapper env -u LD_PRELOAD "$wrapper_bin" "${opts[@]}"
run preload env LD_PRELOAD="$preload_lib" "$plain_bin" "${opts[@]}"

# ThreadSanitizer: the plain benchmark, instrumented.
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
	status[tsan]="skipped: not installed (no C compiler)"
elif ! echo 'int main(void){return 0;}' >"$tmp/t.c" ||
	! "$cc" -fsanitize=thread "$tmp/t.c" -o "$tmp/t" >/dev/null 2>&1 || ! "$tmp/t"; then
	status[tsan]="skipped: not installed (no working -fsanitize=thread runtime)"
elif ! "$cc" -std=gnu11 -O2 -g -fsanitize=thread -pthread "$src" -o "$tmp/bench-tsan" \
	-ldl 2>"$tmp/tsan-build.err"; then
	status[tsan]="failed to compile (see below)"
	cat "$tmp/tsan-build.err" >&2
else
	run tsan env -u LD_PRELOAD TSAN_OPTIONS=detect_deadlocks=1 timeout 600 \
		"$tmp/bench-tsan" "${opts[@]}"
	note[tsan]="$(grep -c '^WARNING: ThreadSanitizer' "$tmp/tsan.err") TSan warnings"
fi

# Helgrind: the plain binary under valgrind, scaled down.
if ! command -v valgrind >/dev/null 2>&1; then
	status[helgrind]="skipped: not installed"
else
	run helgrind env -u LD_PRELOAD timeout "$hg_timeout" valgrind --tool=helgrind \
		"$plain_bin" "${opts[@]}" --iters-scale "$hg_scale" "${hg_edges[@]}"
	note[helgrind]="$(grep -o 'ERROR SUMMARY: [0-9]* errors' "$tmp/helgrind.err" |
		sed 's/ERROR SUMMARY: //') reported; --iters-scale $hg_scale"
fi

# ---- the table ----------------------------------------------------------
# val NAME KEY: the value of "row KEY v" (or "meta KEY v") in NAME's output
val() {
	[ -f "$tmp/$1.out" ] || return 0
	awk -v k="$2" '($1 == "row" || $1 == "meta") && $2 == k { print $3; exit }' "$tmp/$1.out"
}
# mem NAME KIND: "count bytes" of the "mem KIND" line
mem() {
	[ -f "$tmp/$1.out" ] || return 0
	awk -v k="$2" '$1 == "mem" && $2 == k { print $3, $4; exit }' "$tmp/$1.out"
}

peers=(plain wrapper preload tsan helgrind)
nsmall=$(val plain edge_small_n)
nlarge=$(val plain edge_large_n)
rows=(single "lock+unlock, 1 thread"
	nested "nested A,B lock+unlock, 1 thread"
	rwread "rwlock read lock+unlock, 1 thread"
	two_own "2 threads, own lock each (per thread)"
	two_shared "2 threads, one shared lock (per thread)"
	edge_small_p50 "new edge p50, ${nsmall:-?} locks"
	edge_small_p99 "new edge p99, ${nsmall:-?} locks"
	edge_large_p50 "new edge p50, ${nlarge:-?} locks"
	edge_large_p99 "new edge p99, ${nlarge:-?} locks")

fmt() { awk -v v="$1" 'BEGIN { if (v >= 100) printf "%.0f", v; else printf "%.1f", v }'; }

echo
echo "lockwatch vs ThreadSanitizer vs Helgrind: ns per operation (x = ratio to plain)"
hg_ms=$(val helgrind time_ms)
echo "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) CPUs; median of" \
	"$(val plain reps) repetitions of ~$(val plain time_ms) ms${hg_ms:+ (Helgrind: ~$hg_ms ms)}"
echo
echo "| row | plain | lockwatch (wrapper) | lockwatch (preload) | TSan | Helgrind |"
echo "|---|---:|---:|---:|---:|---:|"
for ((i = 0; i < ${#rows[@]}; i += 2)); do
	key=${rows[i]} label=${rows[i + 1]}
	base=$(val plain "$key")
	line="| $label |"
	for p in "${peers[@]}"; do
		v=$(val "$p" "$key")
		if [ "${status[$p]:-}" != ok ] && [ -z "$v" ]; then
			st=${status[$p]:-n/a}
			line+=" ${st%%[: ]*} |"
		elif [ -z "$v" ]; then
			line+=" n/a |"
		elif [ "$p" = plain ] || [ -z "$base" ]; then
			line+=" $(fmt "$v") |"
		else
			cell="$(fmt "$v") ($(awk -v a="$v" -v b="$base" 'BEGIN { printf "%.2fx", a / b }'))"
			# a peer that ran a smaller large graph says so
			n=$(val "$p" edge_large_n)
			if [[ $key == edge_large* ]] && [ -n "$n" ] && [ "$n" != "$nlarge" ]; then
				cell+=" [$n locks]"
			fi
			line+=" $cell |"
		fi
	done
	echo "$line"
done
# memory: bytes beyond plain's growth for the same work
for kind in locks edges; do
	read -r pn pb <<<"$(mem plain $kind)"
	line="| memory per ${kind%s}, B (RSS growth beyond plain) |"
	for p in "${peers[@]}"; do
		read -r n b <<<"$(mem "$p" $kind)"
		if [ -z "${n:-}" ] || [ -z "${pb:-}" ]; then
			st=${status[$p]:-n/a}
			line+=" ${st%%[: ]*} |"
			continue
		fi
		if [ "$p" = plain ]; then
			line+=" $(awk -v b="$b" -v n="$n" 'BEGIN { printf "%.0f (own)", b / n }') |"
		else
			# plain's growth scaled to this peer's count (Helgrind runs fewer)
			line+=" $(awk -v b="$b" -v n="$n" -v pb="$pb" -v pn="$pn" \
				'BEGIN { printf "%.0f", (b - pb * n / pn) / n }')"
			[ "$n" != "$pn" ] && line+=" [$n ${kind}]"
			line+=" |"
		fi
		unset n b
	done
	echo "$line"
done
echo
for p in "${peers[@]}"; do
	echo "- $p: ${status[$p]:-n/a}${note[$p]:+ (${note[$p]})}"
done
echo "- memory: RSS (/proc/self/statm) growth while creating the large graph's locks and"
echo "  then its edges; under Helgrind it is the whole valgrind process"

fail=0
for p in plain wrapper preload; do
	[ "${status[$p]}" = ok ] || fail=1
done
exit $fail
