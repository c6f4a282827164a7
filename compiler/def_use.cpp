#include "def_use.h"

namespace bpf2arm {

using namespace bpf;

namespace {

constexpr RegMask kArgs = regBit(1) | regBit(2) | regBit(3) | regBit(4) | regBit(5);

// Builds a DefUse; the memory base is added last, so that every earlier read is one of
// a value (what R10 escaping means).
struct Builder {
  DefUse du;
  void read(unsigned r, bool hi = true) {
    du.useLo |= regBit(r);
    if (hi) du.useHi |= regBit(r);
  }
  void write(unsigned r) {
    du.defLo |= regBit(r);
    du.defHi |= regBit(r);
  }
  DefUse done(int memBase = -1) {
    du.r10Escapes = du.uses() & regBit(R10);
    if (memBase >= 0) {
      du.memBase = int8_t(memBase);
      du.useLo |= regBit(unsigned(memBase));
    }
    return du;
  }
};

// ALU: every result is 32 bits, zero-extended (the hi half is written), from lo halves,
// except le64/be64, which keep all 64 bits.
DefUse alu32(const Insn &insn) {
  Builder b;
  const uint8_t op = aluOp(insn.opcode);
  if (op == END) {
    b.read(insn.dst, insn.imm == 64);
    b.du.loResultFromLoHalves = insn.imm != 64;
  } else {
    if (op != MOV) b.read(insn.dst, false);
    if (source(insn.opcode) == X) b.read(insn.src, false);
    b.du.loResultFromLoHalves = true;
  }
  b.write(insn.dst);
  return b.done();
}

DefUse alu64(const Insn &insn) {
  Builder b;
  const bool reg = source(insn.opcode) == X;
  const unsigned amount = unsigned(insn.imm) & 63;
  switch (aluOp(insn.opcode)) {
    case MOV:  // movsx (offset 8/16/32) reads the lo half only
      if (reg) b.read(insn.src, insn.offset == 0);
      b.du.loResultFromLoHalves = true;
      break;
    case ADD: case SUB: case AND: case OR: case XOR: case MUL:
      b.read(insn.dst);
      if (reg) b.read(insn.src);
      b.du.loResultFromLoHalves = true;
      break;
    case NEG:
      b.read(insn.dst);
      b.du.loResultFromLoHalves = true;
      break;
    case LSH:  // the amount is the lo half of src; by 32 or more, hi = lo << (k - 32), lo = 0
      b.read(insn.dst, reg || amount < 32);
      if (reg) b.read(insn.src, false);
      b.du.loResultFromLoHalves = true;
      break;
    case RSH: case ARSH:
      if (!reg && amount >= 32) {
        b.du.useHi |= regBit(insn.dst);  // lo = hi >> (k - 32); hi = 0 or the sign
      } else {
        b.read(insn.dst);
        if (reg) b.read(insn.src, false);
        b.du.loResultFromLoHalves = !reg && amount == 0;  // a shift by 0 copies
      }
      break;
    case END:  // bswap16/32 zero-extend the swapped lo half
      b.read(insn.dst, insn.imm == 64);
      b.du.loResultFromLoHalves = insn.imm != 64;
      break;
    default:  // DIV, MOD, signed or not: all 64 bits of both
      b.read(insn.dst);
      if (reg) b.read(insn.src);
      break;
  }
  b.write(insn.dst);
  return b.done();
}

DefUse call(const CallTarget *callee) {
  Builder b;
  if (callee && (callee->kind == CallTarget::Helper || callee->kind == CallTarget::Extern)) {
    const auto &params = callee->prototype.params;
    for (size_t i = 0; i < params.size() && i < 5; ++i) b.read(unsigned(i + 1), params[i].armSize() > 4);
  } else if (callee && callee->kind == CallTarget::Local) {
    // BPF's own convention: what the callee's body reads (live_arguments), which may be
    // more than its BTF prototype lists (LLVM promotes static functions' arguments).
    b.du.useLo = RegMask(callee->reads.lo & kArgs);
    b.du.useHi = RegMask(callee->reads.hi & kArgs);
  } else {
    b.du.useLo = b.du.useHi = kArgs;
  }
  b.write(0);
  b.du.defLo |= kArgs;
  b.du.defHi |= kArgs;
  b.du.clobber = kArgs;
  return b.done();
}

DefUse jump(const Insn &insn, const CallTarget *callee) {
  if (insn.isCall()) return call(callee);
  Builder b;
  if (insn.isExit()) {
    b.read(0);
  } else if (insn.isConditionalJump()) {  // JMP32 compares lo halves only
    const bool wide = insn.cls() == JMP;
    b.read(insn.dst, wide);
    if (source(insn.opcode) == X) b.read(insn.src, wide);
  }
  return b.done();
}

// STX: a store, or an atomic read-modify-write. FETCH returns the old value in src
// (zero-extended for 32 bits); CMPXCHG compares with R0 and returns the old value in R0.
DefUse store(const Insn &insn) {
  Builder b;
  const bool wide = memSize(insn.opcode) == DW;
  b.read(insn.src, wide);
  if (memMode(insn.opcode) == ATOMIC) {
    if (insn.imm == ATOMIC_CMPXCHG) {
      b.read(0, wide);
      b.write(0);
    } else if (insn.imm & FETCH) {
      b.write(insn.src);
    }
  }
  return b.done(insn.dst);
}

}  // namespace

DefUse defUse(const Insn &insn, const CallTarget *callee) {
  switch (insn.cls()) {
    case ALU: return alu32(insn);
    case ALU64: return alu64(insn);
    case JMP: case JMP32: return jump(insn, callee);
    case STX: return store(insn);
    case ST: return Builder().done(insn.dst);
    case LDX: {  // LDX and LDSX: narrow loads zero- or sign-extend into the hi half
      Builder b;
      b.write(insn.dst);
      b.du.loResultFromLoHalves = true;
      return b.done(insn.src);
    }
    case LD: {  // LD_IMM64, the only one the model accepts
      Builder b;
      b.write(insn.dst);
      b.du.loResultFromLoHalves = true;
      return b.done();
    }
  }
  return DefUse{};
}

}  // namespace bpf2arm
