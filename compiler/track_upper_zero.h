// Tracks, for every instruction, which BPF registers certainly hold a value below 2^32
// (hi word zero) before and after it. The backend then skips writing a hi word that is
// already zero, compares only lo words, and computes a 64-bit add, subtract, multiply or
// left shift whose result stays below 2^32 as a 32-bit one.
//
// Underneath is a forward range analysis (value_range.h): an unsigned interval per
// register, from 32-bit ALU results, narrow loads, constants and ARM32 addresses,
// through arithmetic that must not wrap, narrowed on each edge of a conditional jump by
// its compare (and with it each register known to be the compared one plus a constant:
// clang computes the next counter before it tests the current one), joined at merges and
// widened at loops to the program's compare constants.
// That is how a loop counter that clang keeps in 64 bits, `for (i = 1; i < n; i++)` with
// n below 2^32, is known to stay below 2^32. It holds on every path of unverified code,
// loops that never end included: facts are claimed only where every path agrees.
#pragma once

#include "diagnostics.h"
#include "program.h"

namespace bpf2arm {

// Fills Function::upperZero and Function::upperZeroAfter; needs upperLive
// (track_upper_live), since a hi word the backend leaves unwritten holds no fact.
void trackUpperZero(Program &program, unsigned threads = 1);

}  // namespace bpf2arm
