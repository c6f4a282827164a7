// The shared driver and helpers of the MIR folds (mir_combine.cpp, mir_fuse.cpp): each
// fold looks at one instruction of a block, finds the earlier one that feeds it, and
// marks what it made redundant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mir.h"

namespace bpf2arm::arm::fold {

using mir::Inst;
using mir::kNoReg;
using mir::Opcode;
using mir::VReg;

// How often each register is written and read in the whole function. The passes fold
// a value into its one reader only when it has exactly one def and one use, which is
// what selection's temporaries are once each BPF register half is split into its webs.
struct UseCounts {
  std::vector<uint32_t> defs, uses;
  explicit UseCounts(const mir::Function &fn) : defs(fn.numRegs), uses(fn.numRegs) {
    for (const mir::Block &block : fn.blocks)
      for (const Inst &inst : block.insts) {
        mir::Operands o = mir::operandsOf(inst);
        for (unsigned k = 0; k < o.numDefs; ++k) ++defs[o.defs[k]];
        for (unsigned k = 0; k < o.numUses; ++k) ++uses[o.uses[k]];
      }
  }
  bool singleDefSingleUse(VReg r) const { return mir::isVirtual(r) && defs[r] == 1 && uses[r] == 1; }
};

// Whether any instruction in insts[from, to) writes `r`.
inline bool writtenBetween(const std::vector<Inst> &insts, size_t from, size_t to, VReg r) {
  if (r == kNoReg) return false;
  for (size_t k = from; k < to; ++k) {
    mir::Operands o = mir::operandsOf(insts[k]);
    for (unsigned d = 0; d < o.numDefs; ++d)
      if (o.defs[d] == r) return true;
    if (mir::isPhysical(r) && (o.implicitDefs & (1u << r))) return true;
  }
  return false;
}

// The index of the instruction before insts[j] (not yet removed) that writes t, or j.
inline size_t definitionBefore(const std::vector<Inst> &insts, const std::vector<bool> &removed, size_t j, VReg t) {
  size_t i = j;
  while (i-- > 0)
    if (!removed[i] && (insts[i].dst == t || insts[i].dst2 == t)) return i;
  return j;
}

// The instruction before insts[j] that computes t, when it may fold into insts[j]: t has
// that one def and insts[j] as its one use. Else j.
inline size_t foldableDefinition(const UseCounts &counts, const std::vector<Inst> &insts,
                                 const std::vector<bool> &removed, size_t j, VReg t) {
  return counts.singleDefSingleUse(t) ? definitionBefore(insts, removed, j, t) : j;
}

// Runs fold(insts, j, removed) over each instruction j of each block; a fold marks in
// `removed` the instructions it made redundant, which then go.
template <typename Fold>
void foldEachBlock(mir::Function &fn, Fold fold) {
  for (mir::Block &block : fn.blocks) {
    std::vector<Inst> &insts = block.insts;
    std::vector<bool> removed(insts.size(), false);
    for (size_t j = 0; j < insts.size(); ++j) fold(insts, j, removed);
    size_t kept = 0;
    for (size_t k = 0; k < insts.size(); ++k)
      if (!removed[k]) insts[kept++] = insts[k];
    insts.resize(kept);
  }
}

}  // namespace bpf2arm::arm::fold
