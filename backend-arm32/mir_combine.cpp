#include "mir_combine.h"

#include <vector>

namespace bpf2arm::arm {

using mir::Inst;
using mir::kNoReg;
using mir::Opcode;
using mir::VReg;

namespace {

// How often each register is written and read in the whole function. The passes fold
// a value into its one reader only when it has exactly one def and one use, which is
// what selection's temporaries are once each BPF register half is split into its webs.
struct UseCounts {
  std::vector<uint32_t> defs, uses;
  explicit UseCounts(const mir::Function &fn) : defs(fn.numRegs), uses(fn.numRegs) {
    for (const mir::Block &block : fn.blocks)
      for (const Inst &inst : block.insts) {
        mir::Operands o = mir::operandsOf(inst);
        for (unsigned k = 0; k < o.numDefs; ++k) ++defs[o.defs[k]];
        for (unsigned k = 0; k < o.numUses; ++k) ++uses[o.uses[k]];
      }
  }
  bool singleDefSingleUse(VReg r) const { return mir::isVirtual(r) && defs[r] == 1 && uses[r] == 1; }
};

bool isDataProcessing(Opcode op) {
  switch (op) {
    case Opcode::Add: case Opcode::Adc: case Opcode::Sub: case Opcode::Sbc: case Opcode::Rsb: case Opcode::Rsc:
    case Opcode::And: case Opcode::Orr: case Opcode::Eor: case Opcode::Bic: case Opcode::Mov: case Opcode::Mvn:
    case Opcode::Cmp: case Opcode::Cmn: case Opcode::Tst: case Opcode::Teq:
      return true;
    default: return false;
  }
}

// Whether any instruction in insts[from, to) writes `r`.
bool writtenBetween(const std::vector<Inst> &insts, size_t from, size_t to, VReg r) {
  if (r == kNoReg) return false;
  for (size_t k = from; k < to; ++k) {
    mir::Operands o = mir::operandsOf(insts[k]);
    for (unsigned d = 0; d < o.numDefs; ++d)
      if (o.defs[d] == r) return true;
    if (mir::isPhysical(r) && (o.implicitDefs & (1u << r))) return true;
  }
  return false;
}

// The operand `b` of a data-processing op or a load/store index is free for a shift.
// Commutative ops with the candidate in `a` swap first; sub/sbc with it in `a` become
// rsb/rsc.
bool moveCandidateToB(Inst &user, VReg t) {
  if (user.b == t) return true;
  if (user.a != t || user.b == kNoReg || user.hasShift()) return false;
  switch (user.op) {
    case Opcode::Add: case Opcode::Adc: case Opcode::And: case Opcode::Orr: case Opcode::Eor: break;
    case Opcode::Sub: user.op = Opcode::Rsb; break;
    case Opcode::Sbc: user.op = Opcode::Rsc; break;
    case Opcode::Rsb: user.op = Opcode::Sub; break;
    case Opcode::Rsc: user.op = Opcode::Sbc; break;
    default: return false;
  }
  std::swap(user.a, user.b);
  return true;
}

// A load or store addressed by a register (not a frame object).
bool addressedByRegister(const Inst &inst) {
  return (inst.op == Opcode::Load || inst.op == Opcode::Store) && inst.frame == mir::FrameObject::None;
}

// The index of the instruction before insts[j] (not yet removed) that writes t, or j.
size_t definitionBefore(const std::vector<Inst> &insts, const std::vector<bool> &removed, size_t j, VReg t) {
  size_t i = j;
  while (i-- > 0)
    if (!removed[i] && (insts[i].dst == t || insts[i].dst2 == t)) return i;
  return j;
}

// Drops the instructions a fold has marked, keeping the order of the rest.
void eraseRemoved(std::vector<Inst> &insts, const std::vector<bool> &removed) {
  size_t kept = 0;
  for (size_t k = 0; k < insts.size(); ++k)
    if (!removed[k]) insts[kept++] = insts[k];
  insts.resize(kept);
}

bool isShiftMove(const Inst &inst) {
  return inst.op == Opcode::Mov && inst.b != kNoReg && inst.hasShift() && inst.cond == Cond::AL && !inst.setFlags;
}

}  // namespace

void foldShifts(mir::Function &fn) {
  UseCounts counts(fn);
  for (mir::Block &block : fn.blocks) {
    std::vector<Inst> &insts = block.insts;
    std::vector<bool> removed(insts.size(), false);
    for (size_t j = 0; j < insts.size(); ++j) {
      Inst &user = insts[j];
      bool memory = addressedByRegister(user);
      if (!isDataProcessing(user.op) && !memory) continue;
      for (VReg t : {user.b, user.a}) {
        if (!counts.singleDefSingleUse(t) || user.hasShift()) continue;
        if (memory && t != user.b) continue;
        // The shift that defines t, earlier in this block.
        size_t i = definitionBefore(insts, removed, j, t);
        if (i == j || !isShiftMove(insts[i])) continue;
        const Inst &shift = insts[i];
        if (writtenBetween(insts, i + 1, j, shift.b) || writtenBetween(insts, i + 1, j, shift.c)) continue;
        if (memory) {
          // Only ldr/ldrb/str/strb scale their index, and only by lsl #n.
          bool scalable = user.bytes == 4 || (user.bytes == 1 && !user.signExtend);
          if (!scalable || shift.shiftByRegister || shift.shift != Shift::LSL || user.imm != 0) continue;
        }
        if (!memory && user.shiftByRegister) continue;
        if (!memory && !moveCandidateToB(user, t)) continue;
        user.b = shift.b;
        user.shift = shift.shift;
        user.shiftAmount = shift.shiftAmount;
        user.shiftByRegister = shift.shiftByRegister;
        if (shift.shiftByRegister) user.c = shift.c;
        removed[i] = true;
        break;
      }
    }
    eraseRemoved(insts, removed);
  }
}

void foldBitfields(mir::Function &fn) {
  UseCounts counts(fn);
  for (mir::Block &block : fn.blocks) {
    std::vector<Inst> &insts = block.insts;
    std::vector<bool> removed(insts.size(), false);
    for (size_t j = 0; j < insts.size(); ++j) {
      Inst &user = insts[j];
      if (user.cond != Cond::AL || user.setFlags || user.shiftByRegister) continue;
      // The user: `d = t asr/lsr #b`, or `d = t & (2^w - 1)`.
      bool shiftRight = user.op == Opcode::Mov && user.b != kNoReg && user.shiftAmount != 0 &&
                        (user.shift == Shift::ASR || user.shift == Shift::LSR);
      uint32_t mask = uint32_t(user.imm);
      bool lowMask = user.op == Opcode::And && user.b == kNoReg && mask != 0 && mask != ~0u && (mask & (mask + 1)) == 0;
      if (!shiftRight && !lowMask) continue;
      VReg t = shiftRight ? user.b : user.a;
      if (!counts.singleDefSingleUse(t)) continue;
      size_t i = definitionBefore(insts, removed, j, t);
      if (i == j) continue;
      const Inst &shift = insts[i];
      if (!isShiftMove(shift) || shift.shiftByRegister || writtenBetween(insts, i + 1, j, shift.b)) continue;
      unsigned lsb, width;
      bool isSigned;
      if (shiftRight) {
        // (x << a) >> b: bits [b - a, 32 - a) of x.
        if (shift.shift != Shift::LSL || user.shiftAmount < shift.shiftAmount) continue;
        lsb = user.shiftAmount - shift.shiftAmount;
        width = 32u - user.shiftAmount;
        isSigned = user.shift == Shift::ASR;
      } else {
        // (x >> k) & (2^w - 1): bits [k, k + w) of x, when they are all within x.
        if (shift.shift != Shift::LSR && shift.shift != Shift::ASR) continue;
        lsb = shift.shiftAmount;
        width = unsigned(__builtin_popcount(mask));
        if (lsb + width > 32) continue;
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
    }
    eraseRemoved(insts, removed);
  }
}

void foldAddressIndex(mir::Function &fn) {
  UseCounts counts(fn);
  for (mir::Block &block : fn.blocks) {
    std::vector<Inst> &insts = block.insts;
    std::vector<bool> removed(insts.size(), false);
    for (size_t j = 0; j < insts.size(); ++j) {
      Inst &access = insts[j];
      if (!addressedByRegister(access) || access.b != kNoReg || access.imm != 0) continue;
      if (!counts.singleDefSingleUse(access.a)) continue;
      const VReg t = access.a;
      size_t i = definitionBefore(insts, removed, j, t);
      if (i == j) continue;
      const Inst &add = insts[i];
      if (add.op != Opcode::Add || add.b == kNoReg || add.cond != Cond::AL || add.setFlags || add.shiftByRegister)
        continue;
      if (add.hasShift() && add.shift != Shift::LSL) continue;
      bool isLoad = access.op == Opcode::Load;
      if (!ArmAssembler::fitsIndexShift(access.bytes, isLoad && access.signExtend, add.shiftAmount)) continue;
      if (writtenBetween(insts, i + 1, j, add.a) || writtenBetween(insts, i + 1, j, add.b)) continue;
      access.a = add.a;
      access.b = add.b;
      access.shift = Shift::LSL;
      access.shiftAmount = add.shiftAmount;
      removed[i] = true;
    }
    eraseRemoved(insts, removed);
  }
}

void hoistConstants(mir::Function &fn) {
  fn.computeSuccessors();
  size_t n = fn.blocks.size();
  std::vector<std::vector<uint32_t>> preds(n);
  for (uint32_t b = 0; b < n; ++b)
    for (uint32_t s : fn.blocks[b].succs) preds[s].push_back(b);
  // Loops as layout ranges [head, latch] from back edges (clang lays BPF loops out
  // contiguously); the innermost one around a block is the shortest such range.
  std::vector<std::pair<uint32_t, uint32_t>> loops;
  for (uint32_t b = 0; b < n; ++b)
    for (uint32_t s : fn.blocks[b].succs)
      if (s <= b) loops.push_back({s, b});
  if (loops.empty()) return;
  UseCounts counts(fn);
  auto hoistable = [&](const Inst &inst) {
    bool invariant = inst.op == Opcode::MovConst || inst.op == Opcode::AddressOf || inst.op == Opcode::FrameAddress;
    return invariant && inst.cond == Cond::AL &&
           counts.defs[inst.dst] == 1 && mir::isVirtual(inst.dst);
  };
  std::vector<std::vector<Inst>> hoisted(n);
  for (uint32_t b = 0; b < n; ++b) {
    const std::pair<uint32_t, uint32_t> *inner = nullptr;
    for (const auto &loop : loops)
      if (loop.first <= b && b <= loop.second && (!inner || loop.second - loop.first < inner->second - inner->first))
        inner = &loop;
    if (!inner || inner->first == 0) continue;
    uint32_t head = inner->first, preheader = head - 1;
    bool onlyWayIn = true;
    for (uint32_t p : preds[head])
      if ((p < head || p > inner->second) && p != preheader) onlyWayIn = false;
    bool entersHead = false;
    for (uint32_t s : fn.blocks[preheader].succs) entersHead |= s == head;
    if (!onlyWayIn || !entersHead) continue;
    std::vector<Inst> &insts = fn.blocks[b].insts;
    size_t kept = 0;
    for (size_t k = 0; k < insts.size(); ++k) {
      if (hoistable(insts[k])) hoisted[preheader].push_back(insts[k]);
      else insts[kept++] = insts[k];
    }
    insts.resize(kept);
  }
  for (uint32_t p = 0; p < n; ++p) {
    if (hoisted[p].empty()) continue;
    std::vector<Inst> &insts = fn.blocks[p].insts;
    size_t at = insts.size();
    while (at > 0 && (insts[at - 1].op == Opcode::Branch || insts[at - 1].op == Opcode::Return)) --at;
    insts.insert(insts.begin() + long(at), hoisted[p].begin(), hoisted[p].end());
  }
}

namespace {

// Whether `inst` may run under a condition: one ARM instruction that reads no flags set
// inside the converted block and writes none (the condition's flags must survive).
bool predicable(const Inst &inst) {
  if (inst.cond != Cond::AL || inst.setFlags) return false;
  switch (inst.op) {
    case Opcode::Add: case Opcode::Sub: case Opcode::Rsb: case Opcode::And: case Opcode::Orr: case Opcode::Eor:
    case Opcode::Bic: case Opcode::Mov: case Opcode::Mvn: case Opcode::Mul: case Opcode::Mla: case Opcode::Mls:
    case Opcode::Sxtb: case Opcode::Sxth: case Opcode::Uxtb: case Opcode::Uxth: case Opcode::Rev: case Opcode::Rev16:
    case Opcode::Clz:
      return true;
    case Opcode::Load: case Opcode::Store:
      return inst.frame != mir::FrameObject::SpillSlot;
    default: return false;  // constants and addresses may take two instructions; calls, flags
  }
}

bool isBranch(const Inst &inst) { return inst.op == Opcode::Branch; }

// A block whose instructions may all run predicated and that ends by falling through
// (no branch, no return), with at most `limit` instructions.
bool convertibleBody(const mir::Block &block, size_t limit) {
  if (block.insts.empty() || block.insts.size() > limit) return false;
  for (const Inst &inst : block.insts)
    if (!predicable(inst)) return false;
  return true;
}

}  // namespace

void convertIfs(mir::Function &fn) {
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
    if (branch.target == a + 2 && convertibleBody(then, kOneArm)) {
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
    mir::Block probe;
    probe.insts = thenBody;
    if (!convertibleBody(probe, kTwoArms) || !convertibleBody(other, kTwoArms)) continue;
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
