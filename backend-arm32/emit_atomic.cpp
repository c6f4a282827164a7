// The AtomicRmw pseudo after allocation: an LDREX/STREX (32-bit) or LDREXD/STREXD (64-bit)
// retry loop in the registers atomic_rmw.h fixes. Ordered variants (FETCH, which xchg and
// cmpxchg include) are fenced with DMB on both sides where the CPU has it, like the
// kernel's fully ordered atomic_fetch_*() they model.
#include <cassert>

#include "atomic_rmw.h"
#include "compiler/bpf_insn.h"
#include "emit_mir.h"

namespace bpf2arm::arm {

using namespace bpf;

namespace {

uint16_t bit(Reg r) { return uint16_t(1u << r); }
uint16_t words(Reg r, unsigned bytes) { return uint16_t(bit(r) | (bytes == 8 ? bit(Reg(r + 1)) : 0)); }

}  // namespace

DataOp atomicDataOp(int32_t op) {
  switch (op & ~FETCH) {
    case ATOMIC_OR: return DataOp::ORR;
    case ATOMIC_AND: return DataOp::AND;
    case ATOMIC_XOR: return DataOp::EOR;
    default: return DataOp::ADD;
  }
}

AtomicRmwRegisters atomicRmwRegisters(int32_t op, unsigned bytes) {
  assert(bytes == 4 || bytes == 8);
  const bool isCmpxchg = op == ATOMIC_CMPXCHG, isXchg = op == ATOMIC_XCHG;
  const bool computes = !isCmpxchg && !isXchg, fetches = (op & FETCH) != 0;
  AtomicRmwRegisters r;
  if (bytes == 4) {
    // r3 = operand, r2 = old, r1 = comparand or the new value beside a fetched old one.
    r.value = R3;
    r.old = R2;
    r.comparand = R1;
    r.result = computes && fetches ? R1 : R2;
    r.status = R0;
  } else {
    // r2:r3 = operand; r0:r1 = old, but the comparand of cmpxchg (R0) stays there and the
    // old value goes to r4:r5, as does a new value beside a fetched old one.
    r.value = R2;
    r.comparand = R0;
    r.old = isCmpxchg ? R4 : R0;
    r.result = computes && fetches ? R4 : R0;
    r.status = LR;
  }
  r.uses = uint16_t(bit(r.address) | words(r.value, bytes) | (isCmpxchg ? words(r.comparand, bytes) : 0));
  r.defs = uint16_t(words(r.old, bytes) | (computes ? words(r.result, bytes) : 0) | bit(r.status));
  return r;
}

void expandAtomic(const mir::Inst &inst, Assembler &as, llvm::MCContext &) {
  assert(inst.op == mir::Opcode::AtomicRmw);
  const int32_t op = inst.imm;
  const unsigned bytes = inst.bytes;
  const AtomicRmwRegisters r = atomicRmwRegisters(op, bytes);
  const bool isCmpxchg = op == ATOMIC_CMPXCHG, isXchg = op == ATOMIC_XCHG;
  const bool fence = (op & FETCH) && as.target().hasDmb();
  llvm::MCSymbol *retry = as.newLabel();
  llvm::MCSymbol *mismatch = isCmpxchg ? as.newLabel() : nullptr, *done = isCmpxchg ? as.newLabel() : nullptr;
  const Reg stored = isCmpxchg || isXchg ? r.value : r.result;

  if (fence) as.dmbIsh();
  as.bind(retry);
  if (bytes == 4) {
    as.ldrex(r.old, r.address);
    if (isCmpxchg) {
      as.cmp(r.old, r.comparand);
      as.b(mismatch, Cond::NE);
    } else if (!isXchg) {
      as.op(atomicDataOp(op), r.result, r.old, r.value);
    }
    as.strex(r.status, stored, r.address);
  } else {
    const Reg oldHi = Reg(r.old + 1);
    as.ldrexd(r.old, r.address);
    if (isCmpxchg) {
      as.cmp(r.old, r.comparand);
      as.cmp(oldHi, Reg(r.comparand + 1), Cond::EQ);
      as.b(mismatch, Cond::NE);
    } else if (!isXchg) {
      const DataOp lo = atomicDataOp(op), hi = lo == DataOp::ADD ? DataOp::ADC : lo;
      as.op(lo, r.result, r.old, r.value, lo == DataOp::ADD ? Flags::Set : Flags::Keep);
      as.op(hi, Reg(r.result + 1), oldHi, Reg(r.value + 1));
    }
    as.strexd(r.status, stored, r.address);
  }
  as.compareImm(CompareOp::CMP, r.status, 0);
  as.b(retry, Cond::NE);
  if (isCmpxchg) {
    // A mismatch leaves the exclusive monitor set: clear it.
    as.b(done);
    as.bind(mismatch);
    as.clrex();
    as.bind(done);
  }
  if (fence) as.dmbIsh();
}

}  // namespace bpf2arm::arm
