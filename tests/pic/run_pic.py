#!/usr/bin/env python3
"""-fPIE and -fPIC (README "Using it"): tests/pic/counter.bpf.c compiled by bpf2arm
  - with -fPIE and linked into a position-independent executable by arm-linux-gnueabihf-gcc
    (Debian's default, as on Raspberry Pi OS) with the runtime stub,
  - with -fPIC into a shared object (with the runtime stub, -fPIC) that a PIE main program
    is linked against,
both with GNU ld and with ld.lld, each checked with readelf (ELF type DYN, the PIE flag, no TEXTREL: no relocation of code
at load time; in the shared object, GLOB_DAT relocations for the global and extern symbols
its code reaches through the GOT) and run under qemu-arm, where tests/pic/pic_main.c
compares every result with its own C model of the program. For A32 (cortex-a7), T32
(cortex-a7+thumb), ARMv6 (arm1176jzf-s: literal words instead of movw/movt) and cortex-m4. Also: the
position-dependent object does not link into a PIE (what the options are for), and the -S
text of position-independent code reassembles (llvm-mc) to the same code and relocations.
    run_pic.py --bpf2arm PATH [--mcpu CPU,...] [--workdir DIR]"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import toolchain  # noqa: E402
from toolchain import ARM_CC, ARMHF_SYSROOT, READELF, run  # noqa: E402

DEFAULT_CPUS = "cortex-a7,cortex-a7+thumb,arm1176jzf-s,cortex-m4"
# GNU ld, and LLVM's ld.lld (lld-19), which gcc finds as ld.lld in the directory -B names.
LINKERS = [("bfd", []), ("lld", ["-fuse-ld=lld", "-B/usr/lib/llvm-19/bin"])]


def readelf(*args):
    return run([READELF, "-W", *args], "readelf " + " ".join(args))


def check_position_independent(path, kind):
    """Problems of a linked PIE or shared object: not DYN, not PIE, text relocations."""
    problems = []
    header = readelf("-h", path)
    if not re.search(r"Type:\s+DYN", header):
        problems.append(f"{path}: not ELF type DYN")
    dynamic = readelf("-d", path)
    if kind == "pie" and not re.search(r"FLAGS_1.*\bPIE\b", dynamic):
        problems.append(f"{path}: no PIE flag in the dynamic section")
    if "TEXTREL" in dynamic:
        problems.append(f"{path}: text relocations (TEXTREL): code is patched at load time")
    return problems


def run_arm(c, exe, workdir, env=()):
    extra = ["-L", ARMHF_SYSROOT] + [x for e in env for x in ("-E", e)]
    lines, problem = toolchain.execute(toolchain.qemu_command(c, exe, extra=extra), os.path.basename(exe))
    if problem or not lines or not lines[-1].endswith(" 0 failures"):
        return [f"{exe}: {problem or 'wrong output'}: " + " | ".join(lines[-5:])]
    return []


def relocations(obj):
    """(section, offset, type, symbol) of every relocation, in order."""
    out = []
    section = None
    for line in readelf("-r", obj).splitlines():
        m = re.match(r"Relocation section '([^']+)'", line)
        if m:
            section = m.group(1)
            continue
        f = line.split()
        if len(f) >= 3 and re.fullmatch(r"[0-9a-f]{8}", f[0]) and f[2].startswith("R_ARM"):
            out.append((section, f[0], f[2], f[4] if len(f) > 4 else ""))
    return out


def check_roundtrip(c, bpf2arm, bpf_obj, flag, workdir):
    """-S text of flag's code assembles to the same .text and the same relocations."""
    base = os.path.join(workdir, f"rt-{c.label}{flag}")
    run([bpf2arm, *c.bpf2arm_flags(), flag, bpf_obj, "-o", base + ".direct.o"], "bpf2arm")
    run([bpf2arm, *c.bpf2arm_flags(), flag, "-S", bpf_obj, "-o", base + ".s"], "bpf2arm -S")
    triple = c.mc_triple()
    run([toolchain.LLVM_MC, f"-triple={triple}", f"-mcpu={c.name}", "-filetype=obj", base + ".s", "-o", base + ".text.o"],
        "llvm-mc")
    problems = []
    texts = []
    for obj in (base + ".direct.o", base + ".text.o"):
        run(["llvm-objcopy-19", "-O", "binary", "--only-section=.text", obj, obj + ".bin"], "llvm-objcopy")
        with open(obj + ".bin", "rb") as f:
            texts.append(f.read())
    if texts[0] != texts[1]:
        problems.append(f"{c.label} {flag}: -S text assembles to different code")
    # Symbols of relocations against local labels may be named differently (section
    # symbols, temporary labels): compare the code's relocations by offset, type and
    # symbol where the symbol is a named one.
    direct, text = (relocations(o) for o in (base + ".direct.o", base + ".text.o"))
    key = lambda r: (r[0], r[1], r[2], r[3] if not r[3].startswith(".") else "")
    if [key(r) for r in direct] != [key(r) for r in text]:
        diff = [f"{a} != {b}" for a, b in zip(direct, text) if key(a) != key(b)][:3]
        problems.append(f"{c.label} {flag}: -S text has other relocations ({len(direct)} vs {len(text)}): {diff}")
    return problems


def test_cpu(c, bpf2arm, bpf_obj, workdir):
    problems = []
    d = os.path.join(workdir, c.label)
    os.makedirs(d, exist_ok=True)
    cflags = ["-std=c11", "-O2", "-Wall", "-Werror", *toolchain.gcc_arm_flags(c), "-I", d,
              "-I", os.path.join(toolchain.RUNTIME_STUB, "include")]
    main_c = os.path.join(HERE, "pic_main.c")
    header = os.path.join(d, "counter.arm.h")

    pie_obj = os.path.join(d, "counter.pie.o")
    run([bpf2arm, *c.bpf2arm_flags(), "-fPIE", bpf_obj, "-o", pie_obj, "--header", header], "bpf2arm -fPIE")
    pic_obj = os.path.join(d, "counter.pic.o")
    run([bpf2arm, *c.bpf2arm_flags(), "-fPIC", bpf_obj, "-o", pic_obj], "bpf2arm -fPIC")
    for linker, use in LINKERS:
        ld = os.path.join(d, linker)
        os.makedirs(ld, exist_ok=True)
        # A PIE executable: the program compiled with -fPIE, the stub and main as gcc makes them.
        pie_exe = os.path.join(ld, "pie_main")
        run([ARM_CC, *cflags, *use, "-fPIE", "-pie", main_c, pie_obj, *toolchain.runtime_stub_objects(c, workdir),
             "-o", pie_exe], f"link the PIE ({linker})")
        problems += check_position_independent(pie_exe, "pie")
        problems += run_arm(c, pie_exe, workdir)

        # A shared object: the program with -fPIC and the stub, loaded by a PIE main program.
        lib = os.path.join(ld, "libcounter.so")
        run([ARM_CC, *toolchain.gcc_arm_flags(c), *use, "-shared", pic_obj,
             *toolchain.runtime_stub_objects(c, workdir, pic=True), "-o", lib], f"link the shared object ({linker})")
        problems += check_position_independent(lib, "shared")
        # Global and extern symbols go through the GOT: the loader fills their entries.
        dynamic_relocs = {r[3] for r in relocations(lib) if r[2] == "R_ARM_GLOB_DAT"}
        for symbol in ("fw_bias", "sums", "total", "last_id", "next", "visit"):
            if symbol not in dynamic_relocs:
                problems.append(f"{lib}: no R_ARM_GLOB_DAT for {symbol} (GOT entries: {sorted(dynamic_relocs)})")
        so_exe = os.path.join(ld, "so_main")
        run([ARM_CC, *cflags, *use, main_c, "-L", ld, "-lcounter", "-o", so_exe],
            f"link the main program against the shared object ({linker})")
        problems += check_position_independent(so_exe, "pie")
        problems += run_arm(c, so_exe, workdir, env=[f"LD_LIBRARY_PATH={ld}"])

    # The position-dependent object (the default) is what a PIE link refuses.
    if c.has("movw-movt") and not c.thumb:
        plain_obj = os.path.join(d, "counter.o")
        run([bpf2arm, *c.bpf2arm_flags(), bpf_obj, "-o", plain_obj], "bpf2arm")
        link = subprocess.run([ARM_CC, *cflags, "-pie", main_c, plain_obj, *toolchain.runtime_stub_objects(c, workdir),
                               "-o", os.path.join(d, "plain_main")], capture_output=True, text=True)
        if link.returncode == 0 or "recompile with -fPIC" not in link.stderr:
            problems.append(f"{c.label}: the position-dependent object linked into a PIE, or failed otherwise: "
                            + link.stderr.strip()[:200])

    for flag in ("-fPIE", "-fPIC"):
        problems += check_roundtrip(c, bpf2arm, bpf_obj, flag, workdir)
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bpf2arm", required=True)
    ap.add_argument("--mcpu", default=DEFAULT_CPUS)
    ap.add_argument("--workdir")
    args = ap.parse_args()
    bpf2arm = os.path.abspath(args.bpf2arm)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = os.path.abspath(args.workdir) if args.workdir else tmp
        os.makedirs(workdir, exist_ok=True)
        bpf_obj = os.path.join(workdir, "counter.bpf.o")
        run([toolchain.CLANG, *toolchain.BPF_FLAGS, "-c", os.path.join(HERE, "counter.bpf.c"), "-o", bpf_obj], "clang")
        failed = 0
        for c in toolchain.select_cpus(bpf2arm, args.mcpu):
            problems = test_cpu(c, bpf2arm, bpf_obj, workdir)
            for p in problems:
                print("FAIL", p)
            print(f"{c.label}: {'ok' if not problems else 'FAILED'} (PIE executable, shared object, -S round trip)")
            failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
