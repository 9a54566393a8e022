#!/bin/bash
# run_json.sh - run a program with lockwatch writing JSON lines, then check
# them: run_json.sh PYTHON CHECK_JSON FILE PROGRAM [check_json.py args...]
# The file is removed first (lockwatch appends); the program's exit status
# is handed to check_json.py as --actual-status (expected: --status, 0).
set -u
python=$1 checker=$2 file=$3 program=$4
shift 4
mkdir -p "$(dirname "$file")"
rm -f "$file"
LOCKWATCH_OPTIONS="json=$file" "$program" >"$file.out" 2>&1
status=$?
echo "run_json: $program exited with status $status (output: $file.out)"
"$python" "$checker" "$file" --actual-status "$status" "$@"
rc=$?
if [ $rc -ne 0 ]; then
	echo "--- program output:"
	tail -n 50 "$file.out"
fi
exit $rc
