#!/usr/bin/env python3
"""check_reports.py - validates a lockwatch JSON Lines report file and
asserts what it must contain. Used by the preload tests.

Every line must be one JSON object of the documented shape (src/report_json.c):
keys in their fixed order, types right, lock references (edge from/to,
thread lock/held) naming locks of the same report, and for a
lock_order_cycle the edges forming one closed chain over the cycle's locks.

usage: check_reports.py FILE [checks...]
  --expect KIND:SEV:N    exactly N reports of KIND with severity SEV
                         (SEV: error, warning or '*'); may repeat
  --kinds-only           no report of a kind/severity not named by --expect
  --no-errors            no error-severity report at all
  --no-reports           no report at all (a missing file counts as empty)
  --total N              exactly N reports
  --select KIND          the reports the checks below apply to (default: the
                         kind of the first --expect with N > 0)
  --lock NAME            each selected report has a lock named NAME
  --func NAME            each selected report has a frame whose function is NAME
  --func-contains S      ... whose function contains S
  --n-locks N            each selected report has exactly N locks
  --n-edges N            each selected report has exactly N edges
  --headline-contains S  each selected report's headline contains S
  --pid PID              each selected report was made by process PID
  --not-pid PID          no selected report was made by process PID
  --pids N               the selected reports come from exactly N processes
  --pid-count PID:N      exactly N selected reports were made by process PID
  --quiet                print nothing when all is well
Exit status: 0 all checks hold, 1 a check failed, 2 bad usage.
"""
import argparse
import json
import re
import sys
import time

KINDS = {"lock_order_cycle", "deadlock", "self_deadlock", "bad_unlock",
         "destroy_held", "thread_exit_holding", "long_hold", "long_wait"}
SEVERITIES = {"warning", "error"}
LOCK_KINDS = {"mutex", "rwlock", "spinlock", "semaphore", "lock"}
TOP_KEYS = ["kind", "severity", "pid", "time_ms", "headline", "note",
            "locks", "edges", "threads"]
LOCK_KEYS = ["id", "address", "kind", "name", "class"]
EDGE_KEYS = ["from", "to", "thread", "from_read", "to_read", "from_stack",
             "to_stack"]
THREAD_KEYS = ["tid", "name", "role", "lock", "duration_ms", "held", "stack",
               "now", "now_note"]
FRAME_KEYS = ["pc", "function", "file", "line", "module"]
HEX = re.compile(r"^0x[0-9a-f]+$")


class Bad(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise Bad(msg)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_str_or_null(v):
    return v is None or isinstance(v, str)


def check_keys(obj, keys, where):
    need(isinstance(obj, dict), f"{where}: not an object")
    need(list(obj.keys()) == keys,
         f"{where}: keys {list(obj.keys())}, expected {keys}")


def check_stack(st, where):
    need(isinstance(st, list), f"{where}: stack is not a list")
    for i, f in enumerate(st):
        w = f"{where}[{i}]"
        check_keys(f, FRAME_KEYS, w)
        need(isinstance(f["pc"], str) and HEX.match(f["pc"]), f"{w}: bad pc {f['pc']!r}")
        need(is_str_or_null(f["function"]), f"{w}: bad function")
        need(is_str_or_null(f["file"]), f"{w}: bad file")
        need(f["line"] is None or (is_int(f["line"]) and f["line"] > 0), f"{w}: bad line")
        need(is_str_or_null(f["module"]), f"{w}: bad module")


STATS_KEYS = ["name", "class", "kind", "acquisitions", "contended", "wait_ms",
              "wait_max_ms", "hold_ms", "hold_max_ms"]


def validate_stats(r, where):
    """The line option stats writes at exit: {"stats": [...], "pid": N}."""
    if not isinstance(r["pid"], int) or not isinstance(r["stats"], list):
        raise Bad(f"{where}: stats line: pid must be an int, stats a list")
    for row in r["stats"]:
        if not isinstance(row, dict) or list(row) != STATS_KEYS:
            raise Bad(f"{where}: stats row keys {list(row)}, expected {STATS_KEYS}")


def validate(r, where):
    check_keys(r, TOP_KEYS, where)
    need(r["kind"] in KINDS, f"{where}: unknown kind {r['kind']!r}")
    need(r["severity"] in SEVERITIES, f"{where}: unknown severity {r['severity']!r}")
    need(is_int(r["pid"]) and r["pid"] > 0, f"{where}: bad pid")
    now_ms = time.time() * 1000
    need(is_int(r["time_ms"]) and 1.5e12 < r["time_ms"] < now_ms + 86400e3,
         f"{where}: implausible time_ms {r['time_ms']}")
    need(isinstance(r["headline"], str) and r["headline"], f"{where}: empty headline")
    need(is_str_or_null(r["note"]), f"{where}: bad note")

    need(isinstance(r["locks"], list), f"{where}: locks not a list")
    ids = set()
    for i, l in enumerate(r["locks"]):
        w = f"{where}.locks[{i}]"
        check_keys(l, LOCK_KEYS, w)
        need(is_int(l["id"]) and l["id"] > 0, f"{w}: bad id")
        need(l["id"] not in ids, f"{w}: duplicate id {l['id']}")
        ids.add(l["id"])
        need(isinstance(l["address"], str) and HEX.match(l["address"]), f"{w}: bad address")
        need(l["kind"] in LOCK_KINDS, f"{w}: bad lock kind {l['kind']!r}")
        need(isinstance(l["name"], str) and l["name"], f"{w}: empty name")
        need(isinstance(l["class"], str) and l["class"], f"{w}: empty class")

    need(isinstance(r["edges"], list), f"{where}: edges not a list")
    for i, e in enumerate(r["edges"]):
        w = f"{where}.edges[{i}]"
        check_keys(e, EDGE_KEYS, w)
        need(e["from"] in ids, f"{w}: from {e['from']} is not a lock of the report")
        need(e["to"] in ids, f"{w}: to {e['to']} is not a lock of the report")
        check_keys(e["thread"], ["tid", "name"], w + ".thread")
        need(is_int(e["thread"]["tid"]) and e["thread"]["tid"] > 0, f"{w}: bad tid")
        need(is_str_or_null(e["thread"]["name"]), f"{w}: bad thread name")
        need(isinstance(e["from_read"], bool) and isinstance(e["to_read"], bool),
             f"{w}: from_read/to_read not booleans")
        check_stack(e["from_stack"], w + ".from_stack")
        check_stack(e["to_stack"], w + ".to_stack")

    need(isinstance(r["threads"], list), f"{where}: threads not a list")
    for i, t in enumerate(r["threads"]):
        w = f"{where}.threads[{i}]"
        check_keys(t, THREAD_KEYS, w)
        need(is_int(t["tid"]) and t["tid"] > 0, f"{w}: bad tid")
        need(is_str_or_null(t["name"]), f"{w}: bad name")
        need(isinstance(t["role"], str) and t["role"], f"{w}: bad role")
        need(t["lock"] is None or t["lock"] in ids, f"{w}: lock not in the report")
        need(is_int(t["duration_ms"]) and t["duration_ms"] >= 0, f"{w}: bad duration_ms")
        need(isinstance(t["held"], list) and all(h in ids for h in t["held"]),
             f"{w}: held names a lock not in the report")
        check_stack(t["stack"], w + ".stack")
        if t["now"] is not None:
            check_stack(t["now"], w + ".now")
        need(is_str_or_null(t["now_note"]), f"{w}: bad now_note")

    if r["kind"] == "lock_order_cycle":
        es = r["edges"]
        need(len(es) >= 2, f"{where}: a cycle needs 2 edges or more, has {len(es)}")
        for i, e in enumerate(es):
            nxt = es[(i + 1) % len(es)]
            need(e["to"] == nxt["from"],
                 f"{where}: edges[{i}] ends at {e['to']} but edges[{(i + 1) % len(es)}]"
                 f" starts at {nxt['from']}: not a closed chain")
        froms = [e["from"] for e in es]
        need(len(set(froms)) == len(froms), f"{where}: cycle visits a lock twice")
        extra = ids - set(froms)
        need(len(extra) <= 1, f"{where}: locks {sorted(extra)} are not on the cycle")


def functions(r):
    out = []
    for e in r["edges"]:
        out += [f["function"] for f in e["from_stack"] + e["to_stack"]]
    for t in r["threads"]:
        out += [f["function"] for f in t["stack"] + (t["now"] or [])]
    return [f for f in out if f]


def summary(r):
    return (f"{r['kind']}/{r['severity']} pid {r['pid']}: {r['headline'][:160]}"
            f" ({len(r['locks'])} locks, {len(r['edges'])} edges)")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("file")
    p.add_argument("--expect", action="append", default=[])
    p.add_argument("--kinds-only", action="store_true")
    p.add_argument("--no-errors", action="store_true")
    p.add_argument("--no-reports", action="store_true")
    p.add_argument("--total", type=int)
    p.add_argument("--select")
    p.add_argument("--lock", action="append", default=[])
    p.add_argument("--func", action="append", default=[])
    p.add_argument("--func-contains", action="append", default=[])
    p.add_argument("--n-locks", type=int)
    p.add_argument("--n-edges", type=int)
    p.add_argument("--headline-contains", action="append", default=[])
    p.add_argument("--pid", type=int)
    p.add_argument("--not-pid", type=int)
    p.add_argument("--pids", type=int)
    p.add_argument("--pid-count", action="append", default=[])
    p.add_argument("--quiet", action="store_true")
    a = p.parse_args()

    expects = []
    for x in a.expect:
        parts = x.split(":")
        if len(parts) != 3 or parts[0] not in KINDS or \
                parts[1] not in SEVERITIES | {"*"} or not parts[2].isdigit():
            p.error(f"bad --expect {x!r}: KIND:SEV:N")
        expects.append((parts[0], parts[1], int(parts[2])))
    if a.select and a.select not in KINDS:
        p.error(f"unknown kind {a.select!r}")

    reports, failures = [], []
    try:
        with open(a.file, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        data = b""
    if data and not data.endswith(b"\n"):
        failures.append("the file does not end with a newline (a torn write?)")
    for n, raw in enumerate(data.split(b"\n")[:-1] if data else [], 1):
        where = f"line {n}"
        try:
            r = json.loads(raw.decode("utf-8"))
            if isinstance(r, dict) and list(r) == ["stats", "pid"]:
                validate_stats(r, where)  # option stats: not a report
                continue
            validate(r, where)
            reports.append(r)
        except (ValueError, UnicodeDecodeError) as e:
            failures.append(f"{where}: not valid JSON: {e}: {raw[:200]!r}")
        except Bad as e:
            failures.append(str(e))

    def matches(r, kind, sev):
        return r["kind"] == kind and (sev == "*" or r["severity"] == sev)

    for kind, sev, n in expects:
        got = sum(1 for r in reports if matches(r, kind, sev))
        if got != n:
            failures.append(f"expected {n} {kind}:{sev} report(s), found {got}")
    if a.kinds_only:
        for r in reports:
            if not any(matches(r, k, s) for k, s, _ in expects):
                failures.append(f"unexpected report: {summary(r)}")
    if a.no_errors:
        for r in reports:
            if r["severity"] == "error":
                failures.append(f"unexpected error report: {summary(r)}")
    if a.no_reports and reports:
        failures.append(f"expected no report, found {len(reports)}")
    if a.total is not None and len(reports) != a.total:
        failures.append(f"expected {a.total} report(s) in all, found {len(reports)}")

    sel_kind = a.select or next((k for k, _, n in expects if n > 0), None)
    per_report = (a.lock or a.func or a.func_contains or a.n_locks is not None or
                  a.n_edges is not None or a.headline_contains or a.pid is not None or
                  a.not_pid is not None or a.pids is not None or a.pid_count)
    if per_report:
        if sel_kind is None:
            p.error("per-report checks need --select or an --expect with N > 0")
        sel = [r for r in reports if r["kind"] == sel_kind]
        if not sel:
            failures.append(f"no {sel_kind} report to check")
        for i, r in enumerate(sel):
            who = f"{sel_kind} report {i + 1} (pid {r['pid']})"
            names = [l["name"] for l in r["locks"]]
            for name in a.lock:
                if name not in names:
                    failures.append(f"{who}: no lock named {name!r} (locks: {names})")
            funcs = functions(r)
            for fn in a.func:
                if fn not in funcs:
                    failures.append(f"{who}: no frame in function {fn!r} "
                                    f"(functions: {sorted(set(funcs))})")
            for s in a.func_contains:
                if not any(s in f for f in funcs):
                    failures.append(f"{who}: no frame whose function contains {s!r} "
                                    f"(functions: {sorted(set(funcs))})")
            if a.n_locks is not None and len(r["locks"]) != a.n_locks:
                failures.append(f"{who}: {len(r['locks'])} locks, expected {a.n_locks}")
            if a.n_edges is not None and len(r["edges"]) != a.n_edges:
                failures.append(f"{who}: {len(r['edges'])} edges, expected {a.n_edges}")
            for s in a.headline_contains:
                if s not in r["headline"]:
                    failures.append(f"{who}: headline {r['headline'][:200]!r} lacks {s!r}")
            if a.pid is not None and r["pid"] != a.pid:
                failures.append(f"{who}: made by pid {r['pid']}, expected {a.pid}")
            if a.not_pid is not None and r["pid"] == a.not_pid:
                failures.append(f"{who}: made by pid {r['pid']}, which it must not be")
        for x in a.pid_count:
            pid, _, n = x.partition(":")
            if not pid.isdigit() or not n.isdigit():
                p.error(f"bad --pid-count {x!r}: PID:N")
            got = sum(1 for r in sel if r["pid"] == int(pid))
            if got != int(n):
                failures.append(f"{got} {sel_kind} report(s) from pid {pid}, expected {n}")
        if a.pids is not None:
            pids = {r["pid"] for r in sel}
            if len(pids) != a.pids:
                failures.append(f"{sel_kind} reports come from {len(pids)} process(es) "
                                f"{sorted(pids)}, expected {a.pids}")

    if failures:
        print(f"check_reports: {a.file}: FAILED", file=sys.stderr)
        for f in failures:
            print(f"  - {f}", file=sys.stderr)
        print(f"  {len(reports)} valid report(s):", file=sys.stderr)
        for r in reports:
            print(f"    {summary(r)}", file=sys.stderr)
        return 1
    if not a.quiet:
        print(f"check_reports: {a.file}: ok, {len(reports)} report(s)"
              + "".join(f"\n  {summary(r)}" for r in reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
