#!/bin/bash
# test_report.sh - `lockwatch report` over a small test suite: processes
# of two_orders.c run under `lockwatch run`, one JSON file each (%p).
# Each process alone is clean; the merged graph has the cycle. Then: the
# SARIF is checked (against the OASIS schema when it is given), a baseline
# from one run passes the same run and fails a run with a new cycle, its
# entries that no longer occur are listed, suppressions, a gated pair is a
# warning, an in-process cycle seen in two processes is one finding, the
# edges of locks destroyed before the end still count, and a broken line is reported with its file and line (status 2).
# A process killed or ended with _exit after a report, and a program and
# the one it exec'd, still add their edges; order lines repeated count once.
# Environment (from ctest): LW, PROG (two_orders), PY, CHECK_JSON,
# CHECK_SARIF, WORK, SARIF_SCHEMA_FETCH (tools/sarif_schema.sh),
# SARIF_SCHEMA_DIR (the build tree's deps/), and LOCKWATCH_SARIF_SCHEMA
# (a schema file to use instead; optional).
set -u
: "${LW:?}" "${PROG:?}" "${PY:?}" "${CHECK_JSON:?}" "${CHECK_SARIF:?}" "${WORK:?}"
: "${SARIF_SCHEMA_FETCH:?}" "${SARIF_SCHEMA_DIR:?}"
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
fail() { echo "FAIL: $*" >&2; exit 1; }

# The SARIF 2.1.0 schema every SARIF below is validated against: the file
# LOCKWATCH_SARIF_SCHEMA names, else the one from the npm registry in the
# build tree (fetched now when tools/deps.sh did not). Only an unreachable
# registry skips the validation (said here); anything else fails the test.
if [ -z "${LOCKWATCH_SARIF_SCHEMA:-}" ] || [ ! -f "$LOCKWATCH_SARIF_SCHEMA" ]; then
	LOCKWATCH_SARIF_SCHEMA=$SARIF_SCHEMA_DIR/sarif-2.1.0-rtm.5.json
	"$SARIF_SCHEMA_FETCH" "$SARIF_SCHEMA_DIR" >fetch.out 2>&1
	case $? in
	0) ;;
	3) echo "SKIP (the SARIF schema validation only): $(cat "$SARIF_SCHEMA_DIR/sarif-schema.unavailable")"
	   LOCKWATCH_SARIF_SCHEMA= ;;
	*) cat fetch.out >&2; fail "the SARIF schema could not be had" ;;
	esac
fi
export LOCKWATCH_SARIF_SCHEMA
[ -n "$LOCKWATCH_SARIF_SCHEMA" ] && export LOCKWATCH_SARIF_SCHEMA_REQUIRED=1
echo "SARIF schema: ${LOCKWATCH_SARIF_SCHEMA:-none (structure checks only)}"
expect_in() { grep -qF -- "$2" "$1" || { sed -n '1,60p' "$1" >&2; fail "$1 lacks '$2'"; }; }
expect_not_in() { ! grep -qF -- "$2" "$1" || { sed -n '1,60p' "$1" >&2; fail "$1 has '$2'"; }; }

# run DIR ORDER [g]: one test process of the suite, clean alone
run() {
	local dir=$1
	shift
	mkdir -p "$dir"
	"$LW" run --json "$PWD/$dir/t.%p.jsonl" -- "$PROG" "$@" >/dev/null 2>"run.err"
	local rc=$?
	echo "lockwatch run $PROG $* -> $rc"
	return $rc
}
# report NAME ARGS...: lockwatch report, output in NAME.out/.err, status in RC
report() {
	local name=$1
	shift
	RC=0
	"$LW" report "$@" >"$name.out" 2>"$name.err" || RC=$?
	echo "--- lockwatch report $* -> $RC"
	sed -n '1,12p' "$name.out" "$name.err" | sed 's/^/  /'
}

# 1. two processes, opposite orders: each clean alone
run suite ab || fail "two_orders ab is clean alone"
run suite ba || fail "two_orders ba is clean alone"
for f in suite/*.jsonl; do
	"$PY" "$CHECK_JSON" "$f" --count 0 --func take_second >/dev/null ||
		{ "$PY" "$CHECK_JSON" "$f" --count 0; fail "$f: the order line"; }
done
[ "$(ls suite/*.jsonl | wc -l)" = 2 ] || fail "one JSON file per process"
# the schema checker must reject a broken order line (no false green)
"$PY" - "$(ls suite/*.jsonl | head -1)" <<'PY' || fail "broken order lines"
import copy, json, subprocess, sys
good = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{"edges"')][0]
bad_cases = {
    "missing-key": lambda r: r.pop("dropped"),
    "self-edge": lambda r: r["edges"][0]["to"].update(r["edges"][0]["from"]),
    "twice": lambda r: r["edges"].append(copy.deepcopy(r["edges"][0])),
    "gate-type": lambda r: r["edges"][0].update(gates=[1]),
    "instances": lambda r: r["edges"][0].update(instances=0),
    "empty": lambda r: r.update(edges=[]),
}
for name, fn in bad_cases.items():
    r = copy.deepcopy(good)
    fn(r)
    with open("order-%s.jsonl" % name, "w") as f:
        f.write(json.dumps(r, separators=(",", ":")) + "\n")
print(" ".join(bad_cases))
PY
[ "$(ls order-*.jsonl | wc -l)" = 6 ] || fail "the broken order lines were not made"
for f in order-*.jsonl; do
	! "$PY" "$CHECK_JSON" "$f" >/dev/null || fail "check_json accepted $f"
done

# 2. the merged report finds the cycle and names both processes
report merged suite --sarif merged.sarif --dot merged.dot
[ $RC = 66 ] || fail "a cycle across processes: status $RC, expected 66"
expect_in merged.out "ERROR: lock-order cycle: accounts_lock -> ledger_lock -> accounts_lock"
expect_in merged.out "no single process took all of its edges"
expect_in merged.out "two_orders ab)"
expect_in merged.out "two_orders ba)"
expect_in merged.out "then ledger_lock was taken, holding accounts_lock, at:"
expect_in merged.out "#0 take_second ("
expect_in merged.out "seen in 2 processes"
[ "$(grep -c '^lockwatch: ERROR' merged.out)" = 1 ] || fail "one finding"

# 3. SARIF: valid, one result, the acquisition sites located
"$PY" "$CHECK_SARIF" merged.sarif --results 1 --rule lock_order_cycle --level error:1 \
	--function take_second --function take_first --file two_orders.c >sarif.out ||
	{ cat sarif.out; fail "SARIF"; }
cat sarif.out
if [ -n "$LOCKWATCH_SARIF_SCHEMA" ]; then
	expect_in sarif.out "valid against $(basename "$LOCKWATCH_SARIF_SCHEMA")"
	# the schema catches what the structure checks do not: a rule's
	# shortDescription without its text (no false green)
	"$PY" - merged.sarif >notext.sarif <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["runs"][0]["tool"]["driver"]["rules"][0]["shortDescription"] = {}
print(json.dumps(d))
PY
	LOCKWATCH_SARIF_SCHEMA_REQUIRED=0 LOCKWATCH_SARIF_SCHEMA= "$PY" "$CHECK_SARIF" notext.sarif >/dev/null ||
		fail "the structure checks alone fail notext.sarif: it shows nothing of the schema"
	! "$PY" "$CHECK_SARIF" notext.sarif >notext.out || fail "the schema passed a rule without text"
	expect_in notext.out "'text' is a required property"
fi
# the checker itself must fail a SARIF with an unknown property (no false green)
sed 's/"ruleId"/"ruleID":1,"ruleId"/' merged.sarif >broken.sarif
! "$PY" "$CHECK_SARIF" broken.sarif >/dev/null || fail "check_sarif passed a broken SARIF"
expect_in merged.dot "color=red"

# a directory of `--json out/NAME.json` files (not .jsonl) is read too,
# and other JSON there is no input and no error (before: "no *.jsonl file
# in it", status 0, the cycle unseen)
mkdir -p dotjson && for f in suite/*.jsonl; do cp "$f" "dotjson/$(basename "$f" .jsonl).json"; done
printf '{\n  "name": "not lockwatch",\n  "version": "1.0.0"\n}\n' >dotjson/package.json
report dotjson dotjson
[ $RC = 66 ] || fail "a directory of .json files: status $RC, expected 66"
expect_in dotjson.out "lock-order cycle: accounts_lock -> ledger_lock -> accounts_lock"
expect_not_in dotjson.err "package.json"

# 4. baselines: the same run passes, a new cycle fails, gone entries listed
report wb suite --write-baseline base.txt
[ $RC = 66 ] || fail "--write-baseline still reports: status $RC"
[ "$(grep -vc '^#' base.txt)" = 1 ] || fail "one baseline entry"
! grep -qE '0x[0-9a-f]|\.c:[0-9]' base.txt || fail "the baseline holds an address or a line number"
report same suite --baseline base.txt --sarif same.sarif
[ $RC = 0 ] || fail "the baseline's own run: status $RC, expected 0"
expect_in same.out "1 in the baseline"
"$PY" "$CHECK_SARIF" same.sarif --results 1 --baseline-state unchanged:1 || fail "SARIF baselineState"
cp -r suite suite2
run suite2 bc || fail "two_orders bc is clean alone"
run suite2 cb || fail "two_orders cb is clean alone"
report new suite2 --baseline base.txt --sarif new.sarif
[ $RC = 66 ] || fail "a new cycle under the baseline: status $RC, expected 66"
expect_in new.out "lock-order cycle: accounts_lock -> audit_lock -> accounts_lock"
expect_not_in new.out "accounts_lock -> ledger_lock"
"$PY" "$CHECK_SARIF" new.sarif --results 2 --baseline-state new:1 --baseline-state unchanged:1 ||
	fail "SARIF of the new run"
mkdir -p only_new && cp suite2/*.jsonl only_new/ && for f in suite/*.jsonl; do rm -f "only_new/$(basename "$f")"; done
report gone only_new --baseline base.txt
[ $RC = 66 ] || fail "only the new cycle: status $RC"
expect_in gone.out "baseline entries that no longer occur"
expect_in gone.out "accounts_lock -> ledger_lock -> accounts_lock"

# 5. suppressions (KIND:PATTERN, glob over classes, functions, files)
printf '# the audit path is known\nlock_order_cycle:audit_*\n' >supp.txt
report supp suite2 --suppressions supp.txt --baseline base.txt
[ $RC = 0 ] || fail "suppressed: status $RC, expected 0"
expect_in supp.out "1 suppressed"

# 6. a cycle whose every edge was taken under one gate: a warning, dashed
run gated ab g && run gated ba g || fail "the gated runs are clean alone"
report gated gated --dot gated.dot
[ $RC = 0 ] || fail "a gated cycle is a warning: status $RC"
expect_in gated.out "WARNING: lock-order cycle: accounts_lock -> ledger_lock -> accounts_lock"
expect_in gated.out "gate_lock"
expect_in gated.dot "style=dashed"

# 7. an in-process cycle seen in two processes is one finding
run inproc abba
run inproc abba
report inproc inproc
[ $RC = 66 ] || fail "in-process cycles: status $RC"
[ "$(grep -c '^lockwatch: ERROR' inproc.out)" = 1 ] || fail "one finding for two processes"
expect_in inproc.out "seen in 2 processes"
expect_not_in inproc.out "no single process"

# 8. locks destroyed before the process ends: their edges still count
run destroyed ab d || fail "two_orders ab d is clean alone"
run destroyed ba d || fail "two_orders ba d is clean alone"
report destroyed destroyed
[ $RC = 66 ] || fail "the edges of destroyed locks: status $RC, expected 66"
expect_in destroyed.out "ERROR: lock-order cycle: accounts_lock -> ledger_lock -> accounts_lock"

# 9. a broken line is reported with its file and line, the rest still read
cp -r suite torn
f=$(ls torn/*.jsonl | head -1)
printf '{"kind":"lock_order_cycle","severity":"err\n' >>"$f"
n=$(wc -l <"$f")
report torn torn
[ $RC = 2 ] || fail "a broken line: status $RC, expected 2"
expect_in torn.err "$f:$n: not JSON: unterminated string"
expect_in torn.out "lock-order cycle: accounts_lock -> ledger_lock -> accounts_lock"
# a kind this command does not know yet (a newer lockwatch's) is listed, and
# gets a rule of its own in the SARIF; a line of another shape is skipped
mkdir -p future && cp suite/*.jsonl future/
printf '%s\n' '{"kind":"future_kind","severity":"warning","pid":7,"time_ms":1796000000000,"headline":"something new","note":null,"locks":[],"edges":[],"threads":[]}' \
	'{"something":"else"}' >future/new.jsonl
report future future --sarif future.sarif
[ $RC = 66 ] || fail "a future kind: status $RC, expected 66 (the cycle)"
expect_in future.out "WARNING: something new"
"$PY" "$CHECK_SARIF" future.sarif --results 2 --rule future_kind --rule lock_order_cycle ||
	fail "SARIF with a kind of a newer lockwatch"
# a frame without debug information (a library built without -g) is shown
# with its module, never as "?:0"
mkdir -p nodebug
printf '%s\n' '{"kind":"thread_exit_holding","severity":"warning","pid":9,"time_ms":1796000000000,"headline":"thread 9 exited holding 1 lock, first pool_lock","note":null,"locks":[{"id":1,"address":"0x10","kind":"mutex","name":"pool_lock","class":"pool_lock"}],"edges":[],"threads":[{"tid":9,"name":"w","role":"holder","lock":1,"duration_ms":0,"held":[],"stack":[{"pc":"0x7f0000001000","function":"pool_take","file":null,"line":null,"module":"/usr/lib/libpool.so.1","inlined":false,"module_offset":"0x1000","build_id":null}],"now":null,"now_note":null,"state":null,"waits_for":[]}]}' >nodebug/a.jsonl
report nodebug nodebug
[ $RC = 0 ] || fail "a warning alone: status $RC, expected 0"
expect_in nodebug.out "pool_take [libpool.so.1]"
expect_not_in nodebug.out "?:0"
report missing suite/none.jsonl
[ $RC = 2 ] || fail "a missing file: status $RC, expected 2"
expect_in missing.err "suite/none.jsonl: cannot be read"

# 10. a process that made a report and then was killed (SIGKILL, as a test
# harness's timeout ends a test) or ended with _exit: its lock order was
# written when the report was made, so the cycle across processes is found
for how in kill _exit; do
	run "ended$how" ab || fail "two_orders ab is clean alone"
	run "ended$how" ba "$how"
	grep -qh '"kind":"lock_order_cycle"' ended"$how"/*.jsonl || fail "$how: no report was made"
	for f in ended"$how"/*.jsonl; do
		"$PY" "$CHECK_JSON" "$f" >/dev/null || { "$PY" "$CHECK_JSON" "$f"; fail "$f"; }
	done
	report "ended$how" "ended$how"
	[ $RC = 66 ] || fail "a process ended by $how after a report: status $RC, expected 66"
	expect_in "ended$how.out" "ERROR: lock-order cycle: accounts_lock -> ledger_lock -> accounts_lock"
	expect_in "ended$how.out" "two_orders ba $how)"
done

# 11. several order lines of one process are one graph (their union): the
# same lines twice change nothing
mkdir -p twice && for f in suite/*.jsonl; do cat "$f" "$f" >"twice/$(basename "$f")"; done
report twice twice
[ $RC = 66 ] || fail "order lines twice: status $RC, expected 66"
[ "$(tail -n 1 twice.out)" = "$(tail -n 1 merged.out)" ] ||
	fail "order lines twice: '$(tail -n 1 twice.out)', expected '$(tail -n 1 merged.out)'"
expect_in twice.out "seen in 2 processes"
# ... but two images of one pid (a process that made a report, then exec'd
# another program, which wrote its own line) are two processes
"$PY" - suite/*.jsonl >exec.jsonl <<'PY' || fail "the exec'd order lines"
import json, sys
for n, path in enumerate(sys.argv[1:]):
    for l in open(path):
        r = json.loads(l)
        if "edges" in r and "kind" not in r:
            r["pid"] = 4242
            r["image"] = "%016x" % (n + 1)
            print(json.dumps(r, separators=(",", ":")))
PY
mkdir -p exec && mv exec.jsonl exec/
report exec exec
[ $RC = 66 ] || fail "two images of one pid: status $RC, expected 66"
expect_in exec.out "no single process took all of its edges"
# and so for real: `two_orders ba exec` makes a report, then execs itself
# as `two_orders ab` (one pid, one JSON file, two programs)
run realexec ba exec || fail "two_orders ba exec"
[ "$(ls realexec/*.jsonl | wc -l)" = 1 ] || fail "exec: one JSON file for the pid"
report realexec realexec
[ $RC = 66 ] || fail "a program and the one it exec'd: status $RC, expected 66"
expect_in realexec.out "ERROR: lock-order cycle: accounts_lock -> ledger_lock -> accounts_lock"
expect_in realexec.out "two_orders ba exec)"

# 11b. an edge ending in a fresh lock's first acquisition (a lock its
# process initialised holding the other one) cannot block: merged with
# the other order from another process, the cycle is a warning
run fresh ab f || fail "two_orders ab f is clean alone"
run fresh ba || fail "two_orders ba is clean alone"
report fresh fresh
[ $RC = 0 ] || fail "a cycle through a fresh lock's first acquisition: status $RC, expected 0"
expect_in fresh.out "WARNING: lock-order cycle: "
expect_in fresh.out "the first acquisition of a lock the thread had just initialised"
expect_in fresh.out "(for the first time, just made by this thread)"

# 13. inputs and outputs that are not what they seem: a file with no
# lockwatch line in it (a SARIF log given by mistake, another tool's JSON)
# is an input problem, never "0 processes" and a green status; an output
# that is one of the inputs is refused before anything is written; a
# baseline that is not one is refused; an SVG that cannot be written says so
report sarif_in merged.sarif
[ $RC = 2 ] || fail "a SARIF log as input: status $RC, expected 2"
expect_in sarif_in.err "merged.sarif: no lockwatch line in it"
printf '%s\n' '{"version":99,"foo":1}' >other.json
report other_in other.json
[ $RC = 2 ] || fail "another tool's JSON as input: status $RC, expected 2"
expect_in other_in.err "other.json: no lockwatch line in it"
cp -r suite selfout
f=$(ls selfout/*.jsonl | head -1)
cp "$f" before.jsonl
report selfout selfout --sarif "$f"
[ $RC = 2 ] || fail "--sarif onto an input: status $RC, expected 2"
expect_in selfout.err "--sarif $f: is one of the inputs"
cmp -s "$f" before.jsonl || fail "--sarif onto an input changed it"
report selfbase selfout --write-baseline "$f"
[ $RC = 2 ] || fail "--write-baseline onto an input: status $RC, expected 2"
cmp -s "$f" before.jsonl || fail "--write-baseline onto an input changed it"
head -c 4096 /dev/urandom | tr -d '\0' >junk.base
report junkbase suite --baseline junk.base
[ $RC = 2 ] || fail "a baseline of random bytes: status $RC, expected 2"
expect_in junkbase.err "junk.base:"
expect_in junkbase.err "not a baseline line"
if command -v dot >/dev/null; then
	report svgfull suite --svg /dev/full
	[ $RC = 2 ] || fail "--svg /dev/full: status $RC, expected 2"
	expect_in svgfull.err "--svg /dev/full: cannot be written"
fi

# 12. one suppressions file, one reader (src/report/suppress.c): the same
# result under `lockwatch run` and `lockwatch report`, the same refusals
run plain abba
[ $? = 66 ] || fail "two_orders abba reports its own cycle"
for entry in 'lock_order_cycle:take_second' '*:two_orders.c' 'lock_order_cycle:accounts_l?ck' \
	'lock_order_cycle:no_such_function'; do
	printf '# one entry\n%s\n' "$entry" >one.supp
	"$LW" run --suppressions "$PWD/one.supp" -- "$PROG" abba >/dev/null 2>run.err
	run_rc=$?
	report onesupp plain --suppressions "$PWD/one.supp"
	[ "$run_rc" = "$RC" ] || fail "'$entry': lockwatch run -> $run_rc, lockwatch report -> $RC"
	if [ "$entry" = lock_order_cycle:no_such_function ]; then
		[ "$RC" = 66 ] || fail "'$entry' suppressed something: status $RC"
	else
		[ "$RC" = 0 ] || fail "'$entry' suppressed nothing: status $RC"
		expect_in run.err "suppressed 1 by $PWD/one.supp:2"
		expect_in onesupp.out "1 suppressed"
	fi
done
for entry in 'cycle:*' 'lock_order_cycle:' 'take_second'; do
	printf '# a bad line\n%s\n' "$entry" >bad.supp
	"$LW" run --suppressions "$PWD/bad.supp" -- "$PROG" ab >/dev/null 2>run.err
	run_rc=$?
	report badsupp plain --suppressions "$PWD/bad.supp"
	[ "$run_rc" = 2 ] && [ "$RC" = 2 ] || fail "'$entry': lockwatch run -> $run_rc, report -> $RC, expected 2"
	why=$(sed -n "s/^lockwatch: \(suppressions .*\); the program was not started$/\1/p" run.err)
	[ -n "$why" ] || fail "'$entry': lockwatch run said $(cat run.err)"
	expect_in badsupp.err "lockwatch report: $why"
done
echo PASS
