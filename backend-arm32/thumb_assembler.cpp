#include "thumb_assembler.h"

#include <llvm/MC/MCExpr.h>

#include <cassert>
#include <cstdlib>

namespace bpf2arm::arm {

using llvm::MCInst;
using llvm::MCOperand;

namespace {
MCOperand imm(int64_t value) { return MCOperand::createImm(value); }
}  // namespace

bool isThumbModifiedImmediate(uint32_t value) {
  const uint32_t low = value & 0xff;
  if (value <= 0xff || value == low * 0x00010001u || value == low * 0x01010101u) return true;
  if (value == ((value >> 8) & 0xff) * 0x01000100u) return true;
  // 1bcdefgh shifted left by 1..24: the bits below the top eight set bits' window are zero.
  const unsigned shift = 31 - unsigned(__builtin_clz(value)) - 7;
  return (value & ((1u << shift) - 1)) == 0;
}

ThumbAssembler::ThumbAssembler(const ArmTarget &target, llvm::MCContext &ctx, llvm::MCStreamer *streamer)
    : Assembler(target, ctx, streamer,
                {target.t2op().t2SDIV, target.t2op().t2UDIV, target.t2op().t2MLS, target.t2op().t2REV,
                 target.t2op().t2REV16, target.t2op().t2SXTB, target.t2op().t2SXTH, target.t2op().t2UXTB,
                 target.t2op().t2UXTH, target.t2op().t2CLZ, target.t2op().t2RBIT, target.t2op().t2UBFX,
                 target.t2op().t2SBFX, target.t2op().t2BFI}) {}

void ThumbAssembler::it(Cond c) {
  if (c == Cond::AL) return;
  MCInst inst;
  inst.setOpcode(t_.t2op().t2IT);
  inst.addOperand(imm(static_cast<unsigned>(c)));
  inst.addOperand(imm(8));  // the mask of a block of one instruction
  emit(inst);
}

void ThumbAssembler::build(unsigned opcode, std::initializer_list<MCOperand> operands, Cond c,
                           std::optional<Flags> f) {
  it(c);
  emitPredicated(opcode, operands, c, f);
}

namespace {
// The opcode of an operand-2 form: 'r' register, 'i' immediate, 's' register shifted by
// an immediate (Thumb-2 has no register shifted by a register).
unsigned operandForm(char form, unsigned rr, unsigned ri, unsigned rs) {
  return form == 'r' ? rr : form == 'i' ? ri : rs;
}
}  // namespace

unsigned ThumbAssembler::dataOpcode(DataOp op, char form) const {
  const ThumbOpcodes &o = t_.t2op();
  switch (op) {
    case DataOp::ADD: return operandForm(form, o.t2ADDrr, o.t2ADDri, o.t2ADDrs);
    case DataOp::ADC: return operandForm(form, o.t2ADCrr, o.t2ADCri, o.t2ADCrs);
    case DataOp::SUB: return operandForm(form, o.t2SUBrr, o.t2SUBri, o.t2SUBrs);
    case DataOp::SBC: return operandForm(form, o.t2SBCrr, o.t2SBCri, o.t2SBCrs);
    case DataOp::RSB: return operandForm(form, o.t2RSBrr, o.t2RSBri, o.t2RSBrs);
    case DataOp::AND: return operandForm(form, o.t2ANDrr, o.t2ANDri, o.t2ANDrs);
    case DataOp::ORR: return operandForm(form, o.t2ORRrr, o.t2ORRri, o.t2ORRrs);
    case DataOp::EOR: return operandForm(form, o.t2EORrr, o.t2EORri, o.t2EORrs);
    case DataOp::BIC: return operandForm(form, o.t2BICrr, o.t2BICri, o.t2BICrs);
    case DataOp::RSC: break;
  }
  assert(false && "Thumb-2 has no rsc: reverseSubtractWithCarry expands it");
  std::abort();
}

// d = (m SHIFT amount) - n - !C, the same sum and flags as ARM's rsc: op2 + ~n + C is
// adc of ~n, and sbc when op2 can come first.
void ThumbAssembler::reverseSubtractWithCarry(Reg d, Reg n, Reg m, Shift sh, unsigned amount, Flags f, Cond c) {
  if (amount == 0) return build(t_.t2op().t2SBCrr, {reg(d), reg(m), reg(n)}, c, f);
  if (d != m) {
    mvn(d, n, c);
    return opShiftImm(DataOp::ADC, d, d, m, sh, amount, f, c);
  }
  assert(d != n && "T32 rsc with a shifted operand: d, n and m must not all be one register");
  movShiftImm(d, m, sh, amount, c);  // no S: the carry stays
  build(t_.t2op().t2SBCrr, {reg(d), reg(d), reg(n)}, c, f);
}

void ThumbAssembler::op(DataOp op, Reg d, Reg n, Reg m, Flags f, Cond c) {
  if (op == DataOp::RSC) return reverseSubtractWithCarry(d, n, m, Shift::LSL, 0, f, c);
  build(dataOpcode(op, 'r'), {reg(d), reg(n), reg(m)}, c, f);
}

bool ThumbAssembler::canEncodeImmediate(uint32_t value) const { return isThumbModifiedImmediate(value); }

void ThumbAssembler::opImm(DataOp op, Reg d, Reg n, uint32_t value, Flags f, Cond c) {
  if (op == DataOp::RSC) {  // #imm + ~n + C
    assert(isThumbModifiedImmediate(value) && "T32 rsc takes an encodable immediate");
    mvn(d, n, c);
    return opImm(DataOp::ADC, d, d, value, f, c);
  }
  if (isThumbModifiedImmediate(value)) return build(dataOpcode(op, 'i'), {reg(d), reg(n), imm(value)}, c, f);
  // The same result (and flags) from the complementary operation.
  if (op == DataOp::ADC && isThumbModifiedImmediate(~value)) return opImm(DataOp::SBC, d, n, ~value, f, c);
  if (op == DataOp::SBC && isThumbModifiedImmediate(~value)) return opImm(DataOp::ADC, d, n, ~value, f, c);
  if (f == Flags::Keep) {
    if (op == DataOp::AND && isThumbModifiedImmediate(~value)) return opImm(DataOp::BIC, d, n, ~value, f, c);
    if (op == DataOp::BIC && isThumbModifiedImmediate(~value)) return opImm(DataOp::AND, d, n, ~value, f, c);
    if ((op == DataOp::ADD || op == DataOp::SUB) && value <= 4095)  // addw/subw
      return build(op == DataOp::ADD ? t_.t2op().t2ADDri12 : t_.t2op().t2SUBri12, {reg(d), reg(n), imm(value)}, c);
    if ((op == DataOp::ADD || op == DataOp::SUB) && 0u - value <= 4095)
      return build(op == DataOp::ADD ? t_.t2op().t2SUBri12 : t_.t2op().t2ADDri12, {reg(d), reg(n), imm(0u - value)}, c);
  }
  // Built in d, then the register form (loadConstant keeps the flags).
  assert(d != n && "T32 immediate without a modified-immediate form: d must not be n (no scratch register)");
  loadConstant(d, value, c);
  op == DataOp::RSB ? this->op(DataOp::SUB, d, d, n, f, c) : this->op(op, d, n, d, f, c);
}

void ThumbAssembler::opShiftImm(DataOp op, Reg d, Reg n, Reg m, Shift sh, unsigned amount, Flags f, Cond c) {
  if (amount == 0) return this->op(op, d, n, m, f, c);  // an encoded LSR/ASR #0 would mean #32
  if (op == DataOp::RSC) return reverseSubtractWithCarry(d, n, m, sh, amount, f, c);
  build(dataOpcode(op, 's'), {reg(d), reg(n), reg(m), imm(shiftOperand(sh, amount))}, c, f);
}

void ThumbAssembler::opShiftReg(DataOp op, Reg d, Reg n, Reg m, Shift sh, Reg s, Flags f, Cond c) {
  assert(d != n && "T32 has no register-shifted operand: d = m SHIFT s first needs d != n (no scratch register)");
  movShiftReg(d, m, sh, s, c);  // no S: the flags stay for an adc/sbc/rsc
  this->op(op, d, n, d, f, c);
}

void ThumbAssembler::addInSteps(Reg d, Reg n, int32_t value, Cond c) {
  const uint32_t u = static_cast<uint32_t>(value);
  const DataOp op = value < 0 ? DataOp::SUB : DataOp::ADD;
  uint32_t rest = value < 0 ? 0u - u : u;
  if (rest == 0) {
    if (d != n) mov(d, n, c);
    return;
  }
  // One step when add.w or addw takes the rest; else the top eight bits first (a
  // modified immediate: its top bit is set), down to what addw takes.
  Reg from = n;
  while (rest) {
    uint32_t step = rest;
    if (!isThumbModifiedImmediate(rest) && rest > 4095) step = rest & (0xffu << (31 - unsigned(__builtin_clz(rest)) - 7));
    rest -= step;
    opImm(op, d, from, step, Flags::Keep, c);
    from = d;
  }
}

void ThumbAssembler::mov(Reg d, Reg m, Cond c, Flags f) {
  // The 16-bit mov takes any two registers and leaves the flags alone.
  if (f == Flags::Keep) return build(t_.t2op().tMOVr, {reg(d), reg(m)}, c);
  build(t_.t2op().t2MOVr, {reg(d), reg(m)}, c, f);
}

void ThumbAssembler::mvn(Reg d, Reg m, Cond c, Flags f) { build(t_.t2op().t2MVNr, {reg(d), reg(m)}, c, f); }

void ThumbAssembler::movImm(Reg d, uint32_t value, Cond c, Flags f) {
  if (isThumbModifiedImmediate(value)) return build(t_.t2op().t2MOVi, {reg(d), imm(value)}, c, f);
  assert(f == Flags::Keep && "T32 movs takes a modified immediate");
  loadConstant(d, value, c);
}

void ThumbAssembler::mvnImm(Reg d, uint32_t value, Cond c, Flags f) {
  if (isThumbModifiedImmediate(value)) return build(t_.t2op().t2MVNi, {reg(d), imm(value)}, c, f);
  assert(f == Flags::Keep && "T32 mvns takes a modified immediate");
  loadConstant(d, ~value, c);
}

namespace {
unsigned shiftOpcode(const ThumbOpcodes &o, Shift sh, bool byRegister) {
  switch (sh) {
    case Shift::LSL: return byRegister ? o.t2LSLrr : o.t2LSLri;
    case Shift::LSR: return byRegister ? o.t2LSRrr : o.t2LSRri;
    case Shift::ASR: return byRegister ? o.t2ASRrr : o.t2ASRri;
    case Shift::ROR: return byRegister ? o.t2RORrr : o.t2RORri;
  }
  std::abort();
}
}  // namespace

void ThumbAssembler::movShiftImm(Reg d, Reg m, Shift sh, unsigned amount, Cond c, Flags f) {
  if (amount == 0) return mov(d, m, c, f);
  assert(amount < 32 || sh == Shift::LSR || sh == Shift::ASR);
  build(shiftOpcode(t_.t2op(), sh, false), {reg(d), reg(m), imm(amount)}, c, f);
}

void ThumbAssembler::movShiftReg(Reg d, Reg m, Shift sh, Reg s, Cond c, Flags f) {
  build(shiftOpcode(t_.t2op(), sh, true), {reg(d), reg(m), reg(s)}, c, f);
}

void ThumbAssembler::mvnShiftImm(Reg d, Reg m, Shift sh, unsigned amount, Cond c, Flags f) {
  if (amount == 0) return mvn(d, m, c, f);
  build(t_.t2op().t2MVNs, {reg(d), reg(m), imm(shiftOperand(sh, amount))}, c, f);
}

void ThumbAssembler::mvnShiftReg(Reg d, Reg m, Shift sh, Reg s, Cond c, Flags f) {
  movShiftReg(d, m, sh, s, c);
  mvn(d, d, c, f);
}

void ThumbAssembler::loadConstant(Reg d, uint32_t value, Cond c) {
  if (isThumbModifiedImmediate(value)) return movImm(d, value, c);
  if (isThumbModifiedImmediate(~value)) return mvnImm(d, ~value, c);
  build(t_.t2op().t2MOVi16, {reg(d), imm(value & 0xffff)}, c);
  if (value >> 16) build(t_.t2op().t2MOVTi16, {reg(d), reg(d), imm(value >> 16)}, c);
}

unsigned ThumbAssembler::compareOpcode(CompareOp op, char form) const {
  const ThumbOpcodes &o = t_.t2op();
  switch (op) {
    case CompareOp::CMP: return operandForm(form, o.t2CMPrr, o.t2CMPri, o.t2CMPrs);
    case CompareOp::CMN: return operandForm(form, o.t2CMNzrr, o.t2CMNri, o.t2CMNzrs);
    case CompareOp::TST: return operandForm(form, o.t2TSTrr, o.t2TSTri, o.t2TSTrs);
    case CompareOp::TEQ: return operandForm(form, o.t2TEQrr, o.t2TEQri, o.t2TEQrs);
  }
  std::abort();
}

void ThumbAssembler::compare(CompareOp op, Reg n, Reg m, Cond c) { build(compareOpcode(op, 'r'), {reg(n), reg(m)}, c); }

void ThumbAssembler::compareImm(CompareOp op, Reg n, uint32_t value, Cond c) {
  // cmp n, #k and cmn n, #-k set the same flags for k other than 0 and 0x80000000.
  const bool negatable = value != 0 && value != 0x80000000u && isThumbModifiedImmediate(0u - value);
  if (!isThumbModifiedImmediate(value) && negatable && (op == CompareOp::CMP || op == CompareOp::CMN))
    return compareImm(op == CompareOp::CMP ? CompareOp::CMN : CompareOp::CMP, n, 0u - value, c);
  assert(isThumbModifiedImmediate(value) && "T32 compares take modified immediates: the selector must give one");
  build(compareOpcode(op, 'i'), {reg(n), imm(value)}, c);
}

void ThumbAssembler::compareShiftImm(CompareOp op, Reg n, Reg m, Shift sh, unsigned amount, Cond c) {
  if (amount == 0) return compare(op, n, m, c);
  build(compareOpcode(op, 's'), {reg(n), reg(m), imm(shiftOperand(sh, amount))}, c);
}

void ThumbAssembler::compareShiftReg(CompareOp, Reg, Reg, Shift, Reg, Cond) {
  assert(false && "T32 has no register-shifted compare and no scratch register: the selector must shift first");
  std::abort();
}

void ThumbAssembler::mul(Reg d, Reg n, Reg m, Cond c) { build(t_.t2op().t2MUL, {reg(d), reg(n), reg(m)}, c); }
void ThumbAssembler::mla(Reg d, Reg n, Reg m, Reg a, Cond c) {
  build(t_.t2op().t2MLA, {reg(d), reg(n), reg(m), reg(a)}, c);
}

void ThumbAssembler::longMultiply(unsigned opcode, Reg lo, Reg hi, Reg n, Reg m, bool accumulate, Cond c) {
  assert(lo != hi);
  if (accumulate)  // the accumulator's inputs, tied to the outputs
    return build(opcode, {reg(lo), reg(hi), reg(n), reg(m), reg(lo), reg(hi)}, c);
  build(opcode, {reg(lo), reg(hi), reg(n), reg(m)}, c);
}

void ThumbAssembler::umull(Reg lo, Reg hi, Reg n, Reg m, Cond c) { longMultiply(t_.t2op().t2UMULL, lo, hi, n, m, false, c); }
void ThumbAssembler::smull(Reg lo, Reg hi, Reg n, Reg m, Cond c) { longMultiply(t_.t2op().t2SMULL, lo, hi, n, m, false, c); }
void ThumbAssembler::umlal(Reg lo, Reg hi, Reg n, Reg m, Cond c) { longMultiply(t_.t2op().t2UMLAL, lo, hi, n, m, true, c); }
void ThumbAssembler::smlal(Reg lo, Reg hi, Reg n, Reg m, Cond c) { longMultiply(t_.t2op().t2SMLAL, lo, hi, n, m, true, c); }

// Every size has an imm12 form for offsets 0..4095 and an imm8 form for -255..-1.
bool ThumbAssembler::fitsOffset(unsigned, bool, int32_t offset) { return offset >= -255 && offset <= 4095; }
bool ThumbAssembler::fitsIndexShift(unsigned, bool, unsigned shift) { return shift <= 3; }
bool ThumbAssembler::offsetFits(unsigned bytes, bool signExtend, int32_t offset) const {
  return fitsOffset(bytes, signExtend, offset);
}
bool ThumbAssembler::indexShiftFits(unsigned bytes, bool signExtend, unsigned shift) const {
  return fitsIndexShift(bytes, signExtend, shift);
}

namespace {
// The opcodes of one access size in its four addressing forms.
struct AccessOpcodes {
  unsigned imm12, negImm8, index, pre, post;
};

AccessOpcodes loadOpcodes(const ThumbOpcodes &o, unsigned bytes, bool signExtend) {
  if (bytes == 4) return {o.t2LDRi12, o.t2LDRi8, o.t2LDRs, o.t2LDR_PRE, o.t2LDR_POST};
  if (bytes == 2 && signExtend) return {o.t2LDRSHi12, o.t2LDRSHi8, o.t2LDRSHs, o.t2LDRSH_PRE, o.t2LDRSH_POST};
  if (bytes == 2) return {o.t2LDRHi12, o.t2LDRHi8, o.t2LDRHs, o.t2LDRH_PRE, o.t2LDRH_POST};
  if (signExtend) return {o.t2LDRSBi12, o.t2LDRSBi8, o.t2LDRSBs, o.t2LDRSB_PRE, o.t2LDRSB_POST};
  return {o.t2LDRBi12, o.t2LDRBi8, o.t2LDRBs, o.t2LDRB_PRE, o.t2LDRB_POST};
}

AccessOpcodes storeOpcodes(const ThumbOpcodes &o, unsigned bytes) {
  if (bytes == 4) return {o.t2STRi12, o.t2STRi8, o.t2STRs, o.t2STR_PRE, o.t2STR_POST};
  if (bytes == 2) return {o.t2STRHi12, o.t2STRHi8, o.t2STRHs, o.t2STRH_PRE, o.t2STRH_POST};
  return {o.t2STRBi12, o.t2STRBi8, o.t2STRBs, o.t2STRB_PRE, o.t2STRB_POST};
}
}  // namespace

void ThumbAssembler::load(unsigned bytes, bool signExtend, Reg t, Reg base, int32_t offset, Cond c) {
  assert(fitsOffset(bytes, signExtend, offset) && (bytes != 4 || !signExtend));
  const AccessOpcodes o = loadOpcodes(t_.t2op(), bytes, signExtend);
  build(offset >= 0 ? o.imm12 : o.negImm8, {reg(t), reg(base), imm(offset)}, c);
}

void ThumbAssembler::store(unsigned bytes, Reg t, Reg base, int32_t offset, Cond c) {
  assert(fitsOffset(bytes, false, offset));
  const AccessOpcodes o = storeOpcodes(t_.t2op(), bytes);
  build(offset >= 0 ? o.imm12 : o.negImm8, {reg(t), reg(base), imm(offset)}, c);
}

void ThumbAssembler::loadIndexed(unsigned bytes, bool signExtend, Reg t, Reg base, Reg index, unsigned shift, Cond c) {
  assert(fitsIndexShift(bytes, signExtend, shift) && "T32 register offsets shift by 0-3");
  build(loadOpcodes(t_.t2op(), bytes, signExtend).index, {reg(t), reg(base), reg(index), imm(shift)}, c);
}

void ThumbAssembler::storeIndexed(unsigned bytes, Reg t, Reg base, Reg index, unsigned shift, Cond c) {
  assert(fitsIndexShift(bytes, false, shift) && "T32 register offsets shift by 0-3");
  build(storeOpcodes(t_.t2op(), bytes).index, {reg(t), reg(base), reg(index), imm(shift)}, c);
}

// Operands: the loaded register, the written-back base, the base, the signed offset.
void ThumbAssembler::loadWriteback(bool post, unsigned bytes, bool signExtend, Reg t, Reg base, int32_t offset, Cond c) {
  assert(fitsWritebackOffset(offset) && t != base && "T32 writeback offsets reach +-255");
  const AccessOpcodes o = loadOpcodes(t_.t2op(), bytes, signExtend);
  build(post ? o.post : o.pre, {reg(t), reg(base), reg(base), imm(offset)}, c);
}

// Operands: the written-back base, the stored register, the base, the signed offset.
void ThumbAssembler::storeWriteback(bool post, unsigned bytes, Reg t, Reg base, int32_t offset, Cond c) {
  assert(fitsWritebackOffset(offset) && t != base && "T32 writeback offsets reach +-255");
  const AccessOpcodes o = storeOpcodes(t_.t2op(), bytes);
  build(post ? o.post : o.pre, {reg(base), reg(t), reg(base), imm(offset)}, c);
}

// The exclusive accesses take an offset (0 here) and, for the pairs, two registers.
void ThumbAssembler::ldrex(Reg t, Reg base) { build(t_.t2op().t2LDREX, {reg(t), reg(base), imm(0)}, Cond::AL); }

void ThumbAssembler::strex(Reg status, Reg t, Reg base) {
  assert(status != t && status != base);
  build(t_.t2op().t2STREX, {reg(status), reg(t), reg(base), imm(0)}, Cond::AL);
}

void ThumbAssembler::ldrexd(Reg evenT, Reg base) {
  assert(t_.cpuInfo().has(kLdrexd) && "ARMv7-M and ARMv8-M have no ldrexd: the selector must not use it");
  build(t_.t2op().t2LDREXD, {reg(evenT), reg(Reg(evenT + 1)), reg(base)}, Cond::AL);
}

void ThumbAssembler::strexd(Reg status, Reg evenT, Reg base) {
  assert(t_.cpuInfo().has(kLdrexd) && "ARMv7-M and ARMv8-M have no strexd: the selector must not use it");
  assert(status != base && status != evenT && status != evenT + 1);
  build(t_.t2op().t2STREXD, {reg(status), reg(evenT), reg(Reg(evenT + 1)), reg(base)}, Cond::AL);
}

void ThumbAssembler::clrex() { build(t_.t2op().t2CLREX, {}, Cond::AL); }

void ThumbAssembler::dmbIsh() {
  build(t_.t2op().t2DMB, {imm(11)}, Cond::AL);  // ISH: inner shareable, loads and stores
}

// push/pop of r0-r7 with lr (push) or pc (pop) are 16-bit; other lists of two or more
// registers are stmdb/ldmia sp!, and one high register alone a word store/load with
// writeback (stm/ldm want two).
void ThumbAssembler::registerList(uint16_t regMask, bool isPush, Cond c) {
  assert(regMask && !(regMask & (1u << SP)) && "sp is never in a register list");
  assert((isPush ? !(regMask & (1u << PC)) : (regMask & (1u << LR | 1u << PC)) != (1u << LR | 1u << PC)));
  const ThumbOpcodes &o = t_.t2op();
  const uint16_t narrow = uint16_t(0xff | (1u << (isPush ? LR : PC)));
  if ((regMask & ~narrow) && __builtin_popcount(regMask) == 1) {
    Reg only = Reg(__builtin_ctz(regMask));
    return isPush ? storeWriteback(false, 4, only, SP, -4, c) : loadWriteback(true, 4, false, only, SP, 4, c);
  }
  it(c);
  MCInst inst;
  if (regMask & ~narrow) {
    inst.setOpcode(isPush ? o.t2STMDB_UPD : o.t2LDMIA_UPD);
    inst.addOperand(reg(SP));
    inst.addOperand(reg(SP));
  } else {
    inst.setOpcode(isPush ? o.tPUSH : o.tPOP);
  }
  addPredicate(inst, c);
  for (unsigned r = 0; r < 16; ++r)
    if (regMask & (1u << r)) inst.addOperand(reg(static_cast<Reg>(r)));
  emit(inst);
}

void ThumbAssembler::push(uint16_t regMask) { registerList(regMask, true, Cond::AL); }
void ThumbAssembler::pop(uint16_t regMask, Cond c) { registerList(regMask, false, c); }

// b.w reaches +-16 MB (R_ARM_THM_JUMP24 to another section); the conditional b<c>.w has
// a condition field of its own (no IT) and reaches +-1 MB.
void ThumbAssembler::b(llvm::MCSymbol *target, Cond c) {
  MCInst inst;
  inst.setOpcode(c == Cond::AL ? t_.t2op().t2B : t_.t2op().t2Bcc);
  inst.addOperand(MCOperand::createExpr(llvm::MCSymbolRefExpr::create(target, ctx_)));
  addPredicate(inst, c);
  emit(inst);
}

// bl and blx take the predicate first (R_ARM_THM_CALL for bl).
void ThumbAssembler::bl(llvm::MCSymbol *target, Cond c) {
  it(c);
  MCInst inst;
  inst.setOpcode(t_.t2op().tBL);
  addPredicate(inst, c);
  inst.addOperand(MCOperand::createExpr(llvm::MCSymbolRefExpr::create(target, ctx_)));
  emit(inst);
}

void ThumbAssembler::blx(Reg target, Cond c) {
  it(c);
  MCInst inst;
  inst.setOpcode(t_.t2op().tBLXr);
  addPredicate(inst, c);
  inst.addOperand(reg(target));
  emit(inst);
}

void ThumbAssembler::bxLr(Cond c) { build(t_.t2op().tBX, {reg(LR)}, c); }

void ThumbAssembler::loadAddress(Reg d, llvm::MCSymbol *base, int64_t offset, bool viaGot) {
  assert(t_.hasMovwMovt() && "every Thumb-2 CPU has movw/movt");
  assert(!viaGot || t_.isPositionIndependent());
  // `add d, pc` reads pc as its own address + 4 (not word-aligned, unlike a literal load).
  auto addPc = [&] { build(t_.t2op().tADDhirr, {reg(d), reg(d), reg(PC)}, Cond::AL); };
  if (viaGot) {
    // ldr.w d, literal (the assembler resolves it: T32 literal loads are word-aligned);
    // add d, pc; ldr d, [d]. The literal is GOT(base) - (the add's pc), so the addend of
    // its R_ARM_GOT_PREL is the distance from the add's pc to the literal itself.
    llvm::MCSymbol *literal = newLabel(), *addAt = newLabel(), *after = newLabel();
    MCInst ldr;
    ldr.setOpcode(t_.t2op().t2LDRpci);
    ldr.addOperand(reg(d));
    ldr.addOperand(MCOperand::createExpr(llvm::MCSymbolRefExpr::create(literal, ctx_)));
    addPredicate(ldr, Cond::AL);
    emit(ldr);
    bind(addAt);
    addPc();
    load(4, false, d, d, 0);
    b(after);
    if (streaming()) {
      streamer_->emitCodeAlignment(llvm::Align(4), &t_.subtarget());
      bind(literal);
      // (literal - (addAt + 4)): the word's P minus the pc the add reads.
      const llvm::MCExpr *distance = llvm::MCBinaryExpr::createSub(
          llvm::MCBinaryExpr::createSub(llvm::MCSymbolRefExpr::create(literal, ctx_),
                                        llvm::MCSymbolRefExpr::create(addAt, ctx_), ctx_),
          llvm::MCConstantExpr::create(4, ctx_), ctx_);
      emitGotLiteral(base, distance);
    }
    bind(after);
    if (offset) addInSteps(d, d, int32_t(offset));
    return;
  }
  const bool pcRelative = t_.isPositionIndependent();
  // PC-relative: movw at P, movt at P+4, add at P+8, which reads pc = P+12.
  static const char *const absolute[2] = {"R_ARM_THM_MOVW_ABS_NC", "R_ARM_THM_MOVT_ABS"};
  static const char *const relative[2] = {"R_ARM_THM_MOVW_PREL_NC", "R_ARM_THM_MOVT_PREL"};
  int64_t rest = movwMovtPair(d, base, offset, t_.t2op().t2MOVi16, t_.t2op().t2MOVTi16, pcRelative ? relative : absolute,
                              pcRelative ? std::optional<int64_t>(12) : std::nullopt);
  if (pcRelative) addPc();
  if (rest) addInSteps(d, d, int32_t(rest));  // no scratch register
}

}  // namespace bpf2arm::arm
