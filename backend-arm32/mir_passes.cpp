#include "mir_passes.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <vector>

namespace bpf2arm::arm {

using mir::Inst;
using mir::Operands;
using mir::VReg;

namespace {

// Bit sets over the registers that are live across blocks somewhere (read in a block
// before that block writes them), and the flags as one more member. Registers that are
// never read before being written in their block are dead at every block boundary and
// need no set: most of the selector's temporaries.
class BlockLiveness {
 public:
  explicit BlockLiveness(const mir::Function &fn) : fn_(fn), index_(fn.numRegs, -1) {
    findCrossBlockRegisters();
    words_ = (members_.size() + 1 + 63) / 64;  // + the flags
    size_t blocks = fn.blocks.size();
    gen_.assign(blocks * words_, 0);
    kill_.assign(blocks * words_, 0);
    for (size_t b = 0; b < blocks; ++b) summarize(b);
    solve();
  }

  // After instructions went from the blocks marked in `changed`: summarizes them again
  // and solves from scratch (live sets only shrink, and an old solution would keep a
  // value live around a loop). The members stay those of the first code: a register
  // that nothing reads across blocks any more has no gen bit, so it is never live.
  // Returns the blocks whose live-out set changed: only they can lose more code.
  std::vector<uint32_t> update(const std::vector<bool> &changed) {
    for (size_t b = 0; b < fn_.blocks.size(); ++b)
      if (changed[b]) {
        std::fill_n(&gen_[b * words_], words_, 0);
        std::fill_n(&kill_[b * words_], words_, 0);
        summarize(b);
      }
    std::vector<uint64_t> oldOut;
    oldOut.swap(out_);
    solve();
    std::vector<uint32_t> outChanged;
    for (size_t b = 0; b < fn_.blocks.size(); ++b)
      if (!std::equal(&out_[b * words_], &out_[b * words_] + words_, &oldOut[b * words_]))
        outChanged.push_back(uint32_t(b));
    return outChanged;
  }

  size_t flagsBit() const { return members_.size(); }
  // The cross-block registers live out of `b` (call visit(reg)), and whether the flags are.
  template <typename Visit>
  bool liveOut(size_t b, Visit visit) const {
    const uint64_t *out = &out_[b * words_];
    for (size_t m = 0; m < members_.size(); ++m)
      if (out[m / 64] >> (m % 64) & 1) visit(members_[m]);
    return out[flagsBit() / 64] >> (flagsBit() % 64) & 1;
  }

 private:
  static bool tracked(VReg r) { return mir::isVirtual(r); }

  void findCrossBlockRegisters() {
    std::vector<uint32_t> writtenIn(fn_.numRegs, 0);  // block number + 1 of the last write seen
    for (size_t b = 0; b < fn_.blocks.size(); ++b) {
      uint32_t stamp = uint32_t(b + 1);
      for (const Inst &inst : fn_.blocks[b].insts) {
        Operands o = mir::operandsOf(inst);
        for (unsigned u = 0; u < o.numUses; ++u) {
          VReg r = o.uses[u];
          if (tracked(r) && writtenIn[r] != stamp && index_[r] < 0) {
            index_[r] = int32_t(members_.size());
            members_.push_back(r);
          }
        }
        for (unsigned d = 0; d < o.numDefs; ++d)
          if (tracked(o.defs[d])) writtenIn[o.defs[d]] = stamp;
      }
    }
  }

  void set(std::vector<uint64_t> &bits, size_t b, size_t member) { bits[b * words_ + member / 64] |= uint64_t(1) << (member % 64); }
  bool test(const std::vector<uint64_t> &bits, size_t b, size_t member) const {
    return bits[b * words_ + member / 64] >> (member % 64) & 1;
  }

  void summarize(size_t b) {
    for (const Inst &inst : fn_.blocks[b].insts) {
      Operands o = mir::operandsOf(inst);
      for (unsigned u = 0; u < o.numUses; ++u) {
        int32_t m = tracked(o.uses[u]) ? index_[o.uses[u]] : -1;
        if (m >= 0 && !test(kill_, b, size_t(m))) set(gen_, b, size_t(m));
      }
      if (o.readsFlags && !test(kill_, b, flagsBit())) set(gen_, b, flagsBit());
      for (unsigned d = 0; d < o.numDefs; ++d) {
        int32_t m = tracked(o.defs[d]) ? index_[o.defs[d]] : -1;
        if (m >= 0) set(kill_, b, size_t(m));
      }
      if (o.writesFlags) set(kill_, b, flagsBit());
    }
  }

  void solve() {
    in_.assign(gen_.size(), 0);
    out_.assign(gen_.size(), 0);
    for (bool changed = true; changed;) {
      changed = false;
      for (size_t b = fn_.blocks.size(); b-- > 0;) {
        uint64_t *out = &out_[b * words_], *in = &in_[b * words_];
        for (uint32_t s : fn_.blocks[b].succs)
          for (size_t w = 0; w < words_; ++w) out[w] |= in_[s * words_ + w];
        for (size_t w = 0; w < words_; ++w) {
          uint64_t next = gen_[b * words_ + w] | (out[w] & ~kill_[b * words_ + w]);
          changed |= next != in[w];
          in[w] = next;
        }
      }
    }
  }

  const mir::Function &fn_;
  std::vector<int32_t> index_;   // per register: its member number, or -1
  std::vector<VReg> members_;
  size_t words_ = 0;
  std::vector<uint64_t> gen_, kill_, in_, out_;  // blocks x words
};

// Whether `inst` must stay, given what is live after it.
bool needed(const Operands &o, const std::vector<uint32_t> &liveStamp, uint32_t stamp, bool flagsLive) {
  if (o.hasSideEffects || o.implicitDefs) return true;
  if (o.writesFlags && flagsLive) return true;
  if (o.numDefs == 0 && !o.writesFlags) return true;  // nothing it does is modelled: keep it
  for (unsigned d = 0; d < o.numDefs; ++d)
    if (!mir::isVirtual(o.defs[d]) || liveStamp[o.defs[d]] == stamp) return true;
  return false;
}

// One backward pass over block `b` given what is live out of it; returns whether any
// instruction went. `liveStamp` marks the live registers with `stamp`, which must be
// new for each call.
bool sweepBlock(mir::Block &block, const BlockLiveness &liveness, size_t b, std::vector<uint32_t> &liveStamp,
                uint32_t stamp, std::vector<bool> &keep) {
  bool flagsLive = liveness.liveOut(b, [&](VReg r) { liveStamp[r] = stamp; });
  std::vector<Inst> &insts = block.insts;
  keep.assign(insts.size(), true);
  bool removed = false;
  for (size_t k = insts.size(); k-- > 0;) {
    Operands o = mir::operandsOf(insts[k]);
    if (!needed(o, liveStamp, stamp, flagsLive)) {
      keep[k] = false;
      removed = true;
      continue;
    }
    for (unsigned d = 0; d < o.numDefs; ++d)
      if (mir::isVirtual(o.defs[d])) liveStamp[o.defs[d]] = 0;
    if (o.writesFlags) flagsLive = false;
    for (unsigned u = 0; u < o.numUses; ++u)
      if (mir::isVirtual(o.uses[u])) liveStamp[o.uses[u]] = stamp;
    if (o.readsFlags) flagsLive = true;
  }
  if (!removed) return false;
  size_t out = 0;
  for (size_t k = 0; k < insts.size(); ++k)
    if (keep[k]) insts[out++] = insts[k];
  insts.resize(out);
  return true;
}

}  // namespace

// Sweeps every block, then again only the blocks whose live-out set shrank because code
// went elsewhere (a block whose live-out stays the same has nothing more to lose: its
// sweep is exact given that set), until nothing goes. The same code goes as when every
// block is swept each round, for a fraction of the work: a chain of dead values across
// blocks takes one round per block it crosses.
void removeDeadCode(mir::Function &fn) {
  fn.computeSuccessors();
  BlockLiveness liveness(fn);
  std::vector<uint32_t> liveStamp(fn.numRegs, 0);  // live iff equal to the sweep's stamp
  uint32_t stamp = 0;
  std::vector<bool> keep, changed(fn.blocks.size(), false);
  std::vector<uint32_t> toSweep(fn.blocks.size());
  for (uint32_t b = 0; b < toSweep.size(); ++b) toSweep[b] = b;
  while (!toSweep.empty()) {
    bool removed = false;
    std::fill(changed.begin(), changed.end(), false);
    for (uint32_t b : toSweep)
      if (sweepBlock(fn.blocks[b], liveness, b, liveStamp, ++stamp, keep)) changed[b] = removed = true;
    if (!removed) break;
    toSweep = liveness.update(changed);
  }
}

}  // namespace bpf2arm::arm
