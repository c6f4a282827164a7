// The assembler seam: the operations the MIR emitter (emit_mir.cpp, emit_atomic.cpp)
// asks for (add with a shifted register, a conditional load, a bit field extract), not
// encodings. Two instruction sets implement them over LLVM's MC layer: A32
// (arm_assembler.h, ARM state) and T32 (thumb_assembler.h, Thumb-2); `makeAssembler`
// picks the one the target asks for. At most one virtual call per instruction; each
// implementation builds its MCInsts with the operand orders LLVM 19's ARM backend
// expects and hands them to the streamer (or to a recorder, for the golden encoding
// tests). Forms an instruction set cannot encode are expanded where that needs no scratch
// register, else rejected by an assert naming what the caller must avoid.
#pragma once

#include <llvm/MC/MCContext.h>
#include <llvm/MC/MCInst.h>
#include <llvm/MC/MCStreamer.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
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

// LLVM's so_reg / t2_so_reg immediate operand: shift kind in bits 0-2, amount above. An
// amount of 32 for LSR/ASR is encoded as 0, which the instruction reads as 32.
unsigned shiftOperand(Shift sh, unsigned amount);

// The opcodes of the operations whose operands are alike in A32 and T32 (no S bit):
// the base class builds them through each instruction set's `build`.
struct SharedOpcodes {
  unsigned sdiv, udiv, mls, rev, rev16, sxtb, sxth, uxtb, uxth, clz, rbit, ubfx, sbfx, bfi;
};

class Assembler {
 public:
  Assembler(const ArmTarget &target, llvm::MCContext &ctx, llvm::MCStreamer *streamer, const SharedOpcodes &shared)
      : t_(target), ctx_(ctx), streamer_(streamer), shared_(shared) {}
  virtual ~Assembler() = default;
  Assembler(const Assembler &) = delete;
  Assembler &operator=(const Assembler &) = delete;

  // When set, instructions go to this vector instead of the streamer.
  void recordInto(std::vector<llvm::MCInst> *recorder) { recorder_ = recorder; }

  // Data processing: d = n OP m / imm / (m SHIFT amount) / (m SHIFT s).
  virtual void op(DataOp op, Reg d, Reg n, Reg m, Flags f = Flags::Keep, Cond c = Cond::AL) = 0;
  // Whether `imm` is an immediate operand of data processing, moves and compares.
  virtual bool canEncodeImmediate(uint32_t imm) const = 0;
  virtual void opImm(DataOp op, Reg d, Reg n, uint32_t imm, Flags f = Flags::Keep, Cond c = Cond::AL) = 0;
  virtual void opShiftImm(DataOp op, Reg d, Reg n, Reg m, Shift sh, unsigned amount, Flags f = Flags::Keep,
                          Cond c = Cond::AL) = 0;
  virtual void opShiftReg(DataOp op, Reg d, Reg n, Reg m, Shift sh, Reg s, Flags f = Flags::Keep,
                          Cond c = Cond::AL) = 0;
  // d = n + imm for any imm without a scratch register: as many adds (or subs) of
  // encodable immediates as it takes. Flags are kept.
  virtual void addInSteps(Reg d, Reg n, int32_t imm, Cond c = Cond::AL) = 0;

  // Moves: d = op2, or its complement (mvn). Shift amounts as in opShiftImm.
  virtual void mov(Reg d, Reg m, Cond c = Cond::AL, Flags f = Flags::Keep) = 0;
  virtual void movImm(Reg d, uint32_t encodableImm, Cond c = Cond::AL, Flags f = Flags::Keep) = 0;
  virtual void mvnImm(Reg d, uint32_t encodableImm, Cond c = Cond::AL, Flags f = Flags::Keep) = 0;
  virtual void mvn(Reg d, Reg m, Cond c = Cond::AL, Flags f = Flags::Keep) = 0;
  virtual void movShiftImm(Reg d, Reg m, Shift sh, unsigned amount, Cond c = Cond::AL, Flags f = Flags::Keep) = 0;
  virtual void movShiftReg(Reg d, Reg m, Shift sh, Reg s, Cond c = Cond::AL, Flags f = Flags::Keep) = 0;
  virtual void mvnShiftImm(Reg d, Reg m, Shift sh, unsigned amount, Cond c = Cond::AL, Flags f = Flags::Keep) = 0;
  virtual void mvnShiftReg(Reg d, Reg m, Shift sh, Reg s, Cond c = Cond::AL, Flags f = Flags::Keep) = 0;
  // Any 32-bit constant, in the fewest instructions this CPU allows. Flags are kept.
  virtual void loadConstant(Reg d, uint32_t value, Cond c = Cond::AL) = 0;

  // d = the address of `base` + offset, relocated as the target's RelocationModel says:
  // absolute (MOVW/MOVT_ABS relocations, or an ABS32 literal word where there is no
  // MOVW), or PC-relative (MOVW/MOVT_PREL and an add of pc, or a REL32 literal). With
  // `viaGot` (position-independent code only), d = the GOT entry of `base` (a GOT_PREL
  // literal) + offset. The offset travels in the instruction (REL). Only d is written.
  virtual void loadAddress(Reg d, llvm::MCSymbol *base, int64_t offset, bool viaGot = false) = 0;

  // Flag-setting comparisons in the four operand forms.
  virtual void compare(CompareOp op, Reg n, Reg m, Cond c = Cond::AL) = 0;
  virtual void compareImm(CompareOp op, Reg n, uint32_t encodableImm, Cond c = Cond::AL) = 0;
  virtual void compareShiftImm(CompareOp op, Reg n, Reg m, Shift sh, unsigned amount, Cond c = Cond::AL) = 0;
  virtual void compareShiftReg(CompareOp op, Reg n, Reg m, Shift sh, Reg s, Cond c = Cond::AL) = 0;
  void cmp(Reg n, Reg m, Cond c = Cond::AL) { compare(CompareOp::CMP, n, m, c); }

  virtual void mul(Reg d, Reg n, Reg m, Cond c = Cond::AL) = 0;
  virtual void mla(Reg d, Reg n, Reg m, Reg a, Cond c = Cond::AL) = 0;  // d = n * m + a
  void mls(Reg d, Reg n, Reg m, Reg a, Cond c = Cond::AL);  // d = a - n * m
  virtual void umull(Reg lo, Reg hi, Reg n, Reg m, Cond c = Cond::AL) = 0;
  virtual void smull(Reg lo, Reg hi, Reg n, Reg m, Cond c = Cond::AL) = 0;
  virtual void umlal(Reg lo, Reg hi, Reg n, Reg m, Cond c = Cond::AL) = 0;  // hi:lo += n * m
  virtual void smlal(Reg lo, Reg hi, Reg n, Reg m, Cond c = Cond::AL) = 0;  // hi:lo += n * m, signed
  void sdiv(Reg d, Reg n, Reg m, Cond c = Cond::AL);
  void udiv(Reg d, Reg n, Reg m, Cond c = Cond::AL);

  // Loads and stores of 1, 2, 4 bytes at [base + offset]; `offset` must fit the form
  // (see `offsetFits`).
  virtual void load(unsigned bytes, bool signExtend, Reg t, Reg base, int32_t offset, Cond c = Cond::AL) = 0;
  virtual void store(unsigned bytes, Reg t, Reg base, int32_t offset, Cond c = Cond::AL) = 0;
  virtual bool offsetFits(unsigned bytes, bool signExtend, int32_t offset) const = 0;
  // The same at [base + (index << shift)] (see `indexShiftFits`).
  virtual void loadIndexed(unsigned bytes, bool signExtend, Reg t, Reg base, Reg index, unsigned shift,
                           Cond c = Cond::AL) = 0;
  virtual void storeIndexed(unsigned bytes, Reg t, Reg base, Reg index, unsigned shift, Cond c = Cond::AL) = 0;
  virtual bool indexShiftFits(unsigned bytes, bool signExtend, unsigned shift) const = 0;
  // With writeback of base += offset: pre-indexed ([base, #offset]!) accesses the new
  // address, post-indexed ([base], #offset) the old one. t must not be base.
  virtual void loadWriteback(bool post, unsigned bytes, bool signExtend, Reg t, Reg base, int32_t offset,
                             Cond c = Cond::AL) = 0;
  virtual void storeWriteback(bool post, unsigned bytes, Reg t, Reg base, int32_t offset, Cond c = Cond::AL) = 0;

  virtual void ldrex(Reg t, Reg base) = 0;
  virtual void strex(Reg status, Reg t, Reg base) = 0;
  virtual void ldrexd(Reg evenT, Reg base) = 0;
  virtual void strexd(Reg status, Reg evenT, Reg base) = 0;
  virtual void clrex() = 0;
  virtual void dmbIsh() = 0;

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

  virtual void push(uint16_t regMask) = 0;
  virtual void pop(uint16_t regMask, Cond c = Cond::AL) = 0;

  virtual void b(llvm::MCSymbol *target, Cond c = Cond::AL) = 0;
  virtual void bl(llvm::MCSymbol *target, Cond c = Cond::AL) = 0;
  virtual void blx(Reg target, Cond c = Cond::AL) = 0;
  virtual void bxLr(Cond c = Cond::AL) = 0;

  llvm::MCSymbol *newLabel() { return ctx_.createTempSymbol(); }
  void bind(llvm::MCSymbol *label);
  void comment(const std::string &text);

  const ArmTarget &target() const { return t_; }

 protected:
  // Emits one instruction: the opcode, its operands in LLVM's order, the predicate, and
  // the S-bit operand when `f` is given (the forms that have one); T32 puts an IT first
  // when conditional.
  virtual void build(unsigned opcode, std::initializer_list<llvm::MCOperand> operands, Cond c,
                     std::optional<Flags> f = std::nullopt) = 0;
  void emit(const llvm::MCInst &inst);
  // The instruction `build` describes, without anything before it.
  void emitPredicated(unsigned opcode, std::initializer_list<llvm::MCOperand> operands, Cond c,
                      std::optional<Flags> f);
  llvm::MCOperand reg(Reg r) const { return llvm::MCOperand::createReg(t_.gpr(r)); }
  // The predicate (condition, and CPSR when conditional) and the S-bit operand.
  void addPredicate(llvm::MCInst &inst, Cond c) const;
  void addFlags(llvm::MCInst &inst, Flags f) const;
  // A relocation of `type` against `base` at the next instruction (.reloc: LLVM does not
  // export the expressions that make MOVW/MOVT fixups).
  void relocateNext(const char *type, llvm::MCSymbol *base);
  // MOVW/MOVT REL addends are signed 16-bit immediates: the part of `offset` that travels
  // in them (the rest is added after).
  static int64_t movwAddend(int64_t offset) { return offset >= -32768 && offset < 32768 ? offset : 0; }
  // The same for a MOVW/MOVT_PREL pair whose immediates are offset - movwBias and
  // offset - movwBias + 4 (the pc the add reads lies movwBias bytes past the movw).
  static int64_t prelAddend(int64_t offset, int64_t movwBias) {
    return offset - movwBias >= -32768 && offset - movwBias + 4 < 32768 ? offset : 0;
  }
  // movw/movt d = base + offset with the relocations `relocs` names (MOVW first), or with
  // pcBias (position-independent code) base + offset - (P + pcBias), P the movw's address:
  // the pc that an add of pc after the pair reads. Returns the part of offset that did not
  // fit the 16-bit REL addends, for the caller to add after.
  int64_t movwMovtPair(Reg d, llvm::MCSymbol *base, int64_t offset, unsigned movwOpcode, unsigned movtOpcode,
                       const char *const relocs[2], std::optional<int64_t> pcBias);
  // The literal word of a GOT load: GOT(base) - P, where P, the word's own address, is
  // what pc reads at the load that adds it (R_ARM_GOT_PREL, addend 0), or the same with
  // a constant addend.
  void emitGotLiteral(llvm::MCSymbol *base, const llvm::MCExpr *addend = nullptr);
  // Whether instructions reach a streamer (not a recorder): labels, relocations, data.
  bool streaming() const { return streamer_ && !recorder_; }

  const ArmTarget &t_;
  llvm::MCContext &ctx_;
  llvm::MCStreamer *streamer_;
  std::vector<llvm::MCInst> *recorder_ = nullptr;
  const SharedOpcodes shared_;
};

// The assembler of the instruction set the target's CPU row selects.
std::unique_ptr<Assembler> makeAssembler(const ArmTarget &target, llvm::MCContext &ctx, llvm::MCStreamer *streamer);

}  // namespace bpf2arm::arm
