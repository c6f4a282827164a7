#!/usr/bin/env python3
"""The CPU table that `bpf2arm --list-cpus` prints, checked against what it claims:

  - the listing has the promised form, and `--help` names exactly its CPUs and its default;
  - every CPU is accepted by `--mcpu` and its object's build attributes name it and its
    architecture (read back by GNU readelf);
  - every qemu-arm model the table names exists, and traps exactly the instructions of the
    features the row says the CPU lacks (an M-profile row's model is an A-profile stand-in
    that must run all the row has) (tests/cpus/probes.S, one instruction per feature,
    run on the model under semihosting, so pre-ARMv7 models run it too); the model that
    runs a glibc harness for the CPU (toolchain.hosted_qemu_cpu) lacks hardware divide when
    the CPU does;
  - the CPUs meson names for the full conformance runs (--ci-cpus) are in the table.

    run_cpus.py --bpf2arm PATH [--ci-cpus CPU,CPU] [--workdir DIR]
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

ATTRS = ("arch", "profile", "triple", "qemu", "features")
# Tag_CPU_arch as GNU readelf prints it, for each architecture the table uses.
READELF_ARCH = {"armv6kz": "v6KZ", "armv7-a": "v7", "armv8-a": "v8", "armv7-m": "v7", "armv7e-m": "v7E-M",
                "armv8-m.main": "v8-M.mainline"}
# What an M-profile object must say besides its architecture, for GNU ld to link it into
# Cortex-M firmware (tests/cortexm links one).
READELF_M_PROFILE = ("Tag_CPU_arch_profile: Microcontroller", "Tag_ARM_ISA_use: No", "Tag_THUMB_ISA_use: Thumb-2")
FEATURES = {"arm": "none", "thumb2": "thumb2", "movw-movt": "movw_movt", "hwdiv": "hwdiv",
            "ldrexd": "ldrexd", "dmb": "dmb"}  # feature -> probe that needs it
NEWLIB_FLAGS = ["-O1", "-marm", "-mcpu=arm1176jzf-s", "-mfloat-abi=soft", "--specs=rdimon.specs"]



def check_listing(bpf2arm, checks):
    listing = toolchain.run([bpf2arm, "--list-cpus"], "bpf2arm --list-cpus")
    lines = listing.splitlines()
    for line in lines:
        fields = line.split()
        keys = [f.split("=", 1)[0] for f in fields[1:]]
        checks.check(bool(fields) and "=" not in fields[0] and keys == list(ATTRS),
                     f"--list-cpus line is not 'NAME {' '.join(a + '=' for a in ATTRS)}': {line!r}")
    table = toolchain.cpus(bpf2arm)
    names = [c.name for c in table]
    checks.check(len(set(names)) == len(names), f"--list-cpus repeats a name: {names}")
    for c in table:
        checks.check(c.features <= set(FEATURES), f"{c.name}: unknown features {c.features - set(FEATURES)}")
        checks.check(c.arch in READELF_ARCH, f"{c.name}: unknown arch {c.arch}")

    help_text = toolchain.run([bpf2arm, "--help"], "bpf2arm --help")
    m = re.search(r"--mcpu TEXT:\{([^}]*)\}", help_text)
    checks.check(m is not None and m.group(1).split(",") == names,
                 f"--help lists other CPUs than --list-cpus: {m.group(1) if m else '(none)'}")
    checks.check(f"(default {names[0]})" in help_text, f"--help does not name {names[0]} as the default")
    return table


def check_objects(bpf2arm, table, work, checks):
    src = os.path.join(HERE, "..", "programs", "arith64.c")
    bpf_obj = os.path.join(work, "arith64.bpf.o")
    toolchain.run([toolchain.CLANG, *toolchain.BPF_FLAGS, "-c", src, "-o", bpf_obj], "clang -target bpf")
    for c in table:
        obj = os.path.join(work, f"arith64.{c.name}.o")
        toolchain.run([bpf2arm, f"--mcpu={c.name}", bpf_obj, "-o", obj], f"bpf2arm --mcpu={c.name}")
        attrs = toolchain.run(["arm-linux-gnueabihf-readelf", "-A", obj], "readelf -A")
        checks.check(f'Tag_CPU_name: "{c.name}"' in attrs, f"{c.name}: object's Tag_CPU_name is not {c.name}")
        arch = re.search(r"Tag_CPU_arch: (\S+)", attrs)
        checks.check(arch is not None and arch.group(1) == READELF_ARCH.get(c.arch),
                     f"{c.name}: object's Tag_CPU_arch {arch.group(1) if arch else '(none)'} "
                     f"is not {READELF_ARCH.get(c.arch)}")
        for tag in READELF_M_PROFILE if c.m_profile else ():
            checks.check(tag in attrs, f"{c.name}: the object's attributes lack {tag!r}")


def probe_runs(probe_exe, model, probe):
    p = subprocess.run([toolchain.QEMU, "-cpu", model, probe_exe, probe],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.returncode == 0 and p.stdout.decode().strip() == f"ran {probe}"


def check_models(table, work, checks):
    # qemu-arm lists its models and exits with status 1.
    models = subprocess.run([toolchain.QEMU, "-cpu", "help"], stdout=subprocess.PIPE).stdout.decode().split()
    probe_exe = os.path.join(work, "probe")
    toolchain.run(["arm-none-eabi-gcc", *NEWLIB_FLAGS, os.path.join(HERE, "probe_main.c"),
                   os.path.join(HERE, "probes.S"), "-o", probe_exe], "probe build")
    for c in table:
        checks.check(c.qemu in models, f"{c.name}: qemu-arm has no model {c.qemu}")
        if c.qemu not in models:
            continue
        if c.m_profile:
            # qemu-arm's M-profile models do not start in user mode; the row names an
            # A-profile stand-in, which must run everything the CPU has (it runs more:
            # ARM state, ldrexd; tests/cortexm checks the objects use none of that).
            checks.check(c.name in models, f"{c.name}: qemu has no model of its own")
            for feature, probe in FEATURES.items():
                if c.has(feature):
                    checks.check(probe_runs(probe_exe, c.qemu, probe),
                                 f"{c.name}: its stand-in qemu-arm -cpu {c.qemu} traps on probe_{probe}")
            continue
        for feature, probe in FEATURES.items():
            ran = probe_runs(probe_exe, c.qemu, probe)
            checks.check(ran == c.has(feature),
                         f"{c.name}: qemu-arm -cpu {c.qemu} {'runs' if ran else 'traps on'} probe_{probe}, "
                         f"but the table says the CPU {'has' if c.has(feature) else 'lacks'} {feature}")
        hosted = toolchain.hosted_qemu_cpu(c)
        if hosted != c.qemu:
            ran = probe_runs(probe_exe, hosted, "hwdiv")
            checks.check(ran == c.has("hwdiv"),
                         f"{c.name}: its glibc stand-in model {hosted} differs in hardware divide")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bpf2arm", required=True)
    ap.add_argument("--ci-cpus", default="", help="CPUs named in tests/meson.build, which must be in the table")
    ap.add_argument("--workdir")
    args = ap.parse_args()
    bpf2arm = os.path.abspath(args.bpf2arm)
    tmp = None if args.workdir else tempfile.TemporaryDirectory(prefix="bpf2arm-cpus-")
    work = os.path.abspath(args.workdir) if args.workdir else tmp.name
    os.makedirs(work, exist_ok=True)

    checks = toolchain.Checks()
    try:
        table = check_listing(bpf2arm, checks)
        for name in filter(None, args.ci_cpus.split(",")):
            checks.check(any(c.name == name for c in table), f"meson runs CPU {name}, which the table lacks")
        check_objects(bpf2arm, table, work, checks)
        check_models(table, work, checks)
    except toolchain.ToolError as e:
        checks.check(False, str(e))
    print(f"CPUs: {', '.join(c.name for c in toolchain.cpus(bpf2arm))}")
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
