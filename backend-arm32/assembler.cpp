#include "assembler.h"

#include <llvm/MC/MCExpr.h>

#include <cassert>

#include "arm_assembler.h"
#include "thumb_assembler.h"

namespace bpf2arm::arm {

Cond invert(Cond c) {
  assert(c != Cond::AL);
  return static_cast<Cond>(static_cast<unsigned>(c) ^ 1);  // ARM pairs each condition with its negation
}

unsigned shiftOperand(Shift sh, unsigned amount) {
  assert(amount <= 32 && (amount < 32 || sh == Shift::LSR || sh == Shift::ASR));
  return static_cast<unsigned>(sh) | ((amount & 31) << 3);
}

void Assembler::emit(const llvm::MCInst &inst) {
  if (recorder_) recorder_->push_back(inst);
  else streamer_->emitInstruction(inst, t_.subtarget());
}

void Assembler::addPredicate(llvm::MCInst &inst, Cond c) const {
  inst.addOperand(llvm::MCOperand::createImm(static_cast<unsigned>(c)));
  inst.addOperand(llvm::MCOperand::createReg(c == Cond::AL ? 0 : t_.cpsr()));
}

void Assembler::addFlags(llvm::MCInst &inst, Flags f) const {
  inst.addOperand(llvm::MCOperand::createReg(f == Flags::Set ? t_.cpsr() : 0));
}

void Assembler::relocateNext(const char *type, llvm::MCSymbol *base) {
  if (!streaming()) return;
  llvm::MCSymbol *here = ctx_.createTempSymbol();
  streamer_->emitLabel(here);
  streamer_->emitRelocDirective(*llvm::MCSymbolRefExpr::create(here, ctx_), type,
                                llvm::MCSymbolRefExpr::create(base, ctx_), llvm::SMLoc(), t_.subtarget());
}

int64_t Assembler::movwMovtPair(Reg d, llvm::MCSymbol *base, int64_t offset, unsigned movwOpcode, unsigned movtOpcode,
                                const char *const relocs[2], std::optional<int64_t> pcBias) {
  // The REL addend of each: MOVW_PREL's P is the movw, MOVT_PREL's the movt 4 bytes on.
  const int64_t inline16 = pcBias ? prelAddend(offset, *pcBias) : movwAddend(offset);
  const int64_t movwImm = pcBias ? inline16 - *pcBias : inline16, movtImm = pcBias ? movwImm + 4 : inline16;
  relocateNext(relocs[0], base);
  build(movwOpcode, {reg(d), llvm::MCOperand::createImm(movwImm & 0xffff)}, Cond::AL);
  relocateNext(relocs[1], base);
  build(movtOpcode, {reg(d), reg(d), llvm::MCOperand::createImm(movtImm & 0xffff)}, Cond::AL);
  return offset - inline16;
}

void Assembler::emitGotLiteral(llvm::MCSymbol *base, const llvm::MCExpr *addend) {
  if (!streaming()) return;
  const llvm::MCExpr *got = llvm::MCSymbolRefExpr::create(base, llvm::MCSymbolRefExpr::VK_ARM_GOT_PREL, ctx_);
  streamer_->emitValue(addend ? llvm::MCBinaryExpr::createAdd(got, addend, ctx_) : got, 4);
}

// The operations whose operands are alike in both instruction sets; none has an S bit.
void Assembler::mls(Reg d, Reg n, Reg m, Reg a, Cond c) { build(shared_.mls, {reg(d), reg(n), reg(m), reg(a)}, c); }

void Assembler::sdiv(Reg d, Reg n, Reg m, Cond c) {
  assert(t_.hasHardwareDivide());
  build(shared_.sdiv, {reg(d), reg(n), reg(m)}, c);
}

void Assembler::udiv(Reg d, Reg n, Reg m, Cond c) {
  assert(t_.hasHardwareDivide());
  build(shared_.udiv, {reg(d), reg(n), reg(m)}, c);
}

void Assembler::rev(Reg d, Reg m, Cond c) { build(shared_.rev, {reg(d), reg(m)}, c); }
void Assembler::rev16(Reg d, Reg m, Cond c) { build(shared_.rev16, {reg(d), reg(m)}, c); }
void Assembler::clz(Reg d, Reg m, Cond c) { build(shared_.clz, {reg(d), reg(m)}, c); }
void Assembler::rbit(Reg d, Reg m, Cond c) { build(shared_.rbit, {reg(d), reg(m)}, c); }
// The extends take a rotation of the source: ROR #0.
void Assembler::sxtb(Reg d, Reg m, Cond c) { build(shared_.sxtb, {reg(d), reg(m), llvm::MCOperand::createImm(0)}, c); }
void Assembler::sxth(Reg d, Reg m, Cond c) { build(shared_.sxth, {reg(d), reg(m), llvm::MCOperand::createImm(0)}, c); }
void Assembler::uxtb(Reg d, Reg m, Cond c) { build(shared_.uxtb, {reg(d), reg(m), llvm::MCOperand::createImm(0)}, c); }
void Assembler::uxth(Reg d, Reg m, Cond c) { build(shared_.uxth, {reg(d), reg(m), llvm::MCOperand::createImm(0)}, c); }

// The extracts take the field as lsb and width - 1.
void Assembler::ubfx(Reg d, Reg n, unsigned lsb, unsigned width, Cond c) {
  assert(width >= 1 && lsb + width <= 32);
  build(shared_.ubfx, {reg(d), reg(n), llvm::MCOperand::createImm(lsb), llvm::MCOperand::createImm(width - 1)}, c);
}

void Assembler::sbfx(Reg d, Reg n, unsigned lsb, unsigned width, Cond c) {
  assert(width >= 1 && lsb + width <= 32);
  build(shared_.sbfx, {reg(d), reg(n), llvm::MCOperand::createImm(lsb), llvm::MCOperand::createImm(width - 1)}, c);
}

// d is also an input; the field is given as the mask of the bits that stay.
void Assembler::bfi(Reg d, Reg n, unsigned lsb, unsigned width, Cond c) {
  assert(width >= 1 && lsb + width <= 32);
  uint32_t field = (width == 32 ? ~0u : ((1u << width) - 1)) << lsb;
  build(shared_.bfi, {reg(d), reg(d), reg(n), llvm::MCOperand::createImm(~field)}, c);
}

void Assembler::emitPredicated(unsigned opcode, std::initializer_list<llvm::MCOperand> operands, Cond c,
                               std::optional<Flags> f) {
  llvm::MCInst inst;
  inst.setOpcode(opcode);
  for (const llvm::MCOperand &operand : operands) inst.addOperand(operand);
  addPredicate(inst, c);
  if (f) addFlags(inst, *f);
  emit(inst);
}

void Assembler::bind(llvm::MCSymbol *label) {
  if (streaming()) streamer_->emitLabel(label);
}

void Assembler::comment(const std::string &text) {
  if (streaming()) streamer_->emitRawComment(text);
}

bool EncodingLimits::immediate(uint32_t value) const {
  return thumb_ ? isThumbModifiedImmediate(value) : encodeModifiedImmediate(value).has_value();
}

bool EncodingLimits::offset(unsigned bytes, bool signExtend, int32_t offset) const {
  return thumb_ ? ThumbAssembler::fitsOffset(bytes, signExtend, offset) : ArmAssembler::fitsOffset(bytes, signExtend, offset);
}

bool EncodingLimits::writebackOffset(unsigned bytes, bool signExtend, int32_t step) const {
  return thumb_ ? ThumbAssembler::fitsWritebackOffset(step) : ArmAssembler::fitsOffset(bytes, signExtend, step);
}

bool EncodingLimits::indexShift(unsigned bytes, bool signExtend, unsigned shift) const {
  return thumb_ ? ThumbAssembler::fitsIndexShift(bytes, signExtend, shift)
                : ArmAssembler::fitsIndexShift(bytes, signExtend, shift);
}

std::unique_ptr<Assembler> makeAssembler(const ArmTarget &target, llvm::MCContext &ctx, llvm::MCStreamer *streamer) {
  if (target.isThumb()) return std::make_unique<ThumbAssembler>(target, ctx, streamer);
  return std::make_unique<ArmAssembler>(target, ctx, streamer);
}

}  // namespace bpf2arm::arm
