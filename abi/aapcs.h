// Placement of arguments and results by the AAPCS base standard (soft-float: only core
// registers and the stack are used, because BPF has no floating point).
//
//   argument         location
//   <= 4 bytes       next core register r0..r3, extended to 32 bits; else a 4-byte stack slot
//   8 bytes          next even/odd pair (r0:r1 or r2:r3, skipping an odd register);
//                    else an 8-byte-aligned 8-byte stack slot
//   once an argument went to the stack, later ones never back-fill a register.
//
//   result           r0 (extended to 32 bits by the callee), or r0:r1 for 8 bytes.
#pragma once

#include <optional>
#include <vector>

#include "c_type.h"
#include "diagnostics.h"

namespace bpf2arm::abi {

// How a 32-bit-or-narrower value is widened in its core register (AAPCS: the producer
// extends to 32 bits), and how a result becomes BPF's 64-bit R0 (C conversion rules).
enum class Widen { None, Sign8, Zero8, Sign16, Zero16 };
enum class HighWord { FromPair, SignOfLow, Zero, Undefined };

struct ResultConversion {
  Widen widen = Widen::None;  // applied to r0 first
  HighWord high = HighWord::Undefined;
};

// The narrowing/widening a scalar of this type needs in a 32-bit register.
Widen widenFor(const CType &type);
// How the callee's result in r0 (or r0:r1) becomes R0.
ResultConversion resultConversion(const CType &result);

struct ArgLocation {
  enum Kind { Register, RegisterPair, Stack } kind;
  unsigned reg = 0;          // first core register (Register, RegisterPair)
  unsigned stackOffset = 0;  // from sp at the call (Stack)
  unsigned armSize = 0;      // 4 or 8 bytes
};

struct CallLayout {
  std::vector<ArgLocation> args;
  unsigned stackBytes = 0;  // outgoing stack argument area, a multiple of 8
  // Where the result comes back: r0, or r0:r1 for 8 bytes; nothing for void.
  std::optional<ArgLocation> result;
  ResultConversion resultConversion;
};

// Fails for prototypes the placement cannot express (more than five arguments, since BPF
// passes at most R1-R5).
Expected<CallLayout> placeArguments(const Prototype &proto);

}  // namespace bpf2arm::abi
