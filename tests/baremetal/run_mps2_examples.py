#!/usr/bin/env python3
"""The bundled examples as Cortex-M firmware on the MPS2 boards (runtime-stub/boards/mps2/boards.txt).

Each portable example (those scripts/run-example.sh builds as generic bare-metal firmware
with its run_example function; the others are written for one board or for Linux) is
compiled by clang-19 for BPF and by bpf2arm --mcpu=<the board's CPU> with --header, linked by
arm-none-eabi-gcc with its main.c, the runtime stub, runtime-stub/boards/mps2/startup.c and the board's linker script, and run on
qemu-system-arm -M <board> with semihosting. Each example checks itself (its exit status is
the number of mismatches against a C model, as on the virt board); the firmware output is
printed. First, on each board, mps2_fault.c checks the start-up code's fault report (a FATAL
line naming the bus fault address, exit status 70). The last line is "N passed, N failed".

    run_mps2_examples.py --bpf2arm PATH [--board BOARD,...|all] [--workdir DIR] [-j N] [EXAMPLE...]
"""
import argparse
import concurrent.futures
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import toolchain  # noqa: E402
from toolchain import BPF_FLAGS, CLANG, FIRMWARE_CC, QEMU_SYSTEM, ROOT, ToolError, run  # noqa: E402

EXAMPLES = os.path.join(ROOT, "examples")
RUN_TIMEOUT = 60
FAULT_STATUS = 70  # MPS2_FAULT_STATUS of runtime-stub/boards/mps2/mps2.h


def portable_examples():
    """name -> its BPF source, for the examples scripts/run-example.sh builds as generic
    bare-metal firmware (its `run_example DIR PROG` lines: a main.c on newlib and one BPF
    program); the others are written for one board or for Linux and run where they belong."""
    found = {}
    for line in open(os.path.join(ROOT, "scripts", "run-example.sh")):
        m = re.match(r"run_example (\S+) (\S+)\s*$", line)
        if m:
            found[m.group(1)] = os.path.join(EXAMPLES, m.group(1), m.group(2) + ".bpf.c")
    return found


def build_and_run(board, name, bpf_src, args):
    """Returns (output lines, problem or None)."""
    d = os.path.join(args.workdir, board.name, name)
    os.makedirs(d, exist_ok=True)
    prog = os.path.basename(bpf_src)[: -len(".bpf.c")]
    p = lambda f: os.path.join(d, f)
    try:
        run([CLANG, *BPF_FLAGS, "-c", bpf_src, "-o", p(prog + ".bpf.o")], f"clang-19 -target bpf {name}")
        run([args.bpf2arm, *toolchain.board_bpf2arm_flags(board), p(prog + ".bpf.o"), "-o", p(prog + ".arm.o"),
             "--header", p(prog + ".arm.h")], f"bpf2arm {name}")
        run([FIRMWARE_CC, "-std=c11", *board.cflags(), "-O2", "-Wall", "-Wextra", *board.link_flags(),
             "-I", d, "-I", os.path.join(toolchain.RUNTIME_STUB, "include"),
             os.path.join(os.path.dirname(bpf_src), "main.c"), p(prog + ".arm.o"),
             toolchain.board_startup(board, args.workdir), toolchain.board_runtime_stub(board, args.workdir),
             "-o", p("fw.elf")], f"firmware link {name}")
    except ToolError as e:
        return [], str(e)
    return toolchain.run_on_board(board, p("fw.elf"), RUN_TIMEOUT)


def check_fault_report(board, args):
    """Returns (output lines, problem or None) of mps2_fault.c on the board."""
    d = os.path.join(args.workdir, board.name)
    os.makedirs(d, exist_ok=True)
    elf = os.path.join(d, "fault.elf")
    try:
        run([FIRMWARE_CC, *board.cflags(), "-O2", "-Wall", "-Wextra", *board.link_flags(),
             os.path.join(HERE, "mps2_fault.c"), toolchain.board_startup(board, args.workdir), "-o", elf],
            "firmware link mps2_fault.c")
    except ToolError as e:
        return [], str(e)
    lines, problem = toolchain.run_on_board(board, elf, RUN_TIMEOUT)
    wanted = (f"exit status {FAULT_STATUS}", "FATAL: HardFault", "BFAR=0xdead0000")
    if not problem or not all(w in problem for w in wanted):
        return lines, f"expected {', '.join(wanted)}; got {problem or 'exit status 0'}"
    return lines + [problem], None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bpf2arm", required=True)
    ap.add_argument("--board", default="all", help="comma-separated board names, or all (default)")
    ap.add_argument("--workdir", help="build products (default: a temporary directory)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("names", nargs="*", help="only these examples")
    args = ap.parse_args()
    args.bpf2arm = os.path.abspath(args.bpf2arm)

    missing = toolchain.missing_tools([CLANG, FIRMWARE_CC, QEMU_SYSTEM])
    if missing:
        sys.exit(f"run_mps2_examples: missing tools: {' '.join(missing)} (scripts/install-deps.sh)")
    try:
        boards, lacking = toolchain.boards_bpf2arm_has(args.bpf2arm, toolchain.select_boards(args.board))
    except ToolError as e:
        sys.exit(f"run_mps2_examples: {e}")
    if lacking:
        print(f"SKIP {', '.join(lacking)}: bpf2arm has no row for the board's CPU")
    if not boards:
        return toolchain.SKIP_STATUS
    examples = portable_examples()
    if args.names:
        unknown = set(args.names) - set(examples)
        if unknown:
            sys.exit(f"run_mps2_examples: no portable example {' '.join(sorted(unknown))}")
        examples = {n: examples[n] for n in args.names}

    tmp = None
    if args.workdir:
        args.workdir = os.path.abspath(args.workdir)
        os.makedirs(args.workdir, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="bpf2arm-mps2-")
        args.workdir = tmp.name
    try:
        for board in boards:  # once, before the threads need them
            toolchain.board_startup(board, args.workdir)
            toolchain.board_runtime_stub(board, args.workdir)
    except ToolError as e:
        sys.exit(f"run_mps2_examples: {e}")

    jobs = [(b, "fault report", None) for b in boards] + [(b, n, src) for b in boards for n, src in examples.items()]

    def one(job):
        board, name, src = job
        return check_fault_report(board, args) if src is None else build_and_run(board, name, src, args)

    checks = toolchain.Checks()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for (board, name, src), (lines, problem) in zip(jobs, pool.map(one, jobs)):
            print(f"== {'examples/' + name if src else 'start-up code: ' + name} on {board.name} ({board.cpu})")
            for line in lines:
                print("  " + line)
            checks.check(not problem, f"{name} on {board.name}: {problem}")
    if tmp:
        tmp.cleanup()
    return checks.summary()


if __name__ == "__main__":
    sys.exit(main())
