#!/usr/bin/env python3
"""gen_data.py FILE MB - writes MB megabytes of deterministic, semi-
compressible data (log-like lines of words and numbers, with some base64 of
pseudo-random bytes) for the real-program tests. Same bytes every run."""
import base64
import random
import sys


def main():
    path, mb = sys.argv[1], int(sys.argv[2])
    rng = random.Random(20240601)
    letters = "etaoinshrdlucmfwypvbgkjqxz"
    words = ["".join(rng.choices(letters, k=rng.randint(2, 10))) for _ in range(3000)]
    levels = ["INFO", "WARN", "DEBUG", "ERROR"]
    target = mb * 1024 * 1024
    written = 0
    with open(path, "wb") as f:
        n = 0
        while written < target:
            lines = []
            for _ in range(2000):
                n += 1
                if n % 7 == 0:
                    payload = base64.b64encode(rng.randbytes(rng.randint(12, 60))).decode()
                else:
                    payload = " ".join(rng.choices(words, k=rng.randint(4, 14)))
                lines.append(f"{n:09d} {levels[n % 4]} worker-{n % 13} {payload} "
                             f"t={rng.randint(0, 99999)}\n")
            chunk = "".join(lines).encode()
            chunk = chunk[: target - written]
            f.write(chunk)
            written += len(chunk)


if __name__ == "__main__":
    main()
