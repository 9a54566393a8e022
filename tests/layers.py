#!/usr/bin/env python3
"""layers.py - the library's layering, checked from its object files.

Reads the symbol tables (nm) of the static library's objects, one per
source file, and follows every undefined symbol to the file that defines
it. Fails when
  - two or more files call each other in a loop (a cycle of any length), or
  - a file calls into a layer above its own (the layers, lowest first, are
    the folders of src/: base, model, report, check, runtime, front).

usage: layers.py OBJECT_DIR   (CMakeFiles/lockwatch_static.dir/src)
"""
import os
import subprocess
import sys

LAYERS = ["base", "model", "report", "check", "runtime", "front"]


def symbols(path):
    out = subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRVWG":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
    return defined, undefined


def main():
    top = sys.argv[1]
    files = {}
    for layer in LAYERS:
        if not os.path.isdir(os.path.join(top, layer)):
            continue
        for name in os.listdir(os.path.join(top, layer)):
            if name.endswith(".o"):
                files[f"{layer}/{name[:-4]}"] = symbols(os.path.join(top, layer, name))
    if not files:
        print(f"FAIL: no object files under {top}")
        return 1
    owner = {}
    for f, (defined, _) in files.items():
        for s in defined:
            owner[s] = f
    deps = {f: {} for f in files}
    for f, (_, undefined) in files.items():
        for s in undefined:
            g = owner.get(s)
            if g and g != f:
                deps[f].setdefault(g, s)
    bad = 0
    for f, ds in sorted(deps.items()):
        lf = LAYERS.index(f.split("/")[0])
        for g, s in sorted(ds.items()):
            if LAYERS.index(g.split("/")[0]) > lf:
                print(f"FAIL: {f} calls up into {g} ({s})")
                bad += 1
    # cycles: depth-first search with colours
    colour = {f: 0 for f in files}
    stack = []

    def visit(f):
        nonlocal bad
        colour[f] = 1
        stack.append(f)
        for g in sorted(deps[f]):
            if colour[g] == 1:
                loop = stack[stack.index(g):] + [g]
                print("FAIL: files call each other in a loop: " + " -> ".join(loop))
                bad += 1
            elif colour[g] == 0:
                visit(g)
        stack.pop()
        colour[f] = 2

    for f in sorted(files):
        if colour[f] == 0:
            visit(f)
    print(f"{len(files)} files, {sum(len(d) for d in deps.values())} file-to-file "
          f"dependencies, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
