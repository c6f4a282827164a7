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
  - link with the runtime stub into firmware for the CPU (-mcpu=CPU -mthumb) with GNU ld
    (arm-none-eabi-gcc) and with ld.lld, each firmware M-profile again.
The cortex-m3 and cortex-m4 firmware of both linkers then runs on qemu-system-arm's
mps2-an385 and mps2-an386 boards (their own M-profile models, privileged, PRIMASK real) and
must pass firmware_main.c's checks, whose values are worked out by hand.

    run_cortexm.py --bpf2arm PATH [--workdir DIR]
"""
import argparse
import os
import re
import subprocess
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
BOARDS = {"cortex-m3": "mps2-an385", "cortex-m4": "mps2-an386"}  # those whose memory map mps2.ld is
GNU_READELF = "arm-none-eabi-readelf"
FIRMWARE_CC = "arm-none-eabi-gcc"
LLD = "ld.lld-19"



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


def firmware_objects(c, work):
    """startup.c, firmware_main.c and the runtime stub, compiled for c as firmware would."""
    flags = [f"-mcpu={c.name}", "-mthumb", "-std=c11", "-O2", "-ffreestanding", "-Wall", "-Wextra", "-Werror",
             "-I", os.path.join(toolchain.RUNTIME_STUB, "include")]
    sources = [os.path.join(HERE, "startup.c"), os.path.join(HERE, "firmware_main.c")]
    sources += sorted(os.path.join(toolchain.RUNTIME_STUB, f) for f in os.listdir(toolchain.RUNTIME_STUB)
                      if f.endswith(".c"))
    objs = []
    for src in sources:
        obj = os.path.join(work, "fw_" + os.path.basename(src)[:-2] + ".o")
        toolchain.run([FIRMWARE_CC, *flags, "-c", src, "-o", obj], f"{FIRMWARE_CC} {os.path.basename(src)}")
        objs.append(obj)
    return objs


def link_firmware(c, work, objs):
    """The same objects linked by GNU ld and by ld.lld: {'gnu-ld': path, 'ld.lld': path}."""
    script = os.path.join(HERE, "mps2.ld")
    cpu_flags = [f"-mcpu={c.name}", "-mthumb"]
    libgcc = toolchain.run([FIRMWARE_CC, *cpu_flags, "-print-libgcc-file-name"], "libgcc").strip()
    gnu = os.path.join(work, f"fw-{c.name}-gnu-ld.elf")
    toolchain.run([FIRMWARE_CC, *cpu_flags, "-nostdlib", "-T", script, *objs, "-lgcc", "-o", gnu], "GNU ld link")
    lld = os.path.join(work, f"fw-{c.name}-lld.elf")
    toolchain.run([LLD, "-T", script, *objs, libgcc, "-o", lld], "ld.lld link")
    return {"gnu-ld": gnu, "ld.lld": lld}


def run_on_board(board, elf):
    cmd = ["qemu-system-arm", "-M", board, "-nographic", "-monitor", "none", "-serial", "none",
           "-semihosting-config", "enable=on,target=native", "-kernel", elf]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    except subprocess.TimeoutExpired:
        return False, "timed out after 60 s"
    out = p.stdout.decode(errors="replace")
    return p.returncode == 0 and "all checks passed" in out, out.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bpf2arm", required=True)
    ap.add_argument("--workdir")
    args = ap.parse_args()
    bpf2arm = os.path.abspath(args.bpf2arm)
    missing = toolchain.missing_tools([toolchain.CLANG, FIRMWARE_CC, GNU_READELF, LLD, toolchain.OBJDUMP,
                                       "qemu-system-arm"])
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
            firmware = link_firmware(c, d, firmware_objects(c, d) + arm_objs)
            for linker, elf in firmware.items():
                problems = attribute_problems(c, elf, firmware=True)
                checks.check(not problems, f"{c.name} firmware by {linker}: {'; '.join(problems)}")
                board = BOARDS.get(c.name)
                if board:
                    ok, out = run_on_board(board, elf)
                    checks.check(ok, f"{c.name} firmware by {linker} on {board}:\n    " + out.replace("\n", "\n    "))
                    if ok:
                        print(f"ok   {c.name} firmware by {linker} runs on {board}")
    except toolchain.ToolError as e:
        checks.check(False, str(e))
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
