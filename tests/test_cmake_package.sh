#!/bin/bash
# test_cmake_package.sh BUILD_DIR SOURCE_DIR WORK_DIR - lockwatch as an
# installed package (issue 14): `cmake --install` to a temporary prefix,
# then a fresh project (tests/cmake_package) configured against it with
# find_package(lockwatch):
#  - lockwatch_add_test(): ctest fails the test whose program has a cycle
#    (and its own JSON file holds the cycle) and passes the clean one (its
#    arguments passed through, an empty JSON file);
#  - lockwatch::lockwatch_static links with nothing else named, and works;
#  - lockwatch::lockwatch_run and lockwatch::preload are imported targets;
#  - `pkg-config --static --libs lockwatch` names libdw's libraries, and a
#    program links statically against liblockwatch.a with exactly those;
#  - the man page is installed and formats without a warning.
set -u
build=$1 src=$2 work=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work" || exit 1
prefix=$work/prefix

cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 ||
	{ cat "$work/install.log"; fail "cmake --install"; }
cmake -S "$src/tests/cmake_package" -B "$work/user" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCMAKE_BUILD_TYPE=Debug >"$work/configure.log" 2>&1 ||
	{ cat "$work/configure.log"; fail "configuring a fresh project with find_package(lockwatch)"; }
cmake --build "$work/user" >"$work/build.log" 2>&1 ||
	{ cat "$work/build.log"; fail "building the fresh project (lockwatch_static among it)"; }

cd "$work/user" || exit 1
ctest -R '^cycle$' --output-on-failure >cycle.log 2>&1 && { cat cycle.log; fail "ctest passed the test with a cycle"; }
grep -q "lock-order cycle" cycle.log || { cat cycle.log; fail "the cycle test's output has no cycle report"; }
grep -q '"kind":"lock_order_cycle"' lockwatch/cycle.jsonl || fail "lockwatch/cycle.jsonl has no cycle"
echo "ctest fails the test with a cycle: ok"
ctest -R '^clean$' --output-on-failure >clean.log 2>&1 || { cat clean.log; fail "ctest failed the clean test"; }
# there, with no report (at most the order line of option edges, for lockwatch report)
[ -e lockwatch/clean.jsonl ] || fail "lockwatch/clean.jsonl is not there"
grep -v '^{"edges":' lockwatch/clean.jsonl | grep -q . && fail "lockwatch/clean.jsonl has a report"
echo "ctest passes the clean test: ok"
ctest -R '^static_user$' --output-on-failure >static.log 2>&1 || { cat static.log; fail "the program linked with lockwatch_static"; }
echo "lockwatch::lockwatch_static: ok"
grep -q "lockwatch::lockwatch_run" "$prefix"/lib*/cmake/lockwatch/lockwatchTargets*.cmake &&
	grep -q "lockwatch::preload" "$prefix"/lib*/cmake/lockwatch/lockwatchTargets*.cmake ||
	fail "lockwatch::lockwatch_run or lockwatch::preload not exported"

pcdir=$(dirname "$(ls "$prefix"/lib*/pkgconfig/lockwatch.pc "$prefix"/lib/*/pkgconfig/lockwatch.pc 2>/dev/null | head -1)")
libs=$(PKG_CONFIG_PATH=$pcdir pkg-config --static --libs lockwatch) || fail "pkg-config --static --libs lockwatch"
echo "pkg-config --static --libs lockwatch: $libs"
for l in -llockwatch -ldw -lelf -ldl; do
	case " $libs " in *" $l "*) ;; *) fail "pkg-config --static --libs lockwatch lacks $l" ;; esac
done
cflags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags lockwatch)
# liblockwatch.a, and then exactly what pkg-config says it needs
cc -o static_pc "$src/tests/cmake_package/static_user.c" $cflags "$pcdir/../liblockwatch.a" \
	${libs/-llockwatch/} >pc.log 2>&1 || { cat pc.log; fail "linking liblockwatch.a with pkg-config's --static libs"; }
./static_pc >/dev/null || fail "the program linked with pkg-config's flags"
echo "pkg-config --static: ok"

man=$prefix/share/man/man1/lockwatch.1
[ -s "$man" ] || fail "lockwatch.1 not installed in share/man/man1"
if command -v groff >/dev/null; then
	warn=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
	[ -z "$warn" ] || fail "groff warns about lockwatch.1: $warn"
	groff -man -Tutf8 "$man" 2>/dev/null | grep -q "suppressions" || fail "lockwatch.1 formats to nothing useful"
	echo "man page: formats cleanly"
fi
# every option of the table is in it, as its flag
for k in $(sed -n 's/^LW_OPT(\([a-z_0-9]*\),.*/\1/p' "$src/src/base/options.def"); do
	flag="\\-\\-${k//_/\\-}" # as roff writes it: \-\-hold\-ms
	F=$flag awk 'index($0, ".B") == 1 && index($0 " ", " " ENVIRON["F"] " ") { ok = 1 } END { exit !ok }' \
		"$man" || fail "lockwatch.1 does not describe --${k//_/-} ($flag)"
done
echo "man page: every option of options.def"
echo "PASS"
