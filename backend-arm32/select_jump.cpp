// Jumps: a compare (or test) and a conditional Branch to the target block; the next
// block in layout is the fall-through and needs no branch. 64-bit compares use both
// halves only where a hi half may be non-zero: equality and unsigned order as `cmp hi;
// cmpeq lo`, signed order as a 64-bit subtraction `cmp lo; sbcs scratch, hi, hi`.
#include "select.h"

namespace bpf2arm::arm {

using mir::Inst;
using mir::kNoReg;
using bpf::K;

namespace {

Cond conditionFor(uint8_t op) {
  switch (op) {
    case bpf::JEQ: return Cond::EQ;
    case bpf::JNE: return Cond::NE;
    case bpf::JGT: return Cond::HI;
    case bpf::JGE: return Cond::HS;
    case bpf::JLT: return Cond::LO;
    case bpf::JLE: return Cond::LS;
    case bpf::JSGT: return Cond::GT;
    case bpf::JSGE: return Cond::GE;
    case bpf::JSLT: return Cond::LT;
    case bpf::JSLE: return Cond::LE;
    case bpf::JSET: return Cond::NE;
  }
  return Cond::AL;
}

bool isSignedJump(uint8_t op) { return op == bpf::JSGT || op == bpf::JSGE || op == bpf::JSLT || op == bpf::JSLE; }

// The condition that holds for (b ? a) when `c` holds for (a ? b).
Cond swapOperands(Cond c) {
  switch (c) {
    case Cond::HI: return Cond::LO;
    case Cond::LO: return Cond::HI;
    case Cond::HS: return Cond::LS;
    case Cond::LS: return Cond::HS;
    case Cond::GT: return Cond::LT;
    case Cond::LT: return Cond::GT;
    case Cond::GE: return Cond::LE;
    case Cond::LE: return Cond::GE;
    default: return c;  // EQ, NE
  }
}

// Signed order of values in [0, 2^32) is their unsigned order.
Cond unsignedFor(Cond c) {
  switch (c) {
    case Cond::GT: return Cond::HI;
    case Cond::GE: return Cond::HS;
    case Cond::LT: return Cond::LO;
    case Cond::LE: return Cond::LS;
    default: return c;
  }
}

bool encodesInCompare(const EncodingLimits &fits, uint32_t value) {
  return fits.immediate(value) || fits.immediate(-value);
}

// x > k is x >= k + 1, x >= k is x > k - 1 (and their negations) for 32-bit compares:
// where k needs a register and its neighbour encodes (`x > 2047` is `cmp x, #2048`),
// the neighbour and the adjusted condition.
void preferEncodableNeighbour(const EncodingLimits &fits, uint32_t &value, Cond &cond) {
  if (encodesInCompare(fits, value)) return;
  uint32_t up = value + 1, down = value - 1;
  bool canUp = false, canDown = false;
  Cond upCond = cond, downCond = cond;
  switch (cond) {
    case Cond::HI: canUp = value != ~0u; upCond = Cond::HS; break;
    case Cond::LS: canUp = value != ~0u; upCond = Cond::LO; break;
    case Cond::HS: canDown = value != 0; downCond = Cond::HI; break;
    case Cond::LO: canDown = value != 0; downCond = Cond::LS; break;
    case Cond::GT: canUp = value != 0x7fffffffu; upCond = Cond::GE; break;
    case Cond::LE: canUp = value != 0x7fffffffu; upCond = Cond::LT; break;
    case Cond::GE: canDown = value != 0x80000000u; downCond = Cond::GT; break;
    case Cond::LT: canDown = value != 0x80000000u; downCond = Cond::LE; break;
    default: return;
  }
  if (canUp && encodesInCompare(fits, up)) {
    value = up;
    cond = upCond;
  } else if (canDown && encodesInCompare(fits, down)) {
    value = down;
    cond = downCond;
  }
}

}  // namespace

void Selector::branchTo(int bpfBlock, Cond cond) {
  Inst branch{Opcode::Branch};
  branch.target = mirBlock(bpfBlock);
  branch.cond = cond;
  emit(branch);
}

Status Selector::selectJump(const Instruction &ins, const BasicBlock &block) {
  const bpf::Insn &insn = ins.insn;
  const uint8_t op = bpf::aluOp(insn.opcode);
  const int next = int(block.id) + 1;
  if (op == bpf::JA) {
    if (ins.targetBlock != next) branchTo(ins.targetBlock, Cond::AL);
    return std::nullopt;
  }
  if (ins.targetBlock == next && block.fallthrough == next) return std::nullopt;  // both ways lead on

  const bool useImm = bpf::source(insn.opcode) == K;
  const unsigned d = insn.dst, s = insn.src;
  Cond cond = conditionFor(op);
  const bool zeroD = hiKnownZero(d), zeroS = !useImm && hiKnownZero(s);
  // The lo halves decide when both values are below 2^32, and a test of bits when one
  // side's hi half is zero.
  bool narrow = insn.cls() == bpf::JMP32 || (zeroD && (useImm ? insn.imm >= 0 : zeroS)) ||
                (op == bpf::JSET && (useImm ? insn.imm >= 0 : zeroD || zeroS));
  auto test = [&](VReg a, VReg b, uint32_t imm, Cond when) {
    Inst tst{Opcode::Tst};
    tst.a = a;
    tst.cond = when;
    if (b != kNoReg) tst.b = b;
    else if (target_.fits().immediate(imm)) tst.imm = int32_t(imm);
    else tst.b = constant(imm);
    emit(tst);
  };
  auto compare = [&](VReg a, VReg b, Cond when) {
    Inst cmp{Opcode::Cmp};
    cmp.a = a;
    cmp.b = b;
    cmp.cond = when;
    emit(cmp);
  };

  const VReg dl = readLo(d);
  if (narrow) {
    if (insn.cls() == bpf::JMP) cond = unsignedFor(cond);
    if (op == bpf::JSET) test(dl, useImm ? kNoReg : readLo(s), uint32_t(insn.imm), Cond::AL);
    else if (useImm) {
      uint32_t bound = uint32_t(insn.imm);
      preferEncodableNeighbour(target_.fits(), bound, cond);
      compareConstant(dl, bound);
    } else {
      compare(dl, readLo(s), Cond::AL);
    }
  } else if (op == bpf::JSET) {
    // Any common bit in the lo halves, else in the hi halves (an immediate's are all ones).
    const VReg dh = readHi(d);
    if (useImm) {
      test(dl, kNoReg, uint32_t(insn.imm), Cond::AL);
      test(dh, dh, 0, Cond::EQ);
    } else {
      test(dl, readLo(s), 0, Cond::AL);
      test(dh, readHi(s), 0, Cond::EQ);
    }
  } else if (!isSignedJump(op)) {
    // The hi halves decide unless equal; then the lo halves do: right Z and C for the
    // 64-bit values, so equality and unsigned order.
    if (useImm) {
      compareConstant(readHi(d), insn.imm < 0 ? ~0u : 0);
      compareConstant(dl, uint32_t(insn.imm), Cond::EQ);
    } else if (zeroS) {
      compareConstant(hi(d), 0);
      compare(dl, readLo(s), Cond::EQ);
    } else if (zeroD) {
      compareConstant(hi(s), 0);
      compare(readLo(s), dl, Cond::EQ);
      cond = swapOperands(cond);
    } else {
      compare(hi(d), hi(s), Cond::AL);
      compare(dl, readLo(s), Cond::EQ);
    }
  } else if (useImm) {
    // x > k is x >= k + 1 and x <= k is x < k + 1 (k + 1 <= 2^31 fits), so that only GE
    // and LT remain, which a 64-bit subtraction's N and V decide.
    int64_t bound = insn.imm;
    if (op == bpf::JSGT || op == bpf::JSLE) {
      ++bound;
      cond = op == bpf::JSGT ? Cond::GE : Cond::LT;
    }
    const VReg dh = readHi(d);
    if (bound == 0) {
      compareConstant(dh, 0);  // the sign bit alone
    } else {
      compareConstant(dl, uint32_t(bound));
      opConstant(Opcode::Sbc, temp(), dh, uint32_t(uint64_t(bound) >> 32), Cond::AL, true);
    }
  } else {
    // a - b over 64 bits; GT and LE swap the operands and become LT and GE.
    unsigned a = d, b = s;
    if (op == bpf::JSGT || op == bpf::JSLE) {
      std::swap(a, b);
      cond = op == bpf::JSGT ? Cond::LT : Cond::GE;
    }
    const bool zeroA = a == d ? zeroD : zeroS, zeroB = a == d ? zeroS : zeroD;
    const VReg al = a == d ? dl : readLo(a), bl = b == d ? dl : readLo(b);
    const VReg scratch = temp();
    if (zeroB) {
      compare(al, bl, Cond::AL);
      opConstant(Opcode::Sbc, scratch, hi(a), 0, Cond::AL, true);
    } else if (zeroA) {
      compare(al, bl, Cond::AL);
      opConstant(Opcode::Rsc, scratch, hi(b), 0, Cond::AL, true);  // 0 - hi(b) - !C
    } else {
      compare(al, bl, Cond::AL);
      emit(Opcode::Sbc, scratch, hi(a), hi(b), Cond::AL, true);
    }
  }
  branchTo(ins.targetBlock, cond);
  if (block.fallthrough >= 0 && block.fallthrough != next) branchTo(block.fallthrough, Cond::AL);
  return std::nullopt;
}

}  // namespace bpf2arm::arm
