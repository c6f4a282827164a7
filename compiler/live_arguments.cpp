#include "live_arguments.h"

#include <functional>
#include <vector>

#include "control_flow.h"
#include "def_use.h"

namespace bpf2arm {

namespace {

// A backward dataflow over the def/use table to the entry, hi halves refined as
// track_upper_live does (a lo result whose hi half is dead reads no hi half), so that a
// caller never has to pass a half the body's code does not read.
ArgumentHalves liveAtEntry(const Function &fn) {
  size_t n = fn.blocks.size();
  if (n == 0) return {0, 0};
  ControlFlow cfg(fn);
  auto before = [&](uint32_t k, ArgumentHalves after) {
    const DefUse du = defUse(fn, fn.insns[k]);
    return ArgumentHalves{RegMask((after.lo & ~du.defLo) | du.useLo),
                          RegMask((after.hi & ~du.defHi) | du.hiUses(after.hi))};
  };
  std::vector<ArgumentHalves> in(n, ArgumentHalves{0, 0});
  for (BlockWorklist work(n, BlockWorklist::Backward); !work.empty();) {
    unsigned b = work.pop();
    ArgumentHalves live{0, 0};
    for (unsigned s : cfg.succs[b]) {
      live.lo |= in[s].lo;
      live.hi |= in[s].hi;
    }
    for (uint32_t k = fn.blocks[b].end; k-- > fn.blocks[b].first;) live = before(k, live);
    if (live.lo == in[b].lo && live.hi == in[b].hi) continue;
    in[b] = live;
    work.push(cfg.preds[b]);
  }
  constexpr RegMask kArgs = 0x3e;
  return ArgumentHalves{RegMask(in[0].lo & kArgs), RegMask(in[0].hi & kArgs)};
}

}  // namespace

void trackLiveArguments(Program &program) {
  size_t n = program.functions.size();
  enum State : uint8_t { Unvisited, Visiting, Done };
  std::vector<State> state(n, Unvisited);
  // Depth-first over local calls, each function after its callees. An explicit stack:
  // call chains in generated input can be long.
  for (size_t root = 0; root < n; ++root) {
    if (state[root] != Unvisited) continue;
    std::vector<std::pair<size_t, size_t>> stack{{root, 0}};  // function, next call index
    state[root] = Visiting;
    while (!stack.empty()) {
      auto &[f, next] = stack.back();
      Function &fn = program.functions[f];
      bool descended = false;
      while (next < fn.calls.size()) {
        const CallTarget &call = fn.calls[next++];
        if (call.kind != CallTarget::Local || state[call.function] != Unvisited) continue;
        state[call.function] = Visiting;
        stack.push_back({call.function, 0});
        descended = true;
        break;
      }
      if (descended) continue;
      // Every callee is done, or on the stack (a cycle: it keeps "all of R1-R5").
      for (CallTarget &call : fn.calls)
        if (call.kind == CallTarget::Local && state[call.function] == Done)
          call.reads = program.functions[call.function].arguments;
      fn.arguments = liveAtEntry(fn);
      state[f] = Done;
      stack.pop_back();
    }
  }
}

}  // namespace bpf2arm
