#!/bin/bash
# test_dot.sh - the picture: `lockwatch report --dot` renders with
# Graphviz, and --svg makes an SVG with both classes and the red cycle.
# Skipped (77) when Graphviz's dot is not installed; then --svg must say so.
set -u
: "${LW:?}" "${PROG:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK/suite" && cd "$WORK" || exit 1
fail() { echo "FAIL: $*" >&2; exit 1; }
for o in ab ba; do
	"$LW" run --json "$PWD/suite/t.%p.jsonl" -- "$PROG" $o >/dev/null 2>&1 || fail "two_orders $o"
done
if ! command -v dot >/dev/null; then
	"$LW" report suite --svg r.svg >/dev/null 2>r.err
	grep -q "dot\` is not installed" r.err || fail "--svg without Graphviz says nothing"
	echo "SKIP: Graphviz's dot is not installed"
	exit 77
fi
"$LW" report suite --dot r.dot --svg r.svg >/dev/null
[ $? = 66 ] || fail "status"
dot -Tsvg r.dot -o direct.svg || fail "dot cannot render the DOT"
for s in ledger_lock accounts_lock take_second '#ff0000\|red'; do
	grep -q "$s" r.svg || fail "r.svg lacks $s"
done
echo PASS
