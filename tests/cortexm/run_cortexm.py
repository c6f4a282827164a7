#!/usr/bin/env python3
"""Cortex-M objects: T32 only, M-profile attributes, and firmware that links and runs.

For every M-profile CPU of bpf2arm's table (`--list-cpus` profile=M), objects of
tests/programs/atomics.c, arith64.c and tests/maps/maps.bpf.c (data relocations, helper
calls) must
  - say Tag_CPU_arch of the CPU, Tag_CPU_arch_profile Microcontroller, Tag_ARM_ISA_use No,
    Tag_THUMB_ISA_use Thumb-2 (GNU readelf);
  - hold no ARM-state code: no `$a` mapping symbol (and a `$t`), every function symbol with
    the Thumb bit, no ARM-state relocation (R_ARM_CALL, R_ARM_JUMP24, R_ARM_MOVW_ABS_NC, ...),
    and nothing llvm-objdump cannot decode for the CPU, no ldrexd/strexd, no blx to a label
    (which would switch to ARM state);
  - link into firmware for the CPU's MPS2 board (runtime-stub/boards/mps2/boards.txt: the
    board's start-up code and linker script, the runtime stub, newlib with rdimon's
    semihosting) with GNU ld (arm-none-eabi-gcc) and with ld.lld, each firmware M-profile
    again and without ARM-state code.
Every firmware then runs on its board under qemu-system-arm (mps2-an385/an386/an500/an505:
their own M-profile models, privileged, PRIMASK real) and must pass firmware_main.c's checks,
whose values are worked out by hand.

    run_cortexm.py --bpf2arm PATH [--workdir DIR]
"""
import argparse
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import toolchain  # noqa: E402

PROGRAMS = [os.path.join(HERE, "..", "programs", "atomics.c"), os.path.join(HERE, "..", "programs", "arith64.c")]
MAPS_PROGRAM = os.path.join(HERE, "..", "maps", "maps.bpf.c")
READELF_ARCH = {"armv7-m": "v7", "armv7e-m": "v7E-M", "armv8-m.main": "v8-M.mainline"}
ARM_STATE_RELOCATIONS = ("R_ARM_CALL", "R_ARM_JUMP24", "R_ARM_PC24", "R_ARM_PLT32", "R_ARM_MOVW_ABS_NC",
                         "R_ARM_MOVT_ABS", "R_ARM_MOVW_PREL_NC", "R_ARM_MOVT_PREL")
GNU_READELF = "arm-none-eabi-readelf"
FIRMWARE_CC = toolchain.FIRMWARE_CC
LLD = "ld.lld-19"
RUN_TIMEOUT = 60
PASSED_LINE = "cortexm firmware: all checks passed"


def attribute_problems(c, path, firmware=False):
    """What the build attributes of an object (or, merged by the linker, of firmware) for c
    lack. gcc writes Tag_THUMB_ISA_use 'Yes' (the architecture's own Thumb) for ARMv8-M, so
    firmware for cortex-m33 may say that instead of Thumb-2."""
    attrs = toolchain.run([GNU_READELF, "-A", path], "readelf -A")
    wanted = [f"Tag_CPU_arch: {READELF_ARCH[c.arch]}\n", "Tag_CPU_arch_profile: Microcontroller"]
    problems = [f"lacks {w.strip()!r}" for w in wanted if w not in attrs]
    thumb = re.search(r"Tag_THUMB_ISA_use: (.*)", attrs)
    if not thumb or thumb.group(1) not in (("Thumb-2", "Yes") if firmware else ("Thumb-2",)):
        problems.append(f"says Tag_THUMB_ISA_use {thumb.group(1) if thumb else '(none)'}, not Thumb-2")
    if "Tag_ARM_ISA_use: Yes" in attrs:
        problems.append("says Tag_ARM_ISA_use: Yes")
    return problems


def state_problems(c, obj):
    """What in obj is ARM-state code, or not for CPU c."""
    problems = []
    symbols = toolchain.run([GNU_READELF, "-sW", obj], "readelf -s")
    names = [line.split()[-1] for line in symbols.splitlines() if re.match(r"\s*\d+:", line) and len(line.split()) >= 8]
    if any(n == "$a" or n.startswith("$a.") for n in names):
        problems.append("has an ARM-state mapping symbol $a")
    if not any(n == "$t" or n.startswith("$t.") for n in names):
        problems.append("has no Thumb mapping symbol $t")
    for line in symbols.splitlines():
        fields = line.split()
        if len(fields) >= 8 and fields[3] == "FUNC" and fields[6] != "UND" and int(fields[1], 16) % 2 == 0:
            problems.append(f"function {fields[7]} lacks the Thumb bit")
    relocations = toolchain.run([GNU_READELF, "-rW", obj], "readelf -r")
    for kind in ARM_STATE_RELOCATIONS:
        if re.search(rf"\b{kind}\b", relocations):
            problems.append(f"has an ARM-state relocation {kind}")
    listing = toolchain.run([toolchain.OBJDUMP, "-d", f"--triple={c.triple}", f"--mcpu={c.name}", obj], "llvm-objdump")
    for line in listing.splitlines():
        code = line.split("\t", 2)[-1] if "\t" in line else ""
        if "<unknown>" in line:
            problems.append(f"holds what {c.name} cannot decode: {line.strip()}")
        elif re.match(r"\s*(ldrexd|strexd)\b", code):
            problems.append(f"uses {code.split()[0]}, which ARMv7-M/ARMv8-M lack: {line.strip()}")
        elif re.match(r"\s*blx\s+(?!r\d|lr|ip|sb|sl|fp)", code):
            problems.append(f"branches to ARM state: {line.strip()}")
    return problems


def compile_bpf(src, work, extra=()):
    obj = os.path.join(work, os.path.basename(src).split(".")[0] + ".bpf.o")
    toolchain.run([toolchain.CLANG, *toolchain.BPF_FLAGS, *extra, "-c", src, "-o", obj], f"clang -target bpf {src}")
    return obj


def firmware_objects(board, work, arm_objs):
    """The board's start-up code, firmware_main.c for the board, arm_objs and, last (GNU ld
    takes from a library only what the objects before it call), the runtime stub."""
    main_obj = os.path.join(work, "firmware_main.o")
    toolchain.run([FIRMWARE_CC, *board.cflags(), "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror",
                   "-c", os.path.join(HERE, "firmware_main.c"), "-o", main_obj], f"{FIRMWARE_CC} firmware_main.c")
    return [toolchain.board_startup(board, work), main_obj, *arm_objs, toolchain.board_runtime_stub(board, work)]


def link_firmware(board, work, objs):
    """The same objects linked by GNU ld and by ld.lld: {'GNU ld': path, 'ld.lld': path}.
    ld.lld knows nothing of gcc's specs: newlib (libc, rdimon) and libgcc of the board's
    multilib are listed for it as rdimon.specs gives them to GNU ld."""
    cflags = board.cflags()
    gnu = os.path.join(work, "fw-gnu-ld.elf")
    toolchain.run([FIRMWARE_CC, *cflags, *board.link_flags(), *objs, "-o", gnu], "GNU ld link")
    libc = toolchain.run([FIRMWARE_CC, *cflags, "-print-file-name=libc.a"], "newlib's path").strip()
    libgcc = toolchain.run([FIRMWARE_CC, *cflags, "-print-libgcc-file-name"], "libgcc's path").strip()
    lld = os.path.join(work, "fw-lld.elf")
    toolchain.run([LLD, "-L", toolchain.BOARDS_DIR, "-T", board.ldscript, *objs, "-L", os.path.dirname(libc),
                   "--start-group", "-lc", "-lrdimon", libgcc, "--end-group", "-o", lld], "ld.lld link")
    return {"GNU ld": gnu, "ld.lld": lld}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bpf2arm", required=True)
    ap.add_argument("--workdir")
    args = ap.parse_args()
    bpf2arm = os.path.abspath(args.bpf2arm)
    missing = toolchain.missing_tools([toolchain.CLANG, FIRMWARE_CC, GNU_READELF, LLD, toolchain.OBJDUMP,
                                       toolchain.QEMU_SYSTEM])
    if missing:
        sys.exit(f"run_cortexm: missing tools: {' '.join(missing)}")
    tmp = None if args.workdir else tempfile.TemporaryDirectory(prefix="bpf2arm-cortexm-")
    work = os.path.abspath(args.workdir or tmp.name)
    os.makedirs(work, exist_ok=True)

    checks = toolchain.Checks()
    try:
        m_cpus = [c for c in toolchain.cpus(bpf2arm) if c.m_profile]
        checks.check(len(m_cpus) >= 4, f"bpf2arm lists {len(m_cpus)} M-profile CPUs, not the four of SPEC 2")
        bpf_objs = [compile_bpf(src, work, ["-I", os.path.dirname(src)]) for src in PROGRAMS]
        bpf_objs.append(compile_bpf(MAPS_PROGRAM, work))
        for c in m_cpus:
            d = os.path.join(work, c.name)
            os.makedirs(d, exist_ok=True)
            arm_objs = []
            for bpf_obj in bpf_objs:
                obj = os.path.join(d, os.path.basename(bpf_obj).replace(".bpf.o", ".arm.o"))
                toolchain.run([bpf2arm, *c.bpf2arm_flags(), bpf_obj, "-o", obj], f"bpf2arm {c.name}")
                arm_objs.append(obj)
                what = f"{c.name} {os.path.basename(obj)}"
                for problem in attribute_problems(c, obj) + state_problems(c, obj):
                    checks.check(False, f"{what}: {problem}")
                checks.check(True, what)
            board = toolchain.board_for_cpu(c.name)
            if not checks.check(board, f"{c.name}: no board in runtime-stub/boards/mps2/boards.txt"):
                continue
            for linker, elf in link_firmware(board, d, firmware_objects(board, d, arm_objs)).items():
                what = f"{c.name} firmware by {linker}"
                problems = attribute_problems(c, elf, firmware=True) + state_problems(c, elf)
                checks.check(not problems, f"{what}: {'; '.join(problems)}")
                lines, problem = toolchain.run_on_board(board, elf, RUN_TIMEOUT)
                ok = not problem and lines[-1:] == [PASSED_LINE]
                output = "".join("\n    " + line for line in lines)
                checks.check(ok, f"{what} on {board.name}: {problem or 'did not pass'}{output}",
                             passed=f"{what} runs on {board.name}")
    except toolchain.ToolError as e:
        checks.check(False, str(e))
    return checks.summary()


if __name__ == "__main__":
    sys.exit(main())
