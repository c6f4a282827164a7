// JMP and JMP32 comparisons. Blocks are laid out in BPF order, so the fall-through
// successor is always the next block and needs no branch.
#include "lowering.h"

namespace bpf2arm::arm {

using namespace bpf;

namespace {

Cond conditionFor(uint8_t op) {
  switch (op) {
    case JEQ: return Cond::EQ;
    case JNE: return Cond::NE;
    case JGT: return Cond::HI;
    case JGE: return Cond::HS;
    case JLT: return Cond::LO;
    case JLE: return Cond::LS;
    case JSGT: return Cond::GT;
    case JSGE: return Cond::GE;
    case JSLT: return Cond::LT;
    case JSLE: return Cond::LE;
    case JSET: return Cond::NE;
  }
  return Cond::AL;
}

}  // namespace

void FunctionLowering::lowerJump(const Instruction &ins, const BasicBlock &block) {
  const Insn &insn = ins.insn;
  llvm::MCSymbol *target = blockLabels_[size_t(ins.targetBlock)];
  uint8_t op = aluOp(insn.opcode);
  if (op == JA) {
    if (ins.targetBlock != int(block.id) + 1) as_.b(target);
    return;
  }
  bool useImm = source(insn.opcode) == K;
  uint32_t immLo = uint32_t(insn.imm), immHi = insn.imm < 0 ? 0xffffffffu : 0;
  Cond cond = conditionFor(op);
  Reg dl = readLo(insn.dst, kTemp0);

  // Both values below 2^32 (track_upper_zero): the lo words decide, and signed order is
  // unsigned order.
  bool narrow = insn.cls() == JMP32 ||
                (hiKnownZero(insn.dst) && (useImm ? insn.imm >= 0 : hiKnownZero(insn.src)));
  if (insn.cls() == JMP && narrow) {
    switch (op) {
      case JSGT: cond = Cond::HI; break;
      case JSGE: cond = Cond::HS; break;
      case JSLT: cond = Cond::LO; break;
      case JSLE: cond = Cond::LS; break;
    }
  }
  if (narrow) {
    if (useImm) {
      if (op == JSET) as_.tstConstant(dl, immLo, kTemp2);
      else as_.cmpConstant(dl, immLo, kTemp2);
    } else {
      Reg sl = readLo(insn.src, kTemp2);
      if (op == JSET) as_.tst(dl, sl);
      else as_.cmp(dl, sl);
    }
    as_.b(target, cond);
    return;
  }

  Reg dh = readHi(insn.dst, kTemp1);
  bool isSigned = op == JSGT || op == JSGE || op == JSLT || op == JSLE;
  if (!isSigned) {
    // Compare hi words; only when they are equal does the lo comparison decide. That
    // gives correct EQ/NE and unsigned flags for the 64-bit values.
    if (useImm) {
      if (op == JSET) {
        as_.tstConstant(dl, immLo, kTemp2);
        as_.tstConstant(dh, immHi, kTemp3, Cond::EQ);
      } else {
        as_.cmpConstant(dh, immHi, kTemp3);
        as_.cmpConstant(dl, immLo, kTemp2, Cond::EQ);
      }
    } else {
      Reg sl = readLo(insn.src, kTemp2), sh = readHi(insn.src, kTemp3);
      if (op == JSET) {
        as_.tst(dl, sl);
        as_.tst(dh, sh, Cond::EQ);
      } else {
        as_.cmp(dh, sh);
        as_.cmp(dl, sl, Cond::EQ);
      }
    }
    as_.b(target, cond);
    return;
  }

  // Signed: a full 64-bit subtraction (cmp lo, sbcs hi) leaves N and V right for LT/GE.
  // GT and LE swap the operands and become LT and GE.
  Reg sl, sh;
  if (useImm) {
    as_.loadConstant(kTemp2, immLo);
    as_.loadConstant(kTemp3, immHi);
    sl = kTemp2, sh = kTemp3;
  } else {
    sl = readLo(insn.src, kTemp2);
    sh = readHi(insn.src, kTemp3);
  }
  bool swapped = op == JSGT || op == JSLE;
  if (swapped) {
    as_.cmp(sl, dl);
    as_.op(DataOp::SBC, kTemp2, sh, dh, Flags::Set);  // kTemp2 is dead after the cmp
    cond = op == JSGT ? Cond::LT : Cond::GE;
  } else {
    as_.cmp(dl, sl);
    as_.op(DataOp::SBC, kTemp2, dh, sh, Flags::Set);
  }
  as_.b(target, cond);
}

}  // namespace bpf2arm::arm
