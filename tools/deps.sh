#!/usr/bin/env bash
# deps.sh - install what building and testing lockwatch needs on Debian 12
# (run as root, or with sudo available). Installs only what is missing.
# Then the SARIF 2.1.0 schema, from the npm registry, into build/deps/
# (tools/sarif_schema.sh; not kept in the repository): when the registry
# cannot be reached the report tests skip the schema validation, saying so.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(build-essential g++ cmake pkg-config libunwind-dev libdw-dev uthash-dev
      python3 xz-utils zstd pigz
      libjemalloc2 libtcmalloc-minimal4 # other allocators, preloaded by tests/ways
      python3-jsonschema graphviz # lockwatch report's tests: SARIF validation, the picture
      valgrind # a program run by valgrind under lockwatch run (tests/preload/test_unchecked.sh)
      clang libomp-dev # clang's OpenMP runtime, whose critical sections are its own (ways_omp_clang)
      gfortran) # Fortran's OpenMP lock calls (ways_omp_fortran)
missing=()
for p in "${pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# npm, the client that fetches the SARIF schema (any npm will do)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	echo "deps.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
tools/sarif_schema.sh build/deps || [ $? = 3 ] # 3: the registry is unreachable
