#include "body_convention.h"

#include "compiler/control_flow.h"
#include "compiler/def_use.h"

namespace bpf2arm::arm {

namespace {

// The halves of each register that `fn` reads before writing, at its entry: a backward
// dataflow over the def/use table, hi halves refined as track_upper_live does (a lo
// result whose hi half is dead reads no hi half), so that a caller never passes a half
// the body's selection does not read.
struct LiveIn {
  RegMask lo = 0, hi = 0;
};

LiveIn liveAtEntry(const Function &fn) {
  size_t n = fn.blocks.size();
  if (n == 0) return {};
  ControlFlow cfg(fn);
  auto before = [&](uint32_t k, LiveIn after) {
    const DefUse du = defUse(fn, fn.insns[k]);
    return LiveIn{RegMask((after.lo & ~du.defLo) | du.useLo), RegMask((after.hi & ~du.defHi) | du.hiUses(after.hi))};
  };
  std::vector<LiveIn> in(n);
  for (BlockWorklist work(n, BlockWorklist::Backward); !work.empty();) {
    unsigned b = work.pop();
    LiveIn live;
    for (unsigned s : cfg.succs[b]) {
      live.lo |= in[s].lo;
      live.hi |= in[s].hi;
    }
    for (uint32_t k = fn.blocks[b].end; k-- > fn.blocks[b].first;) live = before(k, live);
    if (live.lo == in[b].lo && live.hi == in[b].hi) continue;
    in[b] = live;
    work.push(cfg.preds[b]);
  }
  return in[0];
}

}  // namespace

BodyConvention bodyConvention(const Function &fn) {
  LiveIn live = liveAtEntry(fn);
  BodyConvention convention;
  unsigned nextReg = 0;
  for (unsigned r = 1; r <= 5; ++r)
    for (bool hi : {false, true}) {
      if (!((hi ? live.hi : live.lo) & regBit(r))) continue;
      ArgumentHalf half;
      half.bpfReg = uint8_t(r);
      half.hi = hi;
      if (nextReg < 4) {
        half.reg = uint8_t(nextReg++);
      } else {
        half.inRegister = false;
        half.stackOffset = uint16_t(convention.stackBytes);
        convention.stackBytes += 4;
      }
      convention.halves.push_back(half);
    }
  convention.stackBytes = (convention.stackBytes + 7) & ~7u;
  return convention;
}

}  // namespace bpf2arm::arm
