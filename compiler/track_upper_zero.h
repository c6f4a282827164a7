// Tracks, for every instruction, which BPF registers certainly hold a value below 2^32
// (hi word zero) when it starts: after 32-bit ALU results, narrow loads, small
// constants, ARM32 addresses. The backend then skips writing a hi word that is already
// zero and compares only lo words. A forward must-analysis over the blocks.
#pragma once

#include "diagnostics.h"
#include "program.h"

namespace bpf2arm {

void trackUpperZero(Program &program);

}  // namespace bpf2arm
