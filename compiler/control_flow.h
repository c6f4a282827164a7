// The edges between a function's blocks, and the worklist on which the dataflow passes
// (track_upper_live backwards, track_upper_zero forwards) reach their fixed points.
#pragma once

#include <vector>

#include "program.h"

namespace bpf2arm {

struct ControlFlow {
  std::vector<std::vector<unsigned>> preds, succs;  // by block id

  explicit ControlFlow(const Function &fn) : preds(fn.blocks.size()), succs(fn.blocks.size()) {
    for (const BasicBlock &b : fn.blocks)
      for (int to : {b.fallthrough, fn.insns[b.last()].targetBlock})
        if (to >= 0) {
          preds[size_t(to)].push_back(b.id);
          succs[b.id].push_back(unsigned(to));
        }
  }
};

// Starts with every block queued, the entry first (forward) or the last block first
// (backward); a block is queued at most once at a time.
class BlockWorklist {
 public:
  enum Direction { Forward, Backward };
  BlockWorklist(size_t blocks, Direction direction) : queued_(blocks, true) {
    for (size_t b = 0; b < blocks; ++b) stack_.push_back(unsigned(direction == Forward ? blocks - 1 - b : b));
  }
  bool empty() const { return stack_.empty(); }
  unsigned pop() {
    unsigned b = stack_.back();
    stack_.pop_back();
    queued_[b] = false;
    return b;
  }
  void push(const std::vector<unsigned> &blocks) {
    for (unsigned b : blocks)
      if (!queued_[b]) {
        queued_[b] = true;
        stack_.push_back(b);
      }
  }

 private:
  std::vector<unsigned> stack_;
  std::vector<bool> queued_;
};

}  // namespace bpf2arm
