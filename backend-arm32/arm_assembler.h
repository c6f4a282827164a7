// A small assembler over LLVM's MC layer: each method builds one ARM-state MCInst with
// the operand order LLVM 19's ARM backend expects and hands it to the streamer (or to a
// recorder, for the golden encoding tests). Immediates that an instruction cannot encode
// are rejected by assert: callers pick encodable forms or go through `loadConstant`.
//
// The methods are operations (add with a shifted register, a conditional load, a bit
// field extract), not encodings: the MIR emitter (emit_mir.cpp) speaks only to them, so
// that a Thumb-2 assembler with the same methods can take its place.
#pragma once

#include <llvm/MC/MCContext.h>
#include <llvm/MC/MCInst.h>
#include <llvm/MC/MCStreamer.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "arm_target.h"

namespace bpf2arm::arm {

enum Reg : unsigned { R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11, R12, SP, LR, PC };

// Condition codes in their ARM encoding.
enum class Cond : unsigned { EQ, NE, HS, LO, MI, PL, VS, VC, HI, LS, GE, LT, GT, LE, AL };
Cond invert(Cond c);

// Shift kinds in LLVM's ARM_AM::ShiftOpc numbering.
enum class Shift : unsigned { ASR = 1, LSL = 2, LSR = 3, ROR = 4 };

enum class DataOp { ADD, ADC, SUB, SBC, RSB, RSC, AND, ORR, EOR, BIC };

enum class Flags { Keep, Set };

// Operations that only set the flags: n - op2, n + op2, n & op2, n ^ op2.
enum class CompareOp { CMP, CMN, TST, TEQ };

// The 12-bit "modified immediate" encoding (an 8-bit value rotated right by an even
// amount), or nothing when `value` has no such form.
std::optional<unsigned> encodeModifiedImmediate(uint32_t value);

class ArmAssembler {
 public:
  ArmAssembler(const ArmTarget &target, llvm::MCContext &ctx, llvm::MCStreamer *streamer)
      : t_(target), ctx_(ctx), streamer_(streamer) {}

  // When set, instructions go to this vector instead of the streamer.
  void recordInto(std::vector<llvm::MCInst> *recorder) { recorder_ = recorder; }

  // Data processing: d = n OP m / imm / (m SHIFT amount) / (m SHIFT s).
  void op(DataOp op, Reg d, Reg n, Reg m, Flags f = Flags::Keep, Cond c = Cond::AL);
  bool canEncodeImmediate(uint32_t imm) const { return encodeModifiedImmediate(imm).has_value(); }
  void opImm(DataOp op, Reg d, Reg n, uint32_t imm, Flags f = Flags::Keep, Cond c = Cond::AL);
  void opShiftImm(DataOp op, Reg d, Reg n, Reg m, Shift sh, unsigned amount, Flags f = Flags::Keep,
                  Cond c = Cond::AL);
  void opShiftReg(DataOp op, Reg d, Reg n, Reg m, Shift sh, Reg s, Flags f = Flags::Keep, Cond c = Cond::AL);
  // d = n + imm for any imm without a scratch register: as many adds (or subs) of
  // encodable immediates as it takes (four at most). Flags are kept.
  void addInSteps(Reg d, Reg n, int32_t imm, Cond c = Cond::AL);

  // Moves: d = op2, or its complement (mvn). Shift amounts as in opShiftImm.
  void mov(Reg d, Reg m, Cond c = Cond::AL, Flags f = Flags::Keep);
  void movImm(Reg d, uint32_t encodableImm, Cond c = Cond::AL, Flags f = Flags::Keep);
  void mvnImm(Reg d, uint32_t encodableImm, Cond c = Cond::AL, Flags f = Flags::Keep);
  void mvn(Reg d, Reg m, Cond c = Cond::AL, Flags f = Flags::Keep);
  void movShiftImm(Reg d, Reg m, Shift sh, unsigned amount, Cond c = Cond::AL, Flags f = Flags::Keep);
  void movShiftReg(Reg d, Reg m, Shift sh, Reg s, Cond c = Cond::AL, Flags f = Flags::Keep);
  void mvnShiftImm(Reg d, Reg m, Shift sh, unsigned amount, Cond c = Cond::AL, Flags f = Flags::Keep);
  void mvnShiftReg(Reg d, Reg m, Shift sh, Reg s, Cond c = Cond::AL, Flags f = Flags::Keep);
  // Any 32-bit constant, in the fewest instructions this CPU allows.
  void loadConstant(Reg d, uint32_t value, Cond c = Cond::AL);

  // d = the address of `base` + offset, relocated (R_ARM_MOVW_ABS_NC/MOVT_ABS, or a
  // literal word where there is no MOVW). The offset travels in the instruction (REL).
  void loadAddress(Reg d, llvm::MCSymbol *base, int64_t offset);

  // Flag-setting comparisons in the four operand forms.
  void compare(CompareOp op, Reg n, Reg m, Cond c = Cond::AL);
  void compareImm(CompareOp op, Reg n, uint32_t encodableImm, Cond c = Cond::AL);
  void compareShiftImm(CompareOp op, Reg n, Reg m, Shift sh, unsigned amount, Cond c = Cond::AL);
  void compareShiftReg(CompareOp op, Reg n, Reg m, Shift sh, Reg s, Cond c = Cond::AL);

  void cmp(Reg n, Reg m, Cond c = Cond::AL);

  void mul(Reg d, Reg n, Reg m, Cond c = Cond::AL);
  void mla(Reg d, Reg n, Reg m, Reg a, Cond c = Cond::AL);  // d = n * m + a
  void mls(Reg d, Reg n, Reg m, Reg a, Cond c = Cond::AL);  // d = a - n * m
  void umull(Reg lo, Reg hi, Reg n, Reg m, Cond c = Cond::AL);
  void smull(Reg lo, Reg hi, Reg n, Reg m, Cond c = Cond::AL);
  void umlal(Reg lo, Reg hi, Reg n, Reg m, Cond c = Cond::AL);  // hi:lo += n * m
  void smlal(Reg lo, Reg hi, Reg n, Reg m, Cond c = Cond::AL);  // hi:lo += n * m, signed
  void sdiv(Reg d, Reg n, Reg m, Cond c = Cond::AL);
  void udiv(Reg d, Reg n, Reg m, Cond c = Cond::AL);

  // Loads and stores of 1, 2, 4 bytes at [base + offset]; `offset` must fit the form
  // (see `fitsOffset`).
  void load(unsigned bytes, bool signExtend, Reg t, Reg base, int32_t offset, Cond c = Cond::AL);
  void store(unsigned bytes, Reg t, Reg base, int32_t offset, Cond c = Cond::AL);
  static bool fitsOffset(unsigned bytes, bool signExtend, int32_t offset);
  // The same at [base + (index << shift)]; halfword and sign-extending forms take no
  // shift (see `fitsIndexShift`).
  void loadIndexed(unsigned bytes, bool signExtend, Reg t, Reg base, Reg index, unsigned shift,
                   Cond c = Cond::AL);
  void storeIndexed(unsigned bytes, Reg t, Reg base, Reg index, unsigned shift, Cond c = Cond::AL);
  static bool fitsIndexShift(unsigned bytes, bool signExtend, unsigned shift);
  // With writeback of base += offset: pre-indexed ([base, #offset]!) accesses the new
  // address, post-indexed ([base], #offset) the old one. `offset` as for `fitsOffset`;
  // t must not be base.
  void loadWriteback(bool post, unsigned bytes, bool signExtend, Reg t, Reg base, int32_t offset,
                     Cond c = Cond::AL);
  void storeWriteback(bool post, unsigned bytes, Reg t, Reg base, int32_t offset, Cond c = Cond::AL);

  void ldrex(Reg t, Reg base);
  void strex(Reg status, Reg t, Reg base);
  void ldrexd(Reg evenT, Reg base);
  void strexd(Reg status, Reg evenT, Reg base);
  void clrex();
  void dmbIsh();

  void rev(Reg d, Reg m, Cond c = Cond::AL);
  void rev16(Reg d, Reg m, Cond c = Cond::AL);
  void sxtb(Reg d, Reg m, Cond c = Cond::AL);
  void sxth(Reg d, Reg m, Cond c = Cond::AL);
  void uxtb(Reg d, Reg m, Cond c = Cond::AL);
  void uxth(Reg d, Reg m, Cond c = Cond::AL);
  void clz(Reg d, Reg m, Cond c = Cond::AL);
  void rbit(Reg d, Reg m, Cond c = Cond::AL);  // ARMv6T2 and later
  // Bit fields [lsb, lsb + width): d = n's field zero/sign extended; bfi: d's field = n's low bits.
  void ubfx(Reg d, Reg n, unsigned lsb, unsigned width, Cond c = Cond::AL);
  void sbfx(Reg d, Reg n, unsigned lsb, unsigned width, Cond c = Cond::AL);
  void bfi(Reg d, Reg n, unsigned lsb, unsigned width, Cond c = Cond::AL);

  void push(uint16_t regMask);
  void pop(uint16_t regMask, Cond c = Cond::AL);

  void b(llvm::MCSymbol *target, Cond c = Cond::AL);
  void bl(llvm::MCSymbol *target, Cond c = Cond::AL);
  void blx(Reg target, Cond c = Cond::AL);
  void bxLr(Cond c = Cond::AL);

  llvm::MCSymbol *newLabel() { return ctx_.createTempSymbol(); }
  void bind(llvm::MCSymbol *label);
  void comment(const std::string &text);

  const ArmTarget &target() const { return t_; }

 private:
  void emit(const llvm::MCInst &inst);
  llvm::MCOperand reg(Reg r) const { return llvm::MCOperand::createReg(t_.gpr(r)); }
  void addPredicate(llvm::MCInst &inst, Cond c) const;
  void addFlags(llvm::MCInst &inst, Flags f) const;
  unsigned dataOpcode(DataOp op, char form) const;
  unsigned compareOpcode(CompareOp op, char form) const;
  // Emits one instruction: the opcode, its operands in LLVM's order, the predicate, and
  // the S-bit operand when `f` is given (the forms that have one).
  void build(unsigned opcode, std::initializer_list<llvm::MCOperand> operands, Cond c,
             std::optional<Flags> f = std::nullopt);
  void longMultiply(unsigned opcode, Reg lo, Reg hi, Reg n, Reg m, bool accumulate, Cond c);

  const ArmTarget &t_;
  llvm::MCContext &ctx_;
  llvm::MCStreamer *streamer_;
  std::vector<llvm::MCInst> *recorder_ = nullptr;
};

}  // namespace bpf2arm::arm
