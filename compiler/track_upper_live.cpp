#include "track_upper_live.h"

#include <vector>

#include "control_flow.h"

namespace bpf2arm {

using namespace bpf;

namespace {

using RegMask = uint16_t;
constexpr RegMask bit(unsigned r) { return RegMask(1u << r); }
constexpr RegMask kArgs = bit(1) | bit(2) | bit(3) | bit(4) | bit(5);

// The registers whose hi words the instruction reads, given which hi words are live
// after it: a 64-bit result whose hi word is dead needs no operand's hi word when its
// lo word depends on lo words only (add, sub, logic, multiply, left shift).
RegMask hiWordsRead(const Instruction &ins, RegMask liveAfter) {
  const Insn &insn = ins.insn;
  const bool reg = source(insn.opcode) == X;
  const bool resultLive = liveAfter & bit(insn.dst);
  const RegMask dstAndSrc = RegMask(bit(insn.dst) | (reg ? bit(insn.src) : 0));
  switch (insn.cls()) {
    case ALU:  // 32-bit: lo words in, except to_le/to_be 64, which keep all 64 bits
      return aluOp(insn.opcode) == END && insn.imm == 64 ? bit(insn.dst) : 0;
    case ALU64:
      switch (aluOp(insn.opcode)) {
        case MOV: return reg && insn.offset == 0 && resultLive ? bit(insn.src) : 0;
        case ADD: case SUB: case AND: case OR: case XOR: case MUL:
          return resultLive ? dstAndSrc : 0;
        case NEG: return resultLive ? bit(insn.dst) : 0;
        case LSH:  // the amount comes from the lo word; the lo result from the lo word
          return resultLive && (reg || (insn.imm & 63) < 32) ? bit(insn.dst) : 0;
        case RSH: case ARSH:
          return !reg && (insn.imm & 63) == 0 ? (resultLive ? bit(insn.dst) : 0) : bit(insn.dst);
        case END: return insn.imm == 64 ? bit(insn.dst) : 0;
        default: return dstAndSrc;  // division and modulo
      }
    case LD: case LDX: case ST: return 0;  // addresses are lo words
    case STX:
      if (memSize(insn.opcode) != DW) return 0;
      if (memMode(insn.opcode) == ATOMIC && insn.imm == ATOMIC_CMPXCHG) return RegMask(bit(0) | bit(insn.src));
      return bit(insn.src);
    case JMP: case JMP32: {
      if (insn.isExit()) return bit(0);
      if (insn.isCall()) {
        const CallTarget &call = ins.call;
        if (call.kind != CallTarget::Helper && call.kind != CallTarget::Extern) return kArgs;  // BPF's convention
        RegMask read = 0;
        for (size_t i = 0; i < call.prototype.params.size() && i < 5; ++i)
          if (call.prototype.params[i].size > 4) read |= bit(unsigned(i + 1));
        return read;
      }
      if (insn.cls() == JMP32 || !insn.isConditionalJump()) return 0;
      return dstAndSrc;
    }
  }
  return 0;
}

}  // namespace

RegMask hiWordsWritten(const Instruction &ins) {
  const Insn &insn = ins.insn;
  switch (insn.cls()) {
    case ALU: case ALU64: case LD: case LDX: return bit(insn.dst);
    case STX:
      if (memMode(insn.opcode) != ATOMIC) return 0;
      if (insn.imm == ATOMIC_CMPXCHG) return bit(0);
      return insn.imm & FETCH ? bit(insn.src) : 0;
    case JMP: case JMP32: return insn.isCall() ? RegMask(bit(0) | kArgs) : 0;
  }
  return 0;
}

namespace {

void trackFunction(Function &fn) {
  size_t n = fn.blocks.size();
  ControlFlow cfg(fn);
  auto liveBefore = [&](const Instruction &ins, RegMask after) {
    return RegMask((after & ~hiWordsWritten(ins)) | hiWordsRead(ins, after));
  };
  // Live sets only grow from "nothing live", so the worklist ends after at most
  // NUM_REGS changes per block.
  std::vector<RegMask> in(n, 0);
  for (BlockWorklist work(n, BlockWorklist::Backward); !work.empty();) {
    unsigned b = work.pop();
    RegMask live = 0;
    for (unsigned s : cfg.succs[b]) live |= in[s];
    const std::vector<Instruction> &insns = fn.blocks[b].insns;
    for (size_t k = insns.size(); k-- > 0;) live = liveBefore(insns[k], live);
    if (live == in[b]) continue;
    in[b] = live;
    work.push(cfg.preds[b]);
  }
  for (size_t b = 0; b < n; ++b) {
    RegMask live = 0;
    for (unsigned s : cfg.succs[b]) live |= in[s];
    std::vector<Instruction> &insns = fn.blocks[b].insns;
    for (size_t k = insns.size(); k-- > 0;) {
      insns[k].upperLiveAfter = live;
      live = liveBefore(insns[k], live);
    }
  }
}

}  // namespace

void trackUpperLive(Program &program) {
  for (Function &fn : program.functions) trackFunction(fn);
}

}  // namespace bpf2arm
