#!/usr/bin/env python3
"""Differential test of bpf2arm on whole C programs.

Every tests/programs/*.c is built twice and both builds print the results of the same calls:
  host: gcc compiles the program and its test main (UBSan on, so a difference cannot come
        from undefined behaviour in the program itself), run natively;
  ARM:  clang-19 compiles the program for BPF, bpf2arm turns that into an ARM object, and
        arm-linux-gnueabihf-gcc links it with the same test main built for ARM; run on qemu-arm
        with the model of the CPU (--mcpu, default bpf2arm's default; tests/tools/toolchain.py).
The outputs must be identical. --native-arm replaces clang + bpf2arm by
arm-linux-gnueabihf-gcc on the program, which checks the programs and this driver alone.

    run_programs.py --bpf2arm PATH [--workdir DIR] [--mcpu CPU] [-j N] [NAME...]
    run_programs.py --native-arm [--workdir DIR] [NAME...]
"""
import argparse
import concurrent.futures
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import toolchain  # noqa: E402
from toolchain import ARM_CC, CLANG, HOST_CC, QEMU, READELF, ToolError as Failure  # noqa: E402

RUN_TIMEOUT = 120

BPF_FLAGS = list(toolchain.BPF_FLAGS)
COMMON_FLAGS = ["-O2", "-Wall", "-Wextra", "-I", HERE]
UBSAN = ["-fsanitize=undefined", "-fno-sanitize-recover=undefined"]
# Sections that would mean a program uses maps or global data, which this suite leaves out
# on purpose: a failure here is a mistake in the program, not in bpf2arm.
DATA_SECTIONS = (".data", ".rodata", ".bss", ".maps", "maps")


def run(cmd, what):
    return toolchain.run(cmd, what)


def execute(cmd, what):
    return toolchain.execute(cmd, what, RUN_TIMEOUT)


def check_no_data(bpf_obj):
    out = run([READELF, "-S", "--wide", bpf_obj], "readelf")
    for line in out.splitlines():
        for word in line.replace("]", " ").split():
            if word.startswith(DATA_SECTIONS):
                raise Failure(f"program has a data section {word} (global data or a constant "
                              "table): keep tests/programs to code, stack and caller memory")


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
            run([args.bpf2arm, p("prog.bpf.o"), "-o", p("prog.arm.o"), *args.cpu.bpf2arm_flags()], "bpf2arm")
        run([ARM_CC, *COMMON_FLAGS, "-DTEST_MAIN", "-c", src, "-o", p("arm_main.o")], "arm compile (main)")
        # Cortex-M code: linked into the A-profile harness as toolchain.py explains, with the
        # runtime's 64-bit atomics (args.runtime).
        hosted = [] if args.native_arm else [*toolchain.hosted_link_flags(args.cpu), *args.runtime]
        run([ARM_CC, "-static", p("arm_main.o"), p("prog.arm.o"), *hosted, "-o", p("arm")], "arm link")
        # --native-arm has no bpf2arm to ask for a CPU: qemu's default model runs it.
        qemu = [QEMU, p("arm")] if args.native_arm else toolchain.qemu_command(args.cpu, p("arm"))
        got, problem = execute(qemu, "ARM run")
        with open(p("arm.out"), "w") as f:
            f.write("\n".join(got) + "\n")
        diff = toolchain.compare(expected, got, problem)
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
    ap.add_argument("--mcpu", help="passed to bpf2arm as --mcpu=CPU; the ARM run uses its qemu-arm model "
                                    "(default: bpf2arm's default CPU)")
    ap.add_argument("--bpf-opt", default="-O2",
                    help="clang's optimization level for the BPF build (-O3 makes LLVM promote arguments "
                         "of static functions, which then outgrow their BTF prototypes)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("names", nargs="*", help="only these programs (file names without .c)")
    args = ap.parse_args()
    BPF_FLAGS[BPF_FLAGS.index("-O2")] = args.bpf_opt

    tools = [HOST_CC, ARM_CC, QEMU] + ([] if args.native_arm else [CLANG, READELF])
    missing = toolchain.missing_tools(tools)
    if missing:
        sys.exit(f"run_programs: missing tools: {' '.join(missing)} (scripts/install-deps.sh)")
    if not args.native_arm:
        if not args.bpf2arm:
            ap.error("--bpf2arm PATH is required (or --native-arm)")
        args.bpf2arm = os.path.abspath(args.bpf2arm)
        if not os.access(args.bpf2arm, os.X_OK):
            sys.exit(f"run_programs: {args.bpf2arm} is not an executable")
        try:
            args.cpu = toolchain.cpu(args.bpf2arm, args.mcpu)
        except Failure as e:
            sys.exit(f"run_programs: {e}")

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

    # Built once, before the programs build in parallel.
    args.runtime = [] if args.native_arm else toolchain.atomic64_runtime_objects(args.cpu, workdir)
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
