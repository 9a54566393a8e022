#!/usr/bin/env python3
"""sizes.py - the house limits on size: no library file in src/ over 500
lines, no function over 60 (its signature to its closing brace).

A function is found by its body's braces, which the house style puts in
column 0; a function a macro defines is not seen. Prints each file and
function over its limit, longest first, and exits 1 when there is one.

usage: tools/sizes.py [SRC_DIR]   (default: src/ next to this folder)
"""
import os
import sys

FILE_MAX, FUNC_MAX = 500, 60


def functions(lines):
    """(name, first line, length) of each function, lines numbered from 1."""
    out = []
    for i, line in enumerate(lines):
        if line.rstrip("\n") != "{":
            continue
        start = i
        # the signature: back to the line after a blank, a comment's end,
        # a preprocessor line or a closing brace
        while start > 0:
            prev = lines[start - 1].rstrip()
            if (not prev or prev.endswith("*/") or prev.startswith("#")
                    or prev.startswith("}") or prev.endswith(";")):
                break
            start -= 1
        end = i + 1
        while end < len(lines) and not lines[end].startswith("}"):
            end += 1
        sig = "".join(lines[start:i]).split("(")[0].split()
        name = sig[-1].lstrip("*") if sig else "?"
        out.append((name, start + 1, end - start + 1))
    return out


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "src")
    over = []
    for root, _, names in os.walk(top):
        for n in sorted(names):
            if not n.endswith((".c", ".h")):
                continue
            path = os.path.relpath(os.path.join(root, n), os.path.join(top, ".."))
            with open(os.path.join(root, n)) as f:
                lines = f.readlines()
            if len(lines) > FILE_MAX:
                over.append((len(lines), f"file {path}: {len(lines)} lines (max {FILE_MAX})"))
            for name, first, length in functions(lines):
                if length > FUNC_MAX:
                    over.append((length, f"function {path}:{first} {name}: "
                                 f"{length} lines (max {FUNC_MAX})"))
    for _, msg in sorted(over, key=lambda o: -o[0]):
        print(msg)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
