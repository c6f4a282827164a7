// Instruction selection: one BPF function of the program model becomes a mir::Function
// of ARM operations on virtual registers. Each BPF register half is one virtual
// register for the whole function (the allocator splits it into webs); R10 is no
// register: reading it yields a frame address, and R10-relative accesses become frame
// accesses. MIR block k+1 is BPF block k; block 0 is the entry, which takes the
// arguments from where the body convention (body_convention.h) puts them.
//
// Selection adds no blocks: what one BPF instruction needs (64-bit compares, shifts by
// a register, division by zero) is straight-line code with conditional execution, or a
// pseudo-instruction (mir.h) that the emitter expands.
//
// The families live in select_alu.cpp (ALU, ALU64, ld_imm64), select_jump.cpp (jumps,
// exit), select_memory.cpp (loads, stores), select_call.cpp (calls, tail calls, C
// entries) and select_atomic.cpp (atomics).
#pragma once

#include <llvm/MC/MCContext.h>

#include <array>
#include <optional>

#include "abi/aapcs.h"
#include "body_convention.h"
#include "compiler/def_use.h"
#include "compiler/promote_stack.h"
#include "compiler/program.h"
#include "diagnostics.h"
#include "mir.h"
#include "object_symbols.h"

namespace bpf2arm::arm {

// 64-bit atomics on CPUs without ldrexd/strexd call these runtime functions
// (runtime-stub/atomic64.c); whether `insn` is one of them on `target`.
const std::vector<const char *> &atomic64RuntimeFunctions();
bool callsAtomic64Runtime(const ArmTarget &target, const bpf::Insn &insn);

class Selector {
 public:
  // Touches no MCContext: functions are selected on several threads (emit_object.cpp).
  Selector(const Program &program, const Function &fn, const ArmTarget &target, ObjectSymbols &symbols);

  // The body, under its internal entry symbol (the body convention).
  Expected<mir::Function> selectBody();
  // The AAPCS entry that C code calls (fn.hasCEntry()): converts the prototype's
  // arguments into the body convention, calls the body, converts the result. Nothing
  // when the body itself serves as the C entry (the prototype puts every argument half
  // the body reads where the body convention does, and needs no conversion).
  Expected<std::optional<mir::Function>> selectCEntry();

 private:
  using VReg = mir::VReg;
  using Opcode = mir::Opcode;

  Status selectInstruction(const Instruction &ins, const BasicBlock &block);
  Status fail(const Instruction &ins, std::string message) const;

  // ---- BPF registers --------------------------------------------------------------
  // The virtual registers of a BPF register's halves (R0-R9).
  VReg lo(unsigned bpfReg) const { return regLo_[bpfReg]; }
  VReg hi(unsigned bpfReg) const { return regHi_[bpfReg]; }
  // The register holding the lo half to read: lo(r), or for R10 a new register with
  // the frame address.
  VReg readLo(unsigned bpfReg);
  // The hi half to read: hi(r), or a register holding 0 when track_upper_zero knows the
  // hi half is zero before the current instruction (and for R10).
  VReg readHi(unsigned bpfReg);
  bool hiKnownZero(unsigned bpfReg) const;  // before the current instruction
  bool hiKnownZeroAfter(unsigned bpfReg) const;  // after it (track_upper_zero's ranges)
  bool hiIsSignOfLo(unsigned bpfReg) const;  // the same, for the sign (select_alu64.cpp)
  bool hiDeadAfter(unsigned bpfReg) const;  // track_upper_live: nothing reads it later
  // Hi-half writes that leave out a hi half that is dead after the instruction, or
  // (for zero) one that already is zero.
  void writeHiZero(unsigned bpfReg);
  void writeHiSign(unsigned bpfReg, VReg lo);  // hi = lo >> 31 (arithmetic)

  // ---- building instructions -----------------------------------------------------
  mir::Inst &emit(mir::Inst inst);  // appends to the current block, tagged with the insn
  mir::Inst &emit(Opcode op, VReg dst, VReg a, VReg b, Cond cond = Cond::AL, bool setFlags = false);
  VReg temp() { return out_.newReg(); }
  void move(VReg dst, VReg src, Cond cond = Cond::AL);
  void moveConstant(VReg dst, uint32_t value, Cond cond = Cond::AL);
  VReg constant(uint32_t value);  // a new register holding value
  // dst = our caller's stack argument word at sp at entry + offset (FrameObject::IncomingArgs).
  void loadIncomingWord(VReg dst, unsigned offset);
  // dst = a OP value for a data-processing op: the immediate form when it encodes, else
  // the complementary op with the transformed immediate (add/sub, and/bic, adc/sbc,
  // cmp/cmn), else through a constant register.
  mir::Inst &opConstant(Opcode op, VReg dst, VReg a, uint32_t value, Cond cond = Cond::AL, bool setFlags = false);
  void compareConstant(VReg a, uint32_t value, Cond cond = Cond::AL);  // Cmp/Cmn or a register

  // ---- families (select_*.cpp) ----------------------------------------------------
  void selectEntry();
  Status selectAlu32(const Instruction &ins);
  Status selectAlu64(const Instruction &ins);
  Status selectLdImm64(const Instruction &ins);
  Status selectLoad(const Instruction &ins);
  Status selectStore(const Instruction &ins);
  Status selectAtomic(const Instruction &ins);
  Status selectAtomic64Call(const Instruction &ins);  // no ldrexd: runtime-stub/atomic64.c
  Status selectJump(const Instruction &ins, const BasicBlock &block);
  Status selectCall(const Instruction &ins);
  void selectExit();

  // ---- ALU, ALU64, ld_imm64, jumps (select_alu.cpp, select_alu64.cpp, select_jump.cpp)
  const BasicBlock &currentBlock() const { return fn_.blocks[block_ - 1]; }
  // The BPF instruction after the current one in the same block, or nullptr.
  const bpf::Insn *nextInBlock() const;
  const bpf::Insn *previousInBlock() const;
  // dst = a OP (b SHIFT amount); Mov when a is kNoReg.
  mir::Inst &emitShifted(Opcode op, VReg dst, VReg a, VReg b, Shift shift, unsigned amount, Cond cond = Cond::AL,
                         bool setFlags = false);
  // dst = a OP (b SHIFT c), the amount in a register (ARM reads its bottom byte).
  mir::Inst &emitShiftedByRegister(Opcode op, VReg dst, VReg a, VReg b, Shift shift, VReg c, Cond cond = Cond::AL,
                                   bool setFlags = false);
  void emitMultiply(Opcode op, VReg dst, VReg a, VReg b, VReg c);     // Mla, Mls
  void emitLongMultiply(Opcode op, VReg lo, VReg hi, VReg a, VReg b);  // Umull, Smull
  void frameAddress(VReg dst, int32_t offset);  // dst = R10 + offset
  VReg sourceLo(const bpf::Insn &insn);  // the lo half of src, or the immediate in a register
  void selectLoHalf(const bpf::Insn &insn);
  bool selectRotateIdiom(const bpf::Insn &insn);  // true: the instruction is done
  // clang's idioms that take two BPF instructions: the zero extension `r <<= 32;
  // r >>= 32`, and a stack address `r = r10; r += -N`.
  static bool isZeroExtensionPair(const bpf::Insn &first, const bpf::Insn &second);
  static bool isStackAddressPair(const bpf::Insn &first, const bpf::Insn &second);
  void selectMulConstant(VReg dst, VReg a, uint32_t value);
  void selectShift32(const bpf::Insn &insn);
  void selectDivMod32(const bpf::Insn &insn, bool isSigned);
  // n = n / c or n % c in place; false where the divide instruction does better.
  bool selectUnsignedDivModByConstant32(VReg n, uint32_t c, bool isMod);
  void selectByteSwap(const bpf::Insn &insn);
  void selectShift64(const bpf::Insn &insn);
  void selectMul64(const bpf::Insn &insn);
  void selectDivMod64(const bpf::Insn &insn);
  void selectUnsignedDivModBySmallConstant(const bpf::Insn &insn);
  // A division routine (routines/div64.S): the operands into r0-r3 (kNoReg: none), the
  // call, the result halves (kNoReg: not wanted) from r0 and r1.
  void callDivisionRoutine(Routine r, const std::array<VReg, 4> &operands, VReg resultLo, VReg resultHi);
  void branchTo(int bpfBlock, Cond cond);

  // ---- calls (select_call.cpp) ------------------------------------------------------
  // One 32-bit word passed to a callee: in a core register, or in the outgoing stack
  // area at sp + stackOffset.
  struct ArgumentWord {
    VReg value;
    bool inRegister;
    unsigned reg;
    unsigned stackOffset;
  };
  // Stores the stack words, then moves the register words into r0-r3 right before the
  // call, so that the fixed registers are live only briefly; returns the registers used.
  uint16_t passArguments(const std::vector<ArgumentWord> &words);
  // Where word `offset` (0: lo, 4: hi) of an AAPCS argument goes.
  static ArgumentWord wordAt(const abi::ArgLocation &loc, VReg value, unsigned offset);
  // Whether C's arguments and result already are where and what the body wants.
  static bool bodyServesAsCEntry(const abi::Prototype &proto, const abi::CallLayout &layout,
                                 const BodyConvention &body);
  // bl callee (or blx target when callee is null), clobbering what AAPCS lets a call clobber.
  mir::Inst &emitCall(llvm::MCSymbol *callee, VReg target, uint16_t argumentRegisters, Cond cond = Cond::AL);
  // value widened in its register as abi::widenFor says (a new register), or value itself.
  VReg widened(VReg value, abi::Widen how);
  void selectLocalCall(const CallTarget &call);
  Status selectExternCall(const Instruction &ins, const CallTarget &call);
  void selectTailCall();

  // ---- memory: loads, stores, atomics (select_memory.cpp, select_atomic.cpp) ----------
  // Before selection: which BPF stack slots become virtual registers (promote_stack.h),
  // their registers, and the BPF stack bytes that stay in memory (out_.bpfStackBytes).
  void promoteStackSlots();
  // The registers of the promoted slot [R10 + offset] of `bytes` (lo, and hi for 8
  // bytes), or nullptr when that access goes to memory.
  const std::array<VReg, 2> *promotedSlot(unsigned baseReg, int32_t offset, unsigned bytes) const;
  // An address that a `bytes`-wide access (both words of an 8-byte one) reaches: the BPF
  // stack frame at R10 + offset, or a register + offset.
  struct MemoryOperand {
    VReg base = mir::kNoReg;  // kNoReg: a BPF stack frame access
    int32_t offset = 0;
  };
  MemoryOperand memoryOperand(unsigned baseReg, int32_t offset, unsigned bytes, bool signExtend);
  VReg addressOf(unsigned baseReg, int32_t offset);  // a register holding base + offset
  void loadWord(VReg dst, const MemoryOperand &at, int32_t extra, unsigned bytes, bool signExtend);
  void storeWord(VReg value, const MemoryOperand &at, int32_t extra, unsigned bytes);
  StackPromotion promotion_;
  std::vector<std::array<VReg, 2>> slotRegs_;  // by promotion_.slots index

  uint32_t mirBlock(int bpfBlock) const { return uint32_t(bpfBlock + 1); }
  llvm::MCSymbol *routine(Routine r);

  const Program &program_;
  const Function &fn_;
  const ArmTarget &target_;
  ObjectSymbols &symbols_;
  mir::Function out_;
  uint32_t block_ = 0;      // the MIR block being filled
  static constexpr size_t kNoInsn = ~size_t(0);
  size_t current_ = kNoInsn;  // index of the BPF instruction being selected
  std::array<VReg, 10> regLo_{}, regHi_{};
};

}  // namespace bpf2arm::arm
