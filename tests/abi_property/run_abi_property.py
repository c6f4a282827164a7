#!/usr/bin/env python3
"""ABI property test: BPF code compiled by bpf2arm calls ARM functions compiled by GCC.

A generator draws random prototypes (1-5 arguments among u8/s8/u16/s16/u32/s32/u64/s64/
pointer, any result type). For each one it writes
  - a BPF caller (clang-19 -target bpf) that calls `extern R callee_N(...) __ksym` with
    chosen argument values and returns 1 when the result is the one expected;
  - an ARM callee (arm-linux-gnueabihf-gcc, whose AAPCS is the oracle) behind an assembly
    stub that checks sp is 8-byte aligned at the call, which then checks every argument
    it receives and returns the chosen result.
Everything is linked into one program run under qemu-arm.

usage: run_abi_property.py --bpf2arm PATH [--count N] [--seed S] [--workdir DIR]
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

# name: (BPF C type, ARM C type, bits, signed)
TYPES = {
    "u8": ("__u8", "uint8_t", 8, False),
    "s8": ("__s8", "int8_t", 8, True),
    "u16": ("__u16", "uint16_t", 16, False),
    "s16": ("__s16", "int16_t", 16, True),
    "u32": ("__u32", "uint32_t", 32, False),
    "s32": ("__s32", "int32_t", 32, True),
    "u64": ("__u64", "uint64_t", 64, False),
    "s64": ("__s64", "int64_t", 64, True),
    "ptr": ("void *", "void *", None, False),
}


def value_for(rng, kind):
    """A value (as C source text) of the type: edge values often, random ones otherwise."""
    if kind == "ptr":
        return rng.randrange(0, 256)  # an offset from the caller's base pointer
    _, _, bits, signed = TYPES[kind]
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    return rng.choice([lo, hi, 0, 1, -1 if signed else hi - 1, rng.randint(lo, hi), rng.randint(lo, hi)])


def literal(kind, v, base):
    if kind == "ptr":
        return f"(void *)((char *){base} + {v})"
    bits, signed = TYPES[kind][2], TYPES[kind][3]
    suffix = "ULL" if not signed else "LL"
    if signed and v == -(1 << (bits - 1)):
        return f"({TYPES[kind][0] if base == 'base' else TYPES[kind][1]})({v + 1}{suffix} - 1)"
    return f"({TYPES[kind][0] if base == 'base' else TYPES[kind][1]}){v}{suffix}"


def generate(count, seed):
    rng = random.Random(seed)
    kinds = list(TYPES)
    protos = []
    for i in range(count):
        params = [rng.choice(kinds) for _ in range(rng.randint(1, 5))]
        result = rng.choice(kinds + ["void"])
        args = [value_for(rng, k) for k in params]
        ret = None if result == "void" else value_for(rng, result)
        protos.append((i, params, result, args, ret))
    return protos


def bpf_source(protos):
    out = ["#include <linux/types.h>", "#include <bpf/bpf_helpers.h>", ""]
    for i, params, result, args, ret in protos:
        rtype = "void" if result == "void" else TYPES[result][0]
        plist = ", ".join(TYPES[k][0] for k in params)
        out.append(f"extern {rtype} callee_{i}({plist}) __ksym;")
        call = f"callee_{i}(" + ", ".join(literal(k, v, "base") for k, v in zip(params, args)) + ")"
        out.append(f"__u64 caller_{i}(void *base) {{")
        if result == "void":
            out.append(f"  {call};\n  return 1;")
        else:
            out.append(f"  {rtype} r = {call};")
            out.append(f"  return r == {literal(result, ret, 'base')};")
        out.append("}")
    return "\n".join(out) + "\n"


def arm_source(protos):
    out = ["#include <stdint.h>", "#include <stdio.h>", "",
           "static char base_area[512];", "static int failures;", "",
           "int sp_misaligned(void) { failures++; printf(\"sp not 8-byte aligned at a call\\n\"); return 0; }", ""]
    for i, params, result, args, ret in protos:
        rtype = "void" if result == "void" else TYPES[result][1]
        plist = ", ".join(f"{TYPES[k][1]} a{j}" for j, k in enumerate(params))
        # The stub branches (not calls) to the implementation, so sp and the arguments stay.
        out.append(f'__asm__(".global callee_{i}\\n.type callee_{i},%function\\ncallee_{i}:\\n'
                   f'  tst sp, #7\\n  bne sp_misaligned\\n  b callee_{i}_impl\\n");')
        out.append(f"{rtype} callee_{i}_impl({plist}) {{")
        for j, (k, v) in enumerate(zip(params, args)):
            expect = f"(void *)(base_area + {v})" if k == "ptr" else literal(k, v, "arm")
            out.append(f"  if (a{j} != {expect}) {{ failures++; printf(\"callee_{i}: argument {j + 1} ({k}) wrong\\n\"); }}")
        if result != "void":
            value = f"(void *)(base_area + {ret})" if result == "ptr" else literal(result, ret, "arm")
            out.append(f"  return {value};")
        out.append("}")
    out.append("")
    for i, *_ in protos:
        out.append(f"uint64_t caller_{i}(void *base);")
    out.append("int main(void) {")
    out.append("  int bad = 0, before;")
    for i, params, result, *_ in protos:
        sig = f"{result} callee_{i}({', '.join(params)})"
        out.append(f"  before = failures;")
        out.append(f"  if (caller_{i}(base_area) != 1 || failures != before) {{ bad++; printf(\"FAIL {sig}\\n\"); }}")
    out.append(f"  printf(\"%d passed, %d failed\\n\", {len(protos)} - bad, bad);")
    out.append("  return bad != 0;")
    out.append("}")
    return "\n".join(out) + "\n"


def run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        sys.stderr.write(f"command failed: {' '.join(cmd)}\n{result.stdout}{result.stderr}")
        sys.exit(1)
    return result.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bpf2arm", required=True)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=2017)
    ap.add_argument("--workdir")
    opts = ap.parse_args()
    work = opts.workdir or tempfile.mkdtemp(prefix="abi_property.")
    os.makedirs(work, exist_ok=True)
    protos = generate(opts.count, opts.seed)
    bpf_c, arm_c = os.path.join(work, "callers.bpf.c"), os.path.join(work, "callees.c")
    open(bpf_c, "w").write(bpf_source(protos))
    open(arm_c, "w").write(arm_source(protos))
    bpf_o, arm_o, exe = (os.path.join(work, n) for n in ("callers.bpf.o", "callers.arm.o", "abi_test"))
    run(["clang-19", "-target", "bpf", "-mcpu=v4", "-O2", "-g", "-I/usr/include/x86_64-linux-gnu",
         "-c", bpf_c, "-o", bpf_o])
    run([opts.bpf2arm, bpf_o, "-o", arm_o])
    run(["arm-linux-gnueabihf-gcc", "-static", "-O2", "-marm", arm_c, arm_o, "-o", exe])
    result = subprocess.run(["qemu-arm", exe], capture_output=True, text=True, timeout=600)
    sys.stdout.write(result.stdout + result.stderr)
    print(f"abi property test: {opts.count} prototypes, seed {opts.seed}")
    sys.exit(0 if result.returncode == 0 else 1)


if __name__ == "__main__":
    main()
