# lib.sh - sourced by every tests/preload script. ctest sets LW (the
# lockwatch command), LWP_BIN (the test programs), LWP_SRC (this folder),
# LWP_WORK (a work folder for this test), LWP_PYTHON and friends; see
# CMakeLists.txt. Gives: fail/skip, lw_run (runs `lockwatch run`, keeping
# stdout, stderr and the status), expect_rc, expect_in, check (the JSON
# checker), now_s (a wall clock for timings) and tsan_header_build.
set -u
: "${LW:?set by ctest}" "${LWP_BIN:?}" "${LWP_SRC:?}" "${LWP_WORK:?}" "${LWP_PYTHON:?}"

rm -rf "$LWP_WORK"
mkdir -p "$LWP_WORK"
cd "$LWP_WORK" || exit 1

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

# lw_run NAME ARGS...: `lockwatch run ARGS...` with stdout in NAME.out and
# stderr in NAME.err; the status in RC. Shows both.
lw_run() {
	local name=$1
	shift
	RC=0
	"$LW" run "$@" >"$name.out" 2>"$name.err" || RC=$?
	LAST=$name
	echo "--- lockwatch run $* -> status $RC"
	if LC_ALL=C tr -d '[:print:]\n\t' <"$name.out" | head -c 1 | grep -q .; then
		echo "  out: ($(stat -c %s "$name.out") bytes of binary output)"
	else
		sed -n '1,20p' "$name.out" | sed 's/^/  out: /'
	fi
	grep -v '^  \|^lockwatch: \(ERROR\|WARNING\)\|^$' "$name.err" | sed -n '1,20p' | sed 's/^/  err: /'
}

# expect_rc WANT [what]: the status of the last lw_run.
expect_rc() {
	[ "$RC" = "$1" ] || {
		echo "--- stderr of $LAST:" >&2
		sed -n '1,80p' "$LAST.err" >&2
		fail "${2:-$LAST}: status $RC, expected $1"
	}
}

# expect_in FILE STRING [what]: FILE contains STRING (fixed string).
expect_in() {
	grep -qF -- "$2" "$1" || {
		echo "--- $1:" >&2
		sed -n '1,40p' "$1" >&2
		fail "${3:-$1} does not contain '$2'"
	}
}

# expect_not_in FILE STRING [what]
expect_not_in() {
	! grep -qF -- "$2" "$1" || fail "${3:-$1} contains '$2'"
}

# check JSON ARGS...: check_reports.py on JSON.
check() {
	"$LWP_PYTHON" "$LWP_SRC/check_reports.py" "$@" || fail "report check failed: $*"
}

now_s() {
	date +%s.%N
}

# elapsed START END: seconds between two now_s values, 2 decimals.
elapsed() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'
}

# tsan_header_build OUT SRC: SRC built with ThreadSanitizer in the header
# way (-include lockwatch/pthread.h, linked to liblockwatch); the status.
tsan_header_build() {
	local libdir
	libdir=$(dirname "${LW_SHARED_SO:?}")
	"${LWP_CC:?}" -fsanitize=thread -g -O1 -include lockwatch/pthread.h \
		-I"${LWP_TOP:?}/include" -o "$1" "$2" -L"$libdir" -llockwatch \
		-Wl,-rpath,"$libdir" -pthread
}
