#!/bin/bash
# test_real_program.sh NAME - a real multi-threaded program from Debian,
# unmodified, under lockwatch run. NAME is one of:
#   xz      xz -T2 -1 --block-size=1MiB   (liblzma's worker threads)
#   zstd    zstd -T2 -B1MiB               (zstd's job pool)
#   pigz    pigz -p 2                     (pigz's own thread pool)
#   python  /usr/bin/python3 pyqueue.py   (threading.Lock + queue.Queue)
# The compressors get 30 MiB of generated semi-compressible data
# (gen_data.py). Each runs natively and under lockwatch run: the output must
# be byte-identical (cmp), the status 0, the preload really loaded (the
# verbose=1 lines on its stderr), and the JSON file free of
# error-severity reports (warnings are listed, not failed). Native and
# lockwatch wall times are printed, for information only.
# A program that is not installed makes the test skip (77); the tests
# install nothing: apt-get install -y xz-utils zstd pigz python3
. "$(dirname "$0")/lib.sh"

name=${1:?usage: test_real_program.sh xz|zstd|pigz|python}
case $name in
xz) prog=$(command -v xz) && cmd=("$prog" -T2 -1 --block-size=1MiB -c data) ;;
zstd) prog=$(command -v zstd) && cmd=("$prog" -T2 -B1MiB -q -c data) ;;
pigz) prog=$(command -v pigz) && cmd=("$prog" -p 2 -c data) ;;
python) prog=/usr/bin/python3 && cmd=("$prog" "$LWP_SRC/pyqueue.py") ;;
*) fail "unknown program '$name'" ;;
esac
[ -n "${prog:-}" ] && [ -x "$prog" ] || skip "$name is not installed (apt-get install -y xz-utils zstd pigz python3)"
echo "$name: ${cmd[*]}"

if [ "$name" != python ]; then
	"$LWP_PYTHON" "$LWP_SRC/gen_data.py" data 30 || fail "cannot generate the data"
fi

start=$(now_s)
"${cmd[@]}" >native.bin 2>native.err || fail "$name fails natively: $(cat native.err)"
mid=$(now_s)
lw_run lw --verbose 1 --log lw.log --json lw.json -- "${cmd[@]}"
end=$(now_s)
mv lw.out lw.bin
expect_rc 0 "$name under lockwatch"
expect_in lw.err "lockwatch: option json=$PWD/lw.json" "the program's stderr (is the preload loaded?)"
cmp native.bin lw.bin || fail "$name: the output under lockwatch differs from the native one"
[ -s native.bin ] || fail "$name wrote nothing"
check lw.json --no-errors
warnings=$("$LWP_PYTHON" -c 'import collections, json, sys
c = collections.Counter(json.loads(l).get("kind") for l in open(sys.argv[1]))
c.pop(None, None)  # the order line
print(", ".join(f"{n} {k}" for k, n in sorted(c.items())) or "none")' lw.json)
echo "$name: warnings under lockwatch: $warnings"

case $name in
xz) xz -dc lw.bin | cmp - data || fail "xz output does not decompress to the input" ;;
zstd) zstd -dc lw.bin | cmp - data || fail "zstd output does not decompress to the input" ;;
pigz) pigz -dc lw.bin | cmp - data || fail "pigz output does not decompress to the input" ;;
python) expect_in lw.bin "items 20000 sum 199990000 each-once True" ;;
esac

echo "TIMING $name: native $(elapsed "$start" "$mid") s, under lockwatch $(elapsed "$mid" "$end") s, output $(stat -c %s lw.bin) bytes"
echo "PASS"
