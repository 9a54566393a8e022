#!/usr/bin/env bash
# demo.sh - the README's demo command: install what is missing, build, and
# run the bundled example (examples/demo.c) under `lockwatch run`.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "== build/bin/lockwatch run --hold-ms 500 --wait-ms 500 --json build/demo.jsonl -- build/bin/lockwatch-demo"
rm -f build/demo.jsonl
set +e
build/bin/lockwatch run --hold-ms 500 --wait-ms 500 --json build/demo.jsonl -- build/bin/lockwatch-demo
status=$?
set -e
echo "== lockwatch run exited with status $status (66: an error was reported, as expected here)"
echo "== the same reports as JSON Lines: build/demo.jsonl ($(wc -l < build/demo.jsonl) lines)"
[ "$status" -eq 66 ]
