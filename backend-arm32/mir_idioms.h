// Idioms that BPF, lacking the instructions, spells out in several operations and that
// ARM does in one: passes over selected MIR, before allocation, next to mir_combine.h's.
#pragma once

#include "arm_target.h"
#include "mir.h"

namespace bpf2arm::arm {

// Values that are a rearrangement of one register's bits: each pass through a block
// follows, for every value, where each of its 32 bits comes from (a bit of one source
// register as it was at some point, a constant 0 or 1, or unknown) through moves,
// shifts, rotates, and/orr/eor/bic with constants or with each other, adds without
// carries, rev/rev16/rbit, extensions and bit fields. Where a value's bits turn out to
// be exactly its source reversed (clang-BPF's `__builtin_bitreverse32`: a byte swap and
// three mask-and-shift swaps), rotated, byte-swapped, the source itself or a plain
// shift of it, and the source still holds that value, the instruction that makes it
// becomes `rbit` (ARMv6T2 and later), `ror`, `rev`, `rev16`, `mov` or `lsl`/`lsr` of
// the source; the steps before it are left for dead-code elimination. Every bit is
// proved, so the result is the same on every input. True when anything changed.
bool recogniseBitPermutations(mir::Function &fn, const ArmTarget &target);

}  // namespace bpf2arm::arm
