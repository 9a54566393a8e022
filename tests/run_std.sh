#!/bin/bash
# run_std.sh - the headers under every language standard and feature-test
# macro: run_std.sh PYTHON CHECK_JSON SRCDIR INCDIR LIBDIR OUTDIR CC CXX STD FORM
# FORM is forced (tests/std/forced.c built with -include lockwatch/pthread.h)
# or wrapper (tests/std/wrapper.c, which includes <lockwatch.h>). For each
# first line (none, _GNU_SOURCE, _POSIX_C_SOURCE 200809L, _XOPEN_SOURCE 700,
# _FORTIFY_SOURCE 2)
# the program is written with that line on top, compiled with -std=STD
# -Wall -Wextra -Wshadow -pedantic -Werror (a forced program first without lockwatch:
# it must be a valid program on its own), linked with liblockwatch, run
# with LOCKWATCH_OPTIONS=json=FILE, and its JSON checked: one lock-order
# cycle error naming lock_a and lock_b, with forward() and backward() at
# the lines marked SITE (C++ names are demangled: "forward()"). Every failure is listed; the status is 1 if any.
set -u
python=$1 checker=$2 srcdir=$3 incdir=$4 libdir=$5 out=$6 cc=$7 cxx=$8 std=$9 form=${10}
src=$srcdir/std/$form.c
mkdir -p "$out"
case $std in
c++*) compiler=$cxx lang=c++ gnu_line='#define _GNU_SOURCE 1' args='()' ;;  # g++ predefines it as 1
*) compiler=$cc lang=c gnu_line='#define _GNU_SOURCE' args= ;;
esac
flags=(-x "$lang" "-std=$std" -Wall -Wextra -Wshadow -pedantic -Werror -g -O1
       -fno-omit-frame-pointer -fno-optimize-sibling-calls -I "$incdir")
[ "$form" = forced ] && lwflags=(-include lockwatch/pthread.h) || lwflags=()
# a sanitizer build of the library needs the programs built the same way
# shellcheck disable=SC2206
lwflags+=(${LW_STD_EXTRA:-})
failed=()
for variant in none gnu posix xopen fortify; do
	case $variant in
	none) first='/* no feature-test macro */' ;;
	gnu) first=$gnu_line ;;
	posix) first='#define _POSIX_C_SOURCE 200809L' ;;
	xopen) first='#define _XOPEN_SOURCE 700' ;;
	fortify) first='#define _FORTIFY_SOURCE 2' ;;
	esac
	name=${form}_${std}_$variant
	prog=$out/$name.c
	{ echo "$first"; cat "$src"; } >"$prog"
	# the marked lines, one below where they are in $src
	fwd=$(( $(grep -n 'SITE forward' "$src" | cut -d: -f1) + 1 ))
	bwd=$(( $(grep -n 'SITE backward' "$src" | cut -d: -f1) + 1 ))
	echo "=== $name: first line: $first"
	if [ "$form" = forced ] &&
	   ! "$compiler" "${flags[@]}" -c "$prog" -o "$out/$name.native.o"; then
		failed+=("$name: not a valid program without lockwatch")
		continue
	fi
	if ! "$compiler" "${flags[@]}" "${lwflags[@]}" "$prog" -o "$out/$name" \
	     -L "$libdir" -llockwatch -Wl,-rpath,"$libdir" -pthread; then
		failed+=("$name: does not compile with lockwatch")
		continue
	fi
	json=$out/$name.jsonl
	rm -f "$json"
	LOCKWATCH_OPTIONS="json=$json" "$out/$name" >"$out/$name.out" 2>&1
	status=$?
	if ! "$python" "$checker" "$json" --actual-status "$status" \
	     --expect lock_order_cycle:error:1 --count 1 --lock lock_a --lock lock_b \
	     --frame "forward$args:$name.c:$fwd" --frame "backward$args:$name.c:$bwd"; then
		tail -n 20 "$out/$name.out"
		failed+=("$name: wrong reports")
	fi
done
# an assembler source built with the same flags (a project's .S file)
if [ "$form" = forced ] && [ "$lang" = c ]; then
	printf '\t.text\n\t.globl lwt_asm\nlwt_asm:\n\tret\n' >"$out/asm_$std.S"
	"$cc" -c "${lwflags[@]}" -I "$incdir" "$out/asm_$std.S" -o "$out/asm_$std.o" ||
		failed+=("asm_$std.S: does not assemble with lockwatch")
fi
echo "=== $std $form: ${#failed[@]} failure(s)"
for f in "${failed[@]}"; do echo "FAIL $f"; done
[ ${#failed[@]} -eq 0 ]
