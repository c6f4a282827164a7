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

unsigned ArmAssembler::dataOpcode(DataOp op, char form) const {
  const Opcodes &o = t_.op();
  // form: 'r' register, 'i' immediate, 's' shift by immediate, 'S' shift by register
  auto pick = [form](unsigned rr, unsigned ri, unsigned rsi, unsigned rsr) {
    return form == 'r' ? rr : form == 'i' ? ri : form == 's' ? rsi : rsr;
  };
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

void ArmAssembler::opShiftImm(DataOp op, Reg d, Reg n, Reg m, Shift sh, unsigned amount, Flags f) {
  if (amount == 0) return this->op(op, d, n, m, f);  // an encoded LSR/ASR #0 would mean #32
  MCInst inst;
  inst.setOpcode(dataOpcode(op, 's'));
  inst.addOperand(reg(d));
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  inst.addOperand(MCOperand::createImm(shiftOperand(sh, amount)));
  addPredicate(inst, Cond::AL);
  addFlags(inst, f);
  emit(inst);
}

void ArmAssembler::opShiftReg(DataOp op, Reg d, Reg n, Reg m, Shift sh, Reg s, Flags f) {
  MCInst inst;
  inst.setOpcode(dataOpcode(op, 'S'));
  inst.addOperand(reg(d));
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  inst.addOperand(reg(s));
  inst.addOperand(MCOperand::createImm(static_cast<unsigned>(sh)));
  addPredicate(inst, Cond::AL);
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

void ArmAssembler::mov(Reg d, Reg m, Cond c) {
  MCInst inst;
  inst.setOpcode(t_.op().MOVr);
  inst.addOperand(reg(d));
  inst.addOperand(reg(m));
  addPredicate(inst, c);
  addFlags(inst, Flags::Keep);
  emit(inst);
}

void ArmAssembler::movImm(Reg d, uint32_t imm, Cond c) {
  auto enc = encodeModifiedImmediate(imm);
  assert(enc);
  MCInst inst;
  inst.setOpcode(t_.op().MOVi);
  inst.addOperand(reg(d));
  inst.addOperand(MCOperand::createImm(*enc));
  addPredicate(inst, c);
  addFlags(inst, Flags::Keep);
  emit(inst);
}

void ArmAssembler::mvnImm(Reg d, uint32_t imm, Cond c) {
  auto enc = encodeModifiedImmediate(imm);
  assert(enc);
  MCInst inst;
  inst.setOpcode(t_.op().MVNi);
  inst.addOperand(reg(d));
  inst.addOperand(MCOperand::createImm(*enc));
  addPredicate(inst, c);
  addFlags(inst, Flags::Keep);
  emit(inst);
}

void ArmAssembler::mvn(Reg d, Reg m) {
  MCInst inst;
  inst.setOpcode(t_.op().MVNr);
  inst.addOperand(reg(d));
  inst.addOperand(reg(m));
  addPredicate(inst, Cond::AL);
  addFlags(inst, Flags::Keep);
  emit(inst);
}

void ArmAssembler::movShiftImm(Reg d, Reg m, Shift sh, unsigned amount, Cond c) {
  if (amount == 0) return mov(d, m, c);  // an encoded LSR/ASR #0 would mean #32
  MCInst inst;
  inst.setOpcode(t_.op().MOVsi);
  inst.addOperand(reg(d));
  inst.addOperand(reg(m));
  inst.addOperand(MCOperand::createImm(shiftOperand(sh, amount)));
  addPredicate(inst, c);
  addFlags(inst, Flags::Keep);
  emit(inst);
}

void ArmAssembler::movShiftReg(Reg d, Reg m, Shift sh, Reg s, Cond c) {
  MCInst inst;
  inst.setOpcode(t_.op().MOVsr);
  inst.addOperand(reg(d));
  inst.addOperand(reg(m));
  inst.addOperand(reg(s));
  inst.addOperand(MCOperand::createImm(static_cast<unsigned>(sh)));
  addPredicate(inst, c);
  addFlags(inst, Flags::Keep);
  emit(inst);
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

void ArmAssembler::cmp(Reg n, Reg m, Cond c) {
  MCInst inst;
  inst.setOpcode(t_.op().CMPrr);
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  addPredicate(inst, c);
  emit(inst);
}

void ArmAssembler::cmpConstant(Reg n, uint32_t value, Reg scratch, Cond c) {
  bool negate = !canEncodeImmediate(value) && canEncodeImmediate(0u - value);
  if (canEncodeImmediate(value) || negate) {
    MCInst inst;
    inst.setOpcode(negate ? t_.op().CMNri : t_.op().CMPri);
    inst.addOperand(reg(n));
    inst.addOperand(MCOperand::createImm(*encodeModifiedImmediate(negate ? 0u - value : value)));
    addPredicate(inst, c);
    emit(inst);
    return;
  }
  loadConstant(scratch, value, c);
  cmp(n, scratch, c);
}

void ArmAssembler::tst(Reg n, Reg m, Cond c) {
  MCInst inst;
  inst.setOpcode(t_.op().TSTrr);
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  addPredicate(inst, c);
  emit(inst);
}

void ArmAssembler::tstConstant(Reg n, uint32_t value, Reg scratch, Cond c) {
  if (!canEncodeImmediate(value)) {
    loadConstant(scratch, value, c);
    return tst(n, scratch, c);
  }
  MCInst inst;
  inst.setOpcode(t_.op().TSTri);
  inst.addOperand(reg(n));
  inst.addOperand(MCOperand::createImm(*encodeModifiedImmediate(value)));
  addPredicate(inst, c);
  emit(inst);
}

void ArmAssembler::mul(Reg d, Reg n, Reg m) {
  MCInst inst;
  inst.setOpcode(t_.op().MUL);
  inst.addOperand(reg(d));
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  addPredicate(inst, Cond::AL);
  addFlags(inst, Flags::Keep);
  emit(inst);
}

void ArmAssembler::mla(Reg d, Reg n, Reg m, Reg a) {
  MCInst inst;
  inst.setOpcode(t_.op().MLA);
  inst.addOperand(reg(d));
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  inst.addOperand(reg(a));
  addPredicate(inst, Cond::AL);
  addFlags(inst, Flags::Keep);
  emit(inst);
}

void ArmAssembler::mls(Reg d, Reg n, Reg m, Reg a) {
  MCInst inst;
  inst.setOpcode(t_.op().MLS);
  inst.addOperand(reg(d));
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  inst.addOperand(reg(a));
  addPredicate(inst, Cond::AL);
  emit(inst);
}

void ArmAssembler::umull(Reg lo, Reg hi, Reg n, Reg m) {
  assert(lo != hi);
  MCInst inst;
  inst.setOpcode(t_.op().UMULL);
  inst.addOperand(reg(lo));
  inst.addOperand(reg(hi));
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  addPredicate(inst, Cond::AL);
  addFlags(inst, Flags::Keep);
  emit(inst);
}

void ArmAssembler::sdiv(Reg d, Reg n, Reg m) {
  assert(t_.hasHardwareDivide());
  MCInst inst;
  inst.setOpcode(t_.op().SDIV);
  inst.addOperand(reg(d));
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  addPredicate(inst, Cond::AL);
  emit(inst);
}

void ArmAssembler::udiv(Reg d, Reg n, Reg m) {
  assert(t_.hasHardwareDivide());
  MCInst inst;
  inst.setOpcode(t_.op().UDIV);
  inst.addOperand(reg(d));
  inst.addOperand(reg(n));
  inst.addOperand(reg(m));
  addPredicate(inst, Cond::AL);
  emit(inst);
}

bool ArmAssembler::fitsOffset(unsigned bytes, bool signExtend, int32_t offset) {
  bool wordOrByte = (bytes == 4 || bytes == 1) && !signExtend;
  int32_t limit = wordOrByte ? 4095 : 255;  // LDR/LDRB: imm12; LDRH/LDRSB/LDRSH: imm8
  return offset >= -limit && offset <= limit;
}

void ArmAssembler::load(unsigned bytes, bool signExtend, Reg t, Reg base, int32_t offset) {
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
    // addrmode3: bit 8 set means "subtract the offset"
    inst.addOperand(MCOperand::createImm(offset < 0 ? 0x100 | -offset : offset));
  }
  addPredicate(inst, Cond::AL);
  emit(inst);
}

void ArmAssembler::store(unsigned bytes, Reg t, Reg base, int32_t offset) {
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
    inst.addOperand(MCOperand::createImm(offset < 0 ? 0x100 | -offset : offset));
  }
  addPredicate(inst, Cond::AL);
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

void ArmAssembler::unary(unsigned opcode, Reg d, Reg m, bool hasRotation) {
  MCInst inst;
  inst.setOpcode(opcode);
  inst.addOperand(reg(d));
  inst.addOperand(reg(m));
  if (hasRotation) inst.addOperand(MCOperand::createImm(0));  // SXTB/UXTH: ROR #0
  addPredicate(inst, Cond::AL);
  emit(inst);
}

void ArmAssembler::rev(Reg d, Reg m) { unary(t_.op().REV, d, m, false); }
void ArmAssembler::rev16(Reg d, Reg m) { unary(t_.op().REV16, d, m, false); }
void ArmAssembler::sxtb(Reg d, Reg m) { unary(t_.op().SXTB, d, m, true); }
void ArmAssembler::sxth(Reg d, Reg m) { unary(t_.op().SXTH, d, m, true); }
void ArmAssembler::uxtb(Reg d, Reg m) { unary(t_.op().UXTB, d, m, true); }
void ArmAssembler::uxth(Reg d, Reg m) { unary(t_.op().UXTH, d, m, true); }

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

void ArmAssembler::pop(uint16_t regMask) {
  assert(regMask);
  MCInst inst;
  inst.setOpcode(t_.op().LDMIA_UPD);
  inst.addOperand(reg(SP));
  inst.addOperand(reg(SP));
  addPredicate(inst, Cond::AL);
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

void ArmAssembler::bl(llvm::MCSymbol *target) {
  MCInst inst;
  inst.setOpcode(t_.op().BL);
  inst.addOperand(MCOperand::createExpr(llvm::MCSymbolRefExpr::create(target, ctx_)));
  emit(inst);
}

void ArmAssembler::blx(Reg target) {
  MCInst inst;
  inst.setOpcode(t_.op().BLX);
  inst.addOperand(reg(target));
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
  if (offset != inline16) addConstant(d, d, int32_t(offset - inline16), d == R12 ? LR : R12);
}

void ArmAssembler::bxLr() {
  MCInst inst;
  inst.setOpcode(t_.op().BX_RET);
  addPredicate(inst, Cond::AL);
  emit(inst);
}

void ArmAssembler::bind(llvm::MCSymbol *label) {
  if (streamer_ && !recorder_) streamer_->emitLabel(label);
}

void ArmAssembler::comment(const std::string &text) {
  if (streamer_ && !recorder_) streamer_->emitRawComment(text);
}

}  // namespace bpf2arm::arm
