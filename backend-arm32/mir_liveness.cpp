// Liveness by path exploration, one register at a time: from each block that reads a
// register before writing it, walk up the predecessors until blocks that write it.
// The cost is the size of the live sets (times the predecessors), with no per-block bit
// vector over all registers: a function may have 10^5 virtual registers and 10^4 blocks.
#include "mir_liveness.h"

#include <algorithm>

namespace bpf2arm::arm::mir {

std::vector<std::vector<uint32_t>> predecessors(const Function &fn) {
  std::vector<std::vector<uint32_t>> preds(fn.blocks.size());
  for (uint32_t b = 0; b < fn.blocks.size(); ++b)
    for (uint32_t s : fn.blocks[b].succs) preds[s].push_back(b);
  return preds;
}

namespace {

// (key, value) pairs grouped by key, in their order within a key (a counting sort):
// the values of key k are values[first[k] ... first[k + 1]).
struct Grouped {
  std::vector<uint32_t> first, values;

  Grouped(const std::vector<std::pair<uint32_t, uint32_t>> &pairs, uint32_t numKeys)
      : first(numKeys + 1, 0), values(pairs.size()) {
    for (const auto &[key, value] : pairs) ++first[key + 1];
    for (uint32_t k = 0; k < numKeys; ++k) first[k + 1] += first[k];
    std::vector<uint32_t> next(first.begin(), first.end() - 1);
    for (const auto &[key, value] : pairs) values[next[key]++] = value;
  }
};

}  // namespace

Liveness computeLiveness(const Function &fn, uint16_t trackedPhysical) {
  const uint32_t numBlocks = uint32_t(fn.blocks.size());
  auto tracked = [&](VReg r) { return isVirtual(r) ? r < fn.numRegs : ((trackedPhysical >> r) & 1) != 0; };

  // Per block: the registers read before any write in it (upward-exposed) and the ones
  // it writes. Stamps (block + 1) keep each pair once without clearing between blocks.
  std::vector<std::pair<uint32_t, uint32_t>> exposed, written;  // (register, block)
  std::vector<uint32_t> exposedStamp(fn.numRegs, 0), writtenStamp(fn.numRegs, 0);
  for (uint32_t b = 0; b < numBlocks; ++b) {
    const uint32_t stamp = b + 1;
    auto read = [&](VReg r) {
      if (!tracked(r) || writtenStamp[r] == stamp || exposedStamp[r] == stamp) return;
      exposedStamp[r] = stamp;
      exposed.emplace_back(r, b);
    };
    auto write = [&](VReg r) {
      if (!tracked(r) || writtenStamp[r] == stamp) return;
      writtenStamp[r] = stamp;
      written.emplace_back(r, b);
    };
    for (const Inst &inst : fn.blocks[b].insts) {
      Operands o = operandsOf(inst);
      // The masks bit by bit, lowest first, and nothing for the many instructions
      // without any (a loop over all 16 registers was a fifth of this function).
      for (unsigned k = 0; k < o.numUses; ++k) read(o.uses[k]);
      for (unsigned mask = o.implicitUses; mask; mask &= mask - 1) read(VReg(__builtin_ctz(mask)));
      for (unsigned k = 0; k < o.numDefs; ++k) write(o.defs[k]);
      for (unsigned mask = o.implicitDefs; mask; mask &= mask - 1) write(VReg(__builtin_ctz(mask)));
    }
  }
  Grouped exposedIn(exposed, fn.numRegs), writtenIn(written, fn.numRegs);
  exposed = {};
  written = {};

  // Registers in increasing order, so that every list comes out sorted. The stamps
  // hold register + 1.
  std::vector<std::pair<uint32_t, uint32_t>> liveIn, liveOut;  // (block, register)
  // The predecessors as one grouped array rather than predecessors()'s vector per block:
  // this runs several times per function, and the allocations showed in profiles.
  std::vector<std::pair<uint32_t, uint32_t>> edges;  // (successor, predecessor)
  for (uint32_t b = 0; b < numBlocks; ++b)
    for (uint32_t s : fn.blocks[b].succs) edges.emplace_back(s, b);
  const Grouped preds(edges, numBlocks);
  std::vector<uint32_t> writesStamp(numBlocks, 0), inStamp(numBlocks, 0), outStamp(numBlocks, 0);
  std::vector<uint32_t> worklist;
  for (VReg r = 0; r < fn.numRegs; ++r) {
    if (exposedIn.first[r] == exposedIn.first[r + 1]) continue;
    const uint32_t stamp = r + 1;
    for (uint32_t k = writtenIn.first[r]; k < writtenIn.first[r + 1]; ++k) writesStamp[writtenIn.values[k]] = stamp;
    for (uint32_t k = exposedIn.first[r]; k < exposedIn.first[r + 1]; ++k) {
      uint32_t b = exposedIn.values[k];
      inStamp[b] = stamp;
      liveIn.emplace_back(b, r);
      worklist.push_back(b);
    }
    while (!worklist.empty()) {
      uint32_t b = worklist.back();
      worklist.pop_back();
      for (uint32_t k = preds.first[b]; k < preds.first[b + 1]; ++k) {
        const uint32_t p = preds.values[k];
        if (outStamp[p] != stamp) {
          outStamp[p] = stamp;
          liveOut.emplace_back(p, r);
        }
        if (writesStamp[p] != stamp && inStamp[p] != stamp) {
          inStamp[p] = stamp;
          liveIn.emplace_back(p, r);
          worklist.push_back(p);
        }
      }
    }
  }
  Grouped in(liveIn, numBlocks), out(liveOut, numBlocks);
  Liveness live;
  live.firstIn = std::move(in.first);
  live.in = std::move(in.values);
  live.firstOut = std::move(out.first);
  live.out = std::move(out.values);
  live.in.push_back(kNoReg);  // so that &in[0] exists when nothing is live
  live.out.push_back(kNoReg);
  return live;
}

void computeLoopDepths(Function &fn) {
  const size_t numBlocks = fn.blocks.size();
  for (const Block &block : fn.blocks)
    if (block.loopDepth) return;  // the selector knows better
  // The last block branching back to each head; then +1 over head ... last, as a
  // difference array, so that many loops cost no more than one pass.
  std::vector<int64_t> lastLatch(numBlocks, -1);
  for (size_t b = 0; b < numBlocks; ++b)
    for (uint32_t s : fn.blocks[b].succs)
      if (s <= b) lastLatch[s] = std::max<int64_t>(lastLatch[s], int64_t(b));
  std::vector<int32_t> delta(numBlocks + 1, 0);
  for (size_t h = 0; h < numBlocks; ++h)
    if (lastLatch[h] >= 0) {
      ++delta[h];
      --delta[size_t(lastLatch[h]) + 1];
    }
  int32_t depth = 0;
  for (size_t b = 0; b < numBlocks; ++b) {
    depth += delta[b];
    fn.blocks[b].loopDepth = uint32_t(depth);
  }
}

// The webs' liveness follows from that of the registers, so the allocator's first
// round needs no other.
Liveness splitWebs(Function &fn, uint16_t trackedPhysical) {
  Liveness live = computeLiveness(fn, trackedPhysical);
  std::vector<uint32_t> parent;
  auto findValue = [&](uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  auto newValue = [&] {
    parent.push_back(uint32_t(parent.size()));
    return uint32_t(parent.size() - 1);
  };
  // Value k of the live-in list entries is node k (physical entries included, unused).
  parent.resize(live.in.size());
  for (uint32_t k = 0; k < parent.size(); ++k) parent[k] = k;

  std::vector<uint32_t> current(fn.numRegs), currentStamp(fn.numRegs, 0);
  std::vector<uint32_t> operandValues;  // in forEachRegister order over the function
  size_t numInsts = 0;
  for (const Block &block : fn.blocks) numInsts += block.insts.size();
  operandValues.reserve(3 * numInsts);  // about the operands per instruction: few regrowths
  std::vector<uint32_t> outValues(live.out.size(), ~0u);  // the value of each live-out entry
  for (uint32_t b = 0; b < fn.blocks.size(); ++b) {
    const uint32_t stamp = b + 1;
    for (uint32_t k = live.firstIn[b]; k < live.firstIn[b + 1]; ++k) {
      current[live.in[k]] = k;
      currentStamp[live.in[k]] = stamp;
    }
    for (Inst &inst : fn.blocks[b].insts) {
      const bool extends = readsDef(inst);
      forEachRegister(inst, [&](VReg &r, bool isDef) {
        if (!isVirtual(r)) return;
        assert(r < fn.numRegs && "a register beyond Function::numRegs");
        const bool reaching = currentStamp[r] == stamp;
        uint32_t value = (isDef && !extends) || !reaching ? newValue() : current[r];
        if (isDef) {
          current[r] = value;
          currentStamp[r] = stamp;
        }
        operandValues.push_back(value);
      });
    }
    for (uint32_t k = live.firstOut[b]; k < live.firstOut[b + 1]; ++k)
      if (isVirtual(live.out[k]) && currentStamp[live.out[k]] == stamp) outValues[k] = current[live.out[k]];
    for (uint32_t s : fn.blocks[b].succs)
      for (uint32_t k = live.firstIn[s]; k < live.firstIn[s + 1]; ++k) {
        const VReg r = live.in[k];
        if (!isVirtual(r) || currentStamp[r] != stamp) continue;
        uint32_t x = findValue(k), y = findValue(current[r]);
        if (x != y) parent[x] = y;
      }
  }

  std::vector<VReg> webOf(parent.size(), kNoReg);
  VReg next = kFirstVirtual;
  auto webOfValue = [&](uint32_t value) {
    VReg &web = webOf[findValue(value)];
    if (web == kNoReg) web = next++;
    return web;
  };
  size_t k = 0;
  for (Block &block : fn.blocks)
    for (Inst &inst : block.insts)
      forEachRegister(inst, [&](VReg &r, bool) {
        if (isVirtual(r)) r = webOfValue(operandValues[k++]);
      });
  for (uint32_t j = 0; j + 1 < live.in.size(); ++j)
    if (isVirtual(live.in[j])) live.in[j] = webOfValue(j);
  for (uint32_t j = 0; j + 1 < live.out.size(); ++j)
    if (isVirtual(live.out[j])) live.out[j] = outValues[j] != ~0u ? webOfValue(outValues[j]) : kNoReg;
  fn.numRegs = next;
  return live;
}

}  // namespace bpf2arm::arm::mir
