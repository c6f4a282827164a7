// The A32 (ARM state) implementation of the assembler seam (assembler.h): each operation
// is one ARM-state MCInst (a few for constants, addresses and additions in steps), with the
// operand order LLVM 19's ARM backend expects. Immediates that an instruction cannot
// encode are rejected by assert: callers pick encodable forms or go through `loadConstant`.
#pragma once

#include <initializer_list>

#include "assembler.h"

namespace bpf2arm::arm {

// The 12-bit "modified immediate" encoding (an 8-bit value rotated right by an even
// amount), or nothing when `value` has no such form.
std::optional<unsigned> encodeModifiedImmediate(uint32_t value);

class ArmAssembler final : public Assembler {
 public:
  ArmAssembler(const ArmTarget &target, llvm::MCContext &ctx, llvm::MCStreamer *streamer);

  // The reach of the A32 forms, for the selector and the MIR passes: LDR/LDRB/STR/STRB
  // take +-4095, the halfword and sign-extending forms +-255; a register offset is
  // shifted for words and bytes only.
  static bool fitsOffset(unsigned bytes, bool signExtend, int32_t offset);
  static bool fitsIndexShift(unsigned bytes, bool signExtend, unsigned shift);

#include "assembler_overrides.inc"

 private:
  unsigned dataOpcode(DataOp op, char form) const;
  unsigned compareOpcode(CompareOp op, char form) const;
  void build(unsigned opcode, std::initializer_list<llvm::MCOperand> operands, Cond c,
             std::optional<Flags> f = std::nullopt) override;
  void longMultiply(unsigned opcode, Reg lo, Reg hi, Reg n, Reg m, bool accumulate, Cond c);
};

}  // namespace bpf2arm::arm
