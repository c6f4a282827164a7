// BPF atomics as LDREX/STREX (32-bit) and LDREXD/STREXD (64-bit) retry loops. The loops
// need more registers than the four temporaries, so they park r0:r1 and r4:r5 in the
// frame's scratch slots (see frame_layout.h) and restore them before writing results.
// Ordered variants (fetch, xchg, cmpxchg) are fenced with DMB on both sides, like the
// kernel's fully ordered atomic_fetch_*() they model.
#include "atomic_rmw.h"
#include "lowering.h"

namespace bpf2arm::arm {

using namespace bpf;

Status FunctionLowering::lowerAtomic(const Instruction &ins) {
  const Insn &insn = ins.insn;
  bool is64 = memSize(insn.opcode) == DW;
  int32_t op = insn.imm;
  bool isCmpxchg = op == ATOMIC_CMPXCHG, isXchg = op == ATOMIC_XCHG;
  bool ordered = (op & FETCH) != 0;
  const int parkR0 = kScratchOffset, parkR4 = kScratchOffset + 8;

  // r12 = address; the exclusive instructions take no offset.
  Reg addr = R12;
  if (insn.dst == R10) {
    as_.addConstant(addr, SP, frame_.r10Offset() + insn.offset, addr);
  } else {
    Reg base = readLo(insn.dst, addr);
    as_.addConstant(addr, base, insn.offset, addr);
  }
  bool fence = ordered && as_.target().hasDmb();
  llvm::MCSymbol *retry = as_.newLabel(), *done = as_.newLabel(), *mismatch = as_.newLabel();

  if (!is64) {
    // r3 = operand, r2 = old value, r4 = new value, lr = store status.
    Reg v = readLo(insn.src, R3);
    if (v != R3) as_.mov(R3, v);
    bool needsNew = !isCmpxchg && !isXchg;
    if (needsNew) as_.store(4, R4, SP, parkR4);
    if (fence) as_.dmbIsh();
    as_.bind(retry);
    as_.ldrex(R2, addr);
    if (isCmpxchg) {
      as_.cmp(R2, R0);
      as_.b(mismatch, Cond::NE);
    } else if (needsNew) {
      as_.op(atomicDataOp(op), R4, R2, R3);
    }
    as_.strex(LR, needsNew ? R4 : R3, addr);
    as_.cmpConstant(LR, 0, LR);
    as_.b(retry, Cond::NE);
    if (isCmpxchg) {
      as_.b(done);
      as_.bind(mismatch);
      as_.clrex();
      as_.bind(done);
    }
    if (fence) as_.dmbIsh();
    if (needsNew) as_.load(4, false, R4, SP, parkR4);
    if (isCmpxchg) {
      as_.mov(R0, R2);
      as_.movImm(R1, 0);
    } else if (ordered) {
      writeLo(insn.src, R2);
      writeHiZero(insn.src);
    }
    return std::nullopt;
  }

  // 64-bit: r2:r3 = operand. cmpxchg: r4:r5 = old, r0:r1 = expected (R0).
  // Others: r0:r1 = old, r4:r5 = new.
  loadPair(insn.src, R2, R3);
  as_.store(4, R4, SP, parkR4);
  as_.store(4, R5, SP, parkR4 + 4);
  if (isCmpxchg) {
    if (fence) as_.dmbIsh();
    as_.bind(retry);
    as_.ldrexd(R4, addr);
    as_.cmp(R4, R0);
    as_.cmp(R5, R1, Cond::EQ);
    as_.b(mismatch, Cond::NE);
    as_.strexd(LR, R2, addr);
    as_.cmpConstant(LR, 0, LR);
    as_.b(retry, Cond::NE);
    as_.b(done);
    as_.bind(mismatch);
    as_.clrex();
    as_.bind(done);
    if (fence) as_.dmbIsh();
    as_.mov(R0, R4);
    as_.mov(R1, R5);
    as_.load(4, false, R4, SP, parkR4);
    as_.load(4, false, R5, SP, parkR4 + 4);
    return std::nullopt;
  }
  as_.store(4, R0, SP, parkR0);
  as_.store(4, R1, SP, parkR0 + 4);
  if (fence) as_.dmbIsh();
  as_.bind(retry);
  as_.ldrexd(R0, addr);
  if (isXchg) {
    as_.strexd(LR, R2, addr);
  } else {
    DataOp lo = atomicDataOp(op), hi = lo;
    if (lo == DataOp::ADD) hi = DataOp::ADC;
    as_.op(lo, R4, R0, R2, lo == DataOp::ADD ? Flags::Set : Flags::Keep);
    as_.op(hi, R5, R1, R3);
    as_.strexd(LR, R4, addr);
  }
  as_.cmpConstant(LR, 0, LR);
  as_.b(retry, Cond::NE);
  if (fence) as_.dmbIsh();
  if (ordered) {
    as_.mov(R2, R0);
    as_.mov(R3, R1);
  }
  as_.load(4, false, R0, SP, parkR0);
  as_.load(4, false, R1, SP, parkR0 + 4);
  as_.load(4, false, R4, SP, parkR4);
  as_.load(4, false, R5, SP, parkR4 + 4);
  if (ordered) storePair(insn.src, R2, R3);
  return std::nullopt;
}

}  // namespace bpf2arm::arm
