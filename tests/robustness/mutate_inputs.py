#!/usr/bin/env python3
"""Robustness: bpf2arm on corrupted objects must answer 0 or 1, never crash.

Takes valid BPF objects (compiled from tests/maps/*.bpf.c, tests/programs/*.c and the
examples), flips, truncates and overwrites bytes with a fixed seed, and runs bpf2arm on
each result. Any exit status other than 0 or 1, a signal, a sanitizer report, or a
message that is not one error line in a form of SPEC section 2 (`FILE: error: ...` or
`file.c:LINE:COL: error: ... (in FUNCTION, insn N of FILE)`) fails the test; so does an output file
left behind after an error.

usage: mutate_inputs.py --bpf2arm PATH [--count N] [--seed S]
"""
import argparse
import glob
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
import toolchain  # noqa: E402


def sources():
    return sorted(glob.glob(f"{ROOT}/tests/maps/*.bpf.c") + glob.glob(f"{ROOT}/tests/header/*.bpf.c") +
                  glob.glob(f"{ROOT}/examples/*/*.bpf.c") +
                  glob.glob(f"{ROOT}/tests/programs/[a-h]*.c"))


def mutate(rng, data):
    data = bytearray(data)
    kind = rng.randrange(4)
    if kind == 0:  # flip a few bits anywhere
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == 1:  # truncate
        del data[rng.randrange(1, len(data)):]
    elif kind == 2:  # overwrite a run with random bytes
        start = rng.randrange(len(data))
        for i in range(start, min(len(data), start + rng.randint(1, 32))):
            data[i] = rng.randrange(256)
    else:  # overwrite a 4-byte field with an extreme value
        start = rng.randrange(max(1, len(data) - 4))
        data[start:start + 4] = rng.choice([b"\xff\xff\xff\xff", b"\x00\x00\x00\x80", b"\x00\x00\x00\x00", b"\x01\x00\x00\x00"])
    return bytes(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bpf2arm", required=True)
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--seed", type=int, default=9669)
    opts = ap.parse_args()
    rng = random.Random(opts.seed)
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        originals = []
        for src in sources():
            obj = os.path.join(work, os.path.basename(src) + ".o")
            subprocess.run(["clang-19", "-target", "bpf", "-mcpu=v4", "-O2", "-g", "-I/usr/include/x86_64-linux-gnu",
                            f"-I{os.path.dirname(src)}", "-c", src, "-o", obj], check=True)
            originals.append(open(obj, "rb").read())
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0", UBSAN_OPTIONS="halt_on_error=1")
        for i in range(opts.count):
            bad = os.path.join(work, f"m{i}.o")
            out = os.path.join(work, f"m{i}.arm.o")
            open(bad, "wb").write(mutate(rng, rng.choice(originals)))
            r = subprocess.run([opts.bpf2arm, bad, "-o", out, "--header", out + ".h"], capture_output=True, text=True, errors="replace", env=env)
            lines = r.stderr.strip().splitlines()
            problem = None
            if r.returncode not in (0, 1):
                problem = f"exit status {r.returncode}"
            elif r.returncode == 1 and (len(lines) != 1 or toolchain.parse_diagnostic(lines[0], bad) is None
                                        or not lines[0].isprintable()):
                problem = "not one error line: " + r.stderr[:300]
            elif r.returncode == 1 and (os.path.exists(out) or os.path.exists(out + ".h")):
                problem = "output left behind after an error"
            elif r.returncode == 0 and any(": warning: " not in line for line in r.stderr.splitlines()):
                problem = "success with messages: " + r.stderr[:300]
            leftovers = [f for f in os.listdir(work) if ".tmp" in f]
            if leftovers:
                problem = f"temporary files left: {leftovers}"
            if problem:
                failures += 1
                kept = f"/tmp/bpf2arm-mutant-{i}.o"
                open(kept, "wb").write(open(bad, "rb").read())
                print(f"FAIL mutant {i} (kept as {kept}): {problem}")
            for f in (bad, out, out + ".h"):
                if os.path.exists(f):
                    os.remove(f)
    print(f"{opts.count - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
