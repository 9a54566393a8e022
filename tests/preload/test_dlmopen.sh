#!/bin/bash
# test_dlmopen.sh - a library loaded with dlmopen into a link-map
# namespace of its own: the loader puts no LD_PRELOAD library there, so
# its lock calls go unchecked. lockwatch cannot check them, but must say
# so: before, its lock-order cycle went unreported without a word (a
# green run). Now a warning names the library, once; the status stays
# the program's. The same library loaded with dlopen: the cycle is found.
. "$(dirname "$0")/lib.sh"
: "${LWP_CC:?}"
"$LWP_CC" -shared -fPIC -pthread -o libplugin.so "$LWP_SRC/dlmopen_lib.c" || fail "cc plugin"
"$LWP_CC" -pthread -o host "$LWP_SRC/dlmopen_host.c" -ldl || fail "cc host"

lw_run own -- ./host "$PWD/libplugin.so"
expect_rc 0 "a plugin in a namespace of its own"
expect_in own.out "both_orders: 2"
expect_in own.err "libplugin.so was loaded with dlmopen into a link-map namespace of its own"
[ "$(grep -c "loaded with dlmopen" own.err)" = 1 ] || fail "the warning must come once"

lw_run base -- ./host "$PWD/libplugin.so" base
expect_rc 66 "the same plugin loaded with dlopen"
expect_in base.err "lock-order cycle: "
expect_in base.err "plugin_cache"
expect_not_in base.err "loaded with dlmopen" "dlopen"
echo "PASS"
