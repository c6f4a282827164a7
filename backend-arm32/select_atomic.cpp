// Atomics: the operands go into the fixed registers of the AtomicRmw pseudo
// (atomic_rmw.h), whose retry loop the emitter expands (emit_atomic.cpp); the results come
// back out of them. The copies sit right before and after the pseudo, so that the
// physical registers are busy only across it.
#include "atomic_rmw.h"
#include "select.h"

namespace bpf2arm::arm {

using namespace bpf;
using mir::kNoReg;
using mir::phys;

Status Selector::selectAtomic(const Instruction &ins) {
  const Insn &insn = ins.insn;
  const unsigned bytes = sizeBytes(memSize(insn.opcode));
  const int32_t op = insn.imm;
  const bool isCmpxchg = op == ATOMIC_CMPXCHG;
  const AtomicRmwRegisters regs = atomicRmwRegisters(op, bytes);

  // Everything computed first (addresses, known-zero hi halves), then only copies.
  const VReg address = addressOf(insn.dst, insn.offset);
  const VReg valueLo = readLo(insn.src), valueHi = bytes == 8 ? readHi(insn.src) : kNoReg;
  const VReg comparandHi = isCmpxchg && bytes == 8 ? readHi(0) : kNoReg;
  move(phys(regs.address), address);
  move(phys(regs.value), valueLo);
  if (bytes == 8) move(phys(Reg(regs.value + 1)), valueHi);
  if (isCmpxchg) {
    move(phys(regs.comparand), lo(0));
    if (bytes == 8) move(phys(Reg(regs.comparand + 1)), comparandHi);
  }
  mir::Inst rmw{Opcode::AtomicRmw};
  rmw.imm = op;
  rmw.bytes = uint8_t(bytes);
  rmw.implicitUses = regs.uses;
  rmw.implicitDefs = regs.defs;
  emit(rmw);

  // The old value: R0 for cmpxchg, src for the others that fetch (a 32-bit one zero-extended).
  if (!isCmpxchg && !(op & FETCH)) return std::nullopt;
  const unsigned to = isCmpxchg ? 0 : insn.src;
  move(lo(to), phys(regs.old));
  if (bytes == 8) {
    if (!hiDeadAfter(to)) move(hi(to), phys(Reg(regs.old + 1)));
  } else {
    writeHiZero(to);
  }
  return std::nullopt;
}

}  // namespace bpf2arm::arm
