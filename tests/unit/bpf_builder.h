// Builds small BPF programs in memory for the unit tests of the compiler's passes.
#pragma once

#include <elf.h>

#include <cstring>
#include <string>
#include <vector>

#include "abi/helper_table.h"
#include "compiler/bpf_insn.h"
#include "compiler/object_reader.h"

namespace bpf2arm {

struct Asm {
  std::vector<uint8_t> bytes;
  Asm &insn(uint8_t op, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    uint8_t b[8] = {op, uint8_t(dst | (src << 4)), uint8_t(off & 0xff), uint8_t((off >> 8) & 0xff)};
    std::memcpy(b + 4, &imm, 4);
    bytes.insert(bytes.end(), b, b + 8);
    return *this;
  }
  Asm &movImm(uint8_t dst, int32_t imm) { return insn(bpf::ALU64 | bpf::MOV | bpf::K, dst, 0, 0, imm); }
  Asm &exit() { return insn(bpf::JMP | bpf::EXIT, 0, 0, 0, 0); }
};

inline const abi::HelperTable &noHelpers() {
  static abi::HelperTable table;
  return table;
}

inline BpfObject objectWith(const Asm &code, const std::string &name = "f") {
  BpfObject obj;
  obj.path = "test.o";
  obj.sectionNames = {"", ".text"};
  CodeSection sec;
  sec.index = 1;
  sec.name = ".text";
  sec.bytes = code.bytes;
  obj.code.push_back(sec);
  obj.symbols.push_back({});
  obj.symbols.push_back({name, 1, 0, code.bytes.size(), STT_FUNC, STB_GLOBAL});
  return obj;
}

}  // namespace bpf2arm
