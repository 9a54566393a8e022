#!/usr/bin/env bash
# servers.sh - real servers from Debian, natively and under `lockwatch run`
# (the preload way, default options), in the same run, alternating, REPS
# times each (issue 12). Prints one row per server: the median throughput
# natively and under lockwatch and their ratio; the median CPU time the
# server used per op (start to stop, its whole process tree) each way and
# their ratio; lockwatch's own share of the CPU in one more run under
# `perf record` (see lw_share); and lockwatch's exit status (the worst of
# its runs: anything but 0 means a report on a server that runs correctly
# natively, a false red; its output is kept in OUT).
#   memcached -t 4   mcload (tools/bench/mcload.c): 16 threads of set/get
#                    pairs over the text protocol, every answer checked
#   nginx            wrk, 2 threads, 32 connections, a 1 KiB static file;
#                    nginx-light, 2 worker processes
#   rocksdb          db_bench (rocksdb-tools): readrandom and
#                    readwhilewriting, 4 threads, on a fillseq'd database
#   mariadb          sysbench oltp_read_write, 4 threads, 1 table of 10,000
#                    rows (mariadb-server, run as root in a private datadir)
# Installs what is missing with apt-get (Debian 12, run as root); a server
# that cannot be installed is skipped with a note. Every step is bounded by
# timeout(1): a hung server is killed and its row says so. Exits 1 when a
# lockwatch run ended with a status other than 0.
# usage: tools/bench/servers.sh [BUILD_DIR] [SERVER...]
#        (servers: memcached nginx rocksdb mariadb; default all)
#        env: REPS (3), OUT (kept logs; default /tmp/lockwatch-servers),
#        INSTALL=0 to skip apt-get, MC_PAIRS (4000 per thread),
#        NGINX_SECS (5), DB_NUM (200000), SB_SECS (10), PROFILE=0 to
#        skip the one more run under perf (perf record -e cpu-clock) that
#        gives lockwatch's own share of the server's CPU
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
b=$(cd "${1:-$top/build}" && pwd) || exit 2
shift $(( $# > 0 ? 1 : 0 ))
servers=${*:-memcached nginx rocksdb mariadb}
lw="$b/bin/lockwatch"
reps=${REPS:-3}
out=${OUT:-/tmp/lockwatch-servers}
[ -x "$lw" ] || { echo "servers.sh: no $lw (build first)" >&2; exit 2; }
mkdir -p "$out"
t=$(mktemp -d)
chmod 755 "$t"
trap 'rm -rf "$t"' EXIT
rows=()
notes=()
bad=0 # a lockwatch run ended with a status other than 0
note() { notes+=("$*"); echo "servers.sh: $*" >&2; }

# need PKG CMD: installs PKG when CMD is not found; 0 when CMD is there.
need() {
	command -v "$2" >/dev/null 2>&1 && return 0
	[ "${INSTALL:-1}" = 1 ] && [ "$(id -u)" = 0 ] || return 1
	echo "servers.sh: apt-get install $1" >&2
	[ -n "${updated:-}" ] || { timeout 300 apt-get update -qq >"$out/apt-update.log" 2>&1; updated=1; }
	DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq "$1" \
		>"$out/apt-$1.log" 2>&1
	command -v "$2" >/dev/null 2>&1
}

# wait_port PORT: until something listens on 127.0.0.1:PORT (30 s at most).
wait_port() {
	for _ in $(seq 300); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# stop PID [TARGET]: SIGTERM to TARGET (default PID), then SIGKILL to both
# after 20 s; waits for PID and sets st to its exit status.
stop() {
	local hung= to=${2:-$1}
	kill -TERM "$to" 2>/dev/null
	for _ in $(seq 200); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$1" 2>/dev/null && { kill -KILL "$to" "$1"; hung="(hung) "; }
	wait "$1"
	st="$hung$?"
}

# prefix MODE: the command prefix of a run, natively, under lockwatch, or
# under lockwatch and `perf record` (software clock: no PMU needed).
prefix() {
	case $1 in
	lockwatch) echo "$lw run --" ;;
	profile) echo "perf record -q -e cpu-clock -F 999 -g -o $t/perf.data -- $lw run --" ;;
	esac
}

# lw_share: lockwatch's part of the profiled run's CPU samples, in percent:
# the preload library (locks, unlocks, frees, its watchdog), then "+" the
# unwinding and symbol libraries it calls (libunwind, libdw, libelf:
# stacks captured, and lock classes named for the order line at exit);
# the samples of perf and of the lockwatch launcher left out. Other load
# on the machine does not move it as it moves throughput.
lw_share() {
	perf report -i "$t/perf.data" --no-children -g none --sort comm,dso \
		-F overhead,comm,dso --stdio 2>/dev/null | awk '
		/^#/ || NF < 3 { next }
		$2 ~ /^perf/ || $2 == "lockwatch" { next }
		{ v = $1; sub(/%/, "", v); all += v }
		$3 ~ /liblockwatch/ { lw += v }
		$3 ~ /libunwind|libdw|libelf/ { sym += v }
		END { if (all > 0) printf "%.1f + %.1f", 100 * lw / all, 100 * sym / all; else print "-" }'
}

# cpu: CPU seconds (user + system) of this shell's reaped children so far;
# a server stopped and waited for, or a program run, adds its whole tree's.
cpu() { awk '{ print ($16 + $17) / 100 }' "/proc/$$/stat" 2>/dev/null || echo 0; }

# A server run: start it (NAME_start MODE LOG), wait for its port, run the
# load (NAME_load prints throughput and ops done), stop it. Sets tput,
# ops, st, and used (the server's CPU seconds, start to stop).
serve() {
	local name=$1 mode=$2 port=$3 log="$t/$1.$2.log" pid c0 r
	tput=fail ops=0 st=busy used=0
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		note "$name: port $port is already in use, run skipped"
		return
	fi
	"${name}_start" "$mode" "$log" &
	pid=$!
	if wait_port "$port"; then
		r=$("${name}_load" 2>>"$log") && read -r tput ops <<<"$r" || tput=fail
	else
		echo "servers.sh: $name ($mode) did not listen on $port" >>"$log"
	fi
	c0=$(cpu)
	# under perf, stop the program perf runs, so its exit is profiled too
	if [ "$mode" = profile ]; then stop "$pid" "$(pgrep -P "$pid" | head -1)"
	else stop "$pid"; fi
	used=$(awk -v a="$c0" -v b="$(cpu)" 'BEGIN { print b - a }')
}

# A program run (no server): NAME_run MODE LOG prints throughput and ops.
runprog() {
	local name=$1 mode=$2 log="$t/$1.$2.log" c0 r
	tput=fail ops=0
	c0=$(cpu)
	r=$("${name}_run" "$mode" "$log") && st=0 || st=$?
	used=$(awk -v a="$c0" -v b="$(cpu)" 'BEGIN { print b - a }')
	[ -n "$r" ] && read -r tput ops <<<"$r"
}

median() { printf '%s\n' "$@" | grep -v fail | sort -g | awk '{v[NR]=$1} END {print NR ? v[int((NR+1)/2)] : "fail"}'; }
ratio() { awk -v n="$1" -v u="$2" 'BEGIN { if (n > 0 && u > 0) printf "%.2f", u / n; else print "-" }'; }

# bench NAME LABEL server|prog: REPS runs of each mode, alternating. The
# row: median throughput each way, their ratio, median CPU microseconds
# per op each way (the server's own CPU, which other load on the machine
# moves less than throughput), their ratio, lockwatch's worst status.
bench() {
	local name=$1 label=$2 kind=$3 nat=() und=() natc=() undc=() worst=0 i mode c
	for i in $(seq "$reps"); do
		for mode in native lockwatch; do
			if [ "$kind" = server ]; then serve "$name" "$mode" "${port:?}"
			else runprog "$name" "$mode"; fi
			[ "$st" = busy ] && continue
			c=fail
			[ "$tput" != fail ] && [ "${ops:-0}" -gt 0 ] 2>/dev/null &&
				c=$(awk -v u="$used" -v n="$ops" 'BEGIN { printf "%.2f", u * 1e6 / n }')
			echo "servers.sh: $label $mode run $i: $tput/s, $ops ops, ${used} s CPU, $c us/op (status $st)" >&2
			if [ "$mode" = native ]; then
				nat+=("$tput") natc+=("$c")
				[ "$st" = 0 ] || note "$label: native run $i ended with status $st"
			else
				und+=("$tput") undc+=("$c")
				[ "$st" = 0 ] || { worst=$st; bad=1; }
				if [ "$st" != 0 ] || grep -q '^lockwatch' "$t/$name.$mode.log"; then
					cp "$t/$name.$mode.log" "$out/$name.lockwatch.$i.log"
					note "$label: lockwatch run $i: status $st, output kept in $out/$name.lockwatch.$i.log"
				fi
			fi
		done
	done
	local n u nc uc share=-
	n=$(median "${nat[@]}") u=$(median "${und[@]}")
	nc=$(median "${natc[@]}") uc=$(median "${undc[@]}")
	if [ "${PROFILE:-1}" = 1 ] && command -v perf >/dev/null; then
		rm -f "$t/perf.data"
		if [ "$kind" = server ]; then serve "$name" profile "$port"
		else runprog "$name" profile; fi
		share=$(lw_share)
		cp "$t/perf.data" "$out/$name${db_row:+.$db_row}.perf.data" 2>/dev/null
		echo "servers.sh: $label profiled: lockwatch ${share}% of the CPU samples" >&2
		[ "$share" = - ] && cp "$t/$name.profile.log" "$out/$name.profile.log"
	fi
	rows+=("| $label | $n | $u | $(ratio "$n" "$u") | $nc | $uc | $(ratio "$nc" "$uc") | $share | $worst |")
}

# memcached: 4 worker threads, no UDP; mcload checks every answer.
mc_port=21311
memcached_start() { exec $(prefix "$1") memcached -u root -t 4 -p $mc_port -l 127.0.0.1 -U 0 -m 256 >"$2" 2>&1; }
memcached_load() {
	local r
	r=$(timeout 120 "$t/mcload" $mc_port 16 "${MC_PAIRS:-4000}" 1000 | sed -n 's/^ops_per_s //p')
	[ -n "$r" ] && echo "$r $(( 2 * 16 * ${MC_PAIRS:-4000} ))"
}

# nginx: two single-threaded workers serving a 1 KiB file; wrk counts
# requests per second and fails the row on any socket error or non-2xx.
ng_port=21312
nginx_start() { exec $(prefix "$1") nginx -p "$t/ng" -c "$t/ng/nginx.conf" >"$2" 2>&1; }
nginx_load() {
	local o
	o=$(timeout 60 wrk -t 2 -c 32 -d "${NGINX_SECS:-5}s" "http://127.0.0.1:$ng_port/f.html") || return 1
	echo "$o" >&2
	echo "$o" | grep -qE 'Non-2xx|Socket errors' && return 1
	echo "$(echo "$o" | sed -n 's/^Requests\/sec: *//p') $(echo "$o" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')" | grep -E '^[0-9.]+ [0-9]+$' 
}
nginx_setup() {
	mkdir -p "$t/ng/logs" "$t/ng/html"
	head -c 1024 /dev/zero | tr '\0' x >"$t/ng/html/f.html"
	cat >"$t/ng/nginx.conf" <<-EOF
	daemon off;
	master_process on;
	worker_processes 2;
	user root;
	pid $t/ng/nginx.pid;
	error_log $t/ng/logs/error.log;
	events { worker_connections 256; }
	http {
		access_log off;
		client_body_temp_path $t/ng/body;
		proxy_temp_path $t/ng/proxy;
		fastcgi_temp_path $t/ng/fastcgi;
		uwsgi_temp_path $t/ng/uwsgi;
		scgi_temp_path $t/ng/scgi;
		server { listen 127.0.0.1:$ng_port; root $t/ng/html; }
	}
	EOF
}

# rocksdb: db_bench, 4 threads reading (readwhilewriting: and one writing)
# a database of DB_NUM keys made once by fillseq (natively); one row each.
rocksdb_setup() {
	rm -rf "$t/db"
	timeout 300 db_bench --db="$t/db" --num="${DB_NUM:-200000}" --threads=1 \
		--benchmarks=fillseq --compression_type=none >"$out/rocksdb-fill.log" 2>&1
}
rocksdb_run() {
	timeout 300 $(prefix "$1") db_bench --db="$t/db" --use_existing_db=1 \
		--num="${DB_NUM:-200000}" --reads="${DB_NUM:-200000}" --threads=4 \
		--benchmarks="$db_row" --duration=0 --compression_type=none >"$2" 2>&1
	local s=$?
	sed -n "s/^$db_row *: .* \([0-9]*\) ops\/sec .* \([0-9]*\) operations;.*/\1 \2/p" "$2" | grep . || return 1
	return $s
}

# mariadb: a private server (own datadir, socket, port) and sysbench
# oltp_read_write; transactions per second.
my_port=21313
mariadb_start() {
	exec $(prefix "$1") mariadbd --no-defaults --user=root --datadir="$t/my" \
		--socket="$t/my.sock" --port=$my_port --bind-address=127.0.0.1 \
		--skip-grant-tables --innodb-buffer-pool-size=128M --skip-log-bin >"$2" 2>&1
}
sb() {
	timeout 300 sysbench oltp_read_write --db-driver=mysql --mysql-host=127.0.0.1 \
		--mysql-port=$my_port --mysql-user=root --mysql-db=sbtest \
		--tables=1 --table-size=10000 "$@"
}
mariadb_load() {
	local o
	timeout 60 mariadb --no-defaults -h 127.0.0.1 -P $my_port -u root \
		-e 'create database if not exists sbtest' >&2 || return 1
	sb cleanup >/dev/null 2>&1
	sb prepare >/dev/null || return 1
	o=$(sb --threads=4 --time="${SB_SECS:-10}" run) || return 1
	echo "$o" | grep -E 'transactions:|ignored errors' >&2
	echo "$o" | sed -n 's/^ *transactions: *\([0-9]*\) *(\([0-9.]*\) per sec.)/\2 \1/p' | grep .
}

for s in $servers; do
	case $s in
	memcached)
		if need memcached memcached; then
			cc -O2 -g "$top/tools/bench/mcload.c" -o "$t/mcload" -pthread || exit 2
			port=$mc_port bench memcached "memcached -t 4, 16 clients, set+get ops/s" server
		else note "memcached: not installed, skipped"; fi ;;
	nginx)
		if need nginx-light nginx && need wrk wrk; then
			nginx_setup
			port=$ng_port bench nginx "nginx, 2 workers, wrk 32 connections, requests/s" server
		else note "nginx or wrk: not installed, skipped"; fi ;;
	rocksdb)
		if need rocksdb-tools db_bench && rocksdb_setup; then
			db_row=readrandom bench rocksdb "rocksdb db_bench readrandom, 4 threads, ops/s" prog
			db_row=readwhilewriting bench rocksdb "rocksdb db_bench readwhilewriting, 4 threads, ops/s" prog
		else note "rocksdb: db_bench (rocksdb-tools) not installed or fillseq failed, skipped"; fi ;;
	mariadb)
		if need mariadb-server mariadbd && need sysbench sysbench; then
			rm -rf "$t/my"
			if timeout 120 mariadb-install-db --no-defaults --user=root \
				--datadir="$t/my" >"$out/mariadb-install.log" 2>&1; then
				port=$my_port bench mariadb "mariadb, sysbench oltp_read_write 4 threads, tx/s" server
			else note "mariadb: mariadb-install-db failed ($out/mariadb-install.log)"; fi
		else note "mariadb or sysbench: not installed, skipped"; fi ;;
	*) note "unknown server $s" ;;
	esac
done

echo
echo "| server | native /s | lockwatch /s | ratio | native CPU us/op | lockwatch CPU us/op | ratio | lockwatch code, % of CPU (library + stacks/symbols) | lockwatch status |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
[ ${#notes[@]} = 0 ] || printf 'note: %s\n' "${notes[@]}"
echo "(medians of $reps runs each, alternating; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
exit $bad
