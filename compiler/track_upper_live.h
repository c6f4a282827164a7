// Finds, for every instruction, which BPF registers' hi words are still needed after it:
// some later instruction reads them before they are written again. BPF code computes a
// great deal in 64 bits that only ever reaches 32-bit uses (addresses, array indexes,
// 32-bit compares and stores), and on ARM32 each hi word costs instructions and often a
// frame load or store. Where a hi word is dead, the backend computes the lo word alone
// and leaves the hi word unwritten. A backward may-analysis over the blocks.
//
// Runs before track_upper_zero, which must not claim a hi word is zero after an
// instruction whose write of it the backend leaves out.
#pragma once

#include <cstdint>

#include "program.h"

namespace bpf2arm {

void trackUpperLive(Program &program);

// The registers whose hi words the instruction writes (so that the backend may leave
// each write out where the hi word is dead).
uint16_t hiWordsWritten(const Instruction &ins);

}  // namespace bpf2arm
