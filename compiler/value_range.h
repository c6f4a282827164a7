// Unsigned intervals of 64-bit BPF register values, and what BPF instructions do to them:
// the arithmetic of track_upper_zero's range analysis. Every function over-approximates:
// the result holds every value the operation can produce from values in the operands,
// wrap-around included (an interval that might wrap becomes the full range).
#pragma once

#include <cstdint>
#include <optional>

#include "bpf_insn.h"

namespace bpf2arm {

struct ValueRange {
  uint64_t min = 0, max = ~uint64_t(0);

  static ValueRange all() { return {}; }
  static ValueRange constant(uint64_t v) { return {v, v}; }
  static ValueRange upTo(uint64_t max) { return {0, max}; }
  static ValueRange all32() { return upTo(0xffffffffu); }

  bool fitsIn32Bits() const { return max <= 0xffffffffu; }
  bool isConstant() const { return min == max; }
  bool operator==(const ValueRange &o) const { return min == o.min && max == o.max; }
  bool operator!=(const ValueRange &o) const { return !(*this == o); }
  // The smallest interval holding both.
  ValueRange hull(const ValueRange &o) const { return {min < o.min ? min : o.min, max > o.max ? max : o.max}; }
  // What the low 32 bits of such a value can be, as a zero-extended value.
  ValueRange lo32() const {
    if (isConstant()) return constant(min & 0xffffffffu);
    return fitsIn32Bits() ? *this : all32();
  }
};

// The result of an ALU or ALU64 instruction (not END) whose dst holds a value of `dst`
// and whose second operand (src register or sign-extended immediate) one of `src`.
ValueRange aluResult(const bpf::Insn &insn, const ValueRange &dst, const ValueRange &src);

// The values v + c (mod 2^64) for v in the range.
ValueRange plusConstant(const ValueRange &range, uint64_t c);

// Narrows the operands of a conditional jump to the values for which the jump goes the
// given way (taken or not). `dst` and `src` are the operands as the compare reads them:
// the whole values for JMP, their low 32 bits for JMP32 (ValueRange::lo32), the
// immediate as the compare sees it. Nothing when no values of the operands go that way.
struct ComparedRanges {
  ValueRange dst, src;
};
std::optional<ComparedRanges> refineByCompare(const bpf::Insn &insn, bool taken, ValueRange dst, ValueRange src);

}  // namespace bpf2arm
