#!/bin/bash
# test_ctrl_c.sh - Ctrl-C typed at a terminal reaches the program once:
# the terminal signals the whole foreground process group, so `lockwatch
# run` must not forward it again. Runs lockwatch in a pseudo-terminal,
# types Ctrl-C, and the program (which counts SIGINTs) must report 1.
. "$(dirname "$0")/lib.sh"

"$LWP_PYTHON" - "$LW" "$LWP_PYTHON" <<'PY' || fail "Ctrl-C"
import os, pty, sys, time
lw, py = sys.argv[1], sys.argv[2]
child = ("import signal, time\n"
         "n = [0]\n"
         "signal.signal(signal.SIGINT, lambda *a: n.__setitem__(0, n[0] + 1))\n"
         "print('ready', flush=True)\n"
         "end = time.time() + 2\n"
         "while time.time() < end: time.sleep(0.05)\n"
         "print('sigint', n[0], flush=True)\n")
pid, fd = pty.fork()
if pid == 0:
    os.execv(lw, [lw, "run", "--", py, "-c", child])
out = b""
deadline = time.time() + 20
while b"ready" not in out and time.time() < deadline:
    out += os.read(fd, 1024)
os.write(fd, b"\x03")
while time.time() < deadline:
    try:
        d = os.read(fd, 1024)
    except OSError:
        break
    if not d:
        break
    out += d
_, status = os.waitpid(pid, 0)
text = out.decode(errors="replace")
print(text)
assert "sigint 1" in text, "the program should see exactly one SIGINT"
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
PY

echo "PASS"
