// Atomics: the operands go into the fixed registers of the AtomicRmw pseudo
// (atomic_rmw.h), whose retry loop the emitter expands (emit_atomic.cpp); the results come
// back out of them. The copies sit right before and after the pseudo, so that the
// physical registers are busy only across it. On CPUs without ldrexd/strexd (ARMv7-M,
// ARMv8-M) a 64-bit atomic is a call to runtime-stub/atomic64.c instead.
#include "atomic_rmw.h"
#include "select.h"

namespace bpf2arm::arm {

using namespace bpf;
using mir::kNoReg;
using mir::phys;

const char *atomic64RuntimeFunction(int32_t op) {
  switch (op) {
    case ATOMIC_ADD: case ATOMIC_ADD | FETCH: return "bpf2arm_atomic64_fetch_add";
    case ATOMIC_OR: case ATOMIC_OR | FETCH: return "bpf2arm_atomic64_fetch_or";
    case ATOMIC_AND: case ATOMIC_AND | FETCH: return "bpf2arm_atomic64_fetch_and";
    case ATOMIC_XOR: case ATOMIC_XOR | FETCH: return "bpf2arm_atomic64_fetch_xor";
    case ATOMIC_XCHG: return "bpf2arm_atomic64_xchg";
    case ATOMIC_CMPXCHG: return "bpf2arm_atomic64_cmpxchg";
    default: return nullptr;
  }
}

const std::vector<const char *> &atomic64RuntimeFunctions() {
  static const std::vector<const char *> names = {
      "bpf2arm_atomic64_fetch_add", "bpf2arm_atomic64_fetch_or", "bpf2arm_atomic64_fetch_and",
      "bpf2arm_atomic64_fetch_xor", "bpf2arm_atomic64_xchg",     "bpf2arm_atomic64_cmpxchg"};
  return names;
}

bool callsAtomic64Runtime(const ArmTarget &target, const bpf::Insn &insn) {
  return !target.hasLdrexd() && insn.cls() == STX && memMode(insn.opcode) == ATOMIC &&
         sizeBytes(memSize(insn.opcode)) == 8;
}

// The runtime's prototypes (runtime.h): `uint64_t f(volatile uint64_t *p, uint64_t v)`
// (p in r0, v in r2:r3) and `uint64_t bpf2arm_atomic64_cmpxchg(uint64_t expected,
// uint64_t desired, volatile uint64_t *p)` (r0:r1, r2:r3, p in the first stack word,
// which outgoingArgBytes reserves); each returns the old value in r0:r1.
Status Selector::selectAtomic64Call(const Instruction &ins) {
  const Insn &insn = ins.insn;
  const int32_t op = insn.imm;
  const char *function = atomic64RuntimeFunction(op);
  if (!function) return fail(ins, "unknown atomic operation " + std::to_string(op));
  const bool isCmpxchg = op == ATOMIC_CMPXCHG;
  const VReg address = addressOf(insn.dst, insn.offset);
  const VReg valueLo = readLo(insn.src), valueHi = readHi(insn.src);
  std::vector<ArgumentWord> words;
  if (isCmpxchg) {
    words = {{readLo(0), true, R0, 0}, {readHi(0), true, R1, 0}, {valueLo, true, R2, 0}, {valueHi, true, R3, 0},
             {address, false, 0, 0}};
  } else {
    words = {{address, true, R0, 0}, {valueLo, true, R2, 0}, {valueHi, true, R3, 0}};
  }
  emitCall(symbols_.callee(function), kNoReg, passArguments(words));
  if (!isCmpxchg && !(op & FETCH)) return std::nullopt;
  const unsigned to = isCmpxchg ? 0 : insn.src;
  move(lo(to), phys(R0));
  if (!hiDeadAfter(to)) move(hi(to), phys(R1));
  return std::nullopt;
}

Status Selector::selectAtomic(const Instruction &ins) {
  const Insn &insn = ins.insn;
  if (callsAtomic64Runtime(target_, insn)) return selectAtomic64Call(ins);
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
