// The oracle: an interpreter of BPF written from RFC 9669 alone. Besides computing R0 and
// the final buffer it checks that a program is one the tester may use: every register and
// stack byte read was written, pointers (R1's buffer, R10 and copies plus constants) are
// only dereferenced, copied, offset by constants or passed to local calls, memory accesses
// stay inside their region and are naturally aligned, and the run ends within the step
// budget. A program that breaks a rule is `valid == false` with the reason.
#pragma once

#include <string>
#include <vector>

#include "program.h"

namespace difftest {

struct Outcome {
  bool valid = false;
  std::string why;  // when not valid: what broke, with the slot
  uint64_t r0 = 0;
  std::array<uint8_t, kBufferSize> buffer{};
  uint64_t steps = 0;
};

struct Limits {
  uint64_t maxSteps = 2000000;
  unsigned maxDepth = 8;  // frames, the entry's included
  std::vector<uint64_t> *slotCounts = nullptr;  // if set: how often each slot ran
};

Outcome interpret(const Program &program, const Limits &limits = {});

}  // namespace difftest
