#!/usr/bin/env python3
"""ABI property test: BPF code compiled by bpf2arm calls ARM functions compiled by GCC.

A generator draws random prototypes (1-5 arguments among u8/s8/u16/s16/u32/s32/u64/s64/
pointer, any result type). For each one it writes
  - a BPF caller (clang-19 -target bpf) that calls `extern R callee_N(...) __ksym` with
    chosen argument values and returns 1 when the result is the one expected;
  - a raw BPF caller in assembly that loads R1-R5 from memory, where the C side puts the
    same values with garbage above each narrow type's width, and stores the raw 64-bit
    R0 back: clang cannot extend or truncate anything there, so only bpf2arm's own
    extension of narrow arguments and conversion of the result make it pass;
  - an ARM callee (arm-linux-gnueabihf-gcc, whose AAPCS is the oracle) behind an assembly
    stub that checks sp is 8-byte aligned at the call and records r0-r3 and the first
    stack words, which then checks every argument it receives and returns the chosen
    result. The words recorded for the raw caller must equal those recorded when GCC's
    code calls the same callee with the same typed values.
Everything is linked into one program run under qemu-arm with the CPU's model.

usage: run_abi_property.py --bpf2arm PATH [--mcpu CPU] [--count N] [--seed S] [--workdir DIR]
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import toolchain  # noqa: E402

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


def aapcs_words(params):
    """Indexes, into the words the stub records (r0-r3, then stack words), of the words
    each argument occupies: the AAPCS base standard, to choose which words to compare."""
    ncrn, nsaa, words = 0, 0, []
    for kind in params:
        if TYPES[kind][2] == 64:
            ncrn += ncrn & 1
            if ncrn <= 2:
                words += [ncrn, ncrn + 1]
                ncrn += 2
            else:
                ncrn, nsaa = 4, (nsaa + 7) & ~7
                words += [4 + nsaa // 4, 5 + nsaa // 4]
                nsaa += 8
        elif ncrn < 4:
            words.append(ncrn)
            ncrn += 1
        else:
            words.append(4 + nsaa // 4)
            nsaa += 4
    return words


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
        # R1-Rn straight from v[], the call, and the raw R0 into v[5].
        loads = " ".join(f"r{j + 1} = *(u64 *)(r6 + {8 * j});" for j in range(len(params)))
        out.append(f"__attribute__((naked)) __u64 raw_caller_{i}(__u64 *v) {{\n"
                   f"  asm volatile(\"r6 = r1; {loads} call %[f]; *(u64 *)(r6 + 40) = r0; r0 = 1; exit;\"\n"
                   f"               :: [f] \"i\"(callee_{i}) : \"memory\");\n}}")
    return "\n".join(out) + "\n"


def width_mask(kind):
    return (1 << (32 if kind == "ptr" else TYPES[kind][2])) - 1


def noise(rng, kind):
    """Garbage for the bits above a type's width, as a C constant."""
    return f"0x{rng.getrandbits(64) & ~width_mask(kind) & ((1 << 64) - 1):x}ULL"


def arm_source(protos, seed):
    rng = random.Random(seed + 1)
    out = ["#include <stdint.h>", "#include <stdio.h>", "#include <string.h>", "",
           "static char base_area[512];", "static int failures;", "uint32_t recorded[10];", "",
           "int sp_misaligned(void) { failures++; printf(\"sp not 8-byte aligned at a call\\n\"); return 0; }",
           '__asm__(".macro RECORD_ARGUMENTS\\n  ldr r12, =recorded\\n  stm r12!, {r0-r3}\\n  push {r0-r3}\\n'
           '  .irp offset, 16, 20, 24, 28, 32, 36\\n  ldr r0, [sp, #\\\\offset]\\n  str r0, [r12], #4\\n  .endr\\n'
           '  pop {r0-r3}\\n  b 1f\\n  .ltorg\\n1:\\n.endm\\n");', ""]
    for i, params, result, args, ret in protos:
        rtype = "void" if result == "void" else TYPES[result][1]
        plist = ", ".join(f"{TYPES[k][1]} a{j}" for j, k in enumerate(params))
        # The stub records r0-r3 and six stack words (the most five arguments use), then
        # branches (not calls) to the implementation, so sp and the arguments stay.
        out.append(f'__asm__(".global callee_{i}\\n.type callee_{i},%function\\ncallee_{i}:\\n'
                   f'  tst sp, #7\\n  bne sp_misaligned\\n  RECORD_ARGUMENTS\\n  b callee_{i}_impl\\n");')
        out.append(f"{rtype} callee_{i}_impl({plist}) {{")
        for j, (k, v) in enumerate(zip(params, args)):
            expect = f"(void *)(base_area + {v})" if k == "ptr" else literal(k, v, "arm")
            out.append(f"  if (a{j} != {expect}) {{ failures++; printf(\"callee_{i}: argument {j + 1} ({k}) wrong\\n\"); }}")
        if result != "void":
            value = f"(void *)(base_area + {ret})" if result == "ptr" else literal(result, ret, "arm")
            out.append(f"  return {value};")
        out.append("}")
    out.append("")
    for i, params, result, *_ in protos:
        rtype = "void" if result == "void" else TYPES[result][1]
        out.append(f"{rtype} callee_{i}({', '.join(TYPES[k][1] for k in params)});")
        out.append(f"uint64_t caller_{i}(void *base);")
        out.append(f"uint64_t raw_caller_{i}(uint64_t *v);")
    out.append("static int same_words(const uint32_t *want, const int *words, int n) {")
    out.append("  for (int k = 0; k < n; k++) if (recorded[words[k]] != want[words[k]]) return 0;")
    out.append("  return 1;")
    out.append("}")
    out.append("int main(void) {")
    out.append("  int bad = 0, before;")
    out.append("  uint32_t by_gcc[10];")
    out.append("  uint64_t v[6];")
    for i, params, result, args, ret in protos:
        sig = f"{result} callee_{i}({', '.join(params)})"
        typed = [f"(void *)(base_area + {a})" if k == "ptr" else literal(k, a, "arm") for k, a in zip(params, args)]
        words = aapcs_words(params)
        out.append(f"  before = failures;")
        out.append(f"  if (caller_{i}(base_area) != 1 || failures != before) {{ bad++; printf(\"FAIL {sig}\\n\"); }}")
        out.append(f"  callee_{i}({', '.join(typed)});")
        out.append(f"  memcpy(by_gcc, recorded, sizeof by_gcc);")
        out.append(f"  memset(recorded, 0xee, sizeof recorded);")
        out.append("  {")
        out.append(f"    static const uint64_t noise[6] = {{{', '.join(noise(rng, k) for k in params)}}};")
        out.append(f"    static const uint64_t mask[6] = {{{', '.join(f'0x{width_mask(k):x}ULL' for k in params)}}};")
        out.append(f"    const uint64_t values[6] = {{{', '.join(f'(uint64_t)(uintptr_t){t}' if k == 'ptr' else f'(uint64_t){t}' for k, t in zip(params, typed))}}};")
        out.append(f"    static const int words[] = {{{', '.join(map(str, words))}}};")
        out.append(f"    for (int j = 0; j < {len(params)}; j++) v[j] = noise[j] | (values[j] & mask[j]);")
        out.append("    before = failures;")
        out.append(f"    raw_caller_{i}(v);")
        if result == "void":
            expect = "v[5]"
        elif result == "ptr":
            expect = f"(uint64_t)(uintptr_t)(base_area + {ret})"
        else:
            expect = f"(uint64_t){literal(result, ret, 'arm')}"
        out.append(f"    if (failures != before || !same_words(by_gcc, words, {len(words)}) || v[5] != {expect}) {{")
        out.append(f"      bad++; printf(\"FAIL {sig}, raw registers\\n\");")
        out.append("    }")
        out.append("  }")
    out.append(f"  printf(\"%d passed, %d failed\\n\", {len(protos)} - bad, bad);")
    out.append("  return bad != 0;")
    out.append("}")
    return "\n".join(out) + "\n"


def run(cmd):
    try:
        return toolchain.run(cmd)
    except toolchain.ToolError as e:
        sys.stderr.write(f"command failed: {e}\n")
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bpf2arm", required=True)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=2017)
    ap.add_argument("--workdir")
    ap.add_argument("--mcpu", help="bpf2arm's CPU, run under its qemu-arm model (default: bpf2arm's default)")
    opts = ap.parse_args()
    try:
        cpu = toolchain.cpu(opts.bpf2arm, opts.mcpu)
    except toolchain.ToolError as e:
        sys.exit(f"run_abi_property: {e}")
    work = opts.workdir or tempfile.mkdtemp(prefix="abi_property.")
    os.makedirs(work, exist_ok=True)
    protos = generate(opts.count, opts.seed)
    bpf_c, arm_c = os.path.join(work, "callers.bpf.c"), os.path.join(work, "callees.c")
    open(bpf_c, "w").write(bpf_source(protos))
    open(arm_c, "w").write(arm_source(protos, opts.seed))
    bpf_o, arm_o, exe = (os.path.join(work, n) for n in ("callers.bpf.o", "callers.arm.o", "abi_test"))
    run([toolchain.CLANG, *toolchain.BPF_FLAGS, "-c", bpf_c, "-o", bpf_o])
    run([opts.bpf2arm, bpf_o, "-o", arm_o, *cpu.bpf2arm_flags()])
    # The C side in ARM state; for Cortex-M code in Thumb, as its firmware would be.
    callee_flags = toolchain.gcc_arm_flags(cpu) if cpu.m_profile else ["-marm"]
    run([toolchain.ARM_CC, "-static", "-O2", *callee_flags, arm_c, arm_o, "-o", exe])
    result = subprocess.run(toolchain.qemu_command(cpu, exe), capture_output=True, text=True, timeout=600)
    sys.stdout.write(result.stdout + result.stderr)
    print(f"abi property test: {opts.count} prototypes, seed {opts.seed}, {cpu.label}")
    sys.exit(0 if result.returncode == 0 else 1)


if __name__ == "__main__":
    main()
