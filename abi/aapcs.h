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

#include <vector>

#include "c_type.h"
#include "diagnostics.h"

namespace bpf2arm::abi {

struct ArgLocation {
  enum Kind { Register, RegisterPair, Stack } kind;
  unsigned reg = 0;          // first core register (Register, RegisterPair)
  unsigned stackOffset = 0;  // from sp at the call (Stack)
  unsigned armSize = 0;      // 4 or 8 bytes
};

struct CallLayout {
  std::vector<ArgLocation> args;
  unsigned stackBytes = 0;  // outgoing stack argument area, a multiple of 8
};

// Fails for prototypes the placement cannot express (more than five arguments, since BPF
// passes at most R1-R5).
Expected<CallLayout> placeArguments(const Prototype &proto);

}  // namespace bpf2arm::abi
