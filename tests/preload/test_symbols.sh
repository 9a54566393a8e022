#!/bin/bash
# test_symbols.sh - what the libraries export. A preload library that
# exported more than its interposers and its API could replace the host
# program's own functions.
#  - expected_symbols.txt agrees with src/base/real.def and include/lockwatch.h
#    (gen_expected_symbols.py regenerates it);
#  - nm -D --defined-only liblockwatch-preload.so lists exactly
#    expected_symbols.txt: the interposed pthread_*/sem_* functions (all of
#    real.def but pthread_create) and the lw_* API;
#  - it defines no backtrace, no _Unwind_*, no unw_* / _U* (libunwind's),
#    and ldd of it lists no libunwind (it is dlopen'ed RTLD_LOCAL);
#  - each library's thread-local storage, which glibc takes from every
#    thread's stack (the program's threads that never lock too), is at
#    most 256 bytes (the site memo's 928 took that from 16 KiB threads);
#  - liblockwatch.so exports exactly the lw_* API and OpenMP's interposers
#    (src/front/omp.c: a program built with the header or the wrapper API
#    has its critical sections and omp_*_lock checked), nothing else.
. "$(dirname "$0")/lib.sh"
: "${LW_PRELOAD_SO:?}" "${LW_SHARED_SO:?}" "${LWP_TOP:?}"
command -v nm >/dev/null || skip "nm is not installed (binutils)"

"$LWP_PYTHON" "$LWP_SRC/gen_expected_symbols.py" "$LWP_TOP" --check "$LWP_SRC/expected_symbols.txt" ||
	fail "expected_symbols.txt is stale"
grep -v '^#' "$LWP_SRC/expected_symbols.txt" | sort >expected.txt
[ "$(wc -l <expected.txt)" -gt 50 ] || fail "expected_symbols.txt is too short"

nm -D --defined-only "$LW_PRELOAD_SO" >preload.nm || fail "nm failed on $LW_PRELOAD_SO"
# the condition waits are there twice, in both of glibc's ABIs, beside
# the two version nodes themselves (absolute symbols; src/front/compat.c)
awk '$(NF-1) != "A" { print $NF }' preload.nm | sed 's/@.*//' | sort -u >preload.txt
if ! diff -u expected.txt preload.txt >preload.diff; then
	cat preload.diff
	fail "liblockwatch-preload.so exports differ from expected_symbols.txt (- missing, + extra)"
fi
echo "liblockwatch-preload.so: $(wc -l <preload.txt) symbols, as expected"

bad=$(grep -E '^(backtrace|backtrace_symbols|backtrace_symbols_fd|_Unwind_.*|unw_.*|_U.*|_ULx86_64_.*)$' preload.txt || true)
[ -z "$bad" ] || fail "liblockwatch-preload.so defines unwinder symbols: $bad"
ldd "$LW_PRELOAD_SO" >preload.ldd 2>&1 || fail "ldd failed on $LW_PRELOAD_SO"
expect_not_in preload.ldd libunwind "ldd of liblockwatch-preload.so"
readelf -d "$LW_PRELOAD_SO" | grep NEEDED >preload.needed || true
expect_not_in preload.needed libunwind "DT_NEEDED of liblockwatch-preload.so"

nm -D --defined-only "$LW_SHARED_SO" | awk '{ print $NF }' | sed 's/@.*//' | sort >shared.txt
grep -E '^(lw_|GOMP_critical_|__kmpc_|omp_)' expected.txt >expected_lw.txt
if ! diff -u expected_lw.txt shared.txt >shared.diff; then
	cat shared.diff
	fail "liblockwatch.so must export exactly the lw_* API and OpenMP's interposers (- missing, + extra)"
fi
ldd "$LW_SHARED_SO" >shared.ldd 2>&1
expect_not_in shared.ldd libunwind "ldd of liblockwatch.so"
echo "liblockwatch.so: $(wc -l <shared.txt) symbols, the lw_* API and OpenMP's"

# tls_bytes SO: the size of SO's thread-local block (PT_TLS MemSiz), 0 when none
tls_bytes() {
	printf '%d' "$(readelf -lW "$1" | awk '$1 == "TLS" { print $6; exit }')" 2>/dev/null || echo 0
}
for so in "$LW_PRELOAD_SO" "$LW_SHARED_SO"; do
	tls=$(tls_bytes "$so")
	echo "$(basename "$so"): $tls bytes of thread-local storage"
	[ "$tls" -le 256 ] || fail "$(basename "$so") has $tls bytes of thread-local storage (at most 256: every thread's stack pays it)"
done

echo "PASS"
