#include "mir_passes.h"

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
    in_.assign(blocks * words_, 0);
    out_.assign(blocks * words_, 0);
    for (size_t b = 0; b < blocks; ++b) summarize(b);
    solve();
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

// One backward sweep over every block; returns how many instructions went.
size_t sweep(mir::Function &fn) {
  fn.computeSuccessors();
  BlockLiveness liveness(fn);
  std::vector<uint32_t> liveStamp(fn.numRegs, 0);  // live iff equal to the block's stamp
  size_t removed = 0;
  std::vector<bool> keep;
  for (size_t b = 0; b < fn.blocks.size(); ++b) {
    uint32_t stamp = uint32_t(b + 1);
    bool flagsLive = liveness.liveOut(b, [&](VReg r) { liveStamp[r] = stamp; });
    std::vector<Inst> &insts = fn.blocks[b].insts;
    keep.assign(insts.size(), true);
    for (size_t k = insts.size(); k-- > 0;) {
      Operands o = mir::operandsOf(insts[k]);
      if (!needed(o, liveStamp, stamp, flagsLive)) {
        keep[k] = false;
        ++removed;
        continue;
      }
      for (unsigned d = 0; d < o.numDefs; ++d)
        if (mir::isVirtual(o.defs[d])) liveStamp[o.defs[d]] = 0;
      if (o.writesFlags) flagsLive = false;
      for (unsigned u = 0; u < o.numUses; ++u)
        if (mir::isVirtual(o.uses[u])) liveStamp[o.uses[u]] = stamp;
      if (o.readsFlags) flagsLive = true;
    }
    size_t out = 0;
    for (size_t k = 0; k < insts.size(); ++k)
      if (keep[k]) insts[out++] = insts[k];
    insts.resize(out);
  }
  return removed;
}

}  // namespace

void removeDeadCode(mir::Function &fn) {
  while (sweep(fn)) {
  }
}

}  // namespace bpf2arm::arm
