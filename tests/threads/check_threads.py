#!/usr/bin/env python3
"""bpf2arm compiles the functions of a large program on several threads (--threads) and
promises the same output whatever their number: this compiles a generated object of about
45,000 BPF instructions (tests/bench/harness/large_object.py, about two hundred functions)
as an object, as one with DWARF (-g), as assembly text, as a --dump=regalloc listing and as a
cortex-m4 (T32) object with 1 and 3 threads and
with the default (a thread per CPU), and checks that each output is byte for byte the one
of a single thread.
A race between the threads, or results used out of order, shows up as a difference.

    check_threads.py --bpf2arm PATH [--insns N]
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import toolchain  # noqa: E402

THREADS = ["1", "3", "0"]  # 0: bpf2arm's default, one per CPU
OUTPUTS = {  # name: extra arguments, and whether the output is the -o file or stdout
    "object": ([], "file"),
    "assembly": (["-S"], "file"),
    "object with DWARF": (["-g"], "file"),
    "regalloc dump": (["--dump=regalloc"], "stdout"),
    "cortex-m4 object": (["--mcpu=cortex-m4"], "file"),  # T32, and 64-bit atomics through calls
}


def compile_with(bpf2arm, obj, out, extra, threads):
    proc = subprocess.run([bpf2arm, obj, "-o", out, f"--threads={threads}", *extra],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise toolchain.ToolError(f"bpf2arm --threads={threads} {' '.join(extra)} failed:\n"
                                  + proc.stderr.decode(errors="replace"))
    return proc.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bpf2arm", required=True)
    ap.add_argument("--insns", type=int, default=45_000)
    args = ap.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        obj = os.path.join(work, "large.bpf.o")
        print(toolchain.run([sys.executable, os.path.join(HERE, "..", "bench", "harness", "large_object.py"),
                             obj, "--insns", str(args.insns), "--seed", "3"], "large_object.py").strip())
        for name, (extra, where) in OUTPUTS.items():
            outputs = {}
            for threads in THREADS:
                out = os.path.join(work, f"out-{threads}")
                stdout = compile_with(args.bpf2arm, obj, out, extra, threads)
                if where == "file":
                    with open(out, "rb") as f:
                        outputs[threads] = f.read()
                else:
                    outputs[threads] = stdout
            serial = outputs["1"]
            if not serial:
                print(f"FAIL {name}: empty with one thread")
                failures += 1
                continue
            for threads, got in outputs.items():
                same = got == serial
                failures += not same
                print(f"{'ok  ' if same else 'FAIL'} {name}, --threads={threads}: {len(got):,} bytes"
                      + ("" if same else f", differs from --threads=1 ({len(serial):,} bytes)"))
    print(f"{'FAILED' if failures else 'passed'}: {failures} output(s) differ")
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except toolchain.ToolError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
