// Liveness over the MIR, from the one def/use table (mir::operandsOf), for the register
// allocator: which registers are live into and out of each block. Virtual registers
// and the physical registers the caller tracks (those it allocates) are both
// variables; implicit uses and defs of calls and returns count.
#pragma once

#include <cstdint>
#include <vector>

#include "mir.h"

namespace bpf2arm::arm::mir {

// A block's registers (computeLiveness sorts them by number).
struct RegisterList {
  const VReg *first, *last;
  const VReg *begin() const { return first; }
  const VReg *end() const { return last; }
  size_t size() const { return size_t(last - first); }
  VReg operator[](size_t k) const { return first[k]; }
};

struct Liveness {
  RegisterList liveIn(uint32_t block) const { return {&in[firstIn[block]], &in[0] + firstIn[block + 1]}; }
  RegisterList liveOut(uint32_t block) const { return {&out[firstOut[block]], &out[0] + firstOut[block + 1]}; }
  // Compressed rows: block b's registers are in[firstIn[b] ... firstIn[b + 1]).
  std::vector<uint32_t> firstIn, firstOut;
  std::vector<VReg> in, out;
};

// Block::succs must be current (Function::computeSuccessors). `trackedPhysical` is the
// mask of physical registers to include; virtual registers are always included. A
// register read before any write on some path from the entry is live into block 0.
Liveness computeLiveness(const Function &fn, uint16_t trackedPhysical);

// Renames every virtual register into its webs (a BPF register half is one virtual
// register written on many paths with unrelated values; each web, the union of the
// def-use chains that share a use, becomes a register of its own) and returns the
// liveness of the renamed code. Union-find over values: each def, and each register
// live into a block (the join of its predecessors' values); a use belongs to the value
// that reaches it; a def that also reads its register (conditional, bfi, umlal) extends
// the value it reads. Registers are renumbered densely from kFirstVirtual.
Liveness splitWebs(Function &fn, uint16_t trackedPhysical);

// The predecessors of each block, from Block::succs.
std::vector<std::vector<uint32_t>> predecessors(const Function &fn);

// Block::loopDepth from the back edges of the layout when the selector left every
// depth 0: a branch from block b to block h <= b makes h ... b a loop (the blocks
// between a loop's head and its last back edge in layout order, without dominance;
// clang's BPF code lays loops out contiguously, so this is close). Nested ranges add.
void computeLoopDepths(Function &fn);

}  // namespace bpf2arm::arm::mir
