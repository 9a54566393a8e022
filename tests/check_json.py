#!/usr/bin/env python3
"""check_json.py - validate a lockwatch JSON Lines file against the schema
documented in src/report/json.c, and check expectations about its reports.

usage: check_json.py FILE [--expect KIND:SEVERITY:N]... [--count N]
                          [--lock NAME]... [--func NAME]...
                          [--frame FUNC:FILE:LINE]... [--note TEXT]...
                          [--timed-edges N] [--now-func NAME]...
                          [--instances KIND:N]
                          [--status N --actual-status M]
                          [--addr2line PREFIX] [--build-ids] [--no-lockwatch-frames]
                          [--stacks] [--all-locks-re RE] [--no-lock-re RE]

Every line must be one JSON object with exactly the documented keys, in the
documented order, with the documented types (a report, the stats line, or
the order line of option edges: the graph by lock class, no edge within one
class, none twice; neither of the last two counts as a report); lock references (edge from/to,
thread lock/held) must be ids of the report's own locks. A lock_order_cycle
report must list each lock once and its edges must form one ring through
every cycle lock (n_edges == number of cycle locks), its headline must walk
that ring; the only lock allowed outside the ring is the gate of a warning,
named in its note. Expectations: --expect KIND:SEV:N exactly N reports of
that kind and severity; --count N lines in all; --lock NAME some report has
a lock of that name; --lock-kind NAME=KIND and that lock is of that kind
("static_init", ...); --func NAME some frame is in that function; --frame
FUNC:FILE:LINE some frame is in that function at that line of a file of that
base name (the call site a report shows); --note TEXT some report's note
contains TEXT; --timed-edges N every lock_order_cycle report has exactly N
edges whose `to` was a timed acquire (to_timed); --now-func NAME some
thread's "doing now" stack (now) has a frame in that function;
--instances KIND:N the reports of KIND stand for N instances in all (a
grouped report for itself and every instance line of its group; the
instances of a lock_order_cycle group each over another set of locks);
--status N
the program's exit status (given by run_json.sh as --actual-status) was N
(default 0). An instance line (a later instance of a grouped report, with
no "kind") must follow its group's report from the same pid, numbered 2,
3, ... in order; it is not a report (not in --count or --expect), but its
locks count for --lock.
(default 0). Frames (see frames_check below): --addr2line PREFIX every
stack's frames in a module whose base name starts with PREFIX are those
`addr2line -i -f -C` gives for its module_offset, inlined ones included;
--build-ids every frame's build_id is its module's (readelf -n);
--no-lockwatch-frames no frame is lockwatch's own; --stacks every edge
and thread of every report has a stack; --all-locks-re RE every lock name
matches RE; --no-lock-re RE no lock name matches RE. A FILE that does not exist counts as no report (lockwatch
creates it with the first report) and passes only with --count 0. Exit
status 0 when everything holds, 1 otherwise, with every problem printed."""
import argparse
import json
import re
import sys

KINDS = ["lock_order_cycle", "deadlock", "self_deadlock", "bad_unlock",
         "destroy_held", "thread_exit_holding", "long_hold", "long_wait",
         "hang", "init_held"]
SEVERITIES = ["error", "warning"]
LOCK_KINDS = ["mutex", "rwlock", "spinlock", "semaphore", "omp_lock", "static_init", "once", "lock"]
REPORT_KEYS = ["kind", "severity", "pid", "time_ms", "headline", "note",
               "locks", "edges", "threads", "exe", "argv", "suppression",
               "group"]
GROUPED_KINDS = ["lock_order_cycle", "long_hold", "long_wait"]
INSTANCE_KEYS = ["group", "instance", "pid", "time_ms", "headline", "locks",
                 "edges", "threads"]
INSTANCE_EDGE_KEYS = ["from", "to", "thread"]
INSTANCE_THREAD_KEYS = ["tid", "name", "role", "lock", "duration_ms"]
LOCK_KEYS = ["id", "address", "kind", "name", "class"]
EDGE_KEYS = ["from", "to", "thread", "from_read", "to_read", "from_stack",
             "to_stack", "from_timed", "to_timed", "to_fresh"]
THREAD_KEYS = ["tid", "name", "role", "lock", "duration_ms", "held", "stack",
               "now", "now_note", "state", "waits_for"]
FRAME_KEYS = ["pc", "function", "file", "line", "module", "inlined", "module_offset",
              "build_id"]
STATS_KEYS = ["name", "class", "kind", "acquisitions", "contended", "wait_ms",
              "wait_max_ms", "hold_ms", "hold_max_ms", "id", "uncontended_ms"]
ORDER_LINE_KEYS = ["edges", "dropped", "pid", "time_ms", "exe", "argv", "image"]
ORDER_EDGE_KEYS = ["from", "to", "thread", "from_read", "to_read", "from_timed",
                   "to_timed", "to_fresh", "gates", "instances", "from_stack", "to_stack"]
ORDER_LOCK_KEYS = ["class", "name", "kind", "prefers_writers"]
HEX = re.compile(r"^0x[0-9a-f]+$")
BUILD_ID = re.compile(r"^([0-9a-f][0-9a-f])+$")


class Checker:
    def __init__(self):
        self.problems = []
        self.frames = []
        self.groups = {}  # (pid, group id) -> {"report": r, "instances": [...]}

    def fail(self, where, msg):
        self.problems.append("%s: %s" % (where, msg))

    # -- types -----------------------------------------------------------
    def is_int(self, v):
        return isinstance(v, int) and not isinstance(v, bool)

    def keys(self, where, obj, keys):
        if not isinstance(obj, dict):
            self.fail(where, "not an object: %r" % (obj,))
            return False
        if list(obj.keys()) != keys:
            self.fail(where, "keys %s, expected %s" % (list(obj.keys()), keys))
            return False
        return True

    def int_(self, where, v, minimum=None):
        if not self.is_int(v):
            self.fail(where, "not an integer: %r" % (v,))
        elif minimum is not None and v < minimum:
            self.fail(where, "%d is below %d" % (v, minimum))

    def str_(self, where, v, nullable=False, nonempty=True):
        if v is None and nullable:
            return
        if not isinstance(v, str):
            self.fail(where, "not a string%s: %r" % (" or null" if nullable else "", v))
        elif nonempty and v == "":
            self.fail(where, "empty string")

    def bool_(self, where, v):
        if not isinstance(v, bool):
            self.fail(where, "not a boolean: %r" % (v,))

    def frame(self, where, f, functions):
        self.frames.append(f)
        if not self.keys(where, f, FRAME_KEYS):
            return
        if not isinstance(f["pc"], str) or not HEX.match(f["pc"]):
            self.fail(where + ".pc", "not a hex string: %r" % (f["pc"],))
        self.str_(where + ".function", f["function"], nullable=True)
        self.str_(where + ".file", f["file"], nullable=True)
        if f["line"] is not None:
            self.int_(where + ".line", f["line"], 1)
        self.str_(where + ".module", f["module"], nullable=True)
        self.bool_(where + ".inlined", f["inlined"])
        if f["module_offset"] is not None and (
                not isinstance(f["module_offset"], str) or not HEX.match(f["module_offset"])):
            self.fail(where + ".module_offset", "not a hex string or null: %r"
                      % (f["module_offset"],))
        if f["build_id"] is not None and (
                not isinstance(f["build_id"], str) or not BUILD_ID.match(f["build_id"])):
            self.fail(where + ".build_id", "not a hex build ID or null: %r" % (f["build_id"],))
        if isinstance(f["function"], str):
            functions.add(f["function"])

    def stack(self, where, s, functions, nullable=False):
        if s is None and nullable:
            return
        if not isinstance(s, list):
            self.fail(where, "not an array%s: %r" % (" or null" if nullable else "", s))
            return
        for i, f in enumerate(s):
            self.frame("%s[%d]" % (where, i), f, functions)

    def lock_ref(self, where, v, ids, nullable=False):
        if v is None and nullable:
            return
        if not self.is_int(v):
            self.fail(where, "not a lock id: %r" % (v,))
        elif v not in ids:
            self.fail(where, "%d is not the id of a lock of this report %s" % (v, sorted(ids)))

    # -- one report ------------------------------------------------------
    def report(self, where, r, functions):
        if not self.keys(where, r, REPORT_KEYS):
            return
        if r["kind"] not in KINDS:
            self.fail(where + ".kind", "unknown kind %r" % (r["kind"],))
        if r["severity"] not in SEVERITIES:
            self.fail(where + ".severity", "unknown severity %r" % (r["severity"],))
        self.int_(where + ".pid", r["pid"], 1)
        self.int_(where + ".time_ms", r["time_ms"], 1000000000000)  # after 2001
        self.str_(where + ".headline", r["headline"])
        self.str_(where + ".note", r["note"], nullable=True)
        if r["group"] is not None:
            self.group_start(where, r)
        ids = self.locks(where, r)
        if ids is None:
            return

        if not isinstance(r["edges"], list):
            self.fail(where + ".edges", "not an array")
            return
        self.report_rest(where, r, ids, functions)

    def locks(self, where, r):
        """Check r's locks: their ids (id -> lock), or None."""
        ids = {}
        if not isinstance(r["locks"], list):
            self.fail(where + ".locks", "not an array")
            return None
        for i, l in enumerate(r["locks"]):
            w = "%s.locks[%d]" % (where, i)
            if not self.keys(w, l, LOCK_KEYS):
                continue
            self.int_(w + ".id", l["id"], 1)
            if not isinstance(l["address"], str) or not HEX.match(l["address"]):
                self.fail(w + ".address", "not a hex string: %r" % (l["address"],))
            if l["kind"] not in LOCK_KINDS:
                self.fail(w + ".kind", "unknown lock kind %r" % (l["kind"],))
            self.str_(w + ".name", l["name"])
            self.str_(w + ".class", l["class"])
            if self.is_int(l["id"]):
                if l["id"] in ids:
                    self.fail(w + ".id", "lock id %d listed twice" % l["id"])
                ids[l["id"]] = l
        return ids

    def report_rest(self, where, r, ids, functions):
        for i, e in enumerate(r["edges"]):
            w = "%s.edges[%d]" % (where, i)
            if not self.keys(w, e, EDGE_KEYS):
                continue
            self.lock_ref(w + ".from", e["from"], ids)
            self.lock_ref(w + ".to", e["to"], ids)
            if self.keys(w + ".thread", e["thread"], ["tid", "name"]):
                self.int_(w + ".thread.tid", e["thread"]["tid"], 1)
                self.str_(w + ".thread.name", e["thread"]["name"], nullable=True,
                          nonempty=False)
            self.bool_(w + ".from_read", e["from_read"])
            self.bool_(w + ".to_read", e["to_read"])
            self.bool_(w + ".from_timed", e["from_timed"])
            self.bool_(w + ".to_timed", e["to_timed"])
            self.bool_(w + ".to_fresh", e["to_fresh"])
            self.stack(w + ".from_stack", e["from_stack"], functions)
            self.stack(w + ".to_stack", e["to_stack"], functions)

        if not isinstance(r["threads"], list):
            self.fail(where + ".threads", "not an array")
            return
        for i, t in enumerate(r["threads"]):
            w = "%s.threads[%d]" % (where, i)
            if not self.keys(w, t, THREAD_KEYS):
                continue
            self.int_(w + ".tid", t["tid"], 1)
            self.str_(w + ".name", t["name"], nullable=True, nonempty=False)
            self.str_(w + ".role", t["role"])
            self.lock_ref(w + ".lock", t["lock"], ids, nullable=True)
            self.int_(w + ".duration_ms", t["duration_ms"], 0)
            if not isinstance(t["held"], list):
                self.fail(w + ".held", "not an array")
            else:
                for k, h in enumerate(t["held"]):
                    self.lock_ref("%s.held[%d]" % (w, k), h, ids)
            self.stack(w + ".stack", t["stack"], functions)
            self.stack(w + ".now", t["now"], functions, nullable=True)
            self.str_(w + ".now_note", t["now_note"], nullable=True)
            self.str_(w + ".state", t["state"], nullable=True)
            if not isinstance(t["waits_for"], list) or \
                    not all(self.is_int(x) and x > 0 for x in t["waits_for"]):
                self.fail(w + ".waits_for", "not an array of tids: %r" % (t["waits_for"],))

        # the process (exe, argv) and the line that would suppress the report
        self.str_(where + ".exe", r["exe"], nullable=True)
        if not isinstance(r["argv"], list) or not all(isinstance(a, str) for a in r["argv"]):
            self.fail(where + ".argv", "not an array of strings: %r" % (r["argv"],))
        self.str_(where + ".suppression", r["suppression"], nullable=True)
        if isinstance(r["suppression"], str) and \
                not r["suppression"].startswith(str(r["kind"]) + ":"):
            self.fail(where + ".suppression", "%r does not start with the report's kind"
                      % (r["suppression"],))

        if r["kind"] == "lock_order_cycle" and not self.problems_in(where):
            self.cycle(where, r, ids)

    # -- grouped reports and their later instances --------------------------
    def group_start(self, where, r):
        self.int_(where + ".group", r["group"], 1)
        if r["kind"] not in GROUPED_KINDS:
            self.fail(where + ".group", "a %s report is never grouped" % (r["kind"],))
        elif self.is_int(r["group"]):
            key = (r["pid"], r["group"])
            if key in self.groups:
                self.fail(where + ".group", "group %r of pid %r started twice" % key[::-1])
            self.groups[key] = {"report": r, "instances": []}

    def instance(self, where, r):
        if not self.keys(where, r, INSTANCE_KEYS):
            return
        self.int_(where + ".group", r["group"], 1)
        self.int_(where + ".instance", r["instance"], 2)
        self.int_(where + ".pid", r["pid"], 1)
        self.int_(where + ".time_ms", r["time_ms"], 1000000000000)
        self.str_(where + ".headline", r["headline"])
        ids = self.locks(where, r)
        if ids is None:
            return
        for key, want in (("edges", INSTANCE_EDGE_KEYS), ("threads", INSTANCE_THREAD_KEYS)):
            if not isinstance(r[key], list):
                self.fail(where + "." + key, "not an array")
                return
            for i, x in enumerate(r[key]):
                self.keys("%s.%s[%d]" % (where, key, i), x, want)
        if self.problems_in(where):
            return
        for i, e in enumerate(r["edges"]):
            w = "%s.edges[%d]" % (where, i)
            self.lock_ref(w + ".from", e["from"], ids)
            self.lock_ref(w + ".to", e["to"], ids)
            if self.keys(w + ".thread", e["thread"], ["tid", "name"]):
                self.int_(w + ".thread.tid", e["thread"]["tid"], 1)
                self.str_(w + ".thread.name", e["thread"]["name"], nullable=True,
                          nonempty=False)
        for i, t in enumerate(r["threads"]):
            w = "%s.threads[%d]" % (where, i)
            self.int_(w + ".tid", t["tid"], 1)
            self.str_(w + ".name", t["name"], nullable=True, nonempty=False)
            self.str_(w + ".role", t["role"])
            self.lock_ref(w + ".lock", t["lock"], ids, nullable=True)
            self.int_(w + ".duration_ms", t["duration_ms"], 0)
        g = self.groups.get((r["pid"], r["group"]))
        if g is None:
            self.fail(where, "an instance of group %r of pid %r, which no earlier report "
                      "started" % (r["group"], r["pid"]))
            return
        if r["instance"] != len(g["instances"]) + 2:
            self.fail(where + ".instance", "%r, expected %d"
                      % (r["instance"], len(g["instances"]) + 2))
        first = g["report"]
        if first["kind"] == "lock_order_cycle" and not self.problems_in(where):
            e, n = r["edges"], len(r["edges"])
            if n != len(first["edges"]) or \
                    any(e[i]["to"] != e[(i + 1) % n]["from"] for i in range(n)) or \
                    set(ids) != {x["from"] for x in e}:
                self.fail(where, "its edges are not a ring through its %d locks, of the "
                          "report's length %d" % (len(ids), len(first["edges"])))
        g["instances"].append(r)

    # -- the line option stats writes at exit ------------------------------
    def stats(self, where, r):
        if not self.keys(where, r, ["stats", "pid"]):
            return
        self.int_(where + ".pid", r["pid"], 1)
        if not isinstance(r["stats"], list):
            self.fail(where + ".stats", "not an array")
            return
        for i, row in enumerate(r["stats"]):
            w = "%s.stats[%d]" % (where, i)
            if not self.keys(w, row, STATS_KEYS):
                continue
            self.str_(w + ".name", row["name"])
            self.str_(w + ".class", row["class"])
            if row["kind"] not in LOCK_KINDS:
                self.fail(w + ".kind", "unknown lock kind %r" % (row["kind"],))
            for k in STATS_KEYS[3:5]:
                self.int_(w + "." + k, row[k], 0)
            self.int_(w + ".id", row["id"], 1)
            for k in STATS_KEYS[5:9] + STATS_KEYS[10:]:
                if not isinstance(row[k], (int, float)) or isinstance(row[k], bool) or row[k] < 0:
                    self.fail(w + "." + k, "not a duration in ms: %r" % (row[k],))

    # -- the line option edges writes at exit: the graph by lock class -------
    def order_line(self, where, r, functions):
        if not self.keys(where, r, ORDER_LINE_KEYS):
            return
        self.int_(where + ".dropped", r["dropped"], 0)
        self.int_(where + ".pid", r["pid"], 1)
        self.int_(where + ".time_ms", r["time_ms"], 1000000000000)
        self.str_(where + ".exe", r["exe"], nullable=True)
        if not isinstance(r["image"], str) or len(r["image"]) != 16 or \
                any(c not in "0123456789abcdef" for c in r["image"]):
            self.fail(where + ".image", "not 16 hex digits: %r" % (r["image"],))
        if r["argv"] is not None and (not isinstance(r["argv"], list) or
                                      not all(isinstance(x, str) for x in r["argv"])):
            self.fail(where + ".argv", "not an array of strings or null: %r" % (r["argv"],))
        if not isinstance(r["edges"], list) or not r["edges"]:
            self.fail(where + ".edges", "not a non-empty array")
            return
        seen = set()
        for i, e in enumerate(r["edges"]):
            w = "%s.edges[%d]" % (where, i)
            if not self.keys(w, e, ORDER_EDGE_KEYS):
                continue
            for side in ("from", "to"):
                if self.keys(w + "." + side, e[side], ORDER_LOCK_KEYS):
                    self.str_(w + "." + side + ".class", e[side]["class"])
                    self.str_(w + "." + side + ".name", e[side]["name"])
                    if e[side]["kind"] not in LOCK_KINDS:
                        self.fail(w + "." + side + ".kind", "unknown lock kind %r"
                                  % (e[side]["kind"],))
                    self.bool_(w + "." + side + ".prefers_writers", e[side]["prefers_writers"])
            if self.keys(w + ".thread", e["thread"], ["tid", "name"]):
                self.int_(w + ".thread.tid", e["thread"]["tid"], 1)
                self.str_(w + ".thread.name", e["thread"]["name"], nullable=True,
                          nonempty=False)
            for k in ("from_read", "to_read", "from_timed", "to_timed", "to_fresh"):
                self.bool_(w + "." + k, e[k])
            if not isinstance(e["gates"], list) or \
                    not all(isinstance(g, str) and g for g in e["gates"]):
                self.fail(w + ".gates", "not an array of class names: %r" % (e["gates"],))
            self.int_(w + ".instances", e["instances"], 1)
            self.stack(w + ".from_stack", e["from_stack"], functions)
            self.stack(w + ".to_stack", e["to_stack"], functions)
            # each frame's place in its module, as in reports (they were
            # all null here: an address alone names no code after exit)
            for k in ("from_stack", "to_stack"):
                for j, f in enumerate(e[k] if isinstance(e[k], list) else []):
                    if isinstance(f, dict) and f.get("module") and \
                            f.get("module_offset") is None:
                        self.fail("%s.%s[%d]" % (w, k, j),
                                  "a frame in %s without its module_offset" % f["module"])
            if isinstance(e["from"], dict) and isinstance(e["to"], dict):
                pair = (e["from"].get("class"), e["to"].get("class"))
                if pair[0] == pair[1]:
                    self.fail(w, "an edge within one class %r" % (pair[0],))
                if pair in seen:
                    self.fail(w, "the class edge %r -> %r is listed twice" % pair)
                seen.add(pair)

    def line(self, where, r, functions):
        """Check one line: a report, the stats line or the order line (option
        edges). True for a report."""
        if isinstance(r, dict) and list(r) == ["stats", "pid"]:
            self.stats(where, r)
            return False
        if isinstance(r, dict) and "group" in r and "kind" not in r:
            self.instance(where, r)
            return False
        if isinstance(r, dict) and list(r)[:1] == ["edges"] and "kind" not in r:
            self.order_line(where, r, functions)
            return False
        self.report(where, r, functions)
        return True

    def problems_in(self, where):
        return any(p.startswith(where + ".") or p.startswith(where + ":")
                   for p in self.problems)

    def cycle(self, where, r, ids):
        edges = r["edges"]
        n = len(edges)
        if n < 2:
            self.fail(where, "a cycle needs at least two edges, has %d" % n)
            return
        for i in range(n):
            if edges[i]["to"] != edges[(i + 1) % n]["from"]:
                self.fail(where, "edge %d ends at %d but edge %d starts at %d"
                          % (i, edges[i]["to"], (i + 1) % n, edges[(i + 1) % n]["from"]))
                return
        ring = [e["from"] for e in edges]
        if len(set(ring)) != n:
            self.fail(where, "the ring passes a lock twice: %s" % ring)
        extra = set(ids) - set(ring)
        if extra:
            # only the gate of a warning may stand outside the ring
            if len(extra) > 1 or r["severity"] != "warning":
                self.fail(where, "locks outside the cycle: %s" % sorted(extra))
            else:
                gate = ids[extra.pop()]["name"]
                if not r["note"] or gate not in r["note"]:
                    self.fail(where, "the gate %s is not named in the note %r"
                              % (gate, r["note"]))
        names = [ids[i]["name"] for i in ring]
        if len(names) <= 8:
            want = "lock-order cycle: " + " -> ".join(names + names[:1])
        else:  # a long cycle: its size, the first three, the last, and back
            want = "lock-order cycle of %d locks: %s" % (
                len(names), " -> ".join(names[:3] + ["..."] + names[-1:] + names[:1]))
        if r["headline"] != want:
            self.fail(where + ".headline", "%r, expected %r" % (r["headline"], want))


# -- frames: inlined functions, module offsets, build IDs (issue 16) --------
def stacks_of(r):
    """(where, stack, exact0) of every stack of report r; the `now` stacks
    start with an exact pc, the others are return addresses."""
    for i, e in enumerate(r.get("edges") or []):
        yield "edge %d from_stack" % i, e.get("from_stack"), False
        yield "edge %d to_stack" % i, e.get("to_stack"), False
    for i, t in enumerate(r.get("threads") or []):
        yield "thread %d (%s) stack" % (i, t.get("role")), t.get("stack"), False
        yield "thread %d now" % i, t.get("now"), True


def groups(stack):
    """The frames of one stack cut into one group per pc: the functions
    inlined there (inlined true) and the one that holds them."""
    g = []
    for f in stack:
        g.append(f)
        if not f.get("inlined"):
            yield g
            g = []
    if g:
        yield g


def addr2line(module, offset, cache={}):
    """[(function, "base:line")] from addr2line -i -f -C, innermost first."""
    key = (module, offset)
    if key not in cache:
        import subprocess
        out = subprocess.run(["addr2line", "-i", "-f", "-C", "-e", module, "0x%x" % offset],
                             capture_output=True, text=True).stdout.split("\n")
        pairs = []
        for fn, pos in zip(out[0::2], out[1::2]):
            pos = pos.split(" (discriminator")[0]
            file, _, line = pos.rpartition(":")
            pairs.append((fn, "%s:%s" % (file.rsplit("/", 1)[-1], line)))
        cache[key] = pairs
    return cache[key]


def build_id_of(module, cache={}):
    if module not in cache:
        import subprocess
        out = subprocess.run(["readelf", "-n", module], capture_output=True, text=True).stdout
        m = re.search(r"Build ID: ([0-9a-f]+)", out)
        cache[module] = m.group(1) if m else None
    return cache[module]


def frames_check(c, a, reports):
    checked = 0
    for n, r in enumerate(reports):
        if not isinstance(r, dict):
            continue
        names = [l.get("name") for l in r.get("locks") or [] if isinstance(l, dict)]
        for name in names:
            if a.all_locks_re and not re.search(a.all_locks_re, str(name)):
                c.fail("expect", "lock %r does not match %r" % (name, a.all_locks_re))
            if a.no_lock_re and re.search(a.no_lock_re, str(name)):
                c.fail("expect", "lock %r matches %r" % (name, a.no_lock_re))
        for where, s, exact0 in stacks_of(r):
            where = "report %d %s" % (n + 1, where)
            if a.stacks and not where.endswith(" now") and not s:
                c.fail("expect", "%s: no stack" % where)
            for f in s or []:
                if not isinstance(f, dict):
                    continue
                mod = f.get("module") or ""
                if a.no_lockwatch_frames and (
                        mod.rsplit("/", 1)[-1].startswith("liblockwatch") or
                        (f.get("function") or "").startswith("lw__")):
                    c.fail("expect", "%s: lockwatch's own frame %s [%s]"
                           % (where, f.get("function"), mod))
                if a.build_ids and mod.startswith("/") and f.get("build_id") != build_id_of(mod):
                    c.fail("expect", "%s: build_id %s of %s, readelf -n says %s"
                           % (where, f.get("build_id"), mod, build_id_of(mod)))
            if not a.addr2line or exact0 or not s:
                continue
            for g in groups(s):
                mod = g[-1].get("module") or ""
                if not mod.rsplit("/", 1)[-1].startswith(a.addr2line) or \
                        not g[-1].get("module_offset"):
                    continue
                want = addr2line(mod, int(g[-1]["module_offset"], 16) - 1)
                got = [(f.get("function"), "%s:%s" % ((f.get("file") or "??").rsplit("/", 1)[-1],
                                                      f.get("line") or 0)) for f in g]
                # addr2line names the innermost location after the symbol
                # of the whole function: compare that function by position
                # only; its names are DWARF's (`run`), ours may be
                # qualified and demangled in full (`ns::Cls::run()`)
                same = len(want) == len(got) and all(
                    w[1] == g_[1] and (i == 0 and len(want) > 1 or w[0] in (g_[0] or ""))
                    for i, (w, g_) in enumerate(zip(want, got)))
                checked += 1
                if not same:
                    c.fail("expect", "%s: frames %s, addr2line -i says %s" % (where, got, want))
    if a.addr2line and not checked:
        c.fail("expect", "no frame of a module %s* to compare with addr2line" % a.addr2line)
    if a.build_ids and not any(isinstance(f, dict) and f.get("build_id") for f in c.frames):
        c.fail("expect", "no frame has a build_id")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--count", type=int)
    ap.add_argument("--lock", action="append", default=[])
    ap.add_argument("--lock-kind", action="append", default=[])
    ap.add_argument("--func", action="append", default=[])
    ap.add_argument("--frame", action="append", default=[])
    ap.add_argument("--note", action="append", default=[])
    ap.add_argument("--timed-edges", type=int)
    ap.add_argument("--fresh-edges", type=int)
    ap.add_argument("--now-func", action="append", default=[])
    ap.add_argument("--instances", action="append", default=[])
    ap.add_argument("--status", type=int, default=0)
    ap.add_argument("--actual-status", type=int)
    ap.add_argument("--addr2line")
    ap.add_argument("--build-ids", action="store_true")
    ap.add_argument("--no-lockwatch-frames", action="store_true")
    ap.add_argument("--stacks", action="store_true")
    ap.add_argument("--all-locks-re")
    ap.add_argument("--no-lock-re")
    a = ap.parse_args()

    c = Checker()
    reports = []
    functions = set()
    try:
        with open(a.file, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        # lockwatch opens the file when it writes a report: none, no file
        if a.count != 0:
            print("check_json: %s does not exist (no report written)" % a.file)
            return 1
        text = ""
    except OSError as e:
        print("check_json: cannot read %s: %s" % (a.file, e))
        return 1
    if text and not text.endswith("\n"):
        c.fail(a.file, "the last line has no newline")
    for no, line in enumerate(text.splitlines(), 1):
        where = "line %d" % no
        try:
            r = json.loads(line)
        except ValueError as e:
            c.fail(where, "not JSON: %s" % e)
            continue
        if c.line(where, r, functions):
            reports.append(r)

    if a.actual_status is not None and a.actual_status != a.status:
        c.fail("program", "exit status %d, expected %d" % (a.actual_status, a.status))
    if a.count is not None and len(reports) != a.count:
        c.fail("expect", "%d reports, expected %d" % (len(reports), a.count))
    for e in a.expect:
        try:
            kind, sev, n = e.split(":")
            n = int(n)
        except ValueError:
            c.fail("expect", "bad --expect %r (KIND:SEVERITY:N)" % e)
            continue
        got = sum(1 for r in reports
                  if isinstance(r, dict) and r.get("kind") == kind and r.get("severity") == sev)
        if got != n:
            c.fail("expect", "%d %s %s report(s), expected %d" % (got, kind, sev, n))
    instances = [i for g in c.groups.values() for i in g["instances"]]
    names = {l.get("name") for r in reports + instances if isinstance(r, dict)
             for l in (r.get("locks") or []) if isinstance(l, dict)}
    for name in a.lock:
        if name not in names:
            c.fail("expect", "no lock named %r (have %s)" % (name, sorted(map(str, names))))
    for want in a.lock_kind:
        name, _, kind = want.rpartition("=")
        kinds = {l.get("kind") for r in reports + instances if isinstance(r, dict)
                 for l in (r.get("locks") or []) if isinstance(l, dict) and l.get("name") == name}
        if kinds != {kind}:
            c.fail("expect", "lock %r is of kind(s) %s, expected %r" % (name, sorted(map(str, kinds)), kind))
    for fn in a.func:
        if fn not in functions:
            c.fail("expect", "no frame in function %r" % fn)
    for want in a.frame:
        try:
            fn, file, line = want.rsplit(":", 2)
            line = int(line)
        except ValueError:
            c.fail("expect", "bad --frame %r (FUNC:FILE:LINE)" % want)
            continue
        seen = [(f.get("file"), f.get("line")) for f in c.frames
                if isinstance(f, dict) and f.get("function") == fn]
        if not any(isinstance(ff, str) and ff.rsplit("/", 1)[-1] == file and ll == line
                   for ff, ll in seen):
            c.fail("expect", "no frame %s at %s:%d (frames in %s: %s)" % (
                fn, file, line, fn, sorted(set("%s:%s" % x for x in seen))))

    for text in a.note:
        if not any(isinstance(r, dict) and isinstance(r.get("note"), str) and text in r["note"]
                   for r in reports):
            c.fail("expect", "no note contains %r" % text)
    now_functions = {f.get("function") for r in reports if isinstance(r, dict)
                     for t in (r.get("threads") or []) if isinstance(t, dict)
                     for f in (t.get("now") or []) if isinstance(f, dict)}
    for fn in a.now_func:
        if fn not in now_functions:
            c.fail("expect", "no 'doing now' stack has a frame in %r (they have %s)"
                   % (fn, sorted(map(str, now_functions))))
    for what, want in (("timed", a.timed_edges), ("fresh", a.fresh_edges)):
        if want is None:
            continue
        for r in reports:
            if isinstance(r, dict) and r.get("kind") == "lock_order_cycle":
                got = sum(1 for e in r.get("edges") or []
                          if isinstance(e, dict) and e.get("to_" + what) is True)
                if got != want:
                    c.fail("expect", "%d %s edge(s) in %r, expected %d"
                           % (got, what, r.get("headline"), want))

    for want in a.instances:
        try:
            kind, n = want.rsplit(":", 1)
            n = int(n)
        except ValueError:
            c.fail("expect", "bad --instances %r (KIND:N)" % want)
            continue
        got, lock_sets = 0, set()
        for r in reports:
            if not isinstance(r, dict) or r.get("kind") != kind:
                continue
            g = c.groups.get((r.get("pid"), r.get("group")), {"instances": []})
            for x in [r] + g["instances"]:
                got += 1
                lock_sets.add((r.get("pid"), frozenset(
                    l.get("address") for l in x.get("locks") or [] if isinstance(l, dict))))
        if got != n:
            c.fail("expect", "%s reports stand for %d instance(s), expected %d" % (kind, got, n))
        elif kind == "lock_order_cycle" and len(lock_sets) != n:
            c.fail("expect", "%d %s instances over only %d distinct lock sets"
                   % (n, kind, len(lock_sets)))
    frames_check(c, a, reports)

    for p in c.problems:
        print("check_json: " + p)
    print("check_json: %s: %d report(s), %s" % (a.file, len(reports),
          "OK" if not c.problems else "%d problem(s)" % len(c.problems)))
    return 1 if c.problems else 0


if __name__ == "__main__":
    sys.exit(main())
