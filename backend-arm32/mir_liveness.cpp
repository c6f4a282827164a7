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
      for (unsigned k = 0; k < o.numUses; ++k) read(o.uses[k]);
      for (unsigned r = 0; r < kFirstVirtual; ++r)
        if ((o.implicitUses >> r) & 1) read(r);
      for (unsigned k = 0; k < o.numDefs; ++k) write(o.defs[k]);
      for (unsigned r = 0; r < kFirstVirtual; ++r)
        if ((o.implicitDefs >> r) & 1) write(r);
    }
  }
  Grouped exposedIn(exposed, fn.numRegs), writtenIn(written, fn.numRegs);
  exposed = {};
  written = {};

  // Registers in increasing order, so that every list comes out sorted. The stamps
  // hold register + 1.
  std::vector<std::pair<uint32_t, uint32_t>> liveIn, liveOut;  // (block, register)
  std::vector<std::vector<uint32_t>> preds = predecessors(fn);
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
      for (uint32_t p : preds[b]) {
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

}  // namespace bpf2arm::arm::mir
