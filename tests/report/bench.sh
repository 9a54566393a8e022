#!/bin/bash
# bench.sh - `lockwatch report` over synthetic input (tools/bench/report_gen.py):
# PROCS processes of EDGES class edges each; prints the time (never
# asserted). The README's row: 1000 processes, 100 edges, 2000 classes.
set -u
: "${LW:?}" "${PY:?}" "${GEN:?}" "${WORK:?}"
procs=${1:-100} edges=${2:-100} classes=${3:-2000}
rm -rf "$WORK" && "$PY" "$GEN" "$WORK" "$procs" "$edges" "$classes" || exit 1
start=$(date +%s%N)
"$LW" report "$WORK" >"$WORK.out" 2>&1
rc=$?
end=$(date +%s%N)
tail -1 "$WORK.out"
[ $rc = 66 ] || { echo "FAIL: status $rc, expected 66 (the generated cycles)"; exit 1; }
echo "lockwatch report: $procs processes, $((procs * edges)) edges, $(du -sh "$WORK" | cut -f1): $(( (end - start) / 1000000 )) ms"
rm -rf "$WORK"
