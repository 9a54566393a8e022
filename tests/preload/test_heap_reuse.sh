#!/bin/bash
# test_heap_reuse.sh - a lock's identity must end with its object: two
# std::mutex at the same heap address, one after the other (heap_reuse.cpp),
# taken in opposite orders against registry_mu, are not a lock-order cycle
# (operator delete gives the memory back: the preload library's free, or
# its operator delete when the allocator brings its own, retires the old
# lock). Status 0, no report; again with jemalloc and tcmalloc preloaded
# when they are installed (their operator delete never calls free). (When
# malloc did not reuse the address the case is not exercised: skipped.)
. "$(dirname "$0")/lib.sh"

lw_run reuse --json reuse.json -- "$LWP_BIN/heap_reuse"
grep -q "address reused: yes" reuse.out || skip "malloc did not reuse the address here"
expect_rc 0 "heap_reuse"
check reuse.json --no-reports

for lib in libjemalloc.so.2 libtcmalloc_minimal.so.4; do
	if [ -n "$(LD_PRELOAD=$lib /bin/true 2>&1)" ]; then
		echo "($lib not installed: not tried)"
		continue
	fi
	LD_PRELOAD=$lib lw_run "reuse_$lib" --json "reuse_$lib.json" -- "$LWP_BIN/heap_reuse"
	grep -q "address reused: yes" "reuse_$lib.out" || { echo "($lib did not reuse the address)"; continue; }
	expect_rc 0 "heap_reuse with $lib"
	check "reuse_$lib.json" --no-reports
done

echo "PASS"
