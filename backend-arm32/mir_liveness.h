// Liveness over the MIR, from the one def/use table (mir::operandsOf), for the register
// allocator: which registers are live into and out of each block. Virtual registers
// and the physical registers the caller tracks (those it allocates) are both
// variables; implicit uses and defs of calls and returns count.
#pragma once

#include <cstdint>
#include <vector>

#include "mir.h"

namespace bpf2arm::arm::mir {

struct Liveness {
  // Per block, sorted by register number.
  std::vector<std::vector<VReg>> liveIn, liveOut;
};

// Block::succs must be current (Function::computeSuccessors). `trackedPhysical` is the
// mask of physical registers to include; virtual registers are always included. A
// register read before any write on some path from the entry is live into block 0.
Liveness computeLiveness(const Function &fn, uint16_t trackedPhysical);

// The predecessors of each block, from Block::succs.
std::vector<std::vector<uint32_t>> predecessors(const Function &fn);

// Block::loopDepth from the back edges of the layout when the selector left every
// depth 0: a branch from block b to block h <= b makes h ... b a loop (the blocks
// between a loop's head and its last back edge in layout order, without dominance;
// clang's BPF code lays loops out contiguously, so this is close). Nested ranges add.
void computeLoopDepths(Function &fn);

}  // namespace bpf2arm::arm::mir
