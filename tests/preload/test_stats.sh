#!/bin/bash
# test_stats.sh - option stats (stats_prog.c): the table on the log and the
# JSON stats line, hot_lock first with 400 acquisitions of which some were
# contended and a total hold near 400 x 100 us; cold_lock with 1; no report.
. "$(dirname "$0")/lib.sh"

lw_run st --stats 5 --json st.json --log st.log -- "$LWP_BIN/stats_prog"
expect_rc 0 "stats_prog"
expect_in st.log "lock statistics, top 2 of 2 locks by contended wait"
expect_in st.log " id lock "
check st.json --no-reports
"$LWP_PYTHON" - st.json <<'PY' || fail "stats line"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
stats = [l for l in lines if "stats" in l]
assert len(stats) == 1, f"one stats line, got {len(stats)}"
rows = stats[0]["stats"]
assert [r["name"] for r in rows] == ["hot_lock", "cold_lock"], rows
hot, cold = rows
assert hot["acquisitions"] == 400 and cold["acquisitions"] == 1, rows
assert 0 < hot["contended"] <= 400, hot
assert hot["hold_ms"] >= 400 * 0.1 and hot["hold_max_ms"] >= 0.1, hot
assert hot["wait_ms"] > 0 and hot["wait_max_ms"] <= hot["wait_ms"], hot
# each row has the lock's id; a lone uncontended lock has no contended wait
assert hot["id"] != cold["id"] and cold["contended"] == 0 and cold["wait_ms"] == 0, rows
assert cold["uncontended_ms"] >= 0 and hot["uncontended_ms"] >= 0, rows
print("stats:", hot)
PY

echo "PASS"
