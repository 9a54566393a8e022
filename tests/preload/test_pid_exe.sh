#!/bin/bash
# test_pid_exe.sh - a report says which process made it (issue 14): the
# text headline ends with "(pid N)", and the JSON has "exe" (the program's
# path) and "argv" (its words), so a log shared by a tree or a test suite
# can be attributed. A shell runs inversion and two_cycles with their own
# arguments: each report's pid, exe and argv are its own process's, and
# the pids of the text headlines are those of the JSON lines, in order.
. "$(dirname "$0")/lib.sh"

lw_run tree --json tree.jsonl -- /bin/sh -c '"$0" "two words" ""; "$1" -x' \
	"$LWP_BIN/inversion" "$LWP_BIN/two_cycles"
expect_rc 66 "two programs with cycles"
check tree.jsonl --expect lock_order_cycle:error:3 --total 3 --pids 2
"$LWP_PYTHON" - "$LWP_BIN" tree.jsonl tree.err <<'PY' || fail "pid, exe, argv"
import json, re, sys
bin_, jpath, epath = sys.argv[1:]
reports = [r for r in map(json.loads, open(jpath)) if "kind" in r]  # not the order lines
want = {"inversion": [bin_ + "/inversion", "two words", ""],
        "two_cycles": [bin_ + "/two_cycles", "-x"]}
for r in reports:
    name = r["exe"].rsplit("/", 1)[-1]
    assert r["exe"] == bin_ + "/" + name, r["exe"]
    assert r["argv"] == want[name], (r["argv"], want[name])
by_exe = {}
for r in reports:
    by_exe.setdefault(r["exe"], set()).add(r["pid"])
assert all(len(p) == 1 for p in by_exe.values()) and len(set.union(*by_exe.values())) == 2, by_exe
heads = re.findall(r"^lockwatch: (?:ERROR|WARNING): (.*) \(pid (\d+)\)$", open(epath).read(), re.M)
assert [(h, int(p)) for h, p in heads] == [(r["headline"], r["pid"]) for r in reports], \
    (heads, [(r["headline"], r["pid"]) for r in reports])
print("pids, exe and argv right for", len(reports), "reports")
PY
echo "PASS"
