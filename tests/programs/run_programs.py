#!/usr/bin/env python3
"""Differential test of bpf2arm on whole C programs.

Every tests/programs/*.c is built twice and both builds print the results of the same calls:
  host: gcc compiles the program and its test main (UBSan on, so a difference cannot come
        from undefined behaviour in the program itself), run natively;
  ARM:  clang-19 compiles the program for BPF, bpf2arm turns that into an ARM object, and
        arm-linux-gnueabihf-gcc links it with the same test main built for ARM; run on qemu-arm.
The outputs must be identical. --native-arm replaces clang + bpf2arm by
arm-linux-gnueabihf-gcc on the program, which checks the programs and this driver alone.

    run_programs.py --bpf2arm PATH [--workdir DIR] [--mcpu CPU] [-j N] [NAME...]
    run_programs.py --native-arm [--workdir DIR] [NAME...]
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CLANG = "clang-19"
HOST_CC = "gcc"
ARM_CC = "arm-linux-gnueabihf-gcc"
QEMU = "qemu-arm"
READELF = "llvm-readelf-19"
RUN_TIMEOUT = 120

BPF_FLAGS = ["-target", "bpf", "-mcpu=v4", "-O2", "-g", "-I/usr/include/x86_64-linux-gnu"]
COMMON_FLAGS = ["-O2", "-Wall", "-Wextra", "-I", HERE]
UBSAN = ["-fsanitize=undefined", "-fno-sanitize-recover=undefined"]
# Sections that would mean a program uses maps or global data, which this suite leaves out
# on purpose: a failure here is a mistake in the program, not in bpf2arm.
DATA_SECTIONS = (".data", ".rodata", ".bss", ".maps", "maps")


class Failure(Exception):
    pass


def run(cmd, what, timeout=None):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failure(f"{what}: timed out after {timeout}s")
    if p.returncode != 0:
        err = p.stderr.decode(errors="replace").strip()
        raise Failure(f"{what}: exit status {p.returncode}\n    $ {' '.join(cmd)}\n" +
                      "\n".join("    " + line for line in err.splitlines()[:20]))
    return p


def execute(cmd, what):
    """Runs a test binary; returns (lines, problem) where problem describes an abnormal end."""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        return out.splitlines(), f"{what} timed out after {RUN_TIMEOUT}s"
    lines = p.stdout.decode(errors="replace").splitlines()
    if p.returncode != 0:
        how = f"signal {-p.returncode}" if p.returncode < 0 else f"exit status {p.returncode}"
        err = p.stderr.decode(errors="replace").strip().splitlines()
        return lines, f"{what} ended with {how}" + (f": {err[-1]}" if err else "")
    return lines, None


def check_no_data(bpf_obj):
    out = run([READELF, "-S", "--wide", bpf_obj], "readelf").stdout.decode()
    for line in out.splitlines():
        for word in line.replace("]", " ").split():
            if word.startswith(DATA_SECTIONS):
                raise Failure(f"program has a data section {word} (global data or a constant "
                              "table): keep tests/programs to code, stack and caller memory")


def context_of(lines, index):
    """The line that names the call: indented result lines belong to the last unindented one."""
    for i in range(index, -1, -1):
        if not lines[i].startswith((" ", "\t")):
            return lines[i] if i != index else None
    return None


def compare(expected, got, problem):
    for i, (e, g) in enumerate(zip(expected, got)):
        if e != g:
            msg = f"line {i + 1} differs\n    expected: {e}\n    got:      {g}"
            ctx = context_of(expected, i)
            if ctx:
                msg += f"\n    in:       {ctx}"
            if problem:
                msg += f"\n    ({problem})"
            return msg
    n = len(got)
    if n < len(expected):
        where = f"after line {n} ({got[-1]!r})" if got else "before any output"
        return f"{problem or 'ARM output ended early'} {where}; next expected line {n + 1}: {expected[n]}"
    if n > len(expected):
        extra = f"ARM output has extra lines; first extra line {len(expected) + 1}: {got[len(expected)]}"
        return extra + (f" ({problem})" if problem else "")
    if problem:
        return problem + " after printing all the expected output"
    return None


def test_program(src, args, workdir):
    name = os.path.splitext(os.path.basename(src))[0]
    d = os.path.join(workdir, name)
    os.makedirs(d, exist_ok=True)
    p = lambda f: os.path.join(d, f)
    try:
        # Host reference.
        run([HOST_CC, *COMMON_FLAGS, *UBSAN, "-c", src, "-o", p("host_prog.o")], "host compile")
        run([HOST_CC, *COMMON_FLAGS, *UBSAN, "-DTEST_MAIN", "-c", src, "-o", p("host_main.o")],
            "host compile (main)")
        run([HOST_CC, *UBSAN, p("host_main.o"), p("host_prog.o"), "-o", p("host")], "host link")
        expected, problem = execute([p("host")], "host run")
        if problem:
            raise Failure(problem + " (a bug in the test program)")
        with open(p("host.out"), "w") as f:
            f.write("\n".join(expected) + "\n")

        # ARM under test.
        if args.native_arm:
            run([ARM_CC, *COMMON_FLAGS, "-c", src, "-o", p("prog.arm.o")], "arm compile (--native-arm)")
        else:
            run([CLANG, *BPF_FLAGS, "-Wall", "-Wextra", "-I", HERE, "-c", src, "-o", p("prog.bpf.o")],
                "clang-19 -target bpf")
            check_no_data(p("prog.bpf.o"))
            cmd = [args.bpf2arm, p("prog.bpf.o"), "-o", p("prog.arm.o")]
            if args.mcpu:
                cmd.append(f"--mcpu={args.mcpu}")
            run(cmd, "bpf2arm")
        run([ARM_CC, *COMMON_FLAGS, "-DTEST_MAIN", "-c", src, "-o", p("arm_main.o")], "arm compile (main)")
        run([ARM_CC, "-static", p("arm_main.o"), p("prog.arm.o"), "-o", p("arm")], "arm link")
        got, problem = execute([QEMU, p("arm")], "ARM run")
        with open(p("arm.out"), "w") as f:
            f.write("\n".join(got) + "\n")
        diff = compare(expected, got, problem)
        if diff:
            raise Failure(diff)
        return name, None, len(expected)
    except Failure as e:
        return name, str(e), 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bpf2arm", help="the compiler under test (not needed with --native-arm)")
    ap.add_argument("--workdir", help="keep build products and outputs here (default: a temporary directory)")
    ap.add_argument("--native-arm", action="store_true",
                    help="compile the programs with arm-linux-gnueabihf-gcc instead of clang + bpf2arm")
    ap.add_argument("--mcpu", help="passed to bpf2arm as --mcpu=CPU")
    ap.add_argument("--bpf-opt", default="-O2",
                    help="clang's optimization level for the BPF build (-O3 makes LLVM promote arguments "
                         "of static functions, which then outgrow their BTF prototypes)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("names", nargs="*", help="only these programs (file names without .c)")
    args = ap.parse_args()
    BPF_FLAGS[BPF_FLAGS.index("-O2")] = args.bpf_opt

    tools = [HOST_CC, ARM_CC, QEMU] + ([] if args.native_arm else [CLANG, READELF])
    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        sys.exit(f"run_programs: missing tools: {' '.join(missing)} (scripts/install-deps.sh)")
    if not args.native_arm:
        if not args.bpf2arm:
            ap.error("--bpf2arm PATH is required (or --native-arm)")
        args.bpf2arm = os.path.abspath(args.bpf2arm)
        if not os.access(args.bpf2arm, os.X_OK):
            sys.exit(f"run_programs: {args.bpf2arm} is not an executable")

    sources = sorted(os.path.join(HERE, f) for f in os.listdir(HERE) if f.endswith(".c"))
    if args.names:
        unknown = set(args.names) - {os.path.basename(s)[:-2] for s in sources}
        if unknown:
            sys.exit(f"run_programs: no such program: {' '.join(sorted(unknown))}")
        sources = [s for s in sources if os.path.basename(s)[:-2] in args.names]

    tmp = None
    if args.workdir:
        workdir = os.path.abspath(args.workdir)
        os.makedirs(workdir, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="bpf2arm-programs-")
        workdir = tmp.name

    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for name, error, nlines in pool.map(lambda s: test_program(s, args, workdir), sources):
            if error:
                failed += 1
                print(f"FAIL {name}: {error}")
            else:
                passed += 1
                print(f"PASS {name} ({nlines} lines)")
            sys.stdout.flush()
    if tmp:
        tmp.cleanup()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
