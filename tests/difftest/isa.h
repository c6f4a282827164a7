// The BPF instruction encoding as RFC 9669 (sections 3-5) defines it, written for the
// differential tester on its own: nothing here comes from compiler/, so the tester's
// oracle cannot inherit a misreading of the RFC from the code it checks.
#pragma once

#include <cstdint>
#include <vector>

namespace difftest {

// Instruction classes (RFC 9669 3.3).
enum : uint8_t { LD = 0, LDX = 1, ST = 2, STX = 3, ALU = 4, JMP = 5, JMP32 = 6, ALU64 = 7 };
// Source operand (4.1): K = imm, X = src register.
enum : uint8_t { SRC_K = 0x00, SRC_X = 0x08 };
// Arithmetic operations (4.1).
enum : uint8_t {
  OP_ADD = 0x00, OP_SUB = 0x10, OP_MUL = 0x20, OP_DIV = 0x30, OP_OR = 0x40, OP_AND = 0x50,
  OP_LSH = 0x60, OP_RSH = 0x70, OP_NEG = 0x80, OP_MOD = 0x90, OP_XOR = 0xa0, OP_MOV = 0xb0,
  OP_ARSH = 0xc0, OP_END = 0xd0
};
// Jump operations (4.3).
enum : uint8_t {
  OP_JA = 0x00, OP_JEQ = 0x10, OP_JGT = 0x20, OP_JGE = 0x30, OP_JSET = 0x40, OP_JNE = 0x50,
  OP_JSGT = 0x60, OP_JSGE = 0x70, OP_CALL = 0x80, OP_EXIT = 0x90, OP_JLT = 0xa0, OP_JLE = 0xb0,
  OP_JSLT = 0xc0, OP_JSLE = 0xd0
};
// Load/store modes and sizes (5).
enum : uint8_t { MODE_IMM = 0x00, MODE_MEM = 0x60, MODE_MEMSX = 0x80, MODE_ATOMIC = 0xc0 };
enum : uint8_t { SIZE_W = 0x00, SIZE_H = 0x08, SIZE_B = 0x10, SIZE_DW = 0x18 };
// Atomic operations in imm (5.3).
enum : int32_t { AT_ADD = 0x00, AT_OR = 0x40, AT_AND = 0x50, AT_XOR = 0xa0, AT_FETCH = 0x01,
                 AT_XCHG = 0xe1, AT_CMPXCHG = 0xf1 };
enum : uint8_t { CALL_HELPER = 0, CALL_LOCAL = 1 };

constexpr uint8_t R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5, R6 = 6, R10 = 10;

// One 8-byte instruction slot; ld_imm64 takes two (the second holds the upper imm).
struct Insn {
  uint8_t opcode = 0;
  uint8_t dst = 0, src = 0;
  int16_t off = 0;
  int32_t imm = 0;

  uint8_t cls() const { return opcode & 7; }
  uint8_t op() const { return opcode & 0xf0; }
  bool isLdImm64() const { return opcode == (LD | MODE_IMM | SIZE_DW); }
  bool isCall() const { return opcode == (JMP | OP_CALL); }
  bool isLocalCall() const { return isCall() && src == CALL_LOCAL; }
  bool isExit() const { return opcode == (JMP | OP_EXIT); }
  bool isJump() const {  // any jump with a target (JA, gotol, conditional)
    return (cls() == JMP || cls() == JMP32) && op() != OP_CALL && op() != OP_EXIT;
  }
  bool isGotol() const { return cls() == JMP32 && op() == OP_JA; }
  // Displacement in slots from the next instruction (gotol keeps it in imm).
  int32_t jumpDelta() const { return isGotol() ? imm : off; }
  void setJumpDelta(int32_t d) {
    if (isGotol()) imm = d;
    else off = int16_t(d);
  }
};

using Code = std::vector<Insn>;

inline Insn makeInsn(uint8_t opcode, int dst, int src, int off, int32_t imm) {
  Insn in;
  in.opcode = opcode;
  in.dst = uint8_t(dst);
  in.src = uint8_t(src);
  in.off = int16_t(off);
  in.imm = imm;
  return in;
}

// ld_imm64 of a plain constant: two slots.
inline void appendLdImm64(Code &code, int dst, uint64_t v) {
  code.push_back(makeInsn(LD | MODE_IMM | SIZE_DW, dst, 0, 0, int32_t(uint32_t(v))));
  code.push_back(makeInsn(0, 0, 0, 0, int32_t(uint32_t(v >> 32))));
}

inline unsigned sizeBytes(uint8_t sizeBits) {
  switch (sizeBits) {
    case SIZE_B: return 1;
    case SIZE_H: return 2;
    case SIZE_W: return 4;
    default: return 8;
  }
}

}  // namespace difftest
