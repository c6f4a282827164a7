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

#include "program.h"

namespace bpf2arm {

// Fills Function::upperLive. What each instruction reads and writes comes from
// def_use.h; where a 64-bit result's hi word is dead, an operation whose lo result needs
// lo words only (DefUse::loResultFromLoHalves) reads no hi word.
void trackUpperLive(Program &program, unsigned threads = 1);

}  // namespace bpf2arm
