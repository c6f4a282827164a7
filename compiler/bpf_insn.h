// The eBPF instruction set as RFC 9669 defines it (with the v4 additions): encoding
// constants, the decoded form the program model stores, and a disassembler for dumps
// and for the comments of `-S`.
#pragma once

#include <cstdint>
#include <string>

namespace bpf2arm::bpf {

// Instruction classes (opcode bits 0-2).
enum Class : uint8_t {
  LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, JMP32 = 0x06, ALU64 = 0x07,
};

// Arithmetic operations (opcode bits 4-7 of ALU/ALU64).
enum AluOp : uint8_t {
  ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60, RSH = 0x70,
  NEG = 0x80, MOD = 0x90, XOR = 0xa0, MOV = 0xb0, ARSH = 0xc0, END = 0xd0,
};

// Jump operations (opcode bits 4-7 of JMP/JMP32).
enum JmpOp : uint8_t {
  JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40, JNE = 0x50, JSGT = 0x60, JSGE = 0x70,
  CALL = 0x80, EXIT = 0x90, JLT = 0xa0, JLE = 0xb0, JSLT = 0xc0, JSLE = 0xd0,
};

// Operand source (opcode bit 3); for END it selects the byte order instead.
enum Source : uint8_t { K = 0x00, X = 0x08 };

// Load/store size (opcode bits 3-4) and mode (bits 5-7).
enum Size : uint8_t { W = 0x00, H = 0x08, B = 0x10, DW = 0x18 };
enum Mode : uint8_t { IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, MEMSX = 0x80, ATOMIC = 0xc0 };

// Atomic operations (imm of STX|ATOMIC).
enum AtomicOp : int32_t {
  ATOMIC_ADD = 0x00, ATOMIC_OR = 0x40, ATOMIC_AND = 0x50, ATOMIC_XOR = 0xa0,
  FETCH = 0x01, ATOMIC_XCHG = 0xe0 | FETCH, ATOMIC_CMPXCHG = 0xf0 | FETCH,
};

// src_reg values of CALL and of LD_IMM64.
enum : uint8_t { CALL_HELPER = 0, CALL_LOCAL = 1, CALL_KFUNC = 2 };
// ld_imm64 src_reg 4 (BPF_PSEUDO_FUNC): the address of the function imm + 1 insns ahead.
enum : uint8_t { PSEUDO_FUNC = 4 };
enum : uint8_t { R10 = 10, NUM_REGS = 11 };

constexpr uint8_t opClass(uint8_t opcode) { return opcode & 0x07; }
constexpr uint8_t aluOp(uint8_t opcode) { return opcode & 0xf0; }
constexpr uint8_t source(uint8_t opcode) { return opcode & 0x08; }
constexpr uint8_t memSize(uint8_t opcode) { return opcode & 0x18; }
constexpr uint8_t memMode(uint8_t opcode) { return opcode & 0xe0; }
constexpr unsigned sizeBytes(uint8_t size) { return size == B ? 1 : size == H ? 2 : size == W ? 4 : 8; }

constexpr uint8_t LD_IMM64 = LD | IMM | DW;  // the only two-slot instruction

// One decoded instruction. For LD_IMM64 `imm64` holds both halves and the instruction
// covers two slots; everything else covers one.
struct Insn {
  uint8_t opcode = 0;
  uint8_t dst = 0;
  uint8_t src = 0;
  int16_t offset = 0;
  int32_t imm = 0;
  uint64_t imm64 = 0;  // LD_IMM64 only

  uint8_t cls() const { return opClass(opcode); }
  bool isAlu() const { return cls() == ALU || cls() == ALU64; }
  bool isJump() const { return cls() == JMP || cls() == JMP32; }
  bool isLdImm64() const { return opcode == LD_IMM64; }
  bool isExit() const { return opcode == (JMP | EXIT); }
  bool isCall() const { return opcode == (JMP | CALL); }
  // JA in either class; JMP32|JA ("gotol") carries its offset in imm.
  bool isUnconditionalJump() const { return isJump() && aluOp(opcode) == JA; }
  bool isConditionalJump() const {
    return isJump() && aluOp(opcode) != JA && aluOp(opcode) != CALL && aluOp(opcode) != EXIT;
  }
  int32_t jumpOffset() const { return opcode == (JMP32 | JA) ? imm : offset; }
  unsigned slots() const { return isLdImm64() ? 2 : 1; }
};

// Splits one raw little-endian 8-byte slot into fields (imm64 left 0).
Insn decodeSlot(const uint8_t *bytes);

// Whether the opcode (with its src/offset/imm where they select the operation) is part
// of the ISA. Returns an empty string when valid, otherwise why not.
std::string validateOpcode(const Insn &insn);

// Text in the style of the kernel's verifier log ("r0 += r1", "if w1 > 5 goto +3").
std::string disassemble(const Insn &insn);

}  // namespace bpf2arm::bpf
