#include "track_upper_live.h"

#include <vector>

#include "control_flow.h"
#include "def_use.h"
#include "in_order_parallel.h"

namespace bpf2arm {

namespace {

void trackFunction(Function &fn) {
  size_t n = fn.blocks.size();
  ControlFlow cfg(fn);
  std::vector<DefUse> table;
  table.reserve(fn.insns.size());
  for (const Instruction &ins : fn.insns) table.push_back(defUse(fn, ins));
  auto liveBefore = [&](uint32_t k, RegMask after) {
    const DefUse &du = table[k];
    return RegMask((after & ~du.defHi) | du.hiUses(after));
  };
  // Live sets only grow from "nothing live", so the worklist ends after at most
  // NUM_REGS changes per block.
  std::vector<RegMask> in(n, 0);
  for (BlockWorklist work(n, BlockWorklist::Backward); !work.empty();) {
    unsigned b = work.pop();
    RegMask live = 0;
    for (unsigned s : cfg.succs[b]) live |= in[s];
    for (uint32_t k = fn.blocks[b].end; k-- > fn.blocks[b].first;) live = liveBefore(k, live);
    if (live == in[b]) continue;
    in[b] = live;
    work.push(cfg.preds[b]);
  }
  fn.upperLive.assign(fn.insns.size(), 0);
  for (size_t b = 0; b < n; ++b) {
    RegMask live = 0;
    for (unsigned s : cfg.succs[b]) live |= in[s];
    for (uint32_t k = fn.blocks[b].end; k-- > fn.blocks[b].first;) {
      fn.upperLive[k] = live;
      live = liveBefore(k, live);
    }
  }
}

}  // namespace

void trackUpperLive(Program &program, unsigned threads) {
  // Each function on its own: no fact crosses a call.
  parallelFor(program.functions.size(), threads, [&](size_t i) { trackFunction(program.functions[i]); });
}

}  // namespace bpf2arm
