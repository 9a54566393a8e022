#!/usr/bin/env python3
"""check_reports.py - validates a lockwatch JSON Lines report file and
asserts what it must contain. Used by the preload tests.

Every line must be one JSON object of the documented shape (src/report/json.c):
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
import os
import json
import sys
import time

# The schema itself is checked by tests/check_json.py's Checker: one
# definition of the JSON Lines format for every test.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from check_json import KINDS, SEVERITIES, Checker  # noqa: E402


class Bad(Exception):
    pass


def validate(c, r, where):
    """Check one line against the schema with checker c (one for the whole
    file: an instance line refers to its group's earlier report); True for
    a report, False for the stats line or an instance line. Raises Bad with
    every problem found."""
    before = len(c.problems)
    is_report = c.line(where, r, set())
    if len(c.problems) > before:
        raise Bad("; ".join(c.problems[before:]))
    return is_report


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
                parts[1] not in set(SEVERITIES) | {"*"} or not parts[2].isdigit():
            p.error(f"bad --expect {x!r}: KIND:SEV:N")
        expects.append((parts[0], parts[1], int(parts[2])))
    if a.select and a.select not in KINDS:
        p.error(f"unknown kind {a.select!r}")

    reports, failures = [], []
    checker = Checker()
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
            if validate(checker, r, where):
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
