// The body convention: how a bpf-to-bpf call passes arguments to a function's body
// (its internal entry), and how the body receives them. Caller and callee both derive
// it from the callee alone, so they always agree.
//
// Passed are the halves of R1-R5 that the callee reads before writing them (its live-in
// halves, Function::arguments from compiler/live_arguments; a pointer argument passes
// only its lo half), in the order R1 lo, R1 hi, R2 lo,
// ..., R5 hi: the first four in r0-r3, the rest in 4-byte slots of the caller's outgoing
// argument area (sp at the call + stackOffset). The result is R0 in r0 (lo) and r1 (hi);
// r1 only when something reads it (ObjectSymbols::resultHiRead, lowering.h): a caller
// that reads R0's hi word after the call, or C through an 8-byte result.
// R6-R9 survive the call (they live in callee-saved registers or in the frame).
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/program.h"

namespace bpf2arm::arm {

struct ArgumentHalf {
  uint8_t bpfReg = 1;       // R1-R5
  bool hi = false;
  bool inRegister = true;
  uint8_t reg = 0;          // r0-r3 when inRegister
  uint16_t stackOffset = 0;  // otherwise
};

struct BodyConvention {
  std::vector<ArgumentHalf> halves;
  unsigned stackBytes = 0;  // multiple of 8
};

BodyConvention bodyConvention(const Function &fn);

}  // namespace bpf2arm::arm
