#include "analyze_frame.h"

#include "def_use.h"

#include <algorithm>
#include <array>
#include <optional>

namespace bpf2arm {

using namespace bpf;

namespace {

constexpr int kBpfStackLimit = 512;

// Registers known, within a block, to hold r10 plus a constant: clang's `rX = r10;
// rX += -N` idiom and copies of it. An access through one is as visible as one
// through r10 itself, so it is held to the same 512 bytes.
class StackPointerCopies {
 public:
  void clear() { offset_.fill(std::nullopt); }
  std::optional<int64_t> offsetOf(int reg) const { return reg == R10 ? std::optional<int64_t>(0) : offset_[size_t(reg)]; }

  void step(const Insn &insn, const DefUse &du) {
    std::optional<int64_t> next;
    if (insn.cls() == ALU64 && insn.offset == 0) {
      uint8_t op = aluOp(insn.opcode);
      bool imm = source(insn.opcode) == K;
      if (op == MOV && !imm) next = offsetOf(insn.src);
      else if ((op == ADD || op == SUB) && imm && offset_[insn.dst])
        next = *offset_[insn.dst] + (op == ADD ? int64_t(insn.imm) : -int64_t(insn.imm));
    }
    for (unsigned r = 0; r < R10; ++r)
      if (du.defs() & regBit(r)) offset_[r] = r == insn.dst ? next : std::nullopt;
  }

 private:
  std::array<std::optional<int64_t>, NUM_REGS> offset_{};
};

}  // namespace

Status analyzeFrame(Program &program) {
  for (Function &fn : program.functions) {
    int deepest = 0;
    bool escapes = false;
    StackPointerCopies copies;
    for (const BasicBlock &block : fn.blocks) {
      copies.clear();
      for (uint32_t k = block.first; k < block.end; ++k) {
        const Instruction &ins = fn.insns[k];
        const Insn &insn = ins.insn;
        const DefUse du = defUse(fn, ins);
        auto fail = [&](std::string message) -> Status { return program.errorAtInstruction(fn, ins, std::move(message)); };
        if (du.computed() & regBit(R10)) return fail("r10 (the frame pointer) is read-only");
        if (du.memBase == R10) {
          int size = int(sizeBytes(memSize(insn.opcode)));
          if (insn.offset < -kBpfStackLimit || insn.offset + size > 0)
            return fail("stack access [r10" + std::string(insn.offset < 0 ? "" : "+") + std::to_string(insn.offset) +
                        "] of " + std::to_string(size) + " bytes is outside the 512-byte BPF stack");
          deepest = std::max(deepest, -int(insn.offset));
        } else if (int base = du.memBase; base >= 0 && copies.offsetOf(base)) {
          int64_t size = sizeBytes(memSize(insn.opcode)), at = *copies.offsetOf(base) + insn.offset;
          if (at < -kBpfStackLimit || at + size > 0)
            return fail("stack access [r" + std::to_string(base) + std::string(insn.offset < 0 ? "" : "+") +
                        std::to_string(insn.offset) + "] = [r10" + std::string(at < 0 ? "" : "+") + std::to_string(at) +
                        "] of " + std::to_string(size) + " bytes is outside the 512-byte BPF stack");
        }
        if (du.r10Escapes) escapes = true;
        copies.step(insn, du);
      }
    }
    fn.stackSize = escapes ? kBpfStackLimit : unsigned((deepest + 7) & ~7);
  }
  return std::nullopt;
}

}  // namespace bpf2arm
