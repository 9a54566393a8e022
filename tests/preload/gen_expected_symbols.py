#!/usr/bin/env python3
"""gen_expected_symbols.py TOP [--check FILE] - the dynamic symbols the
preload library must define: every function of src/base/real.def except
pthread_create (called for real, never interposed; pthread_once and
call_once are src/front/once.c's), every LW__EXPORT
function of src/front/heap.c (free, realloc, munmap, operator delete),
of src/front/omp.c (OpenMP's critical sections and simple locks) and of
src/front/cxxstatic.c (the C++ runtime's guards of local statics),
plus every lw_ function declared LW_API in include/lockwatch.h; sorted,
one a line.
Without --check it prints the list (to regenerate expected_symbols.txt);
with --check it exits 1 when FILE differs from what the sources say."""
import re
import sys


def expected(top):
    names = set()
    with open(f"{top}/src/base/real.def") as f:
        for m in re.finditer(r"^LW_REAL\(\s*[^,]+,\s*(\w+)\s*,", f.read(), re.M):
            names.add(m.group(1))
    names.discard("pthread_create")
    for src in ("heap.c", "omp.c", "cxxstatic.c"):
        with open(f"{top}/src/front/{src}") as f:
            for m in re.finditer(r"^LW__EXPORT\s[^(]*?\b(\w+)\(", f.read(), re.M):
                names.add(m.group(1))
    with open(f"{top}/include/lockwatch.h") as f:
        for m in re.finditer(r"\bLW_API\b[^;(]*?\b(lw_\w+)\s*\(", f.read()):
            names.add(m.group(1))
    return sorted(names)


def main():
    top = sys.argv[1]
    want = expected(top)
    if len(sys.argv) == 4 and sys.argv[2] == "--check":
        with open(sys.argv[3]) as f:
            have = [l.strip() for l in f if l.strip() and not l.startswith("#")]
        if have != want:
            print(f"{sys.argv[3]} is out of date with real.def/lockwatch.h:", file=sys.stderr)
            for n in sorted(set(want) - set(have)):
                print(f"  missing: {n}", file=sys.stderr)
            for n in sorted(set(have) - set(want)):
                print(f"  extra:   {n}", file=sys.stderr)
            print(f"regenerate: {sys.argv[0]} {top} > {sys.argv[3]}", file=sys.stderr)
            return 1
        return 0
    print("\n".join(want))
    return 0


if __name__ == "__main__":
    sys.exit(main())
