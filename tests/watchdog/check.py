#!/usr/bin/env python3
"""check.py - run a watchdog scenario in its "preload" form and check it.

    check.py --lockwatch BIN [--preload SO] --json FILE [--flags "FLAGS"]
             [expectations] -- PROG [ARGS]

Runs `BIN run --json FILE [flags] -- PROG ARGS` (FILE removed first, the
environment's LOCKWATCH_OPTIONS dropped, LOCKWATCH_PRELOAD set to SO or
dropped), times it, then reads the JSON
Lines file and checks the expectations. Every report assertion below with
KIND:VALUE holds when SOME report of that kind satisfies it.

  --flags "FLAGS"       flags for `lockwatch run`, one string ("--hold-ms 300")
  --expect K:S:N        N reports of kind K and severity S; N may be A-B
  --count N             N reports in all (A-B allowed): nothing unexpected
  --lock K:NAME         a report of kind K names lock NAME
  --locks-per-report K:N  every report of kind K names exactly N locks
  --func K:NAME         function NAME in some stack (edges, threads, "now")
  --now-func K:NAME     function NAME in a thread's "doing now" stack
  --thread K:NAME[:ROLE]  a thread named NAME (with ROLE) in a report of K
  --headline K:TEXT     TEXT in the headline of a report of kind K
  --note K:TEXT         TEXT in the note of a report of kind K
  --every-note K:TEXT   TEXT in the note of every report of kind K
  --durations K:MIN,... the reports of kind K, in order, have headline
                        durations ("N ms") at least MIN each, strictly growing
  --latency K:MS        print how long after the program printed
                        formed_at_ms=<epoch ms> the first report of kind K came
                        (MS is the target; printed, never asserted: the
                        machines are noisy, timing belongs to the benchmark)
  --status N            lockwatch run's exit status
  --max-seconds S       print the run's time against this target (not asserted)
  --stderr TEXT         TEXT in the run's standard error
Exit 0 when everything holds; otherwise the failures, the program's output
and the JSON are printed and the exit status is 1.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import time

# The schema is checked by tests/check_json.py's Checker: one definition of
# the JSON Lines format for every test.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from check_json import Checker  # noqa: E402


def split_kind(spec, n=2):
    parts = spec.split(":", n - 1)
    if len(parts) != n:
        sys.exit("check.py: bad spec %r" % spec)
    return parts


def count_range(text):
    if "-" in text:
        lo, hi = text.split("-", 1)
        return int(lo), int(hi)
    return int(text), int(text)


def stacks_of(rep, now_only=False):
    """Every stack of a report (lists of frames)."""
    out = []
    if not now_only:
        for e in rep.get("edges") or []:
            out.append(e.get("from_stack") or [])
            out.append(e.get("to_stack") or [])
    for t in rep.get("threads") or []:
        if not now_only:
            out.append(t.get("stack") or [])
        out.append(t.get("now") or [])
    return out


def has_func(rep, name, now_only=False):
    return any(f.get("function") == name for s in stacks_of(rep, now_only) for f in s)


def headline_ms(rep):
    m = re.search(r"(\d+) ms", rep.get("headline") or "")
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser(add_help=True)
    ap.add_argument("--lockwatch", required=True)
    ap.add_argument("--preload")
    ap.add_argument("--json", required=True)
    ap.add_argument("--flags", action="append", default=[])
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--count")
    ap.add_argument("--lock", action="append", default=[])
    ap.add_argument("--locks-per-report", action="append", default=[])
    ap.add_argument("--func", action="append", default=[])
    ap.add_argument("--now-func", action="append", default=[])
    ap.add_argument("--thread", action="append", default=[])
    ap.add_argument("--headline", action="append", default=[])
    ap.add_argument("--note", action="append", default=[])
    ap.add_argument("--every-note", action="append", default=[])
    ap.add_argument("--durations", action="append", default=[])
    ap.add_argument("--latency", action="append", default=[])
    ap.add_argument("--status", type=int)
    ap.add_argument("--max-seconds", type=float)
    ap.add_argument("--stderr", action="append", default=[])
    ap.add_argument("prog", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    prog = a.prog[1:] if a.prog and a.prog[0] == "--" else a.prog
    if not prog:
        sys.exit("check.py: no program")

    try:
        os.unlink(a.json)
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
    env = dict(os.environ)
    env.pop("LOCKWATCH_OPTIONS", None)
    env.pop("LOCKWATCH_PRELOAD", None)
    if a.preload:
        env["LOCKWATCH_PRELOAD"] = a.preload
    flags = [f for fs in a.flags for f in shlex.split(fs)]
    cmd = [a.lockwatch, "run", "--json", a.json] + flags + ["--"] + prog
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=25)
    except subprocess.TimeoutExpired as e:
        print("FAIL: %s did not end within 25 s" % " ".join(cmd))
        print(e.stdout or "", e.stderr or "")
        return 1
    elapsed = time.monotonic() - start

    reports = []
    if os.path.exists(a.json):
        with open(a.json) as f:
            for i, line in enumerate(f, 1):
                try:
                    reports.append(json.loads(line))
                except ValueError as e:
                    reports.append({"kind": "?", "severity": "?", "bad": str(e)})
    lines, reports = reports, [r for r in reports if "kind" in r]  # not instance lines
    fails = []

    def of(kind):
        return [r for r in reports if r.get("kind") == kind]

    if any("bad" in r for r in reports):
        fails.append("a JSON line does not parse")
    schema = Checker()
    for i, r in enumerate(lines, 1):
        if "bad" not in r:
            schema.line("line %d" % i, r, set())
    fails.extend("schema: " + x for x in schema.problems)
    # the order line (option edges, on under `lockwatch run`) is no report
    reports = [r for r in reports if "kind" in r or "bad" in r]
    if a.status is not None and p.returncode != a.status:
        fails.append("exit status %d, expected %d" % (p.returncode, a.status))
    if a.max_seconds is not None and elapsed >= a.max_seconds:
        print("note: took %.2f s (target %.2f s; not asserted)" % (elapsed, a.max_seconds))
    for text in a.stderr:
        if text not in p.stderr:
            fails.append("stderr lacks %r" % text)
    for spec in a.expect:
        kind, sev, n = spec.split(":")
        lo, hi = count_range(n)
        got = sum(1 for r in of(kind) if r.get("severity") == sev)
        if not lo <= got <= hi:
            fails.append("%d %s:%s reports, expected %s" % (got, kind, sev, n))
    if a.count is not None:
        lo, hi = count_range(a.count)
        if not lo <= len(reports) <= hi:
            fails.append("%d reports in all, expected %s" % (len(reports), a.count))
    for spec in a.lock:
        kind, name = split_kind(spec)
        if not any(l.get("name") == name for r in of(kind) for l in r.get("locks") or []):
            fails.append("no %s report names lock %s" % (kind, name))
    for spec in a.locks_per_report:
        kind, n = split_kind(spec)
        for r in of(kind):
            if len(r.get("locks") or []) != int(n):
                fails.append("a %s report names %d locks, expected %s: %s"
                             % (kind, len(r.get("locks") or []), n, r.get("headline")))
    for spec in a.func:
        kind, name = split_kind(spec)
        if not any(has_func(r, name) for r in of(kind)):
            fails.append("no %s report has %s in a stack" % (kind, name))
    for spec in a.now_func:
        kind, name = split_kind(spec)
        if not any(has_func(r, name, now_only=True) for r in of(kind)):
            fails.append("no %s report has %s in a 'doing now' stack" % (kind, name))
    for spec in a.thread:
        parts = spec.split(":")
        kind, name, role = parts[0], parts[1], parts[2] if len(parts) > 2 else None
        if not any(t.get("name") == name and (role is None or t.get("role") == role)
                   for r in of(kind) for t in r.get("threads") or []):
            fails.append("no %s report lists thread %s%s" % (kind, name,
                                                            " as " + role if role else ""))
    for spec in a.headline:
        kind, text = split_kind(spec)
        if not any(text in (r.get("headline") or "") for r in of(kind)):
            fails.append("no %s headline contains %r" % (kind, text))
    for spec in a.note:
        kind, text = split_kind(spec)
        if not any(text in (r.get("note") or "") for r in of(kind)):
            fails.append("no %s note contains %r" % (kind, text))
    for spec in a.every_note:
        kind, text = split_kind(spec)
        for r in of(kind):
            if text not in (r.get("note") or ""):
                fails.append("a %s note lacks %r: %r" % (kind, text, r.get("note")))
    for spec in a.durations:
        kind, mins = split_kind(spec)
        mins = [int(x) for x in mins.split(",")]
        got = [headline_ms(r) for r in of(kind)]
        if len(got) != len(mins) or None in got:
            fails.append("%s durations %s, expected %d of them" % (kind, got, len(mins)))
        else:
            for i, (g, m) in enumerate(zip(got, mins)):
                if g < m or (i and g <= got[i - 1]):
                    fails.append("%s durations %s, expected at least %s, growing"
                                 % (kind, got, mins))
                    break
    latencies = []
    for spec in a.latency:
        kind, ms = split_kind(spec)
        m = re.search(r"formed_at_ms=(\d+)", p.stdout)
        rs = of(kind)
        if not m or not rs:
            fails.append("latency of %s: no formed_at_ms= line or no report" % kind)
            continue
        lat = rs[0]["time_ms"] - int(m.group(1))
        latencies.append("%s %d ms" % (kind, lat))
        if lat > int(ms):
            print("note: %s reported %d ms after it formed (target %s ms; not asserted)"
                  % (kind, lat, ms))

    summary = {}
    for r in reports:
        k = "%s:%s" % (r.get("kind"), r.get("severity"))
        summary[k] = summary.get(k, 0) + 1
    print("check.py: %s -> status %d in %.2f s; reports %s%s"
          % (os.path.basename(prog[0]), p.returncode, elapsed, summary or "none",
             "; latency " + ", ".join(latencies) if latencies else ""))
    if fails:
        for f in fails:
            print("FAIL: " + f)
        print("--- command: " + " ".join(cmd))
        print("--- stdout:\n" + p.stdout)
        print("--- stderr:\n" + p.stderr)
        print("--- %d report(s):" % len(reports))
        for r in reports:
            print(json.dumps(r))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
