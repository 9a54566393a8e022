#!/usr/bin/env bash
# sarif_schema.sh DIR - bring the SARIF 2.1.0 JSON schema into DIR (a build
# tree's deps/), for the report tests to validate `lockwatch report --sarif`
# against; tools/deps.sh runs it for build/, and the test runs it for its
# own build tree when the file is not there yet.
#
# The schema is not kept in this repository. It comes from the npm registry,
# in the package @microsoft/jest-sarif 1.0.0-beta.0 (MIT, Microsoft's SARIF
# SDK for JavaScript), which ships it as lib/schemas/sarif-2.1.0-rtm.5.json:
# the SARIF 2.1.0 schema as published to the JSON Schema Store (JSON Schema
# draft 4). It is the OASIS text but for a few checks the OASIS errata 01
# schema added (a region must have startLine, charOffset or byteOffset; some
# enums also say their type), which check_sarif.py makes itself. The file's
# SHA-256 is pinned: another text is an error, never used.
#
# Exit status: 0 when DIR/sarif-2.1.0-rtm.5.json is there (fetched now or
# before); 3 when the registry cannot be reached (or npm is missing): DIR/
# sarif-schema.unavailable then says why, and the tests skip the schema
# validation, saying so; 1 on any other failure (a different file).
set -uo pipefail
dir=${1:?usage: sarif_schema.sh DIR}
pkg=@microsoft/jest-sarif@1.0.0-beta.0
inner=package/lib/schemas/sarif-2.1.0-rtm.5.json
name=sarif-2.1.0-rtm.5.json
sha=2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8

mkdir -p "$dir" || exit 1
if [ -f "$dir/$name" ] && echo "$sha  $dir/$name" | sha256sum -c --status; then
	exit 0
fi
unavailable() {
	printf '%s\n' "$*" >"$dir/sarif-schema.unavailable"
	echo "sarif_schema.sh: $*" >&2
	exit 3
}
command -v npm >/dev/null || unavailable "npm is not installed (tools/deps.sh installs it)"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# npm pack checks the tarball against the registry's integrity hash
if ! (cd "$tmp" && timeout 120 npm pack --loglevel=error --fetch-retries=1 --fetch-timeout=20000 "$pkg" >pack.out 2>pack.err); then
	unavailable "npm pack $pkg failed (is the npm registry reachable?): $(tail -n 3 "$tmp/pack.err" | tr '\n' ' ')"
fi
tgz=$tmp/$(tail -n 1 "$tmp/pack.out")
tar -xzf "$tgz" -C "$tmp" "$inner" package/package.json || { echo "sarif_schema.sh: $pkg has no $inner" >&2; exit 1; }
if ! echo "$sha  $tmp/$inner" | sha256sum -c --status; then
	echo "sarif_schema.sh: $pkg: $inner is not the pinned file (sha256 $sha)" >&2
	exit 1
fi
cp "$tmp/$inner" "$dir/$name.tmp" && mv "$dir/$name.tmp" "$dir/$name" || exit 1
cp "$tmp/package/package.json" "$dir/sarif-schema.package.json" # its name, version, license
rm -f "$dir/sarif-schema.unavailable"
echo "sarif_schema.sh: $dir/$name from $pkg (MIT)"
