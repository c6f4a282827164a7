// Register allocation: Chaitin-Briggs graph colouring with conservative coalescing.
//
// Why colouring rather than linear scan: the MIR is full of fixed registers (call
// arguments and results, the division routines' registers, ldrexd pairs) joined to
// virtual registers by plain moves. In a graph those are interference with a physical
// register (a mask per node) and coalescing candidates; conservative coalescing (Briggs'
// and George's tests) removes the argument and result copies without ever making the
// graph harder to colour, and optimistic colouring spills only what really does not
// fit. Linear scan would need interval splitting and a move resolver to reach the same
// code. The functions are small (clang's BPF functions: tens to hundreds of
// instructions), and the graph is built with sparse sets and adjacency lists, so the
// cost stays linear in the size of the live sets for large ones.
//
// The steps, per function:
//   1. webs: each virtual register (a BPF register half, written on many paths) is split
//      into its webs, the unions of def-use chains (mir_liveness.h gives the live-in
//      sets that join a block's incoming values to its predecessors' outgoing ones); a
//      read that no write reaches is a web of its own, garbage but harmless;
//   2. build: liveness, interference (a def interferes with everything live after it,
//      except the source of a plain move), physical registers as forbidden masks, moves,
//      spill costs (uses and defs weighted by 8^loop depth);
//   3. coalesce: moves by decreasing weight, vreg-vreg by Briggs' test, vreg-physical by
//      George's; the code is renamed, and the graph keeps the joined classes (member
//      rings over the rows as built) instead of being built again;
//   4. colour: simplify (remove nodes of degree < available registers), else push the
//      cheapest-per-neighbour node optimistically; select pops, preferring a move
//      partner's register, else the first free one in RegisterFile::order;
//   5. spill what got no register: a reload into a new short-lived register before each
//      read, a store after each write, in word slots that webs spilled in the same round
//      share when they do not interfere (constants and addresses are issued again before
//      each use instead); go back to 2 until nothing spills.
// Loop depths come from the selector, or when it leaves them all 0 from the layout's back
// edges (mir_liveness.h: a branch to an earlier block makes a loop of the blocks between,
// no dominance check).
// Spill code is ldr/str of 4 bytes (and the rematerialised instruction), which touch no
// flags; it is placed before the instruction that reads and after the one that writes,
// and no instruction that writes a register can be a terminator, so nothing lands
// between a conditional branch and the end of its block.
#include "regalloc.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <limits>
#include <queue>

#include "mir_liveness.h"
#include "regalloc_graph.h"

namespace bpf2arm::arm {

const RegisterFile &aapcsRegisters() {
  static const RegisterFile regs = {
      0x5fff,  // r0-r12, lr
      0x0ff0,  // r4-r11
      0x500f,  // r0-r3, r12, lr
      {0, 1, 2, 3, 12, 4, 5, 6, 7, 8, 9, 10, 11, 14},
      14,
  };
  return regs;
}

namespace {

using namespace mir;

constexpr double kNeverSpill = std::numeric_limits<double>::infinity();

struct Move {
  VReg dst, src;
  double weight;
};

// Bits set in a register mask, a byte at a time from a table: the degree tests of
// colouring and coalescing ask for it per neighbour, and __builtin_popcount becomes a
// library call on a CPU without popcnt.
constexpr auto kBitsInByte = [] {
  std::array<uint8_t, 256> bits{};
  for (unsigned x = 1; x < 256; ++x) bits[x] = uint8_t((x & 1) + bits[x >> 1]);
  return bits;
}();
unsigned countOf(uint16_t mask) { return kBitsInByte[mask & 0xff] + kBitsInByte[mask >> 8]; }

template <typename T, typename Predicate>
void eraseIf(std::vector<T> &items, Predicate predicate) {
  items.erase(std::remove_if(items.begin(), items.end(), predicate), items.end());
}

// Calls visit(r) for each physical register r of a mask.
template <typename Visit>
void forEachBit(uint16_t mask, Visit visit) {
  while (mask) {
    unsigned r = unsigned(__builtin_ctz(mask));
    mask &= uint16_t(mask - 1);
    visit(VReg(r));
  }
}

// A def that can be issued again wherever its value is needed: no inputs, no flags.
bool rematerialisable(const Inst &inst) {
  if (inst.cond != Cond::AL || inst.setFlags || inst.dst2 != kNoReg) return false;
  switch (inst.op) {
    case Opcode::MovConst: case Opcode::AddressOf: case Opcode::FrameAddress: return true;
    case Opcode::Mov: case Opcode::Mvn: return inst.b == kNoReg;
    default: return false;
  }
}

class Allocator {
 public:
  Allocator(Function &fn, const RegisterFile &regs)
      : fn_(fn), regs_(regs), k_(countOf(regs.allocatable)) {}

  void run() {
    fn_.computeSuccessors();
    computeLoopDepths(fn_);
    Liveness live = splitWebs();
    for (unsigned round = 0;; ++round) {
      assert(round < 64 && "register allocation does not converge");
      if (round > 0) live = computeLiveness(fn_, regs_.allocatable);
      build(live);
      coalesce();
      std::vector<VReg> spilled = colour();
      if (spilled.empty()) break;
      insertSpillCode(spilled);
    }
    rewrite();
  }

 private:
  bool tracked(VReg r) const { return isVirtual(r) || ((regs_.allocatable >> r) & 1); }
  bool neverSpill(VReg v) const { return v < neverSpill_.size() && neverSpill_[v]; }
  unsigned available(VReg v) const { return countOf(regs_.allocatable & ~forbidden_[v]); }
  // Whether a node with that many neighbours may fail to get a register.
  bool significantWith(VReg v, unsigned degree) const {
    return degree + countOf(forbidden_[v] & regs_.allocatable) >= k_;
  }
  bool significant(VReg v) const { return significantWith(v, degree_[v]); }
  double blockWeight(const Block &block) const { return std::pow(8.0, double(std::min(block.loopDepth, 10u))); }
  VReg newTemp() {
    VReg t = fn_.newReg();
    neverSpill_.resize(fn_.numRegs, false);
    neverSpill_[t] = true;
    return t;
  }

  Liveness splitWebs();
  void build(const Liveness &live);
  void addEdge(VReg a, VReg b);
  void addVirtualEdge(VReg a, VReg b) {  // both virtual, a != b
    if (!edges_->insert(a - kFirstVirtual, b - kFirstVirtual)) return;
    edgeList_.emplace_back(a, b);
    ++degree_[a];
    ++degree_[b];
  }
  void interfereWithLive(VReg def, VReg moveSource, const SparseSet &live);
  void coalesce();
  VReg find(VReg r) {
    while (alias_[r] != r) r = alias_[r] = alias_[alias_[r]];
    return r;
  }
  template <typename Visit>
  void forEachNeighbour(VReg v, Visit visit);  // of v's class: representatives, once each
  void compactGraph();
  std::vector<VReg> colour();
  void insertSpillCode(const std::vector<VReg> &spilled);
  void rewrite();

  Function &fn_;
  const RegisterFile &regs_;
  const unsigned k_;
  std::vector<bool> neverSpill_;  // spill and rematerialisation temporaries

  // The graph of the current round, indexed by register number.
  // Adjacency as compressed rows (the registers as built); after coalescing, a class's
  // neighbours are those of its members (nextMember_ links each class in a ring).
  std::vector<uint32_t> firstEdge_;
  std::vector<VReg> neighbours_, nextMember_;
  // Whether each row holds exactly the class's neighbours (representatives, once each, in
  // forEachNeighbour's order), so that forEachNeighbour can read it as it is.
  bool compact_ = false;
  std::vector<std::pair<VReg, VReg>> edgeList_;
  std::vector<uint16_t> forbidden_;  // physical registers it interferes with
  std::vector<unsigned> degree_;
  std::vector<double> cost_, defWeight_;
  std::vector<uint8_t> defCount_;  // 0, 1 or 2 (more)
  std::vector<bool> present_;
  std::vector<Move> moves_;
  std::vector<VReg> alias_;
  std::unique_ptr<EdgeSet> edges_;
  std::vector<uint32_t> visitStamp_, mark_;
  uint32_t stamp_ = 0, markStamp_ = 0;
  std::vector<uint8_t> colour_;
};

// ---- 1. webs (mir_liveness.cpp) -----------------------------------------------------------

Liveness Allocator::splitWebs() {
  Liveness live = mir::splitWebs(fn_, regs_.allocatable);
  neverSpill_.assign(fn_.numRegs, false);
  return live;
}

// ---- 2. build --------------------------------------------------------------------------

void Allocator::addEdge(VReg a, VReg b) {
  if (a == b) return;
  if (isPhysical(a) && isPhysical(b)) return;
  if (isPhysical(a)) std::swap(a, b);
  if (isPhysical(b)) {
    forbidden_[a] |= uint16_t(1u << b);
    return;
  }
  addVirtualEdge(a, b);
}

// addEdge(def, l) for every l live after the def except a move's source, in the live
// set's order (the order of the edges decides the colouring's), with the tests of
// addEdge hoisted out of the loop: this is the allocator's innermost loop.
void Allocator::interfereWithLive(VReg def, VReg moveSource, const SparseSet &live) {
  if (isVirtual(def)) {
    for (VReg l : live.members()) {
      if (l == def || l == moveSource) continue;
      if (isPhysical(l)) forbidden_[def] |= uint16_t(1u << l);
      else addVirtualEdge(def, l);
    }
    return;
  }
  for (VReg l : live.members())
    if (l != moveSource && isVirtual(l)) forbidden_[l] |= uint16_t(1u << def);
}

void Allocator::build(const Liveness &live) {
  const uint32_t n = fn_.numRegs;
  compact_ = false;
  edgeList_.clear();
  forbidden_.assign(n, 0);
  degree_.assign(n, 0);
  cost_.assign(n, 0);
  present_.assign(n, false);
  defWeight_.assign(n, 0);
  defCount_.assign(n, 0);
  moves_.clear();
  edges_ = std::make_unique<EdgeSet>(n - kFirstVirtual);

  SparseSet liveNow(n);
  VReg defs[2 + kFirstVirtual], uses[5 + kFirstVirtual];
  for (uint32_t b = 0; b < fn_.blocks.size(); ++b) {
    const Block &block = fn_.blocks[b];
    const double weight = blockWeight(block);
    liveNow.clear();
    for (VReg r : live.liveOut(b))
      if (r != kNoReg) liveNow.insert(r);
    for (auto it = block.insts.rbegin(); it != block.insts.rend(); ++it) {
      const Inst &inst = *it;
      Operands o = operandsOf(inst);
      unsigned numDefs = 0, numUses = 0;
      for (unsigned k = 0; k < o.numDefs; ++k)
        if (tracked(o.defs[k])) defs[numDefs++] = o.defs[k];
      forEachBit(o.implicitDefs, [&](VReg r) { if (tracked(r)) defs[numDefs++] = r; });
      for (unsigned k = 0; k < o.numUses; ++k)
        if (tracked(o.uses[k])) uses[numUses++] = o.uses[k];
      forEachBit(o.implicitUses, [&](VReg r) { if (tracked(r)) uses[numUses++] = r; });

      const bool move = inst.isPlainMove() && tracked(inst.dst) && tracked(inst.b);
      if (move && inst.dst != inst.b) moves_.push_back({inst.dst, inst.b, weight});
      for (unsigned d = 0; d < numDefs; ++d) {
        interfereWithLive(defs[d], move ? inst.b : kNoReg, liveNow);
        for (unsigned e = d + 1; e < numDefs; ++e) addEdge(defs[d], defs[e]);
        if (o.earlyClobber)
          for (unsigned u = 0; u < numUses; ++u) addEdge(defs[d], uses[u]);
        if (isVirtual(defs[d])) {
          cost_[defs[d]] += weight;
          present_[defs[d]] = true;
          defWeight_[defs[d]] += weight;
          // 2: more than one def, or one that cannot be issued again.
          defCount_[defs[d]] = rematerialisable(inst) ? uint8_t(std::min(defCount_[defs[d]] + 1, 2)) : 2;
        }
      }
      for (unsigned d = 0; d < numDefs; ++d) liveNow.erase(defs[d]);
      for (unsigned u = 0; u < numUses; ++u) {
        liveNow.insert(uses[u]);
        if (isVirtual(uses[u])) {
          cost_[uses[u]] += weight;
          present_[uses[u]] = true;
        }
      }
    }
  }
  for (VReg v = kFirstVirtual; v < n; ++v) {
    // A constant or an address is issued again before each use instead of a load (and
    // its def goes): cheaper than a slot, so such values spill first.
    if (defCount_[v] == 1) cost_[v] = (cost_[v] - defWeight_[v]) / 2;
    if (neverSpill(v)) cost_[v] = kNeverSpill;
  }
  defWeight_ = {};
  defCount_ = {};

  firstEdge_.assign(n + 1, 0);
  for (const auto &[a, b] : edgeList_) {
    ++firstEdge_[a + 1];
    ++firstEdge_[b + 1];
  }
  for (uint32_t r = 0; r < n; ++r) firstEdge_[r + 1] += firstEdge_[r];
  neighbours_.resize(2 * edgeList_.size());
  std::vector<uint32_t> next(firstEdge_.begin(), firstEdge_.end() - 1);
  for (const auto &[a, b] : edgeList_) {
    neighbours_[next[a]++] = b;
    neighbours_[next[b]++] = a;
  }
  edgeList_ = {};
}

// ---- 3. coalesce -----------------------------------------------------------------------

template <typename Visit>
void Allocator::forEachNeighbour(VReg v, Visit visit) {
  if (compact_) {
    for (uint32_t k = firstEdge_[v]; k < firstEdge_[v + 1]; ++k) visit(neighbours_[k]);
    return;
  }
  ++stamp_;
  visitStamp_[v] = stamp_;
  VReg member = v;
  do {
    for (uint32_t k = firstEdge_[member]; k < firstEdge_[member + 1]; ++k) {
      VReg t = find(neighbours_[k]);
      if (isPhysical(t) || visitStamp_[t] == stamp_) continue;
      visitStamp_[t] = stamp_;
      visit(t);
    }
    member = nextMember_[member];
  } while (member != v);
}

// Joins registers and renames the code; the graph stays that of the classes (find,
// forEachNeighbour) until the next build.
void Allocator::coalesce() {
  const uint32_t n = fn_.numRegs;
  alias_.resize(n);
  nextMember_.resize(n);
  for (VReg r = 0; r < n; ++r) alias_[r] = nextMember_[r] = r;
  visitStamp_.assign(n, 0);
  mark_.assign(n, 0);
  stamp_ = markStamp_ = 0;
  std::stable_sort(moves_.begin(), moves_.end(), [](const Move &x, const Move &y) { return x.weight > y.weight; });

  bool joined = false;
  std::vector<VReg> neighbours;
  for (const Move &m : moves_) {
    VReg x = find(m.dst), y = find(m.src);
    if (x == y) continue;
    if (isPhysical(y)) std::swap(x, y);
    if (isPhysical(y)) continue;
    if (isPhysical(x)) {
      // y becomes the physical register x: it must not interfere with it, and (George)
      // each of its neighbours must already interfere with x or be easy to colour.
      const uint16_t bit = uint16_t(1u << x);
      if (forbidden_[y] & bit) continue;
      bool safe = true;
      forEachNeighbour(y, [&](VReg t) { safe = safe && (!significant(t) || (forbidden_[t] & bit)); });
      if (!safe) continue;
      forEachNeighbour(y, [&](VReg t) {
        --degree_[t];
        forbidden_[t] |= bit;
      });
      alias_[y] = x;
      present_[y] = false;
      joined = true;
      continue;
    }
    // Two virtual registers: temporaries of the spill code join only each other, so
    // that a long-lived value never becomes unspillable.
    if (neverSpill(x) != neverSpill(y)) continue;
    if (edges_->contains(x - kFirstVirtual, y - kFirstVirtual)) continue;
    const uint16_t forbidden = forbidden_[x] | forbidden_[y];
    // Briggs: the joined node has fewer than K significant neighbours (counting the
    // registers it may not have; a common neighbour loses one edge).
    unsigned significantNeighbours = countOf(forbidden & regs_.allocatable);
    neighbours.clear();
    forEachNeighbour(x, [&](VReg t) { neighbours.push_back(t); });
    const uint32_t ofX = ++markStamp_, common = ++markStamp_;
    for (VReg t : neighbours) mark_[t] = ofX;
    forEachNeighbour(y, [&](VReg t) {
      if (mark_[t] == ofX) mark_[t] = common;
      else significantNeighbours += significant(t) ? 1 : 0;
    });
    for (VReg t : neighbours)
      significantNeighbours += significantWith(t, degree_[t] - (mark_[t] == common ? 1 : 0)) ? 1 : 0;
    if (significantNeighbours >= k_) continue;
    // Join y into x.
    forEachNeighbour(y, [&](VReg t) {
      if (edges_->insert(x - kFirstVirtual, t - kFirstVirtual)) ++degree_[x];
      else --degree_[t];
    });
    forbidden_[x] = forbidden;
    cost_[x] += cost_[y];
    present_[y] = false;
    std::swap(nextMember_[x], nextMember_[y]);  // one ring
    alias_[y] = x;
    joined = true;
  }
  if (!joined) {
    compact_ = true;  // the rows as built: unique neighbours, none physical, no classes
    return;
  }

  for (Block &block : fn_.blocks) {
    for (Inst &inst : block.insts)
      forEachRegister(inst, [&](VReg &r, bool) {
        if (isVirtual(r)) r = find(r);
      });
    eraseIf(block.insts, [](const Inst &inst) { return inst.isPlainMove() && inst.dst == inst.b; });
  }
  compactGraph();
}

// Colouring walks every neighbour list twice or more; the rings of members and find()
// cost more than the walk itself, so each class gets one row of its own first.
void Allocator::compactGraph() {
  const uint32_t n = fn_.numRegs;
  std::vector<uint32_t> firstEdge(n + 1, 0);
  std::vector<VReg> neighbours;
  neighbours.reserve(neighbours_.size());
  for (VReg v = 0; v < n; ++v) {
    firstEdge[v] = uint32_t(neighbours.size());
    if (isVirtual(v) && find(v) == v) forEachNeighbour(v, [&](VReg t) { neighbours.push_back(t); });
  }
  firstEdge[n] = uint32_t(neighbours.size());
  firstEdge_.swap(firstEdge);
  neighbours_.swap(neighbours);
  for (VReg r = 0; r < n; ++r) nextMember_[r] = r;
  compact_ = true;
}

// ---- 4. colour -------------------------------------------------------------------------

// Returns the registers to spill (nothing when every node got a register).
std::vector<VReg> Allocator::colour() {
  const uint32_t n = fn_.numRegs;
  std::vector<unsigned> degree(degree_);
  std::vector<bool> removed(n, false);
  std::vector<VReg> stack, low;
  // Spill candidates: cheapest per remaining neighbour first. Degrees only fall, so a
  // stale key is too small: re-file the node under its current key and look again.
  using Candidate = std::pair<double, VReg>;
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> high;
  auto spillPriority = [&](VReg v) { return cost_[v] / double(degree[v] + 1); };
  size_t nodes = 0;
  for (VReg v = kFirstVirtual; v < n; ++v) {
    if (!present_[v]) continue;
    ++nodes;
    if (degree[v] < available(v)) low.push_back(v);
    else high.push({spillPriority(v), v});
  }
  while (stack.size() < nodes) {
    VReg v;
    if (!low.empty()) {
      v = low.back();
      low.pop_back();
      if (removed[v]) continue;
    } else {
      auto [key, candidate] = high.top();
      high.pop();
      if (removed[candidate]) continue;
      if (double now = spillPriority(candidate); now > key) {
        high.push({now, candidate});
        continue;
      }
      v = candidate;  // optimistic: it may still get a register
    }
    removed[v] = true;
    stack.push_back(v);
    forEachNeighbour(v, [&](VReg t) {
      // (Degrees may overcount after coalescing, never undercount; the guard is cheap.)
      if (!removed[t] && degree[t] > 0 && degree[t]-- == available(t)) low.push_back(t);
    });
  }

  // Move partners, so that a register can be chosen to make a move vanish.
  for (Move &m : moves_) {
    m.dst = find(m.dst);
    m.src = find(m.src);
  }
  eraseIf(moves_, [](const Move &m) { return m.dst == m.src; });
  std::vector<uint32_t> firstPartner(n + 1, 0), partners(moves_.size() * 2);
  for (const Move &m : moves_) {
    ++firstPartner[m.dst + 1];
    ++firstPartner[m.src + 1];
  }
  for (uint32_t r = 0; r < n; ++r) firstPartner[r + 1] += firstPartner[r];
  {
    std::vector<uint32_t> next(firstPartner.begin(), firstPartner.end() - 1);
    for (const Move &m : moves_) {
      partners[next[m.dst]++] = m.src;
      partners[next[m.src]++] = m.dst;
    }
  }

  constexpr uint8_t kNone = 0xff;
  colour_.assign(n, kNone);
  std::vector<VReg> spilled;
  for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
    const VReg v = *it;
    uint16_t free = uint16_t(regs_.allocatable & ~forbidden_[v]);
    forEachNeighbour(v, [&](VReg t) {
      if (colour_[t] != kNone) free &= uint16_t(~(1u << colour_[t]));
    });
    if (!free) {
      spilled.push_back(v);
      continue;
    }
    uint8_t chosen = kNone;
    for (uint32_t k = firstPartner[v]; k < firstPartner[v + 1] && chosen == kNone; ++k) {
      VReg p = partners[k];
      unsigned wanted = isPhysical(p) ? p : colour_[p];
      if (wanted != kNone && ((free >> wanted) & 1)) chosen = uint8_t(wanted);
    }
    for (unsigned k = 0; k < regs_.orderLength && chosen == kNone; ++k)
      if ((free >> regs_.order[k]) & 1) chosen = regs_.order[k];
    assert(chosen != kNone && "RegisterFile::order lacks an allocatable register");
    colour_[v] = chosen;
  }

  // A spill temporary lives from its reload to its use: if even it finds no register,
  // the values around it must give way, the cheapest neighbour first.
  std::vector<VReg> toSpill;
  for (VReg v : spilled) {
    if (!neverSpill(v)) {
      toSpill.push_back(v);
      continue;
    }
    VReg cheapest = kNoReg;
    forEachNeighbour(v, [&](VReg t) {
      if (!neverSpill(t) && (cheapest == kNoReg || cost_[t] < cost_[cheapest])) cheapest = t;
    });
    assert(cheapest != kNoReg && "a spill temporary finds no register");
    if (cheapest != kNoReg) toSpill.push_back(cheapest);
  }
  std::sort(toSpill.begin(), toSpill.end());
  toSpill.erase(std::unique(toSpill.begin(), toSpill.end()), toSpill.end());
  return toSpill;
}

// ---- 5. spill --------------------------------------------------------------------------

void Allocator::insertSpillCode(const std::vector<VReg> &spilled) {
  const uint32_t n = fn_.numRegs;
  constexpr uint32_t kNotSpilled = ~0u;
  std::vector<uint32_t> spillIndex(n, kNotSpilled);
  for (uint32_t k = 0; k < spilled.size(); ++k) spillIndex[spilled[k]] = k;

  // Rematerialise a web whose one def is a constant or an address; the rest get slots.
  std::vector<unsigned> defCount(spilled.size(), 0);
  std::vector<const Inst *> def(spilled.size(), nullptr);
  for (const Block &block : fn_.blocks)
    for (const Inst &inst : block.insts) {
      Operands o = operandsOf(inst);
      for (unsigned d = 0; d < o.numDefs; ++d)
        if (isVirtual(o.defs[d]) && spillIndex[o.defs[d]] != kNotSpilled) {
          ++defCount[spillIndex[o.defs[d]]];
          def[spillIndex[o.defs[d]]] = &inst;
        }
    }
  std::vector<Inst> remat(spilled.size(), Inst{Opcode::Mov});
  std::vector<bool> isRemat(spilled.size(), false);
  // Webs spilled together that do not interfere share a slot (the first one free of
  // their neighbours'), so that the slots stay within ldr/str's reach.
  constexpr uint32_t kNoSlot = ~0u;
  std::vector<uint32_t> slot(spilled.size(), kNoSlot);
  std::vector<int32_t> slotOffset(spilled.size(), 0);
  const uint32_t firstSlot = fn_.spillSlots;
  for (uint32_t k = 0; k < spilled.size(); ++k) {
    if (defCount[k] == 1 && rematerialisable(*def[k])) {
      isRemat[k] = true;
      remat[k] = *def[k];
      continue;
    }
    std::vector<bool> taken(fn_.spillSlots - firstSlot, false);
    forEachNeighbour(spilled[k], [&](VReg t) {
      if (spillIndex[t] != kNotSpilled && slot[spillIndex[t]] != kNoSlot) taken[slot[spillIndex[t]] - firstSlot] = true;
    });
    slot[k] = firstSlot + uint32_t(std::find(taken.begin(), taken.end(), false) - taken.begin());
    if (slot[k] == fn_.spillSlots) ++fn_.spillSlots;
    slotOffset[k] = int32_t(4 * slot[k]);
  }

  struct Temp {
    uint32_t spill;
    VReg temp;
    bool reload, store;
  };
  std::vector<Inst> out;
  for (Block &block : fn_.blocks) {
    out.clear();
    out.reserve(block.insts.size());
    for (Inst &inst : block.insts) {
      if (inst.dst != kNoReg && isVirtual(inst.dst) && spillIndex[inst.dst] != kNotSpilled &&
          isRemat[spillIndex[inst.dst]])
        continue;  // issued again before each use
      Temp temps[5];
      unsigned numTemps = 0;
      const bool defsAreRead = readsDef(inst);
      forEachRegister(inst, [&](VReg &r, bool isDef) {
        if (!isVirtual(r) || spillIndex[r] == kNotSpilled) return;
        const uint32_t k = spillIndex[r];
        Temp *t = std::find_if(temps, temps + numTemps, [&](const Temp &x) { return x.spill == k; });
        if (t == temps + numTemps) {
          *t = {k, newTemp(), false, false};
          ++numTemps;
        }
        t->reload |= !isDef || defsAreRead;
        t->store |= isDef;
        r = t->temp;
      });
      for (unsigned j = 0; j < numTemps; ++j) {
        if (!temps[j].reload) continue;
        Inst reload{Opcode::Load};
        if (isRemat[temps[j].spill]) {
          reload = remat[temps[j].spill];
        } else {
          reload.bytes = 4;
          reload.frame = FrameObject::SpillSlot;
          reload.imm = slotOffset[temps[j].spill];
        }
        reload.bpfInsn = inst.bpfInsn;  // code for this instruction (the -S comments)
        reload.dst = temps[j].temp;
        out.push_back(reload);
      }
      out.push_back(inst);
      for (unsigned j = 0; j < numTemps; ++j) {
        if (!temps[j].store) continue;
        assert(!isRemat[temps[j].spill]);
        Inst store{Opcode::Store};
        store.c = temps[j].temp;
        store.bytes = 4;
        store.frame = FrameObject::SpillSlot;
        store.imm = slotOffset[temps[j].spill];
        store.bpfInsn = inst.bpfInsn;
        out.push_back(store);
      }
    }
    block.insts.swap(out);
  }
}

// ---- the end: physical registers everywhere --------------------------------------------

void Allocator::rewrite() {
  uint16_t written = 0;
  bool calls = false;
  for (Block &block : fn_.blocks) {
    for (Inst &inst : block.insts) {
      forEachRegister(inst, [&](VReg &r, bool) {
        if (!isVirtual(r)) return;
        assert(colour_[r] < kFirstVirtual);
        r = colour_[r];
      });
      Operands o = operandsOf(inst);
      for (unsigned d = 0; d < o.numDefs; ++d) written |= uint16_t(1u << o.defs[d]);
      written |= o.implicitDefs;
      calls = calls || inst.op == Opcode::Call;
    }
    // A move into its own register does nothing, conditional or not.
    eraseIf(block.insts, [](const Inst &inst) {
      return inst.op == Opcode::Mov && inst.b == inst.dst && !inst.hasShift() && !inst.setFlags;
    });
  }
  fn_.usedCalleeSaved = uint16_t(written & (regs_.calleeSaved | (1u << LR)));
  fn_.makesCalls = fn_.makesCalls || calls;
}

}  // namespace

void allocateRegisters(Function &fn, const RegisterFile &regs) { Allocator(fn, regs).run(); }

}  // namespace bpf2arm::arm
