#include "promote_stack.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <climits>
#include <optional>

#include "control_flow.h"
#include "def_use.h"

namespace bpf2arm {

using namespace bpf;

int StackPromotion::find(int offset, unsigned bytes) const {
  auto it = std::lower_bound(slots.begin(), slots.end(), offset, [](const Slot &s, int o) { return s.offset < o; });
  return it != slots.end() && it->offset == offset && it->bytes == bytes ? int(it - slots.begin()) : -1;
}

namespace {

constexpr int kStackBytes = 512;
constexpr int32_t kUnbounded = INT32_MAX;  // hi of a pointer that may have moved up by any amount
// Beyond this distance from R10 a pointer is no stack pointer we can reason about.
constexpr int64_t kFarAway = 1 << 20;
// A loop that keeps moving a pointer gets this many rounds before its range is widened.
constexpr unsigned kRoundsBeforeWidening = 8;

// What a register may hold: a scalar, or an address in the BPF stack, R10 + [lo, hi].
struct StackValue {
  bool isStack = false;
  int32_t lo = 0, hi = 0;
  bool operator==(const StackValue &o) const { return isStack == o.isStack && (!isStack || (lo == o.lo && hi == o.hi)); }
  bool operator!=(const StackValue &o) const { return !(*this == o); }
};
using State = std::array<StackValue, R10>;  // R0-R9; R10 itself is R10 + 0

StackValue join(StackValue a, StackValue b) {
  if (!a.isStack) return b;
  if (!b.isStack) return a;
  return {true, std::min(a.lo, b.lo), std::max(a.hi, b.hi)};
}

// A direct access [R10 + offset] of the function.
struct DirectAccess {
  int16_t offset;
  uint8_t bytes;
  bool promotable;  // 4 or 8 bytes, a plain load or store
};

class PointerAnalysis {
 public:
  explicit PointerAnalysis(const Function &fn) : fn_(fn) {}

  bool gaveUp = false;   // some stack pointer's lowest address is unknown
  bool assumed = false;  // some stack pointer escaped or got an index: the rule's assumption holds
  std::bitset<kStackBytes> reachable;  // bytes (offset + 512) that pointers other than R10 may touch
  std::vector<DirectAccess> direct;

  // Effects are recorded only when `record` (the last pass, from the fixed point).
  void step(const Instruction &ins, State &state, bool record) {
    record_ = record;
    const Insn &insn = ins.insn;
    const DefUse du = defUse(fn_, ins);
    std::optional<StackValue> result;  // dst's value, when it may be a stack pointer
    switch (insn.cls()) {
      case ALU64: result = alu64(insn, state, du); break;
      case ALU:
        if (readsStack(state, du.uses())) giveUp();
        break;
      case LDX: access(insn.src, insn, state); break;
      case ST: access(insn.dst, insn, state); break;
      case STX:
        access(insn.dst, insn, state);
        escape(value(state, insn.src));
        if (memMode(insn.opcode) == ATOMIC && insn.imm == ATOMIC_CMPXCHG) escape(value(state, 0));
        break;
      case JMP:
        if (insn.isCall() || insn.isExit())
          for (unsigned r = 0; r < NUM_REGS; ++r)
            if (du.uses() & regBit(r)) escape(value(state, r));
        break;
      default: break;
    }
    for (unsigned r = 0; r < R10; ++r)
      if (du.defs() & regBit(r)) state[r] = r == insn.dst && result ? *result : StackValue{};
  }

  void giveUp() { gaveUp = true; }

 private:
  static StackValue value(const State &state, unsigned r) { return r == R10 ? StackValue{true, 0, 0} : state[r]; }
  static bool readsStack(const State &state, RegMask regs) {
    for (unsigned r = 0; r < NUM_REGS; ++r)
      if ((regs & regBit(r)) && value(state, r).isStack) return true;
    return false;
  }

  std::optional<StackValue> alu64(const Insn &insn, const State &state, const DefUse &du) {
    const uint8_t op = aluOp(insn.opcode);
    const bool imm = source(insn.opcode) == K;
    const StackValue d = value(state, insn.dst), s = imm ? StackValue{} : value(state, insn.src);
    if (op == MOV && !imm && insn.offset == 0) return s;
    if ((op == ADD || op == SUB) && imm && d.isStack) return moved(d, op == ADD ? int64_t(insn.imm) : -int64_t(insn.imm));
    if (op == ADD && !imm && d.isStack != s.isStack) {  // pointer + index: anywhere above the pointer
      if (record_) assumed = true;
      return StackValue{true, d.isStack ? d.lo : s.lo, kUnbounded};
    }
    if (readsStack(state, du.uses())) giveUp();  // other arithmetic on a stack address
    return std::nullopt;
  }

  StackValue moved(StackValue v, int64_t delta) {
    int64_t lo = v.lo + delta, hi = v.hi == kUnbounded ? kFarAway : v.hi + delta;
    if (lo < -kFarAway) giveUp();
    return {true, int32_t(std::clamp<int64_t>(lo, -kFarAway, kFarAway)), hi >= kFarAway ? kUnbounded : int32_t(std::max(hi, -kFarAway))};
  }

  void access(unsigned base, const Insn &insn, const State &state) {
    const unsigned bytes = sizeBytes(memSize(insn.opcode));
    if (base == R10) {
      bool plain = memMode(insn.opcode) == MEM && (bytes == 4 || bytes == 8);
      if (record_) direct.push_back({insn.offset, uint8_t(bytes), plain});
      return;
    }
    const StackValue v = value(state, base);
    if (!v.isStack) return;
    reach(int64_t(v.lo) + insn.offset, v.hi == kUnbounded ? 0 : int64_t(v.hi) + insn.offset + bytes);
  }

  // A pointer leaves what we follow: everything from its lowest address up is reachable.
  void escape(StackValue v) {
    if (!v.isStack) return;
    if (v.lo >= 0) return giveUp();  // R10 itself or above: what is reached from it is no guess
    if (record_) assumed = true;
    reach(v.lo, 0);
  }

  void reach(int64_t from, int64_t to) {
    if (!record_) return;
    for (int64_t at = std::max<int64_t>(from, -kStackBytes); at < std::min<int64_t>(to, 0); ++at)
      reachable.set(size_t(at + kStackBytes));
  }

  const Function &fn_;
  bool record_ = false;
};

}  // namespace

StackPromotion promoteStackSlots(const Function &fn) {
  StackPromotion promotion;
  promotion.bytesInMemory = fn.stackSize;
  const size_t n = fn.blocks.size();
  if (n == 0) return promotion;
  ControlFlow cfg(fn);
  PointerAnalysis analysis(fn);
  // Ranges only grow from "no register holds a stack pointer"; after a few rounds a block
  // whose input still moves is widened (upwards: unbounded; downwards: give up).
  std::vector<State> in(n), out(n);
  std::vector<unsigned> rounds(n, 0);
  for (BlockWorklist work(n, BlockWorklist::Forward); !work.empty() && !analysis.gaveUp;) {
    unsigned b = work.pop();
    State entry{};
    for (unsigned p : cfg.preds[b])
      for (unsigned r = 0; r < R10; ++r) entry[r] = join(entry[r], out[p][r]);
    for (unsigned r = 0; r < R10; ++r) entry[r] = join(entry[r], in[b][r]);  // never shrinks (widening)
    if (entry != in[b] && ++rounds[b] > kRoundsBeforeWidening) {
      for (unsigned r = 0; r < R10; ++r) {
        if (!entry[r].isStack || !in[b][r].isStack) continue;
        if (entry[r].lo < in[b][r].lo) analysis.giveUp();
        if (entry[r].hi > in[b][r].hi) entry[r].hi = kUnbounded;
      }
    }
    in[b] = entry;
    State state = entry;
    for (uint32_t k = fn.blocks[b].first; k < fn.blocks[b].end; ++k) analysis.step(fn.insns[k], state, false);
    if (state == out[b]) continue;
    out[b] = state;
    work.push(cfg.succs[b]);
  }
  if (analysis.gaveUp) return promotion;
  for (size_t b = 0; b < n; ++b) {
    State state = in[b];
    for (uint32_t k = fn.blocks[b].first; k < fn.blocks[b].end; ++k) analysis.step(fn.insns[k], state, true);
  }
  if (analysis.gaveUp) return promotion;

  // Each byte's one access shape (offset and size); a second shape, an access that is not
  // a plain 4- or 8-byte load or store, or a pointer that may reach it rules it out.
  std::array<int16_t, kStackBytes> shape{};
  std::bitset<kStackBytes> ruledOut = analysis.reachable;
  auto code = [](const DirectAccess &a) { return int16_t(((a.offset + kStackBytes) << 4) | a.bytes); };
  auto bytesOf = [](const DirectAccess &a, auto visit) {
    for (int at = std::max(int(a.offset), -kStackBytes); at < std::min(a.offset + int(a.bytes), 0); ++at)
      visit(size_t(at + kStackBytes));
  };
  for (const DirectAccess &a : analysis.direct)
    bytesOf(a, [&](size_t i) {
      if (shape[i] == 0) shape[i] = code(a);
      else if (shape[i] != code(a)) ruledOut.set(i);
      if (!a.promotable) ruledOut.set(i);
    });
  std::vector<DirectAccess> candidates;
  for (const DirectAccess &a : analysis.direct)
    if (a.promotable) candidates.push_back(a);
  std::sort(candidates.begin(), candidates.end(), [](const DirectAccess &x, const DirectAccess &y) { return x.offset < y.offset; });
  int deepestInMemory = 0;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const DirectAccess &a = candidates[i];
    if (i > 0 && candidates[i - 1].offset == a.offset) continue;  // same shape: every byte agreed or was ruled out
    bool promotable = a.offset >= -kStackBytes && a.offset + a.bytes <= 0;
    bytesOf(a, [&](size_t b) { promotable = promotable && shape[b] == code(a) && !ruledOut[b]; });
    if (promotable) promotion.slots.push_back({a.offset, a.bytes});
  }
  for (const DirectAccess &a : analysis.direct)
    if (promotion.find(a.offset, a.bytes) < 0) deepestInMemory = std::max(deepestInMemory, -int(a.offset));
  for (size_t i = 0; i < size_t(kStackBytes); ++i)
    if (analysis.reachable[i]) {
      deepestInMemory = std::max(deepestInMemory, kStackBytes - int(i));
      break;
    }
  // A pointer that escaped or got an index may, against the rule, reach deeper: keep the
  // whole stack in memory then, so that such code still stays in its own frame.
  if (!analysis.assumed) promotion.bytesInMemory = std::min(fn.stackSize, unsigned((deepestInMemory + 7) & ~7));
  return promotion;
}

}  // namespace bpf2arm
