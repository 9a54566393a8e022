#!/bin/bash
# test_unchecked.sh - `lockwatch run` warns when a process of the program's
# tree runs without lockwatch (issue 14, "loses processes silently"): its
# locks are not checked and its reports not counted, so the run must say
# so, once, naming the process and its program. Cases: a static program
# started from a script; a child started with a cleared environment
# (env -i); a setuid program (the loader ignores LD_PRELOAD; root only,
# with a copy made setuid in the work folder). A normal tree (a shell, a
# forked subshell, children and a grandchild) gets no warning, nor a
# program run by valgrind, nor the program's own process when it is slow
# to exec. The status stays the program's.
# Before, nothing was printed in any case.
#
# No timing is assumed: each unchecked child lives until the warning
# naming its pid is in lockwatch's stderr (at most 20 s), then is killed.
. "$(dirname "$0")/lib.sh"
: "${LWP_CC:?}"

# sh -c "$until_warned" PROGRAM ARGS...: runs PROGRAM ARGS in the
# background, waits for the warning about it in the .err file named by $E,
# kills it and exits 3
until_warned='"$@" & p=$!; n=0
	until grep -q "process $p (" "$E" 2>/dev/null || [ $n -ge 400 ]; do sleep 0.05; n=$((n + 1)); done
	kill $p 2>/dev/null; wait $p; exit 3'
warned() { # NAME PROGRAM: one warning about PROGRAM in NAME.err
	expect_in "$1.err" "runs without lockwatch"
	expect_in "$1.err" "$2)"
	[ "$(grep -c "runs without lockwatch" "$1.err")" = 1 ] || fail "$1: not exactly one warning"
}

# 1. a static program started from a script
if "$LWP_CC" -static -pthread -o static_prog "$LWP_SRC/static_prog.c" 2>cc.err; then
	E=st.err lw_run st -- /bin/sh -c "$until_warned" sh ./static_prog marker 20000
	expect_rc 3 "a script with a static child"
	warned st "/static_prog"
	[ -e marker ] || fail "the static program did not run"
else
	cat cc.err
	echo "(no static libc: the static case not checked)"
	static_skipped=1
fi

# 2. a child started with a cleared environment
E=env.err lw_run env -- /bin/sh -c "$until_warned" sh env -i "$(command -v sleep)" 20
expect_rc 3 "a child with a cleared environment"
warned env "/sleep"

# 3. a normal tree: a shell, its children (a subshell that only forked,
# programs it runs), a grandchild
lw_run tree -- /bin/sh -c '(sleep 0.5; true) & "$0"; sh -c "sleep 0.5"; wait; exit 4' "$LWP_BIN/no_deadlock"
expect_rc 4 "a normal tree"
expect_not_in tree.err "runs without lockwatch" "a normal tree"

# 4. a setuid program (root only: a copy of sleep, owned by nobody, setuid)
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && cp "$(command -v sleep)" ssleep &&
	chown nobody ssleep && chmod 4755 ssleep && ./ssleep 0 &&
	! findmnt -n -o OPTIONS -T . 2>/dev/null | grep -qw nosuid; then
	E=suid.err lw_run suid -- /bin/sh -c "$until_warned" sh ./ssleep 20
	expect_rc 3 "a setuid child"
	warned suid "/ssleep"
else
	echo "(not root, no user nobody, or a nosuid mount: the setuid case not checked)"
fi

# 5. a program run by valgrind, whose tool (a static executable) maps the
# program, its loader and the preload library itself, seconds after it
# starts: no warning (before, one in every run), and its cycle counts
if command -v valgrind >/dev/null; then
	lw_run vg -- valgrind -q "$LWP_BIN/inversion"
	expect_rc 66 "valgrind running an inversion"
	expect_in vg.err "lock-order cycle: "
	expect_in vg.err "accounts_lock"
	expect_not_in vg.err "runs without lockwatch" "valgrind"
else
	echo "(no valgrind: the valgrind case not checked)"
fi

# 6. the program's process slow to exec (strace delays each execve by
# 0.6 s, as a loaded machine may): walks see it still running lockwatch's
# own executable, which is no unchecked program (before, a warning named
# lockwatch itself)
if command -v strace >/dev/null &&
	strace -o /dev/null -e inject=execve:delay_enter=1 /bin/true 2>/dev/null; then
	RC=0
	strace -f -o /dev/null -e trace=execve -e inject=execve:delay_enter=600000 \
		"$LW" run -- "$LWP_BIN/no_deadlock" >slow.out 2>slow.err || RC=$?
	LAST=slow
	expect_rc 0 "a slow exec"
	expect_not_in slow.err "runs without lockwatch" "a slow exec"
else
	echo "(no strace that can delay a call: the slow exec case not checked)"
fi

[ -z "${static_skipped:-}" ] || skip "no static libc: the static case was not checked (the others passed)"
echo "PASS"
