#!/bin/bash
# test_pidns.sh SCRIPT... - the named tests again, inside a new pid
# namespace whose session leader is outside it, as in a container entered
# with `docker exec` (a CI job): there getsid() and /proc's session field
# read 0 for every process of the run. `lockwatch run` took session 0 for
# "no session" and, told to stop (SIGTERM) once the program had ended,
# named none of the processes it left (test_daemon.sh's straggler). Needs
# unshare(1) and the right to make a pid namespace (root); else skipped.
. "$(dirname "$0")/lib.sh"
command -v unshare >/dev/null || skip "no unshare (util-linux)"
unshare -pf --mount-proc true 2>/dev/null || skip "cannot make a pid namespace here (needs root)"
# bash is the namespace's first process: it reaps the orphans the tests
# leave (a daemon outliving its run), as init does
for script in "$@"; do
	echo "=== $script in a new pid namespace"
	LWP_WORK="$LWP_WORK/${script%.sh}" unshare -pf --mount-proc \
		bash -c 'bash "$1"; rc=$?; exit $rc' sh "$LWP_SRC/$script" || fail "$script failed in a pid namespace"
done
echo "PASS"
