#!/usr/bin/env python3
"""report_gen.py - synthetic input for `lockwatch report`'s benchmark row:
the JSON Lines of PROCS processes, one file each, each with one order line
(option edges) of EDGES class edges with 8-frame stacks, plus one report
in every tenth process. The edges follow one global order of CLASSES
classes, except that every hundredth process takes one pair backwards, so
the merged graph has cycles no process saw.

usage: report_gen.py DIR [PROCS=1000] [EDGES=100] [CLASSES=2000] [SEED=1]"""
import json
import os
import random
import sys


def frame(fn, line):
    return {"pc": "0x%x" % (0x400000 + line * 16), "function": fn,
            "file": "/src/suite/%s.c" % fn.split("_")[0], "line": line,
            "module": "/build/tests/suite"}


def stack(fn, line):
    s = [frame(fn, line)]
    for d in range(7):
        s.append(frame("caller%d_%s" % (d, fn), 100 + d))
    return s


def main():
    out = sys.argv[1]
    procs = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    edges = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    classes = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
    rnd = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    os.makedirs(out, exist_ok=True)
    lock = lambda c: {"class": "lock_%d" % c, "name": "lock_%d" % c, "kind": "mutex",
                      "prefers_writers": False}
    total = 0
    for p in range(procs):
        pid = 10000 + p
        es = []
        seen = set()
        while len(es) < edges:
            a, b = sorted(rnd.sample(range(classes), 2))
            if (a, b) in seen:
                continue
            seen.add((a, b))
            if p % 100 == 0 and not es:
                a, b = b, a  # this process takes one pair backwards
            es.append({"from": lock(a), "to": lock(b),
                       "thread": {"tid": pid, "name": "t%d" % p},
                       "from_read": False, "to_read": False, "from_timed": False,
                       "to_timed": False, "to_fresh": False, "gates": [], "instances": 1,
                       "from_stack": stack("take_%d" % a, 10 + a % 50),
                       "to_stack": stack("take_%d" % b, 10 + b % 50)})
        total += len(es)
        with open(os.path.join(out, "t.%d.jsonl" % pid), "w") as f:
            if p % 10 == 0:
                f.write(json.dumps({"kind": "long_hold", "severity": "warning", "pid": pid,
                                    "time_ms": 1796000000000, "headline": "lock_1 held for 600 ms",
                                    "note": None, "locks": [{"id": 1, "address": "0x1000",
                                    "kind": "mutex", "name": "lock_1", "class": "lock_1"}],
                                    "edges": [], "threads": [{"tid": pid, "name": "t",
                                    "role": "holder", "lock": 1, "duration_ms": 600, "held": [1],
                                    "stack": stack("hold_1", 5), "now": None, "now_note": None,
                                    "state": None, "waits_for": []}]},
                                   separators=(",", ":")) + "\n")
            f.write(json.dumps({"edges": es, "dropped": 0, "pid": pid,
                                "time_ms": 1796000000000, "exe": "/build/tests/suite",
                                "argv": ["/build/tests/suite", "--case", str(p)]},
                               separators=(",", ":")) + "\n")
    print("report_gen: %d processes, %d edges in %s" % (procs, total, out))


if __name__ == "__main__":
    main()
