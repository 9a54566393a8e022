#!/bin/bash
# test_stress.sh - lockwatch under load (stress.c): 3 s of 8 threads on 64
# locks, forks, and constant stack signals (5 ms thresholds, the watchdog
# every 10 ms). Exit 0, children ok, no error report, and long holds were
# reported with the holder's current stack in the program's own code.
. "$(dirname "$0")/lib.sh"

lw_run st --hold-ms 5 --wait-ms 5 --watchdog-ms 10 --json st.json --log st.log -- \
	"$LWP_BIN/stress" 3
expect_rc 0 "stress"
expect_in st.out "children ok"
check st.json --no-errors
"$LWP_PYTHON" - st.json <<'PY' || fail "long holds"
import json, sys
holds = [json.loads(l) for l in open(sys.argv[1]) if '"kind":"long_hold"' in l]
assert holds, "no long_hold report under load"
now = [f["function"] for r in holds for t in r["threads"] for f in (t["now"] or [])]
assert "worker" in now, "no 'doing now' stack shows worker"
print(len(holds), "long holds")
PY

echo "PASS"
