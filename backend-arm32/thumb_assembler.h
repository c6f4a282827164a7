// The T32 (Thumb-2) implementation of the assembler seam (assembler.h), for the CPUs
// that have no ARM state (Cortex-M) and for `-mthumb`. Each operation is a Thumb-2 MCInst
// (LLVM's t2* opcodes, and the 16-bit t* ones where they encode the same operation for
// every register: mov without flags, push/pop, bx, blx) with the operand order LLVM 19's
// ARM backend expects. A conditional instruction gets an IT instruction of its own before
// it (MC inserts none for MCInsts built by hand), except the conditional branch, which has
// a condition field.
//
// What Thumb-2 lacks is expanded here where that needs no scratch register:
// - register-shifted-register operands: `d = n OP (m SHIFT s)` becomes `d = m SHIFT s;
//   d = n OP d` (asserts d != n), mvn likewise; a compare has no destination to use:
//   `compareShiftReg` asserts (the selector must shift into a register first);
// - rsc: `mvn d, n; adc d, d, op2` (op2 + ~n + C, the same sum and flags), or `sbc d, m, n`;
// - immediates without a Thumb-2 modified-immediate form: built in d first when d != n
//   (asserts otherwise; compares assert: the selector must give encodable ones);
// - offsets: T32 reaches [-255, 4095] for every size (`offsetFits`), writeback +-255,
//   register offsets shift by 0-3 for every size (`indexShiftFits`).
#pragma once

#include <initializer_list>

#include "assembler.h"

namespace bpf2arm::arm {

// Whether `value` is a Thumb-2 modified immediate: 0x000000XY, 0x00XY00XY, 0xXY00XY00,
// 0xXYXYXYXY, or an 8-bit value with its top bit set shifted left by 1 to 24.
bool isThumbModifiedImmediate(uint32_t value);

class ThumbAssembler final : public Assembler {
 public:
  ThumbAssembler(const ArmTarget &target, llvm::MCContext &ctx, llvm::MCStreamer *streamer);

  static bool fitsOffset(unsigned bytes, bool signExtend, int32_t offset);
  static bool fitsIndexShift(unsigned bytes, bool signExtend, unsigned shift);
  static bool fitsWritebackOffset(int32_t step) { return step >= -255 && step <= 255; }

#include "assembler_overrides.inc"

 private:
  // IT for one instruction (nothing when unconditional); a following `build` carries the
  // same condition in its predicate.
  void it(Cond c);
  void build(unsigned opcode, std::initializer_list<llvm::MCOperand> operands, Cond c,
             std::optional<Flags> f = std::nullopt) override;
  unsigned dataOpcode(DataOp op, char form) const;
  unsigned compareOpcode(CompareOp op, char form) const;
  void reverseSubtractWithCarry(Reg d, Reg n, Reg m, Shift sh, unsigned amount, Flags f, Cond c);
  void longMultiply(unsigned opcode, Reg lo, Reg hi, Reg n, Reg m, bool accumulate, Cond c);
  void registerList(uint16_t regMask, bool isPush, Cond c);
};

}  // namespace bpf2arm::arm
