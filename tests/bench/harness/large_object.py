#!/usr/bin/env python3
"""Writes a BPF object of about N instructions (default 1,000,000) for measuring bpf2arm's
compile throughput and memory (bench.py --compile-only). The code is what clang makes of
ordinary programs, in proportion: many functions of 60 to 400 instructions, each built from
pieces drawn at random (seeded, so every run writes the same object):

  - runs of ALU and ALU64 operations, immediate and register forms, shifts, multiplies,
    division and modulo by non-zero constants, byte swaps, sign-extending moves;
  - loads of 1/2/4/8 bytes from the caller's buffer (R1, kept in R6) and loads, stores and
    atomic adds on the function's stack slots;
  - if/else diamonds (conditional jumps, JMP and JMP32) and counted loops (backward jumps);
  - 64-bit constants (ld_imm64);
  - bpf-to-bpf calls to earlier functions (so the call graph has no cycles) and calls of
    standard helpers, with values kept in R6-R9 across them.

Every function is valid BPF: registers are written before they are read, R1-R5 are read
after a call only once written again, stack accesses stay inside 512 bytes, every loop runs
a bounded count. The object has no BTF (bpf2arm gives such functions the five-uint64 ABI).

    large_object.py OUT.o [--insns N] [--seed S]
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import bpf_asm as A  # noqa: E402

ALU_REG_OPS = ["add", "sub", "or", "and", "xor", "mul", "mov"]
ALU_IMM_OPS = ["add", "sub", "or", "and", "xor", "mul", "lsh", "rsh", "arsh"]
JMP_OPS = list(A.JMP_OPS)
# Helpers without pointer arguments, as any program calls them: ktime_get_ns, get_prandom_u32,
# get_smp_processor_id.
HELPERS = [5, 7, 8]
TEMPS = [0, 2, 3, 4, 5]   # scratch registers, dead across calls
KEPT = [7, 8, 9]           # values live across calls (R6 holds the buffer pointer)
BUFFER_BYTES = 256         # the caller's buffer that R1 points at


def alu(op, dst, src=None, imm=0, wide=True):
    cls = A.CLS_ALU64 if wide else A.CLS_ALU
    if src is None:
        return A.encode(cls | A.ALU_OPS[op] | A.SRC_K, dst, 0, 0, imm)
    return A.encode(cls | A.ALU_OPS[op] | A.SRC_X, dst, src, 0, 0)


def ldx(size, dst, src, off):
    return A.encode(A.CLS_LDX | A.MODE_MEM | A.SIZES[size], dst, src, off, 0)


def stx(size, dst, src, off):
    return A.encode(A.CLS_STX | A.MODE_MEM | A.SIZES[size], dst, src, off, 0)


def jump(op, dst, off, src=None, imm=0, wide=True):
    cls = A.CLS_JMP if wide else A.CLS_JMP32
    if src is None:
        return A.encode(cls | A.JMP_OPS[op] | A.SRC_K, dst, 0, off, imm)
    return A.encode(cls | A.JMP_OPS[op] | A.SRC_X, dst, src, off, 0)


class FunctionWriter:
    def __init__(self, rng, slot, callees):
        self.rng = rng
        self.slot = slot          # where the function starts in .text, in instructions
        self.callees = callees    # start slots of earlier functions it may call
        self.words = []
        self.stack_slots = rng.randint(4, 24)  # 8-byte slots below R10

    def emit(self, *words):
        self.words.extend(words)

    def reg(self):
        return self.rng.choice(TEMPS + KEPT)

    def stack_off(self):
        return -8 * self.rng.randint(1, self.stack_slots)

    def alu_run(self):
        r = self.rng
        for _ in range(r.randint(3, 12)):
            dst, wide, kind = self.rng.choice(TEMPS + KEPT), r.random() < 0.6, r.random()
            if kind < 0.35:
                self.emit(alu(r.choice(ALU_REG_OPS), dst, self.reg(), wide=wide))
            elif kind < 0.8:
                op = r.choice(ALU_IMM_OPS)
                imm = r.randint(0, 63 if wide else 31) if op.endswith("sh") else r.randint(-2**31, 2**31 - 1)
                self.emit(alu(op, dst, imm=imm, wide=wide))
            elif kind < 0.87:
                self.emit(alu(r.choice(["div", "mod"]), dst, imm=r.randint(1, 1000), wide=wide))
            elif kind < 0.94:
                self.emit(A.encode(A.CLS_ALU | A.OP_END, dst, 0, 0, r.choice([16, 32, 64])))
            else:  # movsx
                self.emit(A.encode(A.CLS_ALU64 | A.ALU_OPS["mov"] | A.SRC_X, dst, self.reg(),
                                   r.choice([8, 16, 32]), 0))

    def memory(self):
        r = self.rng
        for _ in range(r.randint(2, 6)):
            size = r.choice(["b", "h", "w", "dw"])
            width = {"b": 1, "h": 2, "w": 4, "dw": 8}[size]
            kind = r.random()
            if kind < 0.4:
                self.emit(ldx(size, r.choice(TEMPS + KEPT), 6, width * r.randrange(BUFFER_BYTES // width)))
            elif kind < 0.7:
                self.emit(stx("dw", 10, self.reg(), self.stack_off()))
            elif kind < 0.9:
                self.emit(ldx("dw", r.choice(TEMPS + KEPT), 10, self.stack_off()))
            else:
                self.emit(A.encode(A.CLS_STX | A.MODE_ATOMIC | A.SIZES["dw"], 10, self.reg(),
                                   self.stack_off(), A.ATOMIC_OPS["add"]))

    def diamond(self):
        """if (cond) { then } else { other }: a forward jump over each arm."""
        r = self.rng
        then_arm, other_arm = self.fragment(), self.fragment()
        wide = r.random() < 0.5
        cond = r.choice(JMP_OPS)
        if r.random() < 0.5:
            self.emit(jump(cond, self.reg(), len(then_arm) + 1, imm=r.randint(-1000, 1000), wide=wide))
        else:
            self.emit(jump(cond, self.reg(), len(then_arm) + 1, src=self.reg(), wide=wide))
        self.emit(*then_arm)
        self.emit(A.encode(A.CLS_JMP | A.OP_JA, 0, 0, len(other_arm), 0))
        self.emit(*other_arm)

    def fragment(self):
        saved, self.words = self.words, []
        (self.alu_run if self.rng.random() < 0.6 else self.memory)()
        out, self.words = self.words, saved
        return out

    def loop(self):
        """for (R9 = n; R9 != 0; R9--) body: R9 is the counter, the body leaves it alone."""
        r = self.rng
        self.emit(alu("mov", 9, imm=r.randint(2, 16)))
        start = len(self.words)
        for _ in range(r.randint(1, 3)):
            body = self.fragment()
            self.emit(*(w for w in body if A.decode(w)[1] != 9))
        self.emit(alu("add", 9, imm=-1))
        self.emit(jump("jne", 9, start - (len(self.words) + 1), imm=0))

    def call(self):
        r = self.rng
        if self.callees and r.random() < 0.75:
            for arg in range(1, 6):
                self.emit(alu("mov", arg, src=r.choice(KEPT + [6])))
            target = r.choice(self.callees)
            here = self.slot + len(self.words)
            self.emit(A.encode(A.CLS_JMP | A.OP_CALL, 0, A.CALL_LOCAL, 0, target - (here + 1)))
        else:
            self.emit(A.encode(A.CLS_JMP | A.OP_CALL, 0, A.CALL_HELPER, 0, r.choice(HELPERS)))
        self.emit(alu("xor", r.choice(KEPT), src=0))
        self.reset_temps()

    def constant(self):
        r = self.rng
        value = r.getrandbits(64)
        first = A.encode(A.CLS_LD | A.MODE_IMM | A.SIZES["dw"], r.choice(TEMPS + KEPT), 0, 0, value & 0xffffffff)
        self.emit(first, A.encode(0, 0, 0, 0, value >> 32))

    def reset_temps(self):
        """R0 and R2-R5 are dead after a call: give them values again."""
        for t in TEMPS:
            if t != 0:
                self.emit(alu("mov", t, src=self.rng.choice(KEPT)))

    def write(self, target_size):
        r = self.rng
        self.emit(alu("mov", 6, src=1))  # the buffer pointer, kept
        for k in KEPT:
            self.emit(alu("mov", k, src=r.choice([2, 3, 4, 5])))
        self.emit(alu("mov", 0, imm=0))
        self.reset_temps()
        for s in range(1, self.stack_slots + 1):  # stack slots are written before read
            self.emit(stx("dw", 10, r.choice(KEPT), -8 * s))
        pieces = [self.alu_run, self.memory, self.diamond, self.loop, self.call, self.constant]
        weights = [30, 25, 20, 8, 12, 5]
        while len(self.words) < target_size:
            r.choices(pieces, weights)[0]()
        self.emit(alu("mov", 0, src=r.choice(KEPT)), A.encode(A.CLS_JMP | A.OP_EXIT))
        return self.words


def generate(n_insns, seed):
    """[(name, words)]: functions totalling at least n_insns instructions."""
    rng = random.Random(seed)
    functions, starts, total = [], [], 0
    while total < n_insns:
        size = min(rng.randint(60, 400), max(n_insns - total, 20))
        words = FunctionWriter(rng, total, starts[-64:]).write(size)
        functions.append((f"f{len(functions)}", words))
        starts.append(total)
        total += len(words)
    return functions


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("output")
    ap.add_argument("--insns", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    functions = generate(args.insns, args.seed)
    A.write_bpf_elf(args.output, functions)
    total = sum(len(w) for _, w in functions)
    print(f"{args.output}: {total} instructions in {len(functions)} functions")


if __name__ == "__main__":
    main()
