#include "track_upper_zero.h"

#include "control_flow.h"
#include "def_use.h"

#include <vector>

namespace bpf2arm {

using namespace bpf;

namespace {

constexpr RegMask kAll = RegMask((1u << NUM_REGS) - 1);

bool resultFitsIn32Bits(const abi::CType &type) {
  return type.kind == abi::TypeKind::Pointer || (type.kind == abi::TypeKind::Integer && !type.isSigned && type.size <= 4);
}

// Which of the hi halves the instruction writes are zero afterwards, given those known
// zero before it. Which halves it writes comes from the def/use table; this knows values.
RegMask zeroResults(const Function &fn, const Instruction &ins, RegMask known) {
  const Insn &insn = ins.insn;
  const uint8_t op = aluOp(insn.opcode);
  const bool imm = source(insn.opcode) == K;
  const RegMask dst = regBit(insn.dst), both = RegMask(dst | (imm ? 0 : regBit(insn.src)));
  switch (insn.cls()) {
    case ALU:
      return op == END && insn.imm == 64 ? 0 : dst;  // le64/be64 are 64-bit results
    case ALU64:
      if (op == MOV && imm) return insn.imm >= 0 ? dst : 0;
      if (op == MOV && insn.offset == 0) return known & regBit(insn.src) ? dst : 0;
      if (op == AND && imm) return insn.imm >= 0 || (known & dst) ? dst : 0;
      if (op == AND) return known & both ? dst : 0;
      if (op == RSH && imm) return (insn.imm & 63) >= 32 || (known & dst) ? dst : 0;
      if (op == END) return insn.imm != 64 ? dst : 0;
      if ((op == OR || op == XOR) && !imm) return (known & both) == both ? dst : 0;  // both hi halves zero
      if (op == OR || op == XOR) return insn.imm >= 0 && (known & dst) ? dst : 0;
      return 0;
    case LD:
      return fn.addressOf(ins) || (insn.imm64 >> 32) == 0 ? dst : 0;
    case LDX:
      return memMode(insn.opcode) == MEM && memSize(insn.opcode) != DW ? dst : 0;
    case STX:  // atomics: a 32-bit old value is zero-extended
      return memSize(insn.opcode) == W ? RegMask(regBit(0) | regBit(insn.src)) : 0;
    case JMP:
      if (insn.isCall()) {
        // A local callee's BPF code computes R0 itself: only the C types of helpers and
        // externs promise a narrow result.
        const CallTarget &call = fn.callOf(ins);
        bool narrow = (call.kind == CallTarget::Helper || call.kind == CallTarget::Extern) &&
                      resultFitsIn32Bits(call.prototype.result);
        return narrow ? regBit(0) : 0;
      }
      return 0;
  }
  return 0;
}

RegMask transfer(const Function &fn, uint32_t k, const DefUse &du, RegMask known) {
  RegMask zero = RegMask(zeroResults(fn, fn.insns[k], known) & du.computed());
  known = RegMask((known & ~du.defHi) | zero);
  // A hi word written only to die is left unwritten by the backend: nothing is known of it.
  known &= RegMask(~(du.defHi & ~fn.hiLiveMaskAfter(k)));
  return RegMask(known | regBit(R10));
}

void trackFunction(Function &fn) {
  size_t n = fn.blocks.size();
  ControlFlow cfg(fn);
  std::vector<DefUse> table;
  table.reserve(fn.insns.size());
  for (const Instruction &ins : fn.insns) table.push_back(defUse(fn, ins));
  auto run = [&](uint32_t k, RegMask known) { return transfer(fn, k, table[k], known); };
  // Nothing is known at entry (callers may pass any 64-bit value) but R10. Facts only
  // ever shrink from "all known", so the worklist reaches the fixed point after at most
  // NUM_REGS changes per block, however the loops nest.
  std::vector<RegMask> in(n, kAll), out(n, kAll);
  for (BlockWorklist work(n, BlockWorklist::Forward); !work.empty();) {
    unsigned b = work.pop();
    RegMask entry = b == 0 ? regBit(R10) : kAll;
    for (unsigned p : cfg.preds[b]) entry &= out[p];
    if (b != 0 && cfg.preds[b].empty()) entry = regBit(R10);  // unreachable: assume nothing
    RegMask known = entry;
    for (uint32_t k = fn.blocks[b].first; k < fn.blocks[b].end; ++k) known = run(k, known);
    in[b] = entry;
    if (known == out[b]) continue;
    out[b] = known;
    work.push(cfg.succs[b]);
  }
  fn.upperZero.assign(fn.insns.size(), 0);
  for (size_t b = 0; b < n; ++b) {
    RegMask known = in[b];
    for (uint32_t k = fn.blocks[b].first; k < fn.blocks[b].end; ++k) {
      fn.upperZero[k] = known;
      known = run(k, known);
    }
  }
}

}  // namespace

void trackUpperZero(Program &program) {
  for (Function &fn : program.functions) trackFunction(fn);
}

}  // namespace bpf2arm
