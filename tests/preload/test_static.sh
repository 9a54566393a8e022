#!/bin/bash
# test_static.sh - a statically linked program ignores LD_PRELOAD, so
# `lockwatch run` must refuse it rather than run it unchecked: status 2, a
# message saying it is "statically linked", the program not started (it
# would create a marker file). Checked for -static and, when the toolchain
# can, -static-pie (no PT_INTERP either). The programs are built here with
# the C compiler; with no static libc (libc6-dev's libc.a) the test is
# skipped (77): tests install nothing.
. "$(dirname "$0")/lib.sh"
: "${LWP_CC:?}"

if ! "$LWP_CC" -static -pthread -o static_prog "$LWP_SRC/static_prog.c" 2>cc.err; then
	cat cc.err
	skip "the toolchain cannot link -static (no static libc installed)"
fi
./static_prog native.marker && [ -f native.marker ] || fail "static_prog does not run natively"
file_says=$(file static_prog 2>/dev/null || true)
echo "static_prog: $file_says"

lw_run st --json st.json -- ./static_prog marker
expect_rc 2 "static program"
expect_in st.err "statically linked"
expect_in st.err "static_prog"
[ ! -e marker ] || fail "the static program was started anyway"
[ ! -s st.json ] || fail "a JSON report was written for a program that did not run"

# found through PATH too
PATH="$PWD:$PATH" lw_run stpath3 -- static_prog marker3
expect_rc 2 "static program found through PATH"
expect_in stpath3.err "statically linked"
[ ! -e marker3 ] || fail "the static program (via PATH) was started anyway"

if "$LWP_CC" -static-pie -pthread -o static_pie "$LWP_SRC/static_prog.c" 2>/dev/null &&
	./static_pie; then
	lw_run pie -- ./static_pie pie.marker
	expect_rc 2 "static-pie program"
	expect_in pie.err "statically linked"
	[ ! -e pie.marker ] || fail "the static-pie program was started anyway"
else
	echo "(-static-pie not supported by this toolchain: that case not checked)"
fi

echo "PASS"
