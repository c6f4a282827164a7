#include "mir_fuse.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <vector>

#include "arm_assembler.h"
#include "mir_fold.h"
#include "mir_liveness.h"

namespace bpf2arm::arm {

using fold::foldableDefinition;
using fold::foldEachBlock;
using fold::UseCounts;
using fold::writtenBetween;
using mir::Inst;
using mir::kNoReg;
using mir::Opcode;
using mir::VReg;

namespace {

bool isPlainRegisterOp(const Inst &inst, Opcode op, bool setFlags) {
  return inst.op == op && inst.b != kNoReg && !inst.hasShift() && inst.cond == Cond::AL && inst.setFlags == setFlags;
}

// Whether an instruction after insts[from - 1] reads flags before one sets them again.
bool flagsReadFrom(const std::vector<Inst> &insts, size_t from) {
  for (size_t k = from; k < insts.size(); ++k) {
    mir::Operands o = mir::operandsOf(insts[k]);
    if (o.readsFlags) return true;
    if (o.writesFlags) return false;
  }
  return false;  // flags never pass from one block into the next (mir.h)
}

Inst plainMove(VReg dst, VReg src, uint32_t bpfInsn) {
  Inst move{Opcode::Mov};
  move.dst = dst;
  move.b = src;
  move.bpfInsn = bpfInsn;
  return move;
}

bool isCompare(Opcode op) { return op == Opcode::Cmp || op == Opcode::Cmn || op == Opcode::Tst || op == Opcode::Teq; }

bool sameCompare(const Inst &x, const Inst &y) {
  return x.op == y.op && x.cond == y.cond && x.a == y.a && x.b == y.b && x.c == y.c &&
         (x.b != kNoReg || x.imm == y.imm) && x.shift == y.shift && x.shiftAmount == y.shiftAmount &&
         x.shiftByRegister == y.shiftByRegister;
}

}  // namespace

void foldMultiplyAccumulates(mir::Function &fn) {
  UseCounts counts(fn);
  for (mir::Block &block : fn.blocks) {
    std::vector<Inst> &insts = block.insts;
    std::vector<bool> removed(insts.size(), false);
    std::vector<std::optional<Inst>> accumulateAfter(insts.size());
    bool any = false;
    for (size_t j = 0; j + 1 < insts.size(); ++j) {
      const Inst &adds = insts[j], &adc = insts[j + 1];
      if (!isPlainRegisterOp(adds, Opcode::Add, true) || !isPlainRegisterOp(adc, Opcode::Adc, false)) continue;
      for (VReg lo : {adds.b, adds.a}) {
        size_t i = foldableDefinition(counts, insts, removed, j, lo);
        if (i == j) continue;
        const Inst &mul = insts[i];
        bool isSigned = mul.op == Opcode::Smull;
        if ((!isSigned && mul.op != Opcode::Umull) || mul.cond != Cond::AL || mul.dst != lo) continue;
        VReg hi = mul.dst2;
        if (!counts.singleDefSingleUse(hi) || (adc.a != hi && adc.b != hi)) continue;
        VReg x = lo == adds.b ? adds.a : adds.b, y = hi == adc.b ? adc.a : adc.b;
        VReg d = adds.dst, e = adc.dst;
        if (!mir::isVirtual(d) || !mir::isVirtual(e) || d == e || y == d) continue;
        if (d == mul.a || d == mul.b || e == mul.a || e == mul.b) continue;
        if (writtenBetween(insts, i + 1, j, mul.a) || writtenBetween(insts, i + 1, j, mul.b)) continue;
        if (flagsReadFrom(insts, j + 2)) continue;
        Inst accumulate{isSigned ? Opcode::Smlal : Opcode::Umlal};
        accumulate.dst = d;
        accumulate.dst2 = e;
        accumulate.a = mul.a;
        accumulate.b = mul.b;
        accumulate.bpfInsn = adds.bpfInsn;
        insts[j] = plainMove(d, x, adds.bpfInsn);
        insts[j + 1] = plainMove(e, y, adc.bpfInsn);
        accumulateAfter[j + 1] = accumulate;
        removed[i] = true;
        any = true;
        break;
      }
    }
    if (!any) continue;
    std::vector<Inst> out;
    out.reserve(insts.size());
    for (size_t k = 0; k < insts.size(); ++k) {
      if (!removed[k]) out.push_back(insts[k]);
      if (accumulateAfter[k]) out.push_back(*accumulateAfter[k]);
    }
    insts.swap(out);
  }
}

namespace {

bool endsControlFlow(const mir::Block &block) {
  if (block.insts.empty()) return false;
  const Inst &last = block.insts.back();
  return last.op == Opcode::Branch || (last.op == Opcode::Return && last.cond == Cond::AL);
}

// The last flag-setting instruction of insts, or insts.size().
size_t lastFlagWriter(const std::vector<Inst> &insts) {
  for (size_t k = insts.size(); k-- > 0;)
    if (mir::operandsOf(insts[k]).writesFlags) return k;
  return insts.size();
}

// Whether `later`, standing after insts and then `between`, repeats insts[k]: the same compare,
// its operands written neither in insts[k + 1, ...) nor in `between`.
bool repeats(const std::vector<Inst> &insts, size_t k, const std::vector<Inst> &between, const Inst &later) {
  if (k == insts.size() || !isCompare(later.op) || later.cond != Cond::AL || !sameCompare(insts[k], later)) return false;
  for (VReg r : {later.a, later.b, later.c})
    if (writtenBetween(insts, k + 1, insts.size(), r) || writtenBetween(between, 0, between.size(), r)) return false;
  return true;
}

// A block that only falls through (no branch or return at its end) takes in the chain
// of blocks after it that have no other way in (they stay, empty) when the first
// flag-setting instruction of the chain repeats its last one. If-conversion leaves such
// chains: `cmp; movhs` in one block and the same `cmp` starting the next.
void mergeRepeatedCompareChains(mir::Function &fn) {
  fn.computeSuccessors();
  std::vector<std::vector<uint32_t>> preds = mir::predecessors(fn);
  size_t n = fn.blocks.size();
  for (size_t b = 0; b < n; ++b) {
    std::vector<Inst> &into = fn.blocks[b].insts;
    if (into.empty() || endsControlFlow(fn.blocks[b])) continue;
    size_t flags = lastFlagWriter(into);
    std::vector<Inst> chain;
    size_t next = b + 1;
    bool found = false, flagsSet = false;
    for (; next < n && !found && !flagsSet; ++next) {
      if (preds[next].size() != 1 || preds[next][0] != next - 1) break;
      for (const Inst &inst : fn.blocks[next].insts) {
        if (mir::operandsOf(inst).writesFlags) {
          found = repeats(into, flags, chain, inst);
          flagsSet = true;
          break;
        }
        chain.push_back(inst);
      }
      if (!found && endsControlFlow(fn.blocks[next])) break;
    }
    if (!found) continue;
    for (size_t m = b + 1; m < next; ++m) {
      std::vector<Inst> &moved = fn.blocks[m].insts;
      into.insert(into.end(), moved.begin(), moved.end());
      moved.clear();
    }
  }
  fn.computeSuccessors();
}

}  // namespace

void removeRepeatedCompares(mir::Function &fn) {
  mergeRepeatedCompareChains(fn);
  foldEachBlock(fn, [&](std::vector<Inst> &insts, size_t j, std::vector<bool> &removed) {
    const Inst &compare = insts[j];
    if (!isCompare(compare.op) || compare.cond != Cond::AL) return;
    for (size_t k = j; k-- > 0;) {
      if (removed[k]) continue;
      if (!mir::operandsOf(insts[k]).writesFlags) continue;
      if (!sameCompare(insts[k], compare)) return;
      for (VReg r : {compare.a, compare.b, compare.c})
        if (writtenBetween(insts, k + 1, j, r)) return;
      removed[j] = true;
      return;
    }
  });
}

namespace {

// The constant each register holds wherever it is read (see foldConstantCompares), or none.
std::vector<std::optional<uint32_t>> constantRegisters(const mir::Function &fn, const mir::Liveness &liveness) {
  std::vector<std::optional<uint32_t>> value(fn.numRegs);
  std::vector<bool> unknown(fn.numRegs, false);  // some def writes no constant, or another one
  for (VReg r : liveness.liveIn(0)) unknown[r] = true;  // read before any def on some path
  // Rounds until no register gains a value: a copy's value is its source's, once known.
  for (bool changed = true; changed;) {
    changed = false;
    std::vector<std::optional<uint32_t>> seen(fn.numRegs);
    std::vector<bool> fails = unknown;
    for (const mir::Block &block : fn.blocks)
      for (const Inst &inst : block.insts) {
        mir::Operands o = mir::operandsOf(inst);
        std::optional<uint32_t> written;
        bool isMove = (inst.op == Opcode::Mov || inst.op == Opcode::Mvn) && !inst.hasShift();
        if (inst.op == Opcode::MovConst) written = uint32_t(inst.imm);
        else if (isMove && inst.b == kNoReg) written = inst.op == Opcode::Mov ? uint32_t(inst.imm) : ~uint32_t(inst.imm);
        else if (isMove && inst.op == Opcode::Mov) written = value[inst.b];
        for (unsigned k = 0; k < o.numDefs; ++k) {
          VReg d = o.defs[k];
          if (!written || (seen[d] && *seen[d] != *written)) fails[d] = true;
          else seen[d] = written;
        }
      }
    for (VReg r = mir::kFirstVirtual; r < fn.numRegs; ++r) {
      if (fails[r] || !seen[r] || value[r]) continue;
      value[r] = seen[r];
      changed = true;
    }
  }
  return value;
}

}  // namespace

bool foldConstantCompares(mir::Function &fn, const mir::Liveness &liveness) {
  std::vector<std::optional<uint32_t>> value = constantRegisters(fn, liveness);
  bool folded = false;
  foldEachBlock(fn, [&](std::vector<Inst> &insts, size_t j, std::vector<bool> &removed) {
    const Inst &first = insts[j];
    if (j + 1 >= insts.size() || first.cond != Cond::AL || first.b != kNoReg || !mir::isVirtual(first.a)) return;
    const std::optional<uint32_t> known = value[first.a];
    if (!known) return;
    bool zeroSet = (first.op == Opcode::Cmp && *known == uint32_t(first.imm)) ||
                   (first.op == Opcode::Tst && (*known & uint32_t(first.imm)) == 0) ||
                   (first.op == Opcode::Teq && *known == uint32_t(first.imm));
    Inst &second = insts[j + 1];
    // Only cmp/cmn set every flag: after a tst/teq, C and V would still be the first one's.
    bool setsAllFlags = second.op == Opcode::Cmp || second.op == Opcode::Cmn;
    if (!zeroSet || !setsAllFlags || second.cond != Cond::EQ) return;
    removed[j] = true;
    second.cond = Cond::AL;
    folded = true;
  });
  return folded;
}

namespace {

bool touches(const Inst &inst, VReg r) {
  mir::Operands o = mir::operandsOf(inst);
  for (unsigned k = 0; k < o.numUses; ++k)
    if (o.uses[k] == r) return true;
  for (unsigned k = 0; k < o.numDefs; ++k)
    if (o.defs[k] == r) return true;
  return ((o.implicitUses | o.implicitDefs) >> r) & 1u;
}

// The first instruction of insts[from, ...) that reads or writes r, or insts.size().
size_t nextTouch(const std::vector<Inst> &insts, size_t from, VReg r) {
  for (size_t k = from; k < insts.size(); ++k)
    if (touches(insts[k], r)) return k;
  return insts.size();
}

// The step of `r = r + k` / `r = r - k`, when `inst` is one.
bool pointerStep(const Inst &inst, VReg r, int32_t &step) {
  bool add = inst.op == Opcode::Add, sub = inst.op == Opcode::Sub;
  if ((!add && !sub) || inst.b != kNoReg || inst.cond != Cond::AL || inst.setFlags) return false;
  if (inst.dst != r || inst.a != r) return false;
  step = add ? inst.imm : -inst.imm;
  return true;
}

// Makes `access` a writeback access stepping its base by `step`, if a form fits.
bool makeWriteback(Inst &access, int32_t step, const EncodingLimits &fits) {
  bool isLoad = access.op == Opcode::Load;
  if (!fits.writebackOffset(access.bytes, isLoad && access.signExtend, step)) return false;
  if (access.imm == 0) access.writeback = mir::Writeback::Post;
  else if (access.imm == step) access.writeback = mir::Writeback::Pre;
  else return false;
  access.imm = step;
  return true;
}

bool writebackCandidate(const Inst &inst) {
  if (inst.op != Opcode::Load && inst.op != Opcode::Store) return false;
  if (inst.frame != mir::FrameObject::None || inst.b != kNoReg || inst.writeback != mir::Writeback::None) return false;
  VReg transferred = inst.op == Opcode::Load ? inst.dst : inst.c;
  return inst.cond == Cond::AL && mir::isPhysical(inst.a) && inst.a != SP && inst.a != PC && transferred != inst.a;
}

}  // namespace

void foldWriteback(mir::Function &fn, const EncodingLimits &fits) {
  fn.computeSuccessors();
  mir::Liveness live = mir::computeLiveness(fn, 0xffff);
  std::vector<std::vector<uint32_t>> preds = mir::predecessors(fn);
  for (uint32_t b = 0; b < fn.blocks.size(); ++b) {
    std::vector<Inst> &insts = fn.blocks[b].insts;
    for (size_t j = 0; j < insts.size(); ++j) {
      Inst &access = insts[j];
      if (!writebackCandidate(access)) continue;
      VReg base = access.a;
      int32_t step = 0;
      size_t k = nextTouch(insts, j + 1, base);
      if (k < insts.size()) {
        if (pointerStep(insts[k], base, step) && makeWriteback(access, step, fits)) insts.erase(insts.begin() + long(k));
        continue;
      }
      // Into the next block: this one must end with a conditional branch to a block
      // where the base is dead, and fall through into a block reached only from here.
      if (insts.empty() || insts.back().op != Opcode::Branch || insts.back().cond == Cond::AL) continue;
      uint32_t taken = insts.back().target, next = b + 1;
      if (next >= fn.blocks.size() || taken == next || preds[next].size() != 1) continue;
      mir::RegisterList liveAtTaken = live.liveIn(taken);
      if (std::find(liveAtTaken.begin(), liveAtTaken.end(), base) != liveAtTaken.end()) continue;
      std::vector<Inst> &nextInsts = fn.blocks[next].insts;
      size_t m = nextTouch(nextInsts, 0, base);
      if (m < nextInsts.size() && pointerStep(nextInsts[m], base, step) && makeWriteback(access, step, fits))
        nextInsts.erase(nextInsts.begin() + long(m));
    }
  }
}

}  // namespace bpf2arm::arm
