#include "track_upper_zero.h"

#include "control_flow.h"
#include "track_upper_live.h"

#include <vector>

namespace bpf2arm {

using namespace bpf;

namespace {

using RegMask = uint16_t;
constexpr RegMask bit(unsigned r) { return RegMask(1u << r); }
constexpr RegMask kAll = RegMask((1u << NUM_REGS) - 1);

bool resultFitsIn32Bits(const abi::CType &type) {
  return type.kind == abi::TypeKind::Pointer || (type.kind == abi::TypeKind::Integer && !type.isSigned && type.size <= 4);
}

RegMask transfer(const Program &program, const Instruction &ins, RegMask known) {
  const Insn &insn = ins.insn;
  auto set = [&](unsigned r, bool zero) { known = zero ? RegMask(known | bit(r)) : RegMask(known & ~bit(r)); };
  uint8_t op = aluOp(insn.opcode);
  switch (insn.cls()) {
    case ALU:
      set(insn.dst, !(op == END && insn.imm == 64));  // le64/be64 are 64-bit results
      break;
    case ALU64:
      if (op == MOV && source(insn.opcode) == K) set(insn.dst, insn.imm >= 0);
      else if (op == MOV && insn.offset == 0) set(insn.dst, known & bit(insn.src));
      else if (op == AND && source(insn.opcode) == K) set(insn.dst, insn.imm >= 0 || (known & bit(insn.dst)));
      else if (op == AND) set(insn.dst, known & (bit(insn.dst) | bit(insn.src)));
      else if (op == RSH && source(insn.opcode) == K) set(insn.dst, (insn.imm & 63) >= 32 || (known & bit(insn.dst)));
      else if (op == END) set(insn.dst, insn.imm != 64);
      else if ((op == OR || op == XOR) && source(insn.opcode) == X) set(insn.dst, known & bit(insn.dst) & bit(insn.src));
      else if ((op == OR || op == XOR) && source(insn.opcode) == K) set(insn.dst, insn.imm >= 0 && (known & bit(insn.dst)));
      else set(insn.dst, false);
      break;
    case LD:
      set(insn.dst, ins.address.kind != AddressRef::None || (insn.imm64 >> 32) == 0);
      break;
    case LDX:
      set(insn.dst, memMode(insn.opcode) == MEM && memSize(insn.opcode) != DW);
      break;
    case STX:
      if (memMode(insn.opcode) == ATOMIC) {
        bool narrow = memSize(insn.opcode) == W;
        if (insn.imm == ATOMIC_CMPXCHG) set(0, narrow);
        else if (insn.imm & FETCH) set(insn.src, narrow);
      }
      break;
    case JMP:
      if (insn.isCall()) {
        known &= RegMask(~(bit(1) | bit(2) | bit(3) | bit(4) | bit(5)));
        const CallTarget &call = ins.call;
        const abi::CType *result = nullptr;
        if (call.kind == CallTarget::Local) result = &program.functions[call.function].prototype.result;
        if (call.kind == CallTarget::Helper || call.kind == CallTarget::Extern) result = &call.prototype.result;
        // A local callee's BPF code computes R0 itself: only the C types of helpers and
        // externs promise a narrow result.
        set(0, call.kind != CallTarget::Local && result && resultFitsIn32Bits(*result));
      }
      break;
  }
  // A hi word written only to die is left unwritten by the backend: nothing is known of it.
  known &= RegMask(~(hiWordsWritten(ins) & ~ins.upperLiveAfter));
  return RegMask(known | bit(R10));
}

void trackFunction(const Program &program, Function &fn) {
  size_t n = fn.blocks.size();
  ControlFlow cfg(fn);
  // Nothing is known at entry (callers may pass any 64-bit value) but R10. Facts only
  // ever shrink from "all known", so the worklist reaches the fixed point after at most
  // NUM_REGS changes per block, however the loops nest.
  std::vector<RegMask> in(n, kAll), out(n, kAll);
  for (BlockWorklist work(n, BlockWorklist::Forward); !work.empty();) {
    unsigned b = work.pop();
    RegMask entry = b == 0 ? bit(R10) : kAll;
    for (unsigned p : cfg.preds[b]) entry &= out[p];
    if (b != 0 && cfg.preds[b].empty()) entry = bit(R10);  // unreachable: assume nothing
    RegMask known = entry;
    for (const Instruction &ins : fn.blocks[b].insns) known = transfer(program, ins, known);
    in[b] = entry;
    if (known == out[b]) continue;
    out[b] = known;
    work.push(cfg.succs[b]);
  }
  for (size_t b = 0; b < n; ++b) {
    RegMask known = in[b];
    for (Instruction &ins : fn.blocks[b].insns) {
      ins.upperZero = known;
      known = transfer(program, ins, known);
    }
  }
}

}  // namespace

void trackUpperZero(Program &program) {
  for (Function &fn : program.functions) trackFunction(program, fn);
}

}  // namespace bpf2arm
