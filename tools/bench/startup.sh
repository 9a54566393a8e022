#!/usr/bin/env bash
# startup.sh - what lockwatch adds to starting a program: under `lockwatch
# run` every program a script or a build starts is run with the preload
# library, and most take no lock. Rows: a program that takes no lock
# (/bin/true) and one that starts a thread and takes a lock, each started
# N times natively and N times with the preload library (and with a
# second library, to compare two builds), the forms taking turns start by
# start (tools/bench/spawn.c), median microseconds per start; and a shell
# script of 400 short commands (echo, sed, tr, grep, cat) natively and
# under `lockwatch run`, taking turns three times, the fastest of each.
# usage: tools/bench/startup.sh [N [BUILD_DIR [OTHER_PRELOAD_SO]]]
#   (default 300 starts, build; after tools/demo.sh)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-300}
b=$(cd "${2:-$top/build}" && pwd)
other=${3:-}
pre=$b/lib/liblockwatch-preload.so
[ -e "$pre" ] || { echo "startup.sh: $pre is missing: build first (tools/demo.sh)" >&2; exit 2; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cc -O2 "$top/tools/bench/spawn.c" -o "$t/spawn"
cat >"$t/one_lock.c" <<'C'
#include <pthread.h>
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static void *run(void *a) { pthread_mutex_lock(&m); pthread_mutex_unlock(&m); return a; }
int main(void)
{
	pthread_t th;
	pthread_create(&th, NULL, run, NULL);
	run(NULL);
	return pthread_join(th, NULL);
}
C
cc -O2 -pthread "$t/one_lock.c" -o "$t/one_lock"
cat >"$t/script.sh" <<'SH'
for i in $(seq 100); do
	x=$(echo foo | sed s/f/g/ | tr o a)
	[ "$x" = gaa ] && grep -q . /etc/hostname && cat /etc/hostname >/dev/null
done
SH
echo "median us per start, $n starts of each form, taking turns (ratio to plain):"
for prog in /bin/true "$t/one_lock"; do
	case $prog in
	/bin/true) what="a program that takes no lock (/bin/true)" ;;
	*) what="a program that starts a thread and takes a lock" ;;
	esac
	env LOCKWATCH_OPTIONS= "$t/spawn" "$n" "$prog" "$pre" ${other:+"$other"} |
		awk -v w="$what" -v other="$other" '
			$3 == "plain" { p = $4 } $3 == 1 { l = $4 } $3 == 2 { o = $4 }
			END {
				printf "%-48s plain %5d  lockwatch %5d (+%d, %.2fx)", w, p, l, l - p, l / p
				if (other != "") printf "  other %5d (+%d, %.2fx)", o, o - p, o / p
				printf "\n"
			}'
done
ms() { local s e; s=$(date +%s%N); "$@"; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
plain=999999 under=999999
for _ in 1 2 3; do
	x=$(ms sh "$t/script.sh"); [ "$x" -lt "$plain" ] && plain=$x
	x=$(ms env LOCKWATCH_OPTIONS= "$b/bin/lockwatch" run -q -- sh "$t/script.sh"); [ "$x" -lt "$under" ] && under=$x
done
awk -v p="$plain" -v l="$under" 'BEGIN { printf "%-48s plain %5d  lockwatch %5d ms (%.2fx)\n", "a shell script of 400 short commands (run)", p, l, l / p }'
