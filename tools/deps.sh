#!/usr/bin/env bash
# deps.sh - install what building and testing lockwatch needs on Debian 12
# (run as root, or with sudo available). Installs only what is missing.
set -euo pipefail
pkgs=(build-essential g++ cmake pkg-config libunwind-dev libdw-dev uthash-dev
      python3 xz-utils zstd pigz
      libjemalloc2 libtcmalloc-minimal4 # other allocators, preloaded by tests/ways
      python3-jsonschema graphviz) # lockwatch report's tests: SARIF validation, the picture
missing=()
for p in "${pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
