// Random terminating BPF programs over the whole ISA (RFC 9669 with the v4 additions),
// deterministic from a seed. Each program is an entry function followed by up to three
// subprograms reached by local calls (a callee only calls later subprograms, so there is no
// recursion); loops count with a locked register or a stack slot and run 1..6 times, every
// other jump goes forward, so every program terminates.
//
// Pointers never mix with data: the generator knows which registers hold the buffer (R1 and
// its copies), R10 or a copy plus a constant, or a caller's stack window; those are only
// dereferenced, offset by constants or passed to callees, never compared, stored, returned
// or used in other arithmetic. Every register and stack byte is written before it is read,
// and every access is in bounds and naturally aligned. The interpreter checks all of this
// again on each program.
#pragma once

#include <cstdint>

#include "program.h"

namespace difftest {

struct GenOptions {
  double pressureFraction = 0.3;  // share of programs with all of R0-R9 live in loops and across calls
  unsigned minUnits = 15;         // size of the entry's body, in generated constructs
  unsigned maxUnits = 70;
};

// The program for one (seed, index, attempt); attempt changes it when the oracle refuses one.
Program generate(uint64_t seed, uint64_t index, unsigned attempt, const GenOptions &options);

// 64-bit mixing used for deriving per-program seeds (splitmix64's finaliser).
uint64_t mixSeed(uint64_t x);

}  // namespace difftest
