// Combining passes over selected MIR, before allocation: what ARM does in one instruction
// that selection, working one BPF instruction at a time, spelled in several.
#pragma once

#include "arm_target.h"
#include "mir.h"
#include "mir_liveness.h"

namespace bpf2arm::arm {

// The folds expect each register split into its webs (mir_liveness.h, splitWebs): they fold
// a value into its one reader only when it has one def and one use.

// A plain copy `t = x` of a virtual register whose only reader comes later in the same
// block, with x unchanged in between, goes: the reader reads x. Selection copies a BPF
// register before every two-address operation (`t = x; t += y`); this makes it three-
// address (`t = x + y`) where the allocator's coalescing, being conservative, would not.
// Inside a loop (Block::loopDepth, mir::computeLoopDepths) a copy whose source dies at
// its reader stays: the allocator coalesces it, and forwarding it could put a move into
// a loop-carried accumulator. `liveness` is that of the code as it is (splitWebs's).
void forwardCopies(mir::Function &fn, const mir::Liveness &liveness);

// `(x << a) >> b` with b >= a (arithmetic or logical), and `(x >> k) & (2^w - 1)`, as one
// sbfx/ubfx where the CPU has them (ARMv6T2 and later): clang's bit tests and smears.
void foldBitfields(mir::Function &fn);

// A multiply whose only use is an add (`t = a * b; d = t + c`) becomes `d = mla a, b, c`;
// the multiply goes.
void foldMultiplyAdds(mir::Function &fn);

// A shift whose only use is the second operand of a data-processing instruction (or a
// load/store index) becomes that operand's shift: `t = x lsl #2; y = z + t` is
// `y = z + (x lsl #2)`. The shift itself is left for dead-code elimination.
void foldShifts(mir::Function &fn, const EncodingLimits &fits);

// An address `t = base + (index lsl #n)` whose only use is a load or store at offset 0
// becomes that access's register offset: `ldr x, [base, index, lsl #n]` (ldrh/ldrsb/
// ldrsh/strh take no shift). Run after foldShifts, which puts the shift into the add.
void foldAddressIndex(mir::Function &fn, const EncodingLimits &fits);

// A constant, address or frame address computed inside a loop moves to the block
// that leads into the loop, when one block is the only way in (the loop's range in the
// layout has one predecessor outside it; clang-BPF's rotated loops enter in the middle),
// out of nested loops too: clang's masks and table addresses are then built once, not
// per iteration. Each back edge makes a range of its own (a block takes the longest one
// with such a way in): an inner loop that the outer loop's latch jumps into leaves its
// constants to that block even when the outer range has two ways in. If the register
// pressure this adds makes the allocator spill it, the allocator issues it again before
// each use, which is what the loop did before.
void hoistConstants(mir::Function &fn);

// The same constant or address built twice in one block (after hoisting: a loop's masks,
// each built once per BPF instruction) is built once; the later reads use the first.
void shareConstants(mir::Function &fn);

// If-conversion: a block of a few predicable instructions that a conditional branch
// skips, with no other way in, runs under the opposite condition instead, and the branch
// goes (`if (x > y) x = y;` is `cmp; movgt`); constants the emitter builds in one
// mov/mvn/movw count as such. Also the two-armed form. A branch over a block that
// only jumps elsewhere becomes the inverse branch there.
void convertIfs(mir::Function &fn, const ArmTarget &target);

}  // namespace bpf2arm::arm
