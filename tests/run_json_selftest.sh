#!/bin/bash
# run_json_selftest.sh - check_json.py must reject what breaks the schema.
# Arguments: PYTHON CHECK_JSON PROGRAM DIR. PROGRAM (cycle2) makes one good
# report; each broken copy of it (a key missing, a ring that does not
# close, a headline that does not follow the edges, a dangling lock id, an
# unknown severity, a lock listed twice, a string line number, a boolean
# pid, a line that is not JSON) must make check_json.py fail, and unmet
# expectations must too; the good file must pass.
set -u
python=$1 checker=$2 program=$3 dir=$4
mkdir -p "$dir"
good=$dir/selftest-good.jsonl
rm -f "$good"
LOCKWATCH_OPTIONS="json=$good" "$program" >/dev/null 2>&1
fails=0
"$python" "$checker" "$good" --expect lock_order_cycle:error:1 --count 1 || {
	echo "FAIL: the good file was rejected"; fails=$((fails + 1)); }
"$python" - "$good" "$dir" <<'PY'
import copy, json, sys
good = json.loads(open(sys.argv[1]).readline())
def put(name, r):
    with open("%s/selftest-%s.jsonl" % (sys.argv[2], name), "w") as f:
        f.write(r if isinstance(r, str) else json.dumps(r, separators=(",", ":")))
        f.write("\n")
def variant(name, fn):
    r = copy.deepcopy(good)
    fn(r)
    put(name, r)
variant("missing-key", lambda r: r.pop("note"))
variant("extra-key", lambda r: r.update(extra=1))
variant("open-ring", lambda r: r["edges"][0].update(to=r["edges"][0]["from"]))
variant("headline", lambda r: r.update(headline="lock-order cycle: x -> y -> x"))
variant("dangling-id", lambda r: r["edges"][1].update({"from": 999}))
variant("severity", lambda r: r.update(severity="fatal"))
variant("kind", lambda r: r.update(kind="cycle"))
variant("duplicate-lock", lambda r: r["locks"].append(copy.deepcopy(r["locks"][0])))
variant("frame-line", lambda r: r["edges"][0]["from_stack"][0].update(line="12"))
variant("bool-pid", lambda r: r.update(pid=True))
variant("address", lambda r: r["locks"][0].update(address=12345))
variant("read-flag", lambda r: r["edges"][0].update(from_read=0))
put("not-json", "{not json")
PY
for f in "$dir"/selftest-*.jsonl; do
	[ "$f" = "$good" ] && continue
	if "$python" "$checker" "$f" >/dev/null 2>&1; then
		echo "FAIL: $(basename "$f") was accepted"
		fails=$((fails + 1))
	else
		echo "ok: $(basename "$f") rejected"
	fi
done
if "$python" "$checker" "$good" --expect lock_order_cycle:warning:1 >/dev/null 2>&1 ||
	"$python" "$checker" "$good" --lock no_such_lock >/dev/null 2>&1 ||
	"$python" "$checker" "$good" --func no_such_function >/dev/null 2>&1 ||
	"$python" "$checker" "$good" --count 2 >/dev/null 2>&1 ||
	"$python" "$checker" "$good" --actual-status 1 >/dev/null 2>&1; then
	echo "FAIL: an unmet expectation was accepted"
	fails=$((fails + 1))
else
	echo "ok: unmet expectations rejected"
fi
exit $fails
