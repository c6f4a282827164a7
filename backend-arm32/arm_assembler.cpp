#include "arm_assembler.h"

#include <llvm/MC/MCExpr.h>

#include <cassert>
#include <cstdlib>

namespace bpf2arm::arm {

using llvm::MCInst;
using llvm::MCOperand;

std::optional<unsigned> encodeModifiedImmediate(uint32_t value) {
  for (unsigned rot = 0; rot < 16; ++rot) {
    // value == imm8 ROR (2 * rot)  <=>  imm8 == value ROL (2 * rot)
    uint32_t imm8 = rot == 0 ? value : (value << (2 * rot)) | (value >> (32 - 2 * rot));
    if (imm8 <= 0xff) return (rot << 8) | imm8;
  }
  return std::nullopt;
}

ArmAssembler::ArmAssembler(const ArmTarget &target, llvm::MCContext &ctx, llvm::MCStreamer *streamer)
    : Assembler(target, ctx, streamer,
                {target.op().SDIV, target.op().UDIV, target.op().MLS, target.op().REV, target.op().REV16,
                 target.op().SXTB, target.op().SXTH, target.op().UXTB, target.op().UXTH, target.op().CLZ,
                 target.op().RBIT, target.op().UBFX, target.op().SBFX, target.op().BFI}) {}

void ArmAssembler::build(unsigned opcode, std::initializer_list<MCOperand> operands, Cond c,
                         std::optional<Flags> f) {
  emitPredicated(opcode, operands, c, f);
}

namespace {
MCOperand imm(int64_t value) { return MCOperand::createImm(value); }

// The 12-bit encoding of a modified immediate the caller knows to have one.
MCOperand modifiedImm(uint32_t value) {
  auto enc = encodeModifiedImmediate(value);
  assert(enc && "immediate has no modified-immediate form");
  return imm(*enc);
}
}  // namespace

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
  build(dataOpcode(op, 'r'), {reg(d), reg(n), reg(m)}, c, f);
}

void ArmAssembler::opImm(DataOp op, Reg d, Reg n, uint32_t value, Flags f, Cond c) {
  build(dataOpcode(op, 'i'), {reg(d), reg(n), modifiedImm(value)}, c, f);
}

void ArmAssembler::opShiftImm(DataOp op, Reg d, Reg n, Reg m, Shift sh, unsigned amount, Flags f, Cond c) {
  if (amount == 0) return this->op(op, d, n, m, f, c);  // an encoded LSR/ASR #0 would mean #32
  build(dataOpcode(op, 's'), {reg(d), reg(n), reg(m), imm(shiftOperand(sh, amount))}, c, f);
}

void ArmAssembler::opShiftReg(DataOp op, Reg d, Reg n, Reg m, Shift sh, Reg s, Flags f, Cond c) {
  build(dataOpcode(op, 'S'), {reg(d), reg(n), reg(m), reg(s), imm(static_cast<unsigned>(sh))}, c, f);
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

void ArmAssembler::mov(Reg d, Reg m, Cond c, Flags f) { build(t_.op().MOVr, {reg(d), reg(m)}, c, f); }
void ArmAssembler::mvn(Reg d, Reg m, Cond c, Flags f) { build(t_.op().MVNr, {reg(d), reg(m)}, c, f); }

void ArmAssembler::movImm(Reg d, uint32_t value, Cond c, Flags f) {
  build(t_.op().MOVi, {reg(d), modifiedImm(value)}, c, f);
}

void ArmAssembler::mvnImm(Reg d, uint32_t value, Cond c, Flags f) {
  build(t_.op().MVNi, {reg(d), modifiedImm(value)}, c, f);
}

void ArmAssembler::movShiftImm(Reg d, Reg m, Shift sh, unsigned amount, Cond c, Flags f) {
  if (amount == 0) return mov(d, m, c, f);  // an encoded LSR/ASR #0 would mean #32
  build(t_.op().MOVsi, {reg(d), reg(m), imm(shiftOperand(sh, amount))}, c, f);
}

void ArmAssembler::movShiftReg(Reg d, Reg m, Shift sh, Reg s, Cond c, Flags f) {
  build(t_.op().MOVsr, {reg(d), reg(m), reg(s), imm(static_cast<unsigned>(sh))}, c, f);
}

void ArmAssembler::mvnShiftImm(Reg d, Reg m, Shift sh, unsigned amount, Cond c, Flags f) {
  if (amount == 0) return mvn(d, m, c, f);
  build(t_.op().MVNsi, {reg(d), reg(m), imm(shiftOperand(sh, amount))}, c, f);
}

void ArmAssembler::mvnShiftReg(Reg d, Reg m, Shift sh, Reg s, Cond c, Flags f) {
  build(t_.op().MVNsr, {reg(d), reg(m), reg(s), imm(static_cast<unsigned>(sh))}, c, f);
}

void ArmAssembler::loadConstant(Reg d, uint32_t value, Cond c) {
  if (canEncodeImmediate(value)) return movImm(d, value, c);
  if (canEncodeImmediate(~value)) return mvnImm(d, ~value, c);
  if (t_.hasMovwMovt()) {
    build(t_.op().MOVi16, {reg(d), imm(value & 0xffff)}, c);
    if (value >> 16) build(t_.op().MOVTi16, {reg(d), reg(d), imm(value >> 16)}, c);
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

void ArmAssembler::compare(CompareOp op, Reg n, Reg m, Cond c) { build(compareOpcode(op, 'r'), {reg(n), reg(m)}, c); }

void ArmAssembler::compareImm(CompareOp op, Reg n, uint32_t value, Cond c) {
  build(compareOpcode(op, 'i'), {reg(n), modifiedImm(value)}, c);
}

void ArmAssembler::compareShiftImm(CompareOp op, Reg n, Reg m, Shift sh, unsigned amount, Cond c) {
  if (amount == 0) return compare(op, n, m, c);
  build(compareOpcode(op, 's'), {reg(n), reg(m), imm(shiftOperand(sh, amount))}, c);
}

void ArmAssembler::compareShiftReg(CompareOp op, Reg n, Reg m, Shift sh, Reg s, Cond c) {
  build(compareOpcode(op, 'S'), {reg(n), reg(m), reg(s), imm(static_cast<unsigned>(sh))}, c);
}

// MUL and MLA have an S bit (kept clear).
void ArmAssembler::mul(Reg d, Reg n, Reg m, Cond c) { build(t_.op().MUL, {reg(d), reg(n), reg(m)}, c, Flags::Keep); }
void ArmAssembler::mla(Reg d, Reg n, Reg m, Reg a, Cond c) {
  build(t_.op().MLA, {reg(d), reg(n), reg(m), reg(a)}, c, Flags::Keep);
}

void ArmAssembler::longMultiply(unsigned opcode, Reg lo, Reg hi, Reg n, Reg m, bool accumulate, Cond c) {
  assert(lo != hi);
  if (accumulate)  // the accumulator's inputs, tied to the outputs
    return build(opcode, {reg(lo), reg(hi), reg(n), reg(m), reg(lo), reg(hi)}, c, Flags::Keep);
  build(opcode, {reg(lo), reg(hi), reg(n), reg(m)}, c, Flags::Keep);
}

void ArmAssembler::umull(Reg lo, Reg hi, Reg n, Reg m, Cond c) { longMultiply(t_.op().UMULL, lo, hi, n, m, false, c); }
void ArmAssembler::smull(Reg lo, Reg hi, Reg n, Reg m, Cond c) { longMultiply(t_.op().SMULL, lo, hi, n, m, false, c); }
void ArmAssembler::umlal(Reg lo, Reg hi, Reg n, Reg m, Cond c) { longMultiply(t_.op().UMLAL, lo, hi, n, m, true, c); }
void ArmAssembler::smlal(Reg lo, Reg hi, Reg n, Reg m, Cond c) { longMultiply(t_.op().SMLAL, lo, hi, n, m, true, c); }

bool ArmAssembler::canEncodeImmediate(uint32_t imm) const { return encodeModifiedImmediate(imm).has_value(); }

bool ArmAssembler::offsetFits(unsigned bytes, bool signExtend, int32_t offset) const {
  return fitsOffset(bytes, signExtend, offset);
}

bool ArmAssembler::indexShiftFits(unsigned bytes, bool signExtend, unsigned shift) const {
  return fitsIndexShift(bytes, signExtend, shift);
}

bool ArmAssembler::fitsOffset(unsigned bytes, bool signExtend, int32_t offset) {
  bool wordOrByte = (bytes == 4 || bytes == 1) && !signExtend;
  int32_t limit = wordOrByte ? 4095 : 255;  // LDR/LDRB: imm12; LDRH/LDRSB/LDRSH: imm8
  return offset >= -limit && offset <= limit;
}

namespace {
// addrmode3's immediate offset (LDRH, LDRSB, LDRSH, STRH): no offset register, and bit 8
// set means "subtract the offset".
MCOperand addrMode3Offset(int32_t offset) { return imm(offset < 0 ? 0x100 | -offset : offset); }
// addrmode2's post-index immediate (LDR/LDRB/STR/STRB [base], #offset): bit 12 set means
// "subtract the offset".
MCOperand postIndexOffset(int32_t offset) { return imm(offset < 0 ? (1 << 12) | -offset : offset); }
}  // namespace

void ArmAssembler::load(unsigned bytes, bool signExtend, Reg t, Reg base, int32_t offset, Cond c) {
  assert(fitsOffset(bytes, signExtend, offset));
  const Opcodes &o = t_.op();
  if ((bytes == 4 || bytes == 1) && !signExtend)
    return build(bytes == 4 ? o.LDRi12 : o.LDRBi12, {reg(t), reg(base), imm(offset)}, c);
  assert(bytes != 4);
  build(bytes == 2 ? (signExtend ? o.LDRSH : o.LDRH) : o.LDRSB,
        {reg(t), reg(base), MCOperand::createReg(0), addrMode3Offset(offset)}, c);
}

void ArmAssembler::store(unsigned bytes, Reg t, Reg base, int32_t offset, Cond c) {
  assert(fitsOffset(bytes, false, offset));
  const Opcodes &o = t_.op();
  if (bytes == 4 || bytes == 1) return build(bytes == 4 ? o.STRi12 : o.STRBi12, {reg(t), reg(base), imm(offset)}, c);
  build(o.STRH, {reg(t), reg(base), MCOperand::createReg(0), addrMode3Offset(offset)}, c);
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
  if ((bytes == 4 || bytes == 1) && !signExtend)
    return build(bytes == 4 ? o.LDRrs : o.LDRBrs, {reg(t), reg(base), reg(index), imm(indexOperand(shift))}, c);
  assert(bytes != 4);
  build(bytes == 2 ? (signExtend ? o.LDRSH : o.LDRH) : o.LDRSB, {reg(t), reg(base), reg(index), imm(0)}, c);
}

void ArmAssembler::storeIndexed(unsigned bytes, Reg t, Reg base, Reg index, unsigned shift, Cond c) {
  assert(fitsIndexShift(bytes, false, shift));
  const Opcodes &o = t_.op();
  build(bytes == 4 ? o.STRrs : bytes == 1 ? o.STRBrs : o.STRH,
        {reg(t), reg(base), reg(index), imm(bytes == 2 ? 0 : indexOperand(shift))}, c);
}

void ArmAssembler::loadWriteback(bool post, unsigned bytes, bool signExtend, Reg t, Reg base, int32_t offset, Cond c) {
  assert(fitsOffset(bytes, signExtend, offset) && t != base);
  const Opcodes &o = t_.op();
  const MCOperand noIndex = MCOperand::createReg(0);
  // Operands: the loaded register, the written-back base, the base.
  if ((bytes == 4 || bytes == 1) && !signExtend) {
    if (post)
      return build(bytes == 4 ? o.LDR_POST_IMM : o.LDRB_POST_IMM,
                   {reg(t), reg(base), reg(base), noIndex, postIndexOffset(offset)}, c);
    return build(bytes == 4 ? o.LDR_PRE_IMM : o.LDRB_PRE_IMM, {reg(t), reg(base), reg(base), imm(offset)}, c);
  }
  assert(bytes != 4);
  unsigned opcode = post ? (bytes == 2 ? (signExtend ? o.LDRSH_POST : o.LDRH_POST) : o.LDRSB_POST)
                         : (bytes == 2 ? (signExtend ? o.LDRSH_PRE : o.LDRH_PRE) : o.LDRSB_PRE);
  build(opcode, {reg(t), reg(base), reg(base), noIndex, addrMode3Offset(offset)}, c);
}

void ArmAssembler::storeWriteback(bool post, unsigned bytes, Reg t, Reg base, int32_t offset, Cond c) {
  assert(fitsOffset(bytes, false, offset) && t != base);
  const Opcodes &o = t_.op();
  const MCOperand noIndex = MCOperand::createReg(0);
  // Operands: the written-back base, the stored register, the base.
  if (bytes == 4 || bytes == 1) {
    if (post)
      return build(bytes == 4 ? o.STR_POST_IMM : o.STRB_POST_IMM,
                   {reg(base), reg(t), reg(base), noIndex, postIndexOffset(offset)}, c);
    return build(bytes == 4 ? o.STR_PRE_IMM : o.STRB_PRE_IMM, {reg(base), reg(t), reg(base), imm(offset)}, c);
  }
  build(post ? o.STRH_POST : o.STRH_PRE, {reg(base), reg(t), reg(base), noIndex, addrMode3Offset(offset)}, c);
}

void ArmAssembler::ldrex(Reg t, Reg base) { build(t_.op().LDREX, {reg(t), reg(base)}, Cond::AL); }

void ArmAssembler::strex(Reg status, Reg t, Reg base) {
  assert(status != t && status != base);
  build(t_.op().STREX, {reg(status), reg(t), reg(base)}, Cond::AL);
}

void ArmAssembler::ldrexd(Reg evenT, Reg base) {
  assert(evenT % 2 == 0 && evenT < R12);
  build(t_.op().LDREXD, {MCOperand::createReg(t_.gprPair(evenT)), reg(base)}, Cond::AL);
}

void ArmAssembler::strexd(Reg status, Reg evenT, Reg base) {
  assert(evenT % 2 == 0 && evenT < R12 && status != base && status != evenT && status != evenT + 1);
  build(t_.op().STREXD, {reg(status), MCOperand::createReg(t_.gprPair(evenT)), reg(base)}, Cond::AL);
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
  build(t_.op().Bcc, {MCOperand::createExpr(llvm::MCSymbolRefExpr::create(target, ctx_))}, c);
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

void ArmAssembler::loadAddress(Reg d, llvm::MCSymbol *base, int64_t offset, bool viaGot) {
  assert(!viaGot || t_.isPositionIndependent());
  if (viaGot) {
    // ldr d, [pc, #4] reads the literal (pc reads 8 ahead); the second ldr, whose pc is
    // the literal's address, adds the GOT_PREL value to it: d = the GOT entry.
    llvm::MCSymbol *after = newLabel();
    load(4, false, d, PC, 4);
    loadIndexed(4, false, d, PC, d, 0);
    b(after);
    emitGotLiteral(base);
    bind(after);
    if (offset) addInSteps(d, d, int32_t(offset));
    return;
  }
  const bool pcRelative = t_.isPositionIndependent();
  if (t_.hasMovwMovt()) {
    // PC-relative: movw at P, movt at P+4, add at P+8, which reads pc = P+16.
    static const char *const absolute[2] = {"R_ARM_MOVW_ABS_NC", "R_ARM_MOVT_ABS"};
    static const char *const relative[2] = {"R_ARM_MOVW_PREL_NC", "R_ARM_MOVT_PREL"};
    int64_t rest = movwMovtPair(d, base, offset, t_.op().MOVi16, t_.op().MOVTi16, pcRelative ? relative : absolute,
                                pcRelative ? std::optional<int64_t>(16) : std::nullopt);
    if (pcRelative) op(DataOp::ADD, d, PC, d);
    if (rest) addInSteps(d, d, int32_t(rest));  // no scratch register
    return;
  }
  // ldr d, [pc, #k] reads the word after the branch (pc reads 8 ahead); the branch skips
  // it. PC-relative, an add of pc (which then reads the word's own address) follows the
  // ldr and the word is base + offset - . (R_ARM_REL32).
  const int64_t inLiteral = pcRelative ? offset : movwAddend(offset);  // as position-dependent code always had it
  llvm::MCSymbol *after = newLabel();
  load(4, false, d, PC, pcRelative ? 4 : 0);
  if (pcRelative) op(DataOp::ADD, d, PC, d);
  b(after);
  if (streaming()) {
    const llvm::MCExpr *value = llvm::MCBinaryExpr::createAdd(llvm::MCSymbolRefExpr::create(base, ctx_),
                                                              llvm::MCConstantExpr::create(inLiteral, ctx_), ctx_);
    if (pcRelative) {
      llvm::MCSymbol *here = newLabel();
      streamer_->emitLabel(here);
      value = llvm::MCBinaryExpr::createSub(value, llvm::MCSymbolRefExpr::create(here, ctx_), ctx_);
    }
    streamer_->emitValue(value, 4);
  }
  bind(after);
  if (offset != inLiteral) addInSteps(d, d, int32_t(offset - inLiteral));
}

void ArmAssembler::bxLr(Cond c) {
  MCInst inst;
  inst.setOpcode(t_.op().BX_RET);
  addPredicate(inst, c);
  emit(inst);
}

}  // namespace bpf2arm::arm
