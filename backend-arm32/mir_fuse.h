// Fusions over the MIR: one ARM instruction where selection, one BPF instruction at a
// time, left two whose results chain. The fold driver and its helpers are mir_fold.h's,
// shared with mir_combine.cpp.
#pragma once

#include "mir.h"
#include "mir_liveness.h"

namespace bpf2arm::arm {

// Before allocation, on webs (mir_liveness.h, splitWebs): a 64-bit product added to a
// 64-bit value, `lo, hi = smull a, b; d = adds x, lo; e = adc y, hi` (what BPF's
// `r0 = (s32)v; r0 *= r0; r0 += acc` selects to), becomes `d = x; e = y;
// d, e = smlal a, b` (umlal for umull): the moves coalesce with the accumulator. Only
// when nothing reads the flags of the adds/adc pair but the adc.
void foldMultiplyAccumulates(mir::Function &fn);

// A compare, cmn, tst or teq that repeats the last flag-setting instruction of its block
// with the same operands, none written since, goes: the flags are still those it sets.
// Selection compares once per BPF jump, and clang-BPF often tests the same pair twice;
// after if-conversion the repeat may start the block that the first one's falls into
// (with no other way in): that block is then appended to the first.
void removeRepeatedCompares(mir::Function &fn);

// Before allocation, on webs (mir_liveness.h, splitWebs; `liveness` is theirs): a register
// whose every def writes the same constant (an immediate, or a copy of such a register),
// and that no path reads before a def (it is not live into the entry), holds that
// constant wherever it is read. A compare or test of it against an immediate that sets Z
// is then known; when the next instruction is an EQ-conditional cmp or cmn (the hi-half test
// of a 64-bit compare: `cmp hi, #0; cmpeq lo, n`, where the hi half is a promoted stack
// slot's zero that selection could not prove), the first goes and the second always runs.
// Says whether it removed any (the constant's defs may then be dead).
bool foldConstantCompares(mir::Function &fn, const mir::Liveness &liveness);

// After allocation: a load or store through register p (immediate offset, no index)
// followed by `p = p + k` with nothing reading or writing p in between becomes one
// writeback access: `ldr x, [p], #k` when the offset is 0, `ldr x, [p, #k]!` when it
// is k. The add may also stand in the block that the access's block falls into, when
// that has no other predecessor and p is dead where the access's block branches to
// (clang-BPF increments loop pointers in the latch, after the exit test).
void foldWriteback(mir::Function &fn, const EncodingLimits &fits);

}  // namespace bpf2arm::arm
