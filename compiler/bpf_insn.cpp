#include "bpf_insn.h"

#include <cstdio>
#include <cstring>

namespace bpf2arm::bpf {

Insn decodeSlot(const uint8_t *bytes) {
  Insn insn;
  insn.opcode = bytes[0];
  insn.dst = bytes[1] & 0x0f;
  insn.src = bytes[1] >> 4;
  insn.offset = static_cast<int16_t>(bytes[2] | (bytes[3] << 8));
  uint32_t imm = 0;
  std::memcpy(&imm, bytes + 4, 4);  // the objects are little endian, like every host we build on
  insn.imm = static_cast<int32_t>(imm);
  return insn;
}

namespace {

std::string hex(uint8_t opcode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", opcode);
  return buf;
}

std::string validateAlu(const Insn &insn) {
  bool is64 = insn.cls() == ALU64;
  switch (aluOp(insn.opcode)) {
    case ADD: case SUB: case MUL: case OR: case AND: case LSH: case RSH: case XOR: case ARSH:
      return insn.offset == 0 ? "" : "nonzero offset on an arithmetic instruction";
    case DIV: case MOD:
      return insn.offset == 0 || insn.offset == 1 ? "" : "division offset must be 0 or 1";
    case NEG:
      return source(insn.opcode) == K ? "" : "neg with a register source";
    case MOV:
      if (insn.offset == 0) return "";
      if (source(insn.opcode) == X &&
          (insn.offset == 8 || insn.offset == 16 || (is64 && insn.offset == 32)))
        return "";
      return "invalid sign-extension width " + std::to_string(insn.offset) + " for movsx";
    case END:
      if (is64 && source(insn.opcode) != K) return "bswap with the big-endian bit set";
      return insn.imm == 16 || insn.imm == 32 || insn.imm == 64
                 ? ""
                 : "byte swap width must be 16, 32 or 64, not " + std::to_string(insn.imm);
    default:
      return "unknown opcode " + hex(insn.opcode);
  }
}

std::string validateJump(const Insn &insn) {
  uint8_t op = aluOp(insn.opcode);
  if (op == CALL) {
    if (insn.cls() == JMP32) return "unknown opcode " + hex(insn.opcode);
    if (source(insn.opcode) == X) return "callx (a call through a register) is not supported: clang emits it for helper calls in "
                                               "unoptimized code (-O0); compile BPF programs with -O2";
    if (insn.src > CALL_KFUNC) return "call with unknown src_reg " + std::to_string(insn.src);
    return "";
  }
  if (op == EXIT) return insn.cls() == JMP && source(insn.opcode) == K ? "" : "unknown opcode " + hex(insn.opcode);
  if (op == JA) return source(insn.opcode) == K ? "" : "unknown opcode " + hex(insn.opcode);
  if (op > JSLE) return "unknown opcode " + hex(insn.opcode);
  return "";
}

std::string validateMemory(const Insn &insn) {
  uint8_t mode = memMode(insn.opcode);
  uint8_t size = memSize(insn.opcode);
  switch (insn.cls()) {
    case LD:
      if (insn.opcode == LD_IMM64) return "";
      if (mode == ABS || mode == IND) return "legacy packet access (ld_abs/ld_ind) is not supported";
      return "unknown opcode " + hex(insn.opcode);
    case LDX:
      if (mode == MEM) return "";
      if (mode == MEMSX) return size != DW ? "" : "unknown opcode " + hex(insn.opcode);
      return "unknown opcode " + hex(insn.opcode);
    case ST:
      return mode == MEM ? "" : "unknown opcode " + hex(insn.opcode);
    case STX:
      if (mode == MEM) return "";
      if (mode != ATOMIC || (size != W && size != DW)) return "unknown opcode " + hex(insn.opcode);
      switch (insn.imm) {
        case ATOMIC_ADD: case ATOMIC_OR: case ATOMIC_AND: case ATOMIC_XOR:
        case ATOMIC_ADD | FETCH: case ATOMIC_OR | FETCH: case ATOMIC_AND | FETCH:
        case ATOMIC_XOR | FETCH: case ATOMIC_XCHG: case ATOMIC_CMPXCHG:
          return "";
        default:
          return "unknown atomic operation " + std::to_string(insn.imm);
      }
  }
  return "unknown opcode " + hex(insn.opcode);
}

}  // namespace

std::string validateOpcode(const Insn &insn) {
  if (insn.dst > R10 || insn.src > R10) {
    if (!(insn.isCall() || insn.isLdImm64()) || insn.dst > R10)
      return "register number out of range (r" + std::to_string(insn.dst > R10 ? insn.dst : insn.src) + ")";
  }
  if (insn.isAlu()) return validateAlu(insn);
  if (insn.isJump()) return validateJump(insn);
  return validateMemory(insn);
}

namespace {

const char *aluSymbol(uint8_t op) {
  switch (op) {
    case ADD: return "+="; case SUB: return "-="; case MUL: return "*="; case DIV: return "/=";
    case OR: return "|="; case AND: return "&="; case LSH: return "<<="; case RSH: return ">>=";
    case MOD: return "%="; case XOR: return "^="; case MOV: return "="; case ARSH: return "s>>=";
  }
  return "?";
}

const char *jumpSymbol(uint8_t op) {
  switch (op) {
    case JEQ: return "=="; case JGT: return ">"; case JGE: return ">="; case JSET: return "&";
    case JNE: return "!="; case JSGT: return "s>"; case JSGE: return "s>="; case JLT: return "<";
    case JLE: return "<="; case JSLT: return "s<"; case JSLE: return "s<=";
  }
  return "?";
}

const char *sizeName(uint8_t size) {
  switch (size) {
    case B: return "u8"; case H: return "u16"; case W: return "u32"; default: return "u64";
  }
}

std::string reg(char prefix, int r) { return prefix + std::to_string(r); }

std::string memOperand(const char *type, int base, int offset) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "*(%s *)(r%d %c %d)", type, base, offset < 0 ? '-' : '+',
                offset < 0 ? -offset : offset);
  return buf;
}

}  // namespace

std::string disassemble(const Insn &insn) {
  char buf[96];
  uint8_t op = aluOp(insn.opcode);
  if (insn.isAlu()) {
    char r = insn.cls() == ALU64 ? 'r' : 'w';
    std::string dst = reg(r, insn.dst);
    std::string src = source(insn.opcode) == X ? reg(r, insn.src) : std::to_string(insn.imm);
    if (op == NEG) return dst + " = -" + dst;
    if (op == END) {
      const char *kind = insn.cls() == ALU64 ? "bswap" : source(insn.opcode) == X ? "be" : "le";
      return "r" + std::to_string(insn.dst) + " = " + kind + std::to_string(insn.imm) + " r" +
             std::to_string(insn.dst);
    }
    if (op == MOV && insn.offset != 0)
      return dst + " = (s" + std::to_string(insn.offset) + ")" + reg(r, insn.src);
    const char *sym = aluSymbol(op);
    if ((op == DIV || op == MOD) && insn.offset == 1) return dst + " s" + sym + " " + src;
    return dst + " " + sym + " " + src;
  }
  if (insn.isJump()) {
    if (op == EXIT) return "exit";
    if (op == CALL) {
      if (source(insn.opcode) == X) return "callx r" + std::to_string(insn.dst);
      if (insn.src == CALL_LOCAL) return "call pc" + std::string(insn.imm >= 0 ? "+" : "") + std::to_string(insn.imm);
      if (insn.src == CALL_KFUNC) return "call kfunc " + std::to_string(insn.imm);
      return "call " + std::to_string(insn.imm);
    }
    int target = insn.jumpOffset();
    std::string rel = (target >= 0 ? "+" : "") + std::to_string(target);
    if (op == JA) return (insn.cls() == JMP32 ? "gotol " : "goto ") + rel;
    char r = insn.cls() == JMP ? 'r' : 'w';
    std::string src = source(insn.opcode) == X ? reg(r, insn.src) : std::to_string(insn.imm);
    return "if " + reg(r, insn.dst) + " " + jumpSymbol(op) + " " + src + " goto " + rel;
  }
  uint8_t size = memSize(insn.opcode);
  switch (insn.cls()) {
    case LD:
      if (insn.isLdImm64()) {
        std::snprintf(buf, sizeof buf, "r%d = 0x%llx ll%s", insn.dst,
                      static_cast<unsigned long long>(insn.imm64),
                      insn.src ? " (pseudo)" : "");
        return buf;
      }
      break;
    case LDX:
      if (memMode(insn.opcode) == MEMSX) {
        std::string type = std::string("s") + (sizeName(size) + 1);
        return reg('r', insn.dst) + " = " + memOperand(type.c_str(), insn.src, insn.offset);
      }
      return reg('r', insn.dst) + " = " + memOperand(sizeName(size), insn.src, insn.offset);
    case ST:
      return memOperand(sizeName(size), insn.dst, insn.offset) + " = " + std::to_string(insn.imm);
    case STX:
      if (memMode(insn.opcode) == ATOMIC) {
        char r = size == DW ? 'r' : 'w';
        std::string mem = memOperand(sizeName(size), insn.dst, insn.offset);
        std::string src = reg(r, insn.src);
        switch (insn.imm) {
          case ATOMIC_XCHG: return src + " = xchg(" + mem + ", " + src + ")";
          case ATOMIC_CMPXCHG: return reg(r, 0) + " = cmpxchg(" + mem + ", " + reg(r, 0) + ", " + src + ")";
        }
        const char *name = (insn.imm & ~FETCH) == ATOMIC_ADD ? "add"
                           : (insn.imm & ~FETCH) == ATOMIC_OR ? "or"
                           : (insn.imm & ~FETCH) == ATOMIC_AND ? "and" : "xor";
        if (insn.imm & FETCH) return src + " = atomic_fetch_" + std::string(name) + "(" + mem + ", " + src + ")";
        return "lock " + mem + " " + aluSymbol(static_cast<uint8_t>(insn.imm & ~FETCH)) + " " + src;
      }
      return memOperand(sizeName(size), insn.dst, insn.offset) + " = " + reg('r', insn.src);
  }
  std::snprintf(buf, sizeof buf, "<unknown opcode 0x%02x>", insn.opcode);
  return buf;
}

}  // namespace bpf2arm::bpf
