#include "mir_combine.h"
#include "mir_fold.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "arm_assembler.h"
#include "mir_liveness.h"

namespace bpf2arm::arm {

using mir::Inst;
using mir::kNoReg;
using mir::Opcode;
using mir::VReg;
using fold::foldableDefinition;
using fold::foldEachBlock;
using fold::UseCounts;
using fold::writtenBetween;

namespace {

bool isDataProcessing(Opcode op) {
  switch (op) {
    case Opcode::Add: case Opcode::Adc: case Opcode::Sub: case Opcode::Sbc: case Opcode::Rsb: case Opcode::Rsc:
    case Opcode::And: case Opcode::Orr: case Opcode::Eor: case Opcode::Bic: case Opcode::Mov: case Opcode::Mvn:
    case Opcode::Cmp: case Opcode::Cmn: case Opcode::Tst: case Opcode::Teq:
      return true;
    default: return false;
  }
}

// The operand `b` of a data-processing op or a load/store index is free for a shift.
// Commutative ops with the candidate in `a` swap first; sub/sbc with it in `a` become
// rsb/rsc.
bool moveCandidateToB(Inst &user, VReg t, const EncodingLimits &fits) {
  if (user.b == t) return true;
  if (user.a != t || user.b == kNoReg || user.hasShift()) return false;
  switch (user.op) {
    case Opcode::Add: case Opcode::Adc: case Opcode::And: case Opcode::Orr: case Opcode::Eor: break;
    case Opcode::Sub: user.op = Opcode::Rsb; break;
    case Opcode::Sbc:  // T32 has no rsc: it would come back as two instructions
      if (!fits.reverseSubtractWithCarry()) return false;
      user.op = Opcode::Rsc;
      break;
    case Opcode::Rsb: user.op = Opcode::Sub; break;
    case Opcode::Rsc: user.op = Opcode::Sbc; break;
    default: return false;
  }
  std::swap(user.a, user.b);
  return true;
}

bool isShiftMove(const Inst &inst) {
  return inst.op == Opcode::Mov && inst.b != kNoReg && inst.hasShift() && inst.cond == Cond::AL && !inst.setFlags;
}

bool addressedByRegister(const Inst &inst) {
  return (inst.op == Opcode::Load || inst.op == Opcode::Store) && inst.frame == mir::FrameObject::None;
}

}  // namespace

void forwardCopies(mir::Function &fn, const mir::Liveness &liveness) {
  UseCounts counts(fn);
  // Whether x is still read after insts[j] (in the block, or after it). Where it is not,
  // the allocator can give t and x one register anyway, and the copy is free; inside a
  // loop, forwarding it may hide the move from coalescing (a loop-carried accumulator
  // then gets a move inside the loop), so there it stays.
  auto liveAfter = [&](const std::vector<Inst> &insts, uint32_t b, size_t j, VReg x) {
    for (size_t k = j + 1; k < insts.size(); ++k) {
      mir::Operands o = mir::operandsOf(insts[k]);
      for (unsigned u = 0; u < o.numUses; ++u)
        if (o.uses[u] == x) return true;
      for (unsigned d = 0; d < o.numDefs; ++d)
        if (o.defs[d] == x) return false;
    }
    mir::RegisterList out = liveness.liveOut(b);
    return std::binary_search(out.begin(), out.end(), x);
  };
  uint32_t block = 0;  // the driver visits the blocks in order: this follows it
  foldEachBlock(fn, [&](std::vector<Inst> &insts, size_t i, std::vector<bool> &removed) {
    while (&fn.blocks[block].insts != &insts) ++block;
    const Inst &copy = insts[i];
    if (!copy.isPlainMove() || !counts.singleDefSingleUse(copy.dst) || !mir::isVirtual(copy.b)) return;
    const VReg t = copy.dst, x = copy.b;
    size_t j = i + 1;
    while (j < insts.size() && insts[j].a != t && insts[j].b != t && insts[j].c != t) ++j;
    if (j == insts.size() || writtenBetween(insts, i + 1, j, x)) return;
    if (fn.blocks[block].loopDepth > 0 && !liveAfter(insts, block, j, x)) return;
    Inst &user = insts[j];
    // Defs that may not share a register with a use (strex's status, retry loops).
    if (mir::operandsOf(user).earlyClobber) return;
    for (VReg *r : {&user.a, &user.b, &user.c})
      if (*r == t) *r = x;
    removed[i] = true;
  });
}

void foldMultiplyAdds(mir::Function &fn) {
  UseCounts counts(fn);
  foldEachBlock(fn, [&](std::vector<Inst> &insts, size_t j, std::vector<bool> &removed) {
    Inst &user = insts[j];
    if (user.op != Opcode::Add || user.b == kNoReg || user.hasShift() || user.cond != Cond::AL || user.setFlags)
      return;
    for (VReg t : {user.b, user.a}) {
      size_t i = foldableDefinition(counts, insts, removed, j, t);
      if (i == j) continue;
      const Inst &mul = insts[i];
      if (mul.op != Opcode::Mul || mul.cond != Cond::AL || mul.setFlags) continue;
      if (writtenBetween(insts, i + 1, j, mul.a) || writtenBetween(insts, i + 1, j, mul.b)) continue;
      Inst mla{Opcode::Mla};
      mla.dst = user.dst;
      mla.a = mul.a;
      mla.b = mul.b;
      mla.c = t == user.b ? user.a : user.b;
      mla.bpfInsn = user.bpfInsn;
      user = mla;
      removed[i] = true;
      break;
    }
  });
}

void foldShifts(mir::Function &fn, const EncodingLimits &fits) {
  UseCounts counts(fn);
  foldEachBlock(fn, [&](std::vector<Inst> &insts, size_t j, std::vector<bool> &removed) {
    Inst &user = insts[j];
    bool memory = addressedByRegister(user);
    if (!isDataProcessing(user.op) && !memory) return;
    for (VReg t : {user.b, user.a}) {
      if (user.hasShift() || (memory && t != user.b)) continue;
      // The shift that defines t, earlier in this block.
      size_t i = foldableDefinition(counts, insts, removed, j, t);
      if (i == j || !isShiftMove(insts[i])) continue;
      const Inst &shift = insts[i];
      if (writtenBetween(insts, i + 1, j, shift.b) || writtenBetween(insts, i + 1, j, shift.c)) continue;
      if (memory) {
        // An index scales by lsl #n only, and only as far as the form allows.
        bool isLoad = user.op == Opcode::Load;
        if (shift.shiftByRegister || shift.shift != Shift::LSL || user.imm != 0) continue;
        if (!fits.indexShift(user.bytes, isLoad && user.signExtend, shift.shiftAmount)) continue;
      }
      if (!memory && user.shiftByRegister) continue;
      // T32 has no register-shifted operand: folded, the shift would come back as a
      // move of its own.
      if (shift.shiftByRegister && !fits.registerShiftedOperands()) continue;
      if (!memory && !moveCandidateToB(user, t, fits)) continue;
      user.b = shift.b;
      user.shift = shift.shift;
      user.shiftAmount = shift.shiftAmount;
      user.shiftByRegister = shift.shiftByRegister;
      if (shift.shiftByRegister) user.c = shift.c;
      removed[i] = true;
      break;
    }
  });
}

void foldBitfields(mir::Function &fn) {
  UseCounts counts(fn);
  foldEachBlock(fn, [&](std::vector<Inst> &insts, size_t j, std::vector<bool> &removed) {
    Inst &user = insts[j];
    if (user.cond != Cond::AL || user.setFlags || user.shiftByRegister) return;
    // The user: `d = t asr/lsr #b`, or `d = t & (2^w - 1)`.
    bool shiftRight = user.op == Opcode::Mov && user.b != kNoReg && user.shiftAmount != 0 &&
                      (user.shift == Shift::ASR || user.shift == Shift::LSR);
    uint32_t mask = uint32_t(user.imm);
    bool lowMask = user.op == Opcode::And && user.b == kNoReg && mask != 0 && mask != ~0u && (mask & (mask + 1)) == 0;
    if (!shiftRight && !lowMask) return;
    VReg t = shiftRight ? user.b : user.a;
    size_t i = foldableDefinition(counts, insts, removed, j, t);
    if (i == j) return;
    const Inst &shift = insts[i];
    if (!isShiftMove(shift) || shift.shiftByRegister || writtenBetween(insts, i + 1, j, shift.b)) return;
    unsigned lsb, width;
    bool isSigned;
    if (shiftRight) {
      // (x << a) >> b: bits [b - a, 32 - a) of x.
      if (shift.shift != Shift::LSL || user.shiftAmount < shift.shiftAmount) return;
      lsb = user.shiftAmount - shift.shiftAmount;
      width = 32u - user.shiftAmount;
      isSigned = user.shift == Shift::ASR;
    } else {
      // (x >> k) & (2^w - 1): bits [k, k + w) of x, when they are all within x.
      if (shift.shift != Shift::LSR && shift.shift != Shift::ASR) return;
      lsb = shift.shiftAmount;
      width = unsigned(__builtin_popcount(mask));
      if (lsb + width > 32) return;
      isSigned = false;
    }
    Inst field{isSigned ? Opcode::Sbfx : Opcode::Ubfx};
    field.dst = user.dst;
    field.a = shift.b;
    field.imm = int32_t(lsb);
    field.width = uint8_t(width);
    field.bpfInsn = user.bpfInsn;
    user = field;
    removed[i] = true;
  });
}

namespace {

bool isConstantDef(const Inst &inst) {
  bool invariant = inst.op == Opcode::MovConst || inst.op == Opcode::AddressOf || inst.op == Opcode::FrameAddress;
  return invariant && inst.cond == Cond::AL && mir::isVirtual(inst.dst);
}

// A constant selection built with one mov (an encodable immediate): sharing it saves the
// mov, though hoisting does not take it (not worth a register across a loop).
bool isSmallConstantDef(const Inst &inst) {
  return inst.op == Opcode::Mov && inst.b == kNoReg && inst.cond == Cond::AL && !inst.setFlags &&
         mir::isVirtual(inst.dst);
}

bool sameConstant(const Inst &x, const Inst &y) {
  return x.op == y.op && x.imm == y.imm && x.symbol == y.symbol && x.viaGot == y.viaGot && x.frame == y.frame;
}

// Moves the constants of each loop to its landing block; true when any moved.
bool hoistOnce(mir::Function &fn) {
  fn.computeSuccessors();
  size_t n = fn.blocks.size();
  // Loops as layout ranges [head, latch], one per back edge: a `continue` in the middle
  // of a body makes a short one inside the loop's, and so does an inner loop whose head
  // the outer loop's latch jumps to (clang's rotated nests). clang-BPF rotates loops
  // (the way in jumps to the test in the middle of the range), so the block that leads
  // in is found from the edges: the range's one predecessor outside it. It dominates
  // every block of the range, those that are no part of the loop included, so a
  // constant defined there reaches every use the range had. A block takes the longest
  // range around it that has such a block (the most iterations left behind).
  std::vector<std::pair<uint32_t, uint32_t>> loops;
  for (uint32_t b = 0; b < n; ++b)
    for (uint32_t s : fn.blocks[b].succs)
      if (s <= b) loops.push_back({s, b});
  if (loops.empty()) return false;
  auto landingOf = [&](uint32_t head, uint32_t latch) -> int64_t {
    if (head == 0) return -1;  // the entry is reached from outside without an edge
    int64_t landing = -1;
    for (uint32_t p = 0; p < n; ++p) {
      if (p >= head && p <= latch) continue;
      for (uint32_t s : fn.blocks[p].succs)
        if (s >= head && s <= latch) {
          if (landing >= 0 && landing != p) return -1;
          landing = p;
        }
    }
    return landing;
  };
  std::vector<int64_t> loopLanding(loops.size());
  for (size_t l = 0; l < loops.size(); ++l) loopLanding[l] = landingOf(loops[l].first, loops[l].second);
  UseCounts counts(fn);
  std::vector<std::vector<Inst>> hoisted(n);
  bool moved = false;
  for (uint32_t b = 0; b < n; ++b) {
    int64_t landing = -1;
    uint32_t longest = 0;
    for (size_t l = 0; l < loops.size(); ++l) {
      const auto &[head, latch] = loops[l];
      if (head <= b && b <= latch && loopLanding[l] >= 0 && (landing < 0 || latch - head > longest)) {
        landing = loopLanding[l];
        longest = latch - head;
      }
    }
    if (landing < 0) continue;
    std::vector<Inst> &insts = fn.blocks[b].insts;
    size_t kept = 0;
    for (size_t k = 0; k < insts.size(); ++k) {
      if (isConstantDef(insts[k]) && counts.defs[insts[k].dst] == 1) {
        hoisted[size_t(landing)].push_back(insts[k]);
        moved = true;
      } else {
        insts[kept++] = insts[k];
      }
    }
    insts.resize(kept);
  }
  for (uint32_t p = 0; p < n; ++p) {
    if (hoisted[p].empty()) continue;
    std::vector<Inst> &insts = fn.blocks[p].insts;
    // Before the block's branches and returns (a conditional Return may stand earlier:
    // the constants go before it too, touching no flags).
    size_t at = insts.size();
    while (at > 0 && (insts[at - 1].op == Opcode::Branch || insts[at - 1].op == Opcode::Return)) --at;
    insts.insert(insts.begin() + long(at), hoisted[p].begin(), hoisted[p].end());
  }
  return moved;
}

}  // namespace

void foldAddressIndex(mir::Function &fn, const EncodingLimits &fits) {
  UseCounts counts(fn);
  foldEachBlock(fn, [&](std::vector<Inst> &insts, size_t j, std::vector<bool> &removed) {
    Inst &access = insts[j];
    if (!addressedByRegister(access) || access.b != kNoReg || access.imm != 0) return;
    size_t i = foldableDefinition(counts, insts, removed, j, access.a);
    if (i == j) return;
    const Inst &add = insts[i];
    if (add.op != Opcode::Add || add.b == kNoReg || add.cond != Cond::AL || add.setFlags || add.shiftByRegister)
      return;
    if (add.hasShift() && add.shift != Shift::LSL) return;
    bool isLoad = access.op == Opcode::Load;
    if (!fits.indexShift(access.bytes, isLoad && access.signExtend, add.shiftAmount)) return;
    if (writtenBetween(insts, i + 1, j, add.a) || writtenBetween(insts, i + 1, j, add.b)) return;
    access.a = add.a;
    access.b = add.b;
    access.shift = Shift::LSL;
    access.shiftAmount = add.shiftAmount;
    removed[i] = true;
  });
}

void hoistConstants(mir::Function &fn) {
  // Nested loops: what left the inner loop may leave the outer one in the next round.
  for (unsigned round = 0; round < 4 && hoistOnce(fn); ++round) {
  }
}

void shareConstants(mir::Function &fn) {
  // A constant built again later in the same block (selection builds one per BPF
  // instruction; hoisting gathers a loop's) is the earlier register: its def comes
  // first in the block, so it dominates wherever the later one was read. One-mov
  // constants only while no call lies between.
  UseCounts counts(fn);
  std::vector<VReg> renamed(fn.numRegs, kNoReg);
  bool any = false;
  for (mir::Block &block : fn.blocks) {
    std::vector<Inst> &insts = block.insts;
    std::vector<size_t> seen;  // indices of single-def constants kept in this block
    size_t kept = 0;
    for (size_t k = 0; k < insts.size(); ++k) {
      Inst &inst = insts[k];
      if (inst.op == Opcode::Call)  // a mov kept across a call costs a callee-saved register and a move
        seen.erase(std::remove_if(seen.begin(), seen.end(), [&](size_t s) { return isSmallConstantDef(insts[s]); }),
                   seen.end());
      if ((isConstantDef(inst) || isSmallConstantDef(inst)) && counts.defs[inst.dst] == 1) {
        bool shared = false;
        for (size_t s : seen)
          if (sameConstant(insts[s], inst)) {
            renamed[inst.dst] = insts[s].dst;
            shared = any = true;
            break;
          }
        if (shared) continue;
        seen.push_back(kept);
      }
      insts[kept++] = inst;
    }
    insts.resize(kept);
  }
  if (!any) return;
  for (mir::Block &block : fn.blocks)
    for (Inst &inst : block.insts)
      mir::forEachRegister(inst, [&](VReg &r, bool isDef) {
        if (!isDef && renamed[r] != kNoReg) r = renamed[r];
      });
}

namespace {

// How many ARM instructions `inst` costs if it may run under a condition, or nullopt: one
// instruction that reads no flags set inside the converted block and writes none (the
// condition's flags must survive), or a constant the emitter builds in one mov/mvn/movw.
std::optional<size_t> predicatedCost(const Inst &inst, const ArmTarget &target) {
  if (inst.cond != Cond::AL || inst.setFlags) return std::nullopt;
  switch (inst.op) {
    case Opcode::Add: case Opcode::Sub: case Opcode::Rsb: case Opcode::And: case Opcode::Orr: case Opcode::Eor:
    case Opcode::Bic: case Opcode::Mov: case Opcode::Mvn: case Opcode::Mul: case Opcode::Mla: case Opcode::Mls:
    case Opcode::Sxtb: case Opcode::Sxth: case Opcode::Uxtb: case Opcode::Uxth: case Opcode::Rev: case Opcode::Rev16:
    case Opcode::Clz: case Opcode::Rbit:
      return 1;
    case Opcode::Load: case Opcode::Store:
      if (inst.frame == mir::FrameObject::SpillSlot) return std::nullopt;
      return 1;
    case Opcode::MovConst: {
      uint32_t value = uint32_t(inst.imm);
      if (target.fits().immediate(value) || target.fits().immediate(~value)) return 1;
      if (target.hasMovwMovt() && value <= 0xffff) return 1;
      // movw+movt, or ARMv6's chunks: kernels skip such constants (saturation bounds)
      // far more often than they take them, and each run for nothing costs two or more.
      return std::nullopt;
    }
    default: return std::nullopt;  // addresses may take several instructions; calls, flags
  }
}

bool isBranch(const Inst &inst) { return inst.op == Opcode::Branch; }

// Whether these instructions may all run predicated within `limit` ARM instructions.
bool convertible(const std::vector<Inst> &insts, size_t limit, const ArmTarget &target) {
  size_t cost = 0;
  for (const Inst &inst : insts) {
    std::optional<size_t> one = predicatedCost(inst, target);
    if (!one) return false;
    cost += *one;
  }
  return !insts.empty() && cost <= limit;
}

}  // namespace

void convertIfs(mir::Function &fn, const ArmTarget &target) {
  // Executed instructions decide: a skipped block of n instructions costs one branch
  // (taken) or the branch plus n; predicated it costs n every time. Up to three in
  // one arm and two in each of two arms keep the count about even while saving the
  // taken branch, which costs far more than an instruction on every ARM core.
  constexpr size_t kOneArm = 3, kTwoArms = 2;
  fn.computeSuccessors();
  std::vector<uint32_t> preds(fn.blocks.size(), 0);
  for (const mir::Block &block : fn.blocks)
    for (uint32_t s : block.succs) ++preds[s];
  for (size_t a = 0; a + 2 < fn.blocks.size(); ++a) {
    std::vector<Inst> &head = fn.blocks[a].insts;
    if (head.empty() || !isBranch(head.back()) || head.back().cond == Cond::AL) continue;
    if (head.size() >= 2 && isBranch(head[head.size() - 2])) continue;
    Inst branch = head.back();
    mir::Block &then = fn.blocks[a + 1];
    if (preds[a + 1] != 1) continue;
    Cond skip = branch.cond;
    if (branch.target == a + 2 && then.insts.size() == 1 && isBranch(then.insts[0]) &&
        then.insts[0].cond == Cond::AL && then.insts[0].target != a + 1) {
      // if (skip) goto next-but-one; goto other  ->  if (!skip) goto other: one taken
      // branch instead of two instructions; `then` is left empty, falling through.
      head.back().cond = invert(skip);
      head.back().target = then.insts[0].target;
      then.insts.clear();
      continue;
    }
    if (branch.target == a + 2 && convertible(then.insts, kOneArm, target)) {
      // if (!skip) { then }  ->  then, predicated on !skip
      head.pop_back();
      for (Inst inst : then.insts) {
        inst.cond = invert(skip);
        head.push_back(inst);
      }
      then.insts.clear();
      --preds[a + 2];
      continue;
    }
    // if (!skip) { then; goto join } else { other }  (other falls through into join)
    if (a + 3 >= fn.blocks.size() || branch.target != a + 2 || preds[a + 2] != 1) continue;
    if (then.insts.empty() || !isBranch(then.insts.back()) || then.insts.back().cond != Cond::AL) continue;
    uint32_t join = then.insts.back().target;
    mir::Block &other = fn.blocks[a + 2];
    if (join != a + 3) continue;
    std::vector<Inst> thenBody(then.insts.begin(), then.insts.end() - 1);
    if (!convertible(thenBody, kTwoArms, target) || !convertible(other.insts, kTwoArms, target)) continue;
    head.pop_back();
    for (Inst inst : thenBody) {
      inst.cond = invert(skip);
      head.push_back(inst);
    }
    for (Inst inst : other.insts) {
      inst.cond = skip;
      head.push_back(inst);
    }
    then.insts.clear();
    other.insts.clear();
  }
  fn.computeSuccessors();
}

}  // namespace bpf2arm::arm
