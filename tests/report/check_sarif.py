#!/usr/bin/env python3
"""check_sarif.py - check a SARIF file written by `lockwatch report --sarif`.

usage: check_sarif.py FILE [--schema SCHEMA] [--results N] [--rule KIND]...
                      [--function NAME]... [--file BASENAME]... [--level L:N]...
                      [--baseline-state S:N]...

Always: the structure SARIF 2.1.0 requires of every object lockwatch
writes (version, runs[].tool.driver.name, results[].message.text, every
location's artifactLocation.uri, region.startLine >= 1, ruleId among the
driver's rules and ruleIndex pointing at it, partialFingerprints values
strings, no unknown property on those objects). With --schema (or
$LOCKWATCH_SARIF_SCHEMA) naming a SARIF 2.1.0 JSON schema (the OASIS
sarif-schema-2.1.0.json, or sarif-2.1.0-rtm.5.json, which
tools/sarif_schema.sh brings from the npm registry) and Python's
jsonschema installed, also a full validation against it (JSON Schema draft
4); the output says which was done. With $LOCKWATCH_SARIF_SCHEMA_REQUIRED=1
a validation that cannot be done (no schema file, no jsonschema) is a
problem, not a note. Expectations: --results N results in all;
--rule KIND some result has that ruleId; --function NAME some location or
related location is in that function; --file BASENAME ... in a file of that
base name with a line; --level L:N exactly N results of level L;
--baseline-state S:N exactly N results with that baselineState."""
import argparse
import json
import os
import sys

# the properties SARIF 2.1.0 defines on each object lockwatch writes
ALLOWED = {
    "log": {"$schema", "version", "runs", "inlineExternalProperties", "properties"},
    "run": {"tool", "invocations", "conversion", "language", "versionControlProvenance",
            "originalUriBaseIds", "artifacts", "logicalLocations", "graphs", "results",
            "automationDetails", "runAggregates", "baselineGuid", "redactionTokens",
            "defaultEncoding", "defaultSourceLanguage", "newlineSequences",
            "columnKind", "externalPropertyFileReferences", "threadFlowLocations",
            "taxonomies", "addresses", "translations", "policies", "webRequests",
            "webResponses", "specialLocations", "properties"},
    "driver": {"name", "fullName", "version", "semanticVersion", "informationUri", "rules",
               "guid", "product", "productSuite", "dottedQuadFileVersion", "downloadUri",
               "organization", "shortDescription", "fullDescription", "releaseDateUtc",
               "notifications", "taxa", "locations", "language", "contents",
               "isComprehensive", "localizedDataSemanticVersion",
               "minimumRequiredLocalizedDataSemanticVersion", "associatedComponent",
               "translationMetadata", "supportedTaxonomies", "properties"},
    "rule": {"id", "deprecatedIds", "guid", "deprecatedGuids", "name", "deprecatedNames",
             "shortDescription", "fullDescription", "messageStrings",
             "defaultConfiguration", "helpUri", "help", "relationships", "properties"},
    "result": {"ruleId", "ruleIndex", "rule", "kind", "level", "message", "analysisTarget",
               "locations", "guid", "correlationGuid", "occurrenceCount",
               "partialFingerprints", "fingerprints", "stacks", "codeFlows", "graphs",
               "graphTraversals", "relatedLocations", "suppressions", "baselineState",
               "rank", "attachments", "hostedViewerUri", "workItemUris", "provenance",
               "fixes", "taxa", "webRequest", "webResponse", "properties"},
    "location": {"id", "physicalLocation", "logicalLocations", "message", "annotations",
                 "relationships", "properties"},
    "physical": {"address", "artifactLocation", "region", "contextRegion", "properties"},
    "artifact": {"uri", "uriBaseId", "index", "description", "properties"},
    "region": {"startLine", "startColumn", "endLine", "endColumn", "charOffset",
               "charLength", "byteOffset", "byteLength", "snippet", "message",
               "sourceLanguage", "properties"},
    "logical": {"name", "index", "fullyQualifiedName", "decoratedName", "parentIndex",
                "kind", "properties"},
}
LEVELS = {"none", "note", "warning", "error"}
STATES = {"new", "unchanged", "updated", "absent"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--schema", default=os.environ.get("LOCKWATCH_SARIF_SCHEMA"))
    ap.add_argument("--results", type=int)
    ap.add_argument("--rule", action="append", default=[])
    ap.add_argument("--function", action="append", default=[])
    ap.add_argument("--file", dest="files", action="append", default=[])
    ap.add_argument("--level", action="append", default=[])
    ap.add_argument("--baseline-state", action="append", default=[])
    a = ap.parse_args()
    problems = []

    def bad(where, msg):
        problems.append("%s: %s" % (where, msg))

    def props(where, obj, kind):
        if not isinstance(obj, dict):
            bad(where, "not an object")
            return False
        extra = set(obj) - ALLOWED[kind]
        if extra:
            bad(where, "properties SARIF does not define here: %s" % sorted(extra))
        return True

    with open(a.file, encoding="utf-8") as f:
        log = json.load(f)
    props("log", log, "log")
    if log.get("version") != "2.1.0":
        bad("log.version", "%r, expected '2.1.0'" % (log.get("version"),))
    runs = log.get("runs")
    if not isinstance(runs, list) or len(runs) != 1:
        bad("log.runs", "expected one run")
        runs = []
    functions, files, rules_seen, levels, states = set(), set(), set(), {}, {}
    n_results = 0
    for ri, run in enumerate(runs):
        w = "runs[%d]" % ri
        props(w, run, "run")
        driver = run.get("tool", {}).get("driver")
        if props(w + ".tool.driver", driver, "driver"):
            if not isinstance(driver.get("name"), str) or not driver["name"]:
                bad(w + ".tool.driver.name", "missing")
        rules = (driver or {}).get("rules", [])
        for k, rule in enumerate(rules):
            if props("%s.rules[%d]" % (w, k), rule, "rule") and not isinstance(rule.get("id"), str):
                bad("%s.rules[%d].id" % (w, k), "missing")
        ids = [r.get("id") for r in rules]
        bases = run.get("originalUriBaseIds", {})
        for r_i, r in enumerate(run.get("results") or []):
            rw = "%s.results[%d]" % (w, r_i)
            n_results += 1
            if not props(rw, r, "result"):
                continue
            if not isinstance(r.get("message", {}).get("text"), str) or not r["message"]["text"]:
                bad(rw + ".message.text", "missing")
            if r.get("ruleId") not in ids:
                bad(rw + ".ruleId", "%r is not a rule of the driver" % (r.get("ruleId"),))
            elif "ruleIndex" in r and ids[r["ruleIndex"]] != r["ruleId"]:
                bad(rw + ".ruleIndex", "points at %r, not %r" % (ids[r["ruleIndex"]], r["ruleId"]))
            rules_seen.add(r.get("ruleId"))
            if r.get("level") not in LEVELS:
                bad(rw + ".level", "%r" % (r.get("level"),))
            levels[r.get("level")] = levels.get(r.get("level"), 0) + 1
            if "baselineState" in r:
                if r["baselineState"] not in STATES:
                    bad(rw + ".baselineState", "%r" % (r["baselineState"],))
                states[r["baselineState"]] = states.get(r["baselineState"], 0) + 1
            fps = r.get("partialFingerprints")
            if not isinstance(fps, dict) or not fps or \
                    not all(isinstance(v, str) and v for v in fps.values()):
                bad(rw + ".partialFingerprints", "not a non-empty map of strings")
            ids_seen = set()
            for key in ("locations", "relatedLocations"):
                for li, loc in enumerate(r.get(key) or []):
                    lw = "%s.%s[%d]" % (rw, key, li)
                    if not props(lw, loc, "location"):
                        continue
                    if key == "relatedLocations":
                        if not isinstance(loc.get("id"), int) or loc["id"] < 0 or loc["id"] in ids_seen:
                            bad(lw + ".id", "missing, negative or repeated")
                        ids_seen.add(loc.get("id"))
                    pl = loc.get("physicalLocation")
                    if pl is not None and props(lw + ".physicalLocation", pl, "physical"):
                        al = pl.get("artifactLocation", {})
                        if props(lw + ".artifactLocation", al, "artifact"):
                            if not isinstance(al.get("uri"), str) or not al["uri"] or " " in al["uri"]:
                                bad(lw + ".artifactLocation.uri", "not a URI: %r" % (al.get("uri"),))
                            if "uriBaseId" in al and al["uriBaseId"] not in bases:
                                bad(lw + ".artifactLocation.uriBaseId", "not in originalUriBaseIds")
                        reg = pl.get("region")
                        if reg is not None and props(lw + ".region", reg, "region"):
                            if not isinstance(reg.get("startLine"), int) or reg["startLine"] < 1:
                                bad(lw + ".region.startLine", "%r" % (reg.get("startLine"),))
                            elif isinstance(al.get("uri"), str):
                                files.add(al["uri"].rsplit("/", 1)[-1])
                    for gi, lg in enumerate(loc.get("logicalLocations") or []):
                        if props("%s.logicalLocations[%d]" % (lw, gi), lg, "logical"):
                            functions.add(lg.get("name"))

    schema_done = "structure checked (no SARIF schema given)"
    required = os.environ.get("LOCKWATCH_SARIF_SCHEMA_REQUIRED") == "1"
    if required and not (a.schema and os.path.exists(a.schema)):
        bad("schema", "no schema file %r to validate against" % (a.schema,))
    if a.schema and os.path.exists(a.schema):
        try:
            import jsonschema
        except ImportError:
            schema_done = "structure checked (python3-jsonschema is not installed)"
            if required:
                bad("schema", "python3-jsonschema is not installed (tools/deps.sh installs it)")
        else:
            with open(a.schema, encoding="utf-8") as f:
                schema = json.load(f)
            v = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
            for e in v.iter_errors(log):
                bad("schema", "%s at %s" % (e.message, "/".join(map(str, e.path))))
            schema_done = "valid against %s" % os.path.basename(a.schema)

    if a.results is not None and n_results != a.results:
        bad("expect", "%d results, expected %d" % (n_results, a.results))
    for r in a.rule:
        if r not in rules_seen:
            bad("expect", "no result of rule %r" % r)
    for fn in a.function:
        if fn not in functions:
            bad("expect", "no location in function %r (have %s)" % (fn, sorted(functions)))
    for fl in a.files:
        if fl not in files:
            bad("expect", "no location in file %r (have %s)" % (fl, sorted(files)))
    for spec in a.level:
        lv, n = spec.split(":")
        if levels.get(lv, 0) != int(n):
            bad("expect", "%d results of level %s, expected %s" % (levels.get(lv, 0), lv, n))
    for spec in a.baseline_state:
        st, n = spec.split(":")
        if states.get(st, 0) != int(n):
            bad("expect", "%d results with baselineState %s, expected %s" % (states.get(st, 0), st, n))
    for p in problems:
        print("check_sarif: " + p)
    print("check_sarif: %s: %d result(s), %s, %s" % (
        a.file, n_results, schema_done, "OK" if not problems else "%d problem(s)" % len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
