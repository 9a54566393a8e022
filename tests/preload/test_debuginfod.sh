#!/bin/bash
# test_debuginfod.sh - lockwatch's symbols come from the files on this
# machine only: never from a debuginfod server, even with DEBUGINFOD_URLS
# set (Debian sets it in login shells). libdw would otherwise start
# libdebuginfod's client inside the program (libcurl, and through libssh2
# OpenSSL's engines: a program using OpenSSL crashed in lockwatch's exit
# report once its OpenSSL was cleaned up) and ask the network about every
# library without local debug info (libc here). A listener on a local port
# stands for the server: no connection may reach it, and the report still
# names the locks and functions (nodebug_cycle.c, through nodebug_lib.c,
# built without -g); with the library's debug information in a separate
# file its debug link names, the report has its lines.
. "$(dirname "$0")/lib.sh"

port_file=$LWP_WORK/port
"$LWP_PYTHON" - "$port_file" >listener.log 2>&1 <<'PY' &
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
s.settimeout(60)
try:
    while True:
        c, _ = s.accept()
        print("connection")
        sys.stdout.flush()
        c.close()
except socket.timeout:
    pass
PY
listener=$!
trap 'kill $listener 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.05; done
[ -s "$port_file" ] || fail "the listener did not start"
export DEBUGINFOD_URLS="http://127.0.0.1:$(cat "$port_file")"
export DEBUGINFOD_CACHE_PATH=$LWP_WORK/cache
export DEBUGINFOD_TIMEOUT=5

lw_run cycle --json cycle.json -- "$LWP_BIN/nodebug_cycle"
expect_rc 66 "an inversion through a library without debug info, DEBUGINFOD_URLS set"
expect_in cycle.out "done"
check cycle.json --expect lock_order_cycle:error:1 --lock alpha_lock --lock beta_lock \
	--func nodebug_both --func backwards

# the same library with its debug information split off into a file the
# library names by its .gnu_debuglink, in its .debug folder: found there
: "${LWP_CC:?}"
mkdir -p linked/.debug
"$LWP_CC" -O1 -g -fPIC -shared "$LWP_SRC/nodebug_lib.c" -o linked/libnodebug.so -pthread ||
	fail "cannot build the library"
objcopy --only-keep-debug linked/libnodebug.so linked/.debug/libnodebug.so.debug &&
	objcopy --strip-debug --add-gnu-debuglink=linked/.debug/libnodebug.so.debug linked/libnodebug.so ||
	fail "cannot split the debug information"
readelf -S linked/libnodebug.so | grep -q debug_info && fail "the library kept its debug information"
LD_LIBRARY_PATH=$LWP_WORK/linked lw_run linked --json linked.json -- "$LWP_BIN/nodebug_cycle"
expect_rc 66 "the inversion through a library with a debug link"
check linked.json --expect lock_order_cycle:error:1 --lock alpha_lock --lock beta_lock \
	--func nodebug_both --func backwards
"$LWP_PYTHON" - linked.json <<'PY' || fail "no line of nodebug_lib.c in the report"
import json, sys
def frames(o):
    if isinstance(o, dict):
        if "function" in o and "line" in o:
            yield o
        for v in o.values():
            yield from frames(v)
    elif isinstance(o, list):
        for v in o:
            yield from frames(v)
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("kind") != "lock_order_cycle":
        continue
    got = [(f["file"], f["line"]) for f in frames(r) if f["function"] == "nodebug_both"]
    assert any((f or "").endswith("nodebug_lib.c") and n in (8, 9) for f, n in got), got
    print("nodebug_both at", got[0])
PY
sleep 0.2
! grep -q connection listener.log || fail "lockwatch asked a debuginfod server ($(grep -c connection listener.log) connections)"
[ ! -d "$DEBUGINFOD_CACHE_PATH" ] || fail "a debuginfod client made its cache ($DEBUGINFOD_CACHE_PATH)"
echo "PASS"
