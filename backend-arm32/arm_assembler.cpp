#include "arm_assembler.h"

#include <llvm/MC/MCExpr.h>

#include <cassert>
#include <cstdlib>

namespace bpf2arm::arm {

using llvm::MCInst;
using llvm::MCOperand;

Cond invert(Cond c) {
  assert(c != Cond::AL);
  return static_cast<Cond>(static_cast<unsigned>(c) ^ 1);  // ARM pairs each condition with its negation
}

std::optional<unsigned> encodeModifiedImmediate(uint32_t value) {
  for (unsigned rot = 0; rot < 16; ++rot) {
    // value == imm8 ROR (2 * rot)  <=>  imm8 == value ROL (2 * rot)
    uint32_t imm8 = rot == 0 ? value : (value << (2 * rot)) | (value >> (32 - 2 * rot));
    if (imm8 <= 0xff) return (rot << 8) | imm8;
  }
  return std::nullopt;
}

void ArmAssembler::emit(const MCInst &inst) {
  if (recorder_) recorder_->push_back(inst);
  else streamer_->emitInstruction(inst, t_.subtarget());
}

void ArmAssembler::addPredicate(MCInst &inst, Cond c) const {
  inst.addOperand(MCOperand::createImm(static_cast<unsigned>(c)));
  inst.addOperand(MCOperand::createReg(c == Cond::AL ? 0 : t_.cpsr()));
}

void ArmAssembler::addFlags(MCInst &inst, Flags f) const {
  inst.addOperand(MCOperand::createReg(f == Flags::Set ? t_.cpsr() : 0));
}

// The opcode of an operand-2 form: 'r' register, 'i' immediate, 's' register shifted by
// an immediate, 'S' register shifted by a register.
static unsigned operandForm(char form, unsigned rr, unsigned ri, unsigned rsi, unsigned rsr) {
  return form == 'r' ? rr : form == 'i' ? ri : form == 's' ? rsi : rsr;
}

unsigned ArmAssembler::dataOpcode(DataOp op, char form) const {
  const Opcodes &o = t_.op();
  auto pick = [form](unsigned rr, unsigned ri, unsigned rsi, unsigned rsr) { return operandForm(form, rr, ri, rsi, rsr); };
  switch (op) {
    case DataOp::ADD: return pick(o.ADDrr, o.ADDri, o.ADDrsi, o.ADDrsr);
    case DataOp::ADC: return pick(o.ADCrr, o.ADCri, o.ADCrsi, o.ADCrsr);
    case DataOp::SUB: return pick(o.SUBrr, o.SUBri, o.SUBrsi, o.SUBrsr);
    case DataOp::SBC: return pick(o.SBCrr, o.SBCri, o.SBCrsi, o.SBCrsr);
    case DataOp::RSB: return pick(o.RSBrr, o.RSBri, o.RSBrsi, o.RSBrsr);
    case DataOp::RSC: return pick(o.RSCrr, o.RSCri, o.RSCrsi, o.RSCrsr);
    case DataOp::AND: return pick(o.ANDrr, o.ANDri, o.ANDrsi, o.ANDrsr);
    case DataOp::ORR: return pick(o.ORRrr, o.ORRri, o.ORRrsi, o.ORRrsr);
    case DataOp::EOR: return pick(o.EORrr, o.EORri, o.EORrsi, o.EORrsr);
    case DataOp::BIC: return pick(o.BICrr, o.BICri, o.BICrsi, o.BICrsr);
  }
  std::abort();
}

void ArmAssembler::op(DataOp op, Reg d, Reg n, Reg m, Flags f, Cond c) {
  MCInst inst;
  inst.setOpcode(dataOpcode(op, 'r'));
  inst.addOperand(reg(d));
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  addPredicate(inst, c);
  addFlags(inst, f);
  emit(inst);
}

void ArmAssembler::opImm(DataOp op, Reg d, Reg n, uint32_t imm, Flags f, Cond c) {
  auto enc = encodeModifiedImmediate(imm);
  assert(enc && "immediate has no modified-immediate form");
  MCInst inst;
  inst.setOpcode(dataOpcode(op, 'i'));
  inst.addOperand(reg(d));
  inst.addOperand(reg(n));
  inst.addOperand(MCOperand::createImm(*enc));
  addPredicate(inst, c);
  addFlags(inst, f);
  emit(inst);
}

namespace {
// LLVM's so_reg immediate operand: shift kind in bits 0-2, amount above. An amount of 32
// for LSR/ASR is encoded as 0, which the instruction reads as 32.
unsigned shiftOperand(Shift sh, unsigned amount) {
  assert(amount <= 32 && (amount < 32 || sh == Shift::LSR || sh == Shift::ASR));
  return static_cast<unsigned>(sh) | ((amount & 31) << 3);
}
}  // namespace

void ArmAssembler::opShiftImm(DataOp op, Reg d, Reg n, Reg m, Shift sh, unsigned amount, Flags f, Cond c) {
  if (amount == 0) return this->op(op, d, n, m, f, c);  // an encoded LSR/ASR #0 would mean #32
  MCInst inst;
  inst.setOpcode(dataOpcode(op, 's'));
  inst.addOperand(reg(d));
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  inst.addOperand(MCOperand::createImm(shiftOperand(sh, amount)));
  addPredicate(inst, c);
  addFlags(inst, f);
  emit(inst);
}

void ArmAssembler::opShiftReg(DataOp op, Reg d, Reg n, Reg m, Shift sh, Reg s, Flags f, Cond c) {
  MCInst inst;
  inst.setOpcode(dataOpcode(op, 'S'));
  inst.addOperand(reg(d));
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  inst.addOperand(reg(s));
  inst.addOperand(MCOperand::createImm(static_cast<unsigned>(sh)));
  addPredicate(inst, c);
  addFlags(inst, f);
  emit(inst);
}

void ArmAssembler::addConstant(Reg d, Reg n, int32_t imm, Reg scratch) {
  uint32_t u = static_cast<uint32_t>(imm);
  DataOp op = imm < 0 ? DataOp::SUB : DataOp::ADD;
  uint32_t magnitude = imm < 0 ? 0u - u : u;
  if (imm == 0) {
    if (d != n) mov(d, n);
    return;
  }
  if (canEncodeImmediate(magnitude)) return opImm(op, d, n, magnitude);
  // Two modified immediates cover any 16-bit span, which is every frame offset.
  unsigned low = __builtin_ctz(magnitude) & ~1u;
  uint32_t first = magnitude & (0xffu << low), rest = magnitude & ~first;
  if (low <= 24 && canEncodeImmediate(rest)) {
    opImm(op, d, n, first);
    opImm(op, d, d, rest);
    return;
  }
  assert(scratch != n);
  loadConstant(scratch, u);
  this->op(DataOp::ADD, d, n, scratch);
}

void ArmAssembler::addInSteps(Reg d, Reg n, int32_t imm, Cond c) {
  uint32_t u = static_cast<uint32_t>(imm);
  DataOp op = imm < 0 ? DataOp::SUB : DataOp::ADD;
  uint32_t rest = imm < 0 ? 0u - u : u;
  if (rest == 0) {
    if (d != n) mov(d, n, c);
    return;
  }
  // Each step takes the lowest byte at an even bit position that is left.
  Reg from = n;
  while (rest) {
    unsigned low = __builtin_ctz(rest) & ~1u;
    uint32_t step = rest & (0xffu << low);
    rest &= ~step;
    opImm(op, d, from, step, Flags::Keep, c);
    from = d;
  }
}

void ArmAssembler::moveForm(unsigned opcode, Reg d, Reg m, Cond c, Flags f) {
  MCInst inst;
  inst.setOpcode(opcode);
  inst.addOperand(reg(d));
  inst.addOperand(reg(m));
  addPredicate(inst, c);
  addFlags(inst, f);
  emit(inst);
}

void ArmAssembler::moveShiftImm(unsigned opcode, Reg d, Reg m, Shift sh, unsigned amount, Cond c, Flags f) {
  MCInst inst;
  inst.setOpcode(opcode);
  inst.addOperand(reg(d));
  inst.addOperand(reg(m));
  inst.addOperand(MCOperand::createImm(shiftOperand(sh, amount)));
  addPredicate(inst, c);
  addFlags(inst, f);
  emit(inst);
}

void ArmAssembler::moveShiftReg(unsigned opcode, Reg d, Reg m, Shift sh, Reg s, Cond c, Flags f) {
  MCInst inst;
  inst.setOpcode(opcode);
  inst.addOperand(reg(d));
  inst.addOperand(reg(m));
  inst.addOperand(reg(s));
  inst.addOperand(MCOperand::createImm(static_cast<unsigned>(sh)));
  addPredicate(inst, c);
  addFlags(inst, f);
  emit(inst);
}

void ArmAssembler::mov(Reg d, Reg m, Cond c, Flags f) { moveForm(t_.op().MOVr, d, m, c, f); }
void ArmAssembler::mvn(Reg d, Reg m, Cond c, Flags f) { moveForm(t_.op().MVNr, d, m, c, f); }

void ArmAssembler::movImm(Reg d, uint32_t imm, Cond c, Flags f) {
  auto enc = encodeModifiedImmediate(imm);
  assert(enc);
  MCInst inst;
  inst.setOpcode(t_.op().MOVi);
  inst.addOperand(reg(d));
  inst.addOperand(MCOperand::createImm(*enc));
  addPredicate(inst, c);
  addFlags(inst, f);
  emit(inst);
}

void ArmAssembler::mvnImm(Reg d, uint32_t imm, Cond c, Flags f) {
  auto enc = encodeModifiedImmediate(imm);
  assert(enc);
  MCInst inst;
  inst.setOpcode(t_.op().MVNi);
  inst.addOperand(reg(d));
  inst.addOperand(MCOperand::createImm(*enc));
  addPredicate(inst, c);
  addFlags(inst, f);
  emit(inst);
}

void ArmAssembler::movShiftImm(Reg d, Reg m, Shift sh, unsigned amount, Cond c, Flags f) {
  if (amount == 0) return mov(d, m, c, f);  // an encoded LSR/ASR #0 would mean #32
  moveShiftImm(t_.op().MOVsi, d, m, sh, amount, c, f);
}

void ArmAssembler::movShiftReg(Reg d, Reg m, Shift sh, Reg s, Cond c, Flags f) {
  moveShiftReg(t_.op().MOVsr, d, m, sh, s, c, f);
}

void ArmAssembler::mvnShiftImm(Reg d, Reg m, Shift sh, unsigned amount, Cond c, Flags f) {
  if (amount == 0) return mvn(d, m, c, f);
  moveShiftImm(t_.op().MVNsi, d, m, sh, amount, c, f);
}

void ArmAssembler::mvnShiftReg(Reg d, Reg m, Shift sh, Reg s, Cond c, Flags f) {
  moveShiftReg(t_.op().MVNsr, d, m, sh, s, c, f);
}

void ArmAssembler::loadConstant(Reg d, uint32_t value, Cond c) {
  if (canEncodeImmediate(value)) return movImm(d, value, c);
  if (canEncodeImmediate(~value)) return mvnImm(d, ~value, c);
  if (t_.hasMovwMovt()) {
    MCInst lo;
    lo.setOpcode(t_.op().MOVi16);
    lo.addOperand(reg(d));
    lo.addOperand(MCOperand::createImm(value & 0xffff));
    addPredicate(lo, c);
    emit(lo);
    if (value >> 16) {
      MCInst hi;
      hi.setOpcode(t_.op().MOVTi16);
      hi.addOperand(reg(d));
      hi.addOperand(reg(d));
      hi.addOperand(MCOperand::createImm(value >> 16));
      addPredicate(hi, c);
      emit(hi);
    }
    return;
  }
  // ARMv6: build the value from byte-sized chunks at even bit positions.
  bool first = true;
  for (unsigned bit = 0; bit < 32 && value; bit += 2) {
    if (!(value & (3u << bit))) continue;
    uint32_t chunk = value & (bit + 8 <= 32 ? (0xffu << bit) : (0xffffffffu << bit));
    value &= ~chunk;
    if (first) movImm(d, chunk, c);
    else opImm(DataOp::ORR, d, d, chunk, Flags::Keep, c);
    first = false;
    bit += 6;
  }
}

unsigned ArmAssembler::compareOpcode(CompareOp op, char form) const {
  const Opcodes &o = t_.op();
  auto pick = [form](unsigned rr, unsigned ri, unsigned rsi, unsigned rsr) { return operandForm(form, rr, ri, rsi, rsr); };
  switch (op) {
    case CompareOp::CMP: return pick(o.CMPrr, o.CMPri, o.CMPrsi, o.CMPrsr);
    case CompareOp::CMN: return pick(o.CMNzrr, o.CMNri, o.CMNzrsi, o.CMNzrsr);
    case CompareOp::TST: return pick(o.TSTrr, o.TSTri, o.TSTrsi, o.TSTrsr);
    case CompareOp::TEQ: return pick(o.TEQrr, o.TEQri, o.TEQrsi, o.TEQrsr);
  }
  std::abort();
}

void ArmAssembler::compare(CompareOp op, Reg n, Reg m, Cond c) {
  MCInst inst;
  inst.setOpcode(compareOpcode(op, 'r'));
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  addPredicate(inst, c);
  emit(inst);
}

void ArmAssembler::compareImm(CompareOp op, Reg n, uint32_t imm, Cond c) {
  auto enc = encodeModifiedImmediate(imm);
  assert(enc && "immediate has no modified-immediate form");
  MCInst inst;
  inst.setOpcode(compareOpcode(op, 'i'));
  inst.addOperand(reg(n));
  inst.addOperand(MCOperand::createImm(*enc));
  addPredicate(inst, c);
  emit(inst);
}

void ArmAssembler::compareShiftImm(CompareOp op, Reg n, Reg m, Shift sh, unsigned amount, Cond c) {
  if (amount == 0) return compare(op, n, m, c);
  MCInst inst;
  inst.setOpcode(compareOpcode(op, 's'));
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  inst.addOperand(MCOperand::createImm(shiftOperand(sh, amount)));
  addPredicate(inst, c);
  emit(inst);
}

void ArmAssembler::compareShiftReg(CompareOp op, Reg n, Reg m, Shift sh, Reg s, Cond c) {
  MCInst inst;
  inst.setOpcode(compareOpcode(op, 'S'));
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  inst.addOperand(reg(s));
  inst.addOperand(MCOperand::createImm(static_cast<unsigned>(sh)));
  addPredicate(inst, c);
  emit(inst);
}

void ArmAssembler::cmp(Reg n, Reg m, Cond c) { compare(CompareOp::CMP, n, m, c); }

void ArmAssembler::cmpConstant(Reg n, uint32_t value, Reg scratch, Cond c) {
  if (canEncodeImmediate(value)) return compareImm(CompareOp::CMP, n, value, c);
  if (canEncodeImmediate(0u - value)) return compareImm(CompareOp::CMN, n, 0u - value, c);
  loadConstant(scratch, value, c);
  cmp(n, scratch, c);
}

void ArmAssembler::tst(Reg n, Reg m, Cond c) { compare(CompareOp::TST, n, m, c); }

void ArmAssembler::tstConstant(Reg n, uint32_t value, Reg scratch, Cond c) {
  if (canEncodeImmediate(value)) return compareImm(CompareOp::TST, n, value, c);
  loadConstant(scratch, value, c);
  tst(n, scratch, c);
}

void ArmAssembler::multiply(unsigned opcode, std::initializer_list<Reg> regs, Cond c, bool hasFlags) {
  MCInst inst;
  inst.setOpcode(opcode);
  for (Reg r : regs) inst.addOperand(reg(r));
  addPredicate(inst, c);
  if (hasFlags) addFlags(inst, Flags::Keep);
  emit(inst);
}

void ArmAssembler::mul(Reg d, Reg n, Reg m, Cond c) { multiply(t_.op().MUL, {d, n, m}, c, true); }
void ArmAssembler::mla(Reg d, Reg n, Reg m, Reg a, Cond c) { multiply(t_.op().MLA, {d, n, m, a}, c, true); }
void ArmAssembler::mls(Reg d, Reg n, Reg m, Reg a, Cond c) { multiply(t_.op().MLS, {d, n, m, a}, c, false); }

void ArmAssembler::sdiv(Reg d, Reg n, Reg m, Cond c) {
  assert(t_.hasHardwareDivide());
  multiply(t_.op().SDIV, {d, n, m}, c, false);
}

void ArmAssembler::udiv(Reg d, Reg n, Reg m, Cond c) {
  assert(t_.hasHardwareDivide());
  multiply(t_.op().UDIV, {d, n, m}, c, false);
}

void ArmAssembler::longMultiply(unsigned opcode, Reg lo, Reg hi, Reg n, Reg m, bool accumulate, Cond c) {
  assert(lo != hi);
  MCInst inst;
  inst.setOpcode(opcode);
  inst.addOperand(reg(lo));
  inst.addOperand(reg(hi));
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  if (accumulate) {  // the accumulator's inputs, tied to the outputs
    inst.addOperand(reg(lo));
    inst.addOperand(reg(hi));
  }
  addPredicate(inst, c);
  addFlags(inst, Flags::Keep);
  emit(inst);
}

void ArmAssembler::umull(Reg lo, Reg hi, Reg n, Reg m, Cond c) { longMultiply(t_.op().UMULL, lo, hi, n, m, false, c); }
void ArmAssembler::smull(Reg lo, Reg hi, Reg n, Reg m, Cond c) { longMultiply(t_.op().SMULL, lo, hi, n, m, false, c); }
void ArmAssembler::umlal(Reg lo, Reg hi, Reg n, Reg m, Cond c) { longMultiply(t_.op().UMLAL, lo, hi, n, m, true, c); }
void ArmAssembler::smlal(Reg lo, Reg hi, Reg n, Reg m, Cond c) { longMultiply(t_.op().SMLAL, lo, hi, n, m, true, c); }

namespace {
// The immediate of addrmode2's post-index offset (imm12, bit 12: subtract) and of
// addrmode3's offsets (imm8, bit 8: subtract).
unsigned postOffset2(int32_t offset) { return offset < 0 ? (1u << 12) | unsigned(-offset) : unsigned(offset); }
unsigned offset3(int32_t offset) { return offset < 0 ? 0x100u | unsigned(-offset) : unsigned(offset); }
}  // namespace

bool ArmAssembler::fitsOffset(unsigned bytes, bool signExtend, int32_t offset) {
  bool wordOrByte = (bytes == 4 || bytes == 1) && !signExtend;
  int32_t limit = wordOrByte ? 4095 : 255;  // LDR/LDRB: imm12; LDRH/LDRSB/LDRSH: imm8
  return offset >= -limit && offset <= limit;
}

void ArmAssembler::load(unsigned bytes, bool signExtend, Reg t, Reg base, int32_t offset, Cond c) {
  assert(fitsOffset(bytes, signExtend, offset));
  MCInst inst;
  const Opcodes &o = t_.op();
  if ((bytes == 4 || bytes == 1) && !signExtend) {
    inst.setOpcode(bytes == 4 ? o.LDRi12 : o.LDRBi12);
    inst.addOperand(reg(t));
    inst.addOperand(reg(base));
    inst.addOperand(MCOperand::createImm(offset));
  } else {
    assert(bytes != 4);
    inst.setOpcode(bytes == 2 ? (signExtend ? o.LDRSH : o.LDRH) : o.LDRSB);
    inst.addOperand(reg(t));
    inst.addOperand(reg(base));
    inst.addOperand(MCOperand::createReg(0));
    inst.addOperand(MCOperand::createImm(offset3(offset)));
  }
  addPredicate(inst, c);
  emit(inst);
}

void ArmAssembler::store(unsigned bytes, Reg t, Reg base, int32_t offset, Cond c) {
  assert(fitsOffset(bytes, false, offset));
  MCInst inst;
  const Opcodes &o = t_.op();
  if (bytes == 4 || bytes == 1) {
    inst.setOpcode(bytes == 4 ? o.STRi12 : o.STRBi12);
    inst.addOperand(reg(t));
    inst.addOperand(reg(base));
    inst.addOperand(MCOperand::createImm(offset));
  } else {
    inst.setOpcode(o.STRH);
    inst.addOperand(reg(t));
    inst.addOperand(reg(base));
    inst.addOperand(MCOperand::createReg(0));
    inst.addOperand(MCOperand::createImm(offset3(offset)));
  }
  addPredicate(inst, c);
  emit(inst);
}

bool ArmAssembler::fitsIndexShift(unsigned bytes, bool signExtend, unsigned shift) {
  bool wordOrByte = (bytes == 4 || bytes == 1) && !signExtend;
  return wordOrByte ? shift < 32 : shift == 0;  // LDRH/LDRSB/LDRSH: register, no shift
}

namespace {
// addrmode2's register offset: add, shift amount in bits 0-11, shift kind from bit 13
// (none when the amount is 0). addrmode3's register offset: add, no immediate.
unsigned indexOperand(unsigned shift) {
  return shift ? shift | (static_cast<unsigned>(Shift::LSL) << 13) : 0;
}
}  // namespace

void ArmAssembler::loadIndexed(unsigned bytes, bool signExtend, Reg t, Reg base, Reg index, unsigned shift, Cond c) {
  assert(fitsIndexShift(bytes, signExtend, shift));
  const Opcodes &o = t_.op();
  MCInst inst;
  inst.addOperand(reg(t));
  inst.addOperand(reg(base));
  inst.addOperand(reg(index));
  if ((bytes == 4 || bytes == 1) && !signExtend) {
    inst.setOpcode(bytes == 4 ? o.LDRrs : o.LDRBrs);
    inst.addOperand(MCOperand::createImm(indexOperand(shift)));
  } else {
    assert(bytes != 4);
    inst.setOpcode(bytes == 2 ? (signExtend ? o.LDRSH : o.LDRH) : o.LDRSB);
    inst.addOperand(MCOperand::createImm(0));
  }
  addPredicate(inst, c);
  emit(inst);
}

void ArmAssembler::storeIndexed(unsigned bytes, Reg t, Reg base, Reg index, unsigned shift, Cond c) {
  assert(fitsIndexShift(bytes, false, shift));
  const Opcodes &o = t_.op();
  MCInst inst;
  inst.setOpcode(bytes == 4 ? o.STRrs : bytes == 1 ? o.STRBrs : o.STRH);
  inst.addOperand(reg(t));
  inst.addOperand(reg(base));
  inst.addOperand(reg(index));
  inst.addOperand(MCOperand::createImm(bytes == 2 ? 0 : indexOperand(shift)));
  addPredicate(inst, c);
  emit(inst);
}

namespace {
// The offset operands of a writeback access after its registers: addrmode2 (word and
// byte: post-indexed a register slot and the imm12 with its sign bit, pre-indexed the
// signed offset) or addrmode3 (halfword and signed: a register slot and the imm8).
void addWritebackOffset(MCInst &inst, bool post, bool mode2, int32_t offset) {
  if (mode2 && !post) return inst.addOperand(MCOperand::createImm(offset));
  inst.addOperand(MCOperand::createReg(0));
  inst.addOperand(MCOperand::createImm(mode2 ? postOffset2(offset) : offset3(offset)));
}
}  // namespace

void ArmAssembler::loadWriteback(bool post, unsigned bytes, bool signExtend, Reg t, Reg base, int32_t offset, Cond c) {
  assert(fitsOffset(bytes, signExtend, offset) && t != base);
  const Opcodes &o = t_.op();
  bool mode2 = (bytes == 4 || bytes == 1) && !signExtend;
  MCInst inst;
  if (mode2) inst.setOpcode(bytes == 4 ? (post ? o.LDR_POST_IMM : o.LDR_PRE_IMM) : (post ? o.LDRB_POST_IMM : o.LDRB_PRE_IMM));
  else if (bytes == 2) inst.setOpcode(signExtend ? (post ? o.LDRSH_POST : o.LDRSH_PRE) : (post ? o.LDRH_POST : o.LDRH_PRE));
  else inst.setOpcode(post ? o.LDRSB_POST : o.LDRSB_PRE);
  inst.addOperand(reg(t));
  inst.addOperand(reg(base));  // the written-back base
  inst.addOperand(reg(base));
  addWritebackOffset(inst, post, mode2, offset);
  addPredicate(inst, c);
  emit(inst);
}

void ArmAssembler::storeWriteback(bool post, unsigned bytes, Reg t, Reg base, int32_t offset, Cond c) {
  assert(fitsOffset(bytes, false, offset) && t != base);
  const Opcodes &o = t_.op();
  bool mode2 = bytes == 4 || bytes == 1;
  MCInst inst;
  if (mode2) inst.setOpcode(bytes == 4 ? (post ? o.STR_POST_IMM : o.STR_PRE_IMM) : (post ? o.STRB_POST_IMM : o.STRB_PRE_IMM));
  else inst.setOpcode(post ? o.STRH_POST : o.STRH_PRE);
  inst.addOperand(reg(base));  // the written-back base
  inst.addOperand(reg(t));
  inst.addOperand(reg(base));
  addWritebackOffset(inst, post, mode2, offset);
  addPredicate(inst, c);
  emit(inst);
}

void ArmAssembler::ldrex(Reg t, Reg base) {
  MCInst inst;
  inst.setOpcode(t_.op().LDREX);
  inst.addOperand(reg(t));
  inst.addOperand(reg(base));
  addPredicate(inst, Cond::AL);
  emit(inst);
}

void ArmAssembler::strex(Reg status, Reg t, Reg base) {
  assert(status != t && status != base);
  MCInst inst;
  inst.setOpcode(t_.op().STREX);
  inst.addOperand(reg(status));
  inst.addOperand(reg(t));
  inst.addOperand(reg(base));
  addPredicate(inst, Cond::AL);
  emit(inst);
}

void ArmAssembler::ldrexd(Reg evenT, Reg base) {
  assert(evenT % 2 == 0 && evenT < R12);
  MCInst inst;
  inst.setOpcode(t_.op().LDREXD);
  inst.addOperand(MCOperand::createReg(t_.gprPair(evenT)));
  inst.addOperand(reg(base));
  addPredicate(inst, Cond::AL);
  emit(inst);
}

void ArmAssembler::strexd(Reg status, Reg evenT, Reg base) {
  assert(evenT % 2 == 0 && evenT < R12 && status != base && status != evenT && status != evenT + 1);
  MCInst inst;
  inst.setOpcode(t_.op().STREXD);
  inst.addOperand(reg(status));
  inst.addOperand(MCOperand::createReg(t_.gprPair(evenT)));
  inst.addOperand(reg(base));
  addPredicate(inst, Cond::AL);
  emit(inst);
}

void ArmAssembler::clrex() {
  MCInst inst;
  inst.setOpcode(t_.op().CLREX);
  emit(inst);
}

void ArmAssembler::dmbIsh() {
  MCInst inst;
  inst.setOpcode(t_.op().DMB);
  inst.addOperand(MCOperand::createImm(11));  // ISH: inner shareable, loads and stores
  emit(inst);
}

void ArmAssembler::unary(unsigned opcode, Reg d, Reg m, bool hasRotation, Cond c) {
  MCInst inst;
  inst.setOpcode(opcode);
  inst.addOperand(reg(d));
  inst.addOperand(reg(m));
  if (hasRotation) inst.addOperand(MCOperand::createImm(0));  // SXTB/UXTH: ROR #0
  addPredicate(inst, c);
  emit(inst);
}

void ArmAssembler::rev(Reg d, Reg m, Cond c) { unary(t_.op().REV, d, m, false, c); }
void ArmAssembler::rev16(Reg d, Reg m, Cond c) { unary(t_.op().REV16, d, m, false, c); }
void ArmAssembler::sxtb(Reg d, Reg m, Cond c) { unary(t_.op().SXTB, d, m, true, c); }
void ArmAssembler::sxth(Reg d, Reg m, Cond c) { unary(t_.op().SXTH, d, m, true, c); }
void ArmAssembler::uxtb(Reg d, Reg m, Cond c) { unary(t_.op().UXTB, d, m, true, c); }
void ArmAssembler::uxth(Reg d, Reg m, Cond c) { unary(t_.op().UXTH, d, m, true, c); }
void ArmAssembler::clz(Reg d, Reg m, Cond c) { unary(t_.op().CLZ, d, m, false, c); }

void ArmAssembler::bitfield(unsigned opcode, Reg d, Reg n, unsigned lsb, unsigned width, Cond c) {
  assert(width >= 1 && lsb + width <= 32);
  MCInst inst;
  inst.setOpcode(opcode);
  inst.addOperand(reg(d));
  if (opcode == t_.op().BFI) {
    // d is also an input; the field is given as the mask of the bits that stay.
    inst.addOperand(reg(d));
    inst.addOperand(reg(n));
    uint32_t field = (width == 32 ? ~0u : ((1u << width) - 1)) << lsb;
    inst.addOperand(MCOperand::createImm(~field));
  } else {
    inst.addOperand(reg(n));
    inst.addOperand(MCOperand::createImm(lsb));
    inst.addOperand(MCOperand::createImm(width - 1));  // encoded as width - 1
  }
  addPredicate(inst, c);
  emit(inst);
}

void ArmAssembler::ubfx(Reg d, Reg n, unsigned lsb, unsigned width, Cond c) { bitfield(t_.op().UBFX, d, n, lsb, width, c); }
void ArmAssembler::sbfx(Reg d, Reg n, unsigned lsb, unsigned width, Cond c) { bitfield(t_.op().SBFX, d, n, lsb, width, c); }
void ArmAssembler::bfi(Reg d, Reg n, unsigned lsb, unsigned width, Cond c) { bitfield(t_.op().BFI, d, n, lsb, width, c); }

void ArmAssembler::push(uint16_t regMask) {
  assert(regMask);
  MCInst inst;
  inst.setOpcode(t_.op().STMDB_UPD);
  inst.addOperand(reg(SP));
  inst.addOperand(reg(SP));
  addPredicate(inst, Cond::AL);
  for (unsigned r = 0; r < 16; ++r)
    if (regMask & (1u << r)) inst.addOperand(reg(static_cast<Reg>(r)));
  emit(inst);
}

void ArmAssembler::pop(uint16_t regMask, Cond c) {
  assert(regMask);
  MCInst inst;
  inst.setOpcode(t_.op().LDMIA_UPD);
  inst.addOperand(reg(SP));
  inst.addOperand(reg(SP));
  addPredicate(inst, c);
  for (unsigned r = 0; r < 16; ++r)
    if (regMask & (1u << r)) inst.addOperand(reg(static_cast<Reg>(r)));
  emit(inst);
}

void ArmAssembler::b(llvm::MCSymbol *target, Cond c) {
  MCInst inst;
  inst.setOpcode(t_.op().Bcc);
  inst.addOperand(MCOperand::createExpr(llvm::MCSymbolRefExpr::create(target, ctx_)));
  addPredicate(inst, c);
  emit(inst);
}

// BL and BLX are unpredicated in LLVM; the conditional forms are other opcodes.
void ArmAssembler::bl(llvm::MCSymbol *target, Cond c) {
  MCInst inst;
  inst.setOpcode(c == Cond::AL ? t_.op().BL : t_.op().BL_pred);
  inst.addOperand(MCOperand::createExpr(llvm::MCSymbolRefExpr::create(target, ctx_)));
  if (c != Cond::AL) addPredicate(inst, c);
  emit(inst);
}

void ArmAssembler::blx(Reg target, Cond c) {
  MCInst inst;
  inst.setOpcode(c == Cond::AL ? t_.op().BLX : t_.op().BLX_pred);
  inst.addOperand(reg(target));
  if (c != Cond::AL) addPredicate(inst, c);
  emit(inst);
}

void ArmAssembler::loadAddress(Reg d, llvm::MCSymbol *base, int64_t offset) {
  // MOVW/MOVT REL addends are signed 16-bit immediates; larger offsets are added after.
  int64_t inline16 = offset >= -32768 && offset < 32768 ? offset : 0;
  auto relocate = [&](const char *type) {
    if (!streamer_ || recorder_) return;
    llvm::MCSymbol *here = ctx_.createTempSymbol();
    streamer_->emitLabel(here);
    streamer_->emitRelocDirective(*llvm::MCSymbolRefExpr::create(here, ctx_), type,
                                  llvm::MCSymbolRefExpr::create(base, ctx_), llvm::SMLoc(), t_.subtarget());
  };
  if (t_.hasMovwMovt()) {
    relocate("R_ARM_MOVW_ABS_NC");
    MCInst lo;
    lo.setOpcode(t_.op().MOVi16);
    lo.addOperand(reg(d));
    lo.addOperand(MCOperand::createImm(inline16 & 0xffff));
    addPredicate(lo, Cond::AL);
    emit(lo);
    relocate("R_ARM_MOVT_ABS");
    MCInst hi;
    hi.setOpcode(t_.op().MOVTi16);
    hi.addOperand(reg(d));
    hi.addOperand(reg(d));
    hi.addOperand(MCOperand::createImm(inline16 & 0xffff));
    addPredicate(hi, Cond::AL);
    emit(hi);
  } else {
    // ldr d, [pc] reads the word after the branch (pc reads 8 ahead); the branch skips it.
    llvm::MCSymbol *after = newLabel();
    load(4, false, d, PC, 0);
    b(after);
    if (streamer_ && !recorder_)
      streamer_->emitValue(llvm::MCBinaryExpr::createAdd(llvm::MCSymbolRefExpr::create(base, ctx_),
                                                         llvm::MCConstantExpr::create(inline16, ctx_), ctx_),
                           4);
    bind(after);
  }
  if (offset != inline16) addInSteps(d, d, int32_t(offset - inline16));  // no scratch register
}

void ArmAssembler::bxLr(Cond c) {
  MCInst inst;
  inst.setOpcode(t_.op().BX_RET);
  addPredicate(inst, c);
  emit(inst);
}

void ArmAssembler::bind(llvm::MCSymbol *label) {
  if (streamer_ && !recorder_) streamer_->emitLabel(label);
}

void ArmAssembler::comment(const std::string &text) {
  if (streamer_ && !recorder_) streamer_->emitRawComment(text);
}

}  // namespace bpf2arm::arm
