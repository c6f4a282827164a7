#include "track_upper_zero.h"

#include <algorithm>
#include <array>
#include <vector>

#include "control_flow.h"
#include "def_use.h"
#include "in_order_parallel.h"
#include "value_range.h"

namespace bpf2arm {

using namespace bpf;

namespace {

bool resultFitsIn32Bits(const abi::CType &type) {
  return type.kind == abi::TypeKind::Pointer || (type.kind == abi::TypeKind::Integer && !type.isSigned && type.size <= 4);
}

// What R0-R9 may hold at a point; R10, the top of the BPF stack, is an ARM address.
struct State {
  // Register r equals register base + offset (mod 2^64), as after `r = base; r += 2`:
  // what a compare learns of base, it learns of r too (clang tests the old counter after
  // computing the next one).
  struct Relation {
    int8_t base = -1;
    uint64_t offset = 0;
    bool operator==(const Relation &o) const { return base == o.base && offset == o.offset; }
  };
  bool reached = false;
  std::array<ValueRange, R10> regs{};
  std::array<Relation, R10> relations{};
  // Registers whose hi word the backend left unwritten (dead at the write): what it
  // holds is not the value's, so no fact is claimed or learned until the next write.
  RegMask stale = 0;

  ValueRange read(unsigned r) const { return r == R10 ? ValueRange::all32() : regs[r]; }
  bool operator==(const State &o) const {
    return reached == o.reached && (!reached || (regs == o.regs && relations == o.relations && stale == o.stale));
  }
  RegMask hiZeroMask() const {
    RegMask mask = regBit(R10);
    if (!reached) return mask;  // no path gets here: claim nothing all the same
    for (unsigned r = 0; r < R10; ++r)
      if (regs[r].fitsIn32Bits() && !(stale & regBit(r))) mask |= regBit(r);
    return mask;
  }
  // Where both hold: the hull of the ranges, the relations both have.
  void join(const State &o) {
    for (unsigned r = 0; r < R10; ++r) {
      regs[r] = regs[r].hull(o.regs[r]);
      if (!(relations[r] == o.relations[r])) relations[r] = {};
    }
    stale |= o.stale;
  }
};

State everything() {
  State s;
  s.reached = true;
  return s;
}

class RangeTracker {
 public:
  explicit RangeTracker(Function &fn) : fn_(fn), cfg_(fn) {
    table_.reserve(fn.insns.size());
    for (const Instruction &ins : fn.insns) table_.push_back(defUse(fn, ins));
    collectThresholds();
  }

  void run();

 private:
  ValueRange result(const Instruction &ins, const State &s) const;
  void transfer(uint32_t k, State &s) const;
  // The state on the edge out of block b that the last instruction's jump takes or not.
  State leaving(const State &atEnd, uint32_t last, bool taken) const;
  State entering(unsigned b) const;
  ValueRange widen(const ValueRange &old, const ValueRange &grown, bool coarse) const;
  void collectThresholds();

  Function &fn_;
  ControlFlow cfg_;
  std::vector<DefUse> table_;
  // Bounds that widening jumps to: the jumps' constants and their neighbours (loop
  // bounds), and the widths of loads and of 32-bit values.
  std::vector<uint64_t> thresholds_;
  std::vector<State> in_, outTaken_, outFall_;
};

ValueRange RangeTracker::result(const Instruction &ins, const State &s) const {
  const Insn &insn = ins.insn;
  switch (insn.cls()) {
    case ALU: case ALU64: {
      const ValueRange src =
          source(insn.opcode) == K ? ValueRange::constant(uint64_t(int64_t(insn.imm))) : s.read(insn.src);
      return aluResult(insn, s.read(insn.dst), src);
    }
    case LD:
      if (insn.isLdImm64()) {
        if (fn_.addressOf(ins)) return ValueRange::all32();
        if (insn.src != 0) return (insn.imm64 >> 32) == 0 ? ValueRange::all32() : ValueRange::all();
        return ValueRange::constant(insn.imm64);
      }
      [[fallthrough]];
    case LDX:
      if (memMode(insn.opcode) == MEMSX || memSize(insn.opcode) == DW) return ValueRange::all();
      return ValueRange::upTo(memSize(insn.opcode) == B ? 0xff : memSize(insn.opcode) == H ? 0xffff : 0xffffffffu);
    case STX:  // atomics: a 32-bit old value is zero-extended
      return memSize(insn.opcode) == W ? ValueRange::all32() : ValueRange::all();
    case JMP:
      if (insn.isCall()) {
        // A local callee's BPF code computes R0 itself: only the C types of helpers and
        // externs promise a narrow result.
        const CallTarget &call = fn_.callOf(ins);
        bool narrow = (call.kind == CallTarget::Helper || call.kind == CallTarget::Extern) &&
                      resultFitsIn32Bits(call.prototype.result);
        return narrow ? ValueRange::all32() : ValueRange::all();
      }
      break;
  }
  return ValueRange::all();
}

void RangeTracker::transfer(uint32_t k, State &s) const {
  if (!s.reached) return;
  const DefUse &du = table_[k];
  const Insn &insn = fn_.insns[k].insn;
  const ValueRange value = result(fn_.insns[k], s);
  // The relation of a copy, and of a constant added to a register that has one.
  State::Relation relation;
  if (insn.cls() == ALU64 && aluOp(insn.opcode) == MOV && source(insn.opcode) == X && insn.offset == 0 &&
      insn.src != R10 && insn.src != insn.dst && !(s.stale & regBit(insn.src))) {
    relation = {int8_t(insn.src), 0};
  } else if (insn.cls() == ALU64 && (aluOp(insn.opcode) == ADD || aluOp(insn.opcode) == SUB) &&
             source(insn.opcode) == K && insn.dst < R10 && s.relations[insn.dst].base >= 0) {
    const uint64_t step = uint64_t(int64_t(insn.imm));
    relation = s.relations[insn.dst];
    relation.offset = aluOp(insn.opcode) == ADD ? relation.offset + step : relation.offset - step;
  }
  for (unsigned r = 0; r < R10; ++r) {
    if (!(du.defs() & regBit(r))) continue;
    s.regs[r] = du.computed() & regBit(r) ? value : ValueRange::all();
    s.relations[r] = r == insn.dst ? relation : State::Relation{};
    for (State::Relation &other : s.relations)
      if (other.base == int8_t(r)) other = {};
    if (!(du.defHi & regBit(r))) continue;
    if (fn_.hiLiveAfter(k, r)) {
      s.stale &= RegMask(~regBit(r));
    } else {
      s.stale |= regBit(r);
      s.regs[r] = ValueRange::all();
      s.relations[r] = {};
    }
  }
}

State RangeTracker::leaving(const State &atEnd, uint32_t last, bool taken) const {
  const Insn &insn = fn_.insns[last].insn;
  if (!atEnd.reached || !insn.isConditionalJump()) return atEnd;
  // The operands as the compare reads them: JMP32 compares the low 32 bits.
  const bool narrow = insn.cls() == JMP32;
  const bool imm = source(insn.opcode) == K;
  const ValueRange d = atEnd.read(insn.dst);
  const ValueRange s = imm ? ValueRange::constant(uint64_t(int64_t(insn.imm))) : atEnd.read(insn.src);
  std::optional<ComparedRanges> refined =
      refineByCompare(insn, taken, narrow ? d.lo32() : d, narrow ? s.lo32() : s);
  State out = atEnd;
  if (!refined) {
    out.reached = false;  // the jump never goes this way
    return out;
  }
  // What was learned of the compared bits is learned of the register where those bits
  // are the whole value.
  auto narrowTo = [&](unsigned r, const ValueRange &to) {
    ValueRange &range = out.regs[r];
    range = {std::max(range.min, to.min), std::min(range.max, to.max)};
    return range.min <= range.max;
  };
  auto learn = [&](unsigned r, const ValueRange &whole, const ValueRange &compared) {
    if (r == R10 || (out.stale & regBit(r)) || (narrow && !whole.fitsIn32Bits())) return true;
    if (!narrowTo(r, compared)) return false;
    // The registers that are r plus a constant.
    const ValueRange &base = out.regs[r];
    for (unsigned other = 0; other < R10; ++other) {
      const State::Relation &relation = out.relations[other];
      if (relation.base != int8_t(r) || (out.stale & regBit(other))) continue;
      const ValueRange shifted = plusConstant(base, relation.offset);
      if (!narrowTo(other, shifted)) return false;
    }
    return true;
  };
  bool feasible = learn(insn.dst, d, refined->dst);
  if (!imm) feasible = learn(insn.src, s, refined->src) && feasible;
  if (!feasible) out.reached = false;
  return out;
}

State RangeTracker::entering(unsigned b) const {
  if (b == 0) return everything();  // callers may pass any value
  State joined;
  bool hasPredecessor = false;
  const std::vector<unsigned> &preds = cfg_.preds[b];
  for (size_t i = 0; i < preds.size(); ++i) {
    if (i > 0 && preds[i] == preds[i - 1]) continue;  // both edges of p lead here: once
    const BasicBlock &p = fn_.blocks[preds[i]];
    const int target = fn_.insns[p.last()].targetBlock;
    for (bool taken : {false, true}) {
      if ((taken ? target : p.fallthrough) != int(b)) continue;
      hasPredecessor = true;
      const State &edge = taken ? outTaken_[p.id] : outFall_[p.id];
      if (!edge.reached) continue;
      if (!joined.reached) {
        joined = edge;
        continue;
      }
      joined.join(edge);
    }
  }
  // A block no jump reaches runs only if control gets there some way we cannot see:
  // assume nothing.
  return hasPredecessor ? joined : everything();
}

ValueRange RangeTracker::widen(const ValueRange &old, const ValueRange &grown, bool coarse) const {
  ValueRange w = grown;
  if (grown.max > old.max) {
    if (coarse) {
      for (uint64_t bound : {uint64_t(0xff), uint64_t(0xffff), uint64_t(0xffffffffu), ~uint64_t(0)})
        if (bound >= grown.max) {
          w.max = bound;
          break;
        }
    } else {
      w.max = *std::lower_bound(thresholds_.begin(), thresholds_.end(), grown.max);
    }
  }
  if (grown.min < old.min) {
    auto above = std::upper_bound(thresholds_.begin(), thresholds_.end(), grown.min);
    w.min = coarse ? 0 : *(above - 1);
  }
  return w;
}

void RangeTracker::collectThresholds() {
  thresholds_ = {0, 0xff, 0xffff, 0xffffffffu, ~uint64_t(0) >> 1, ~uint64_t(0)};
  for (const Instruction &ins : fn_.insns) {
    const Insn &insn = ins.insn;
    if (!insn.isConditionalJump() || source(insn.opcode) != K) continue;
    const uint64_t c = insn.cls() == JMP32 ? uint64_t(uint32_t(insn.imm)) : uint64_t(int64_t(insn.imm));
    thresholds_.push_back(c);
    if (c != 0) thresholds_.push_back(c - 1);
    if (c != ~uint64_t(0)) thresholds_.push_back(c + 1);
  }
  std::sort(thresholds_.begin(), thresholds_.end());
  thresholds_.erase(std::unique(thresholds_.begin(), thresholds_.end()), thresholds_.end());
}

void RangeTracker::run() {
  const size_t n = fn_.blocks.size();
  in_.assign(n, State{});
  outTaken_.assign(n, State{});
  outFall_.assign(n, State{});
  // A block's entry state only grows. Its first few changes are exact joins; then each
  // change widens a bound that grew to the next threshold (a loop bound, or a width),
  // and after more changes to the next width only, so every block settles after a
  // bounded number of changes however the loops nest.
  constexpr unsigned kExactChanges = 2, kThresholdChanges = 8;
  std::vector<unsigned> changes(n, 0);
  // Widening where a loop closes: at blocks that a later block (or itself) jumps back
  // to. Every cycle has one, and elsewhere the joins stay exact, so that a bound a
  // compare proved inside the loop is not widened away again.
  std::vector<bool> loopHead(n, false);
  for (size_t b = 0; b < n; ++b)
    for (unsigned p : cfg_.preds[b]) loopHead[b] = loopHead[b] || p >= b;
  for (BlockWorklist work(n, BlockWorklist::Forward); !work.empty();) {
    const unsigned b = work.pop();
    State entry = entering(b);
    if (!entry.reached) continue;
    State &old = in_[b];
    if (old.reached) {
      const bool coarse = changes[b] >= kExactChanges + kThresholdChanges;
      State grown = old;
      grown.join(entry);
      for (unsigned r = 0; r < R10; ++r)
        if (loopHead[b] && changes[b] >= kExactChanges) grown.regs[r] = widen(old.regs[r], grown.regs[r], coarse);
      entry = grown;
      if (entry == old) continue;
    }
    old = entry;
    ++changes[b];
    State state = entry;
    const BasicBlock &block = fn_.blocks[b];
    for (uint32_t k = block.first; k < block.end; ++k) transfer(k, state);
    outTaken_[b] = leaving(state, block.last(), true);
    outFall_[b] = leaving(state, block.last(), false);
    work.push(cfg_.succs[b]);
  }
  fn_.upperZero.assign(fn_.insns.size(), 0);
  fn_.upperZeroAfter.assign(fn_.insns.size(), 0);
  for (size_t b = 0; b < n; ++b) {
    State state = in_[b];
    for (uint32_t k = fn_.blocks[b].first; k < fn_.blocks[b].end; ++k) {
      fn_.upperZero[k] = state.hiZeroMask();
      transfer(k, state);
      fn_.upperZeroAfter[k] = state.hiZeroMask();
    }
  }
}

}  // namespace

void trackUpperZero(Program &program, unsigned threads) {
  // Each function on its own: no fact crosses a call.
  parallelFor(program.functions.size(), threads, [&](size_t i) { RangeTracker(program.functions[i]).run(); });
}

}  // namespace bpf2arm
