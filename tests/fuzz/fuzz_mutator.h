// The structure-aware half of the fuzz target: mutations that keep a valid object's ELF
// header, section table, symbols and BTF intact and change what the compiler works on
// behind the reader, the BPF instructions of executable sections and the relocations
// against them. Inputs that do not parse as ELF get libFuzzer's own byte mutations, and
// so do a share of those that do, so the reader keeps being fuzzed too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "compiler/bpf_insn.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace bpf2arm::fuzz {

struct Span {
  size_t offset, size;  // into the input, selector byte included
};

template <typename T>
T readLittle(const uint8_t *p) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v |= T(p[i]) << (8 * i);
  return v;
}

// Sections of type `type` (and, if `flags`, with those flags) of the little-endian ELF64
// object that starts at data[1]; none when the header or table does not parse.
inline std::vector<Span> sections(const uint8_t *data, size_t size, uint32_t type, uint64_t flags) {
  std::vector<Span> found;
  if (size < 65) return found;
  const uint8_t *elf = data + 1;
  const size_t elfSize = size - 1;
  if (std::memcmp(elf, "\x7f" "ELF\x02\x01", 6) != 0) return found;
  const uint64_t tableAt = readLittle<uint64_t>(elf + 0x28);
  const uint16_t entrySize = readLittle<uint16_t>(elf + 0x3a), count = readLittle<uint16_t>(elf + 0x3c);
  if (entrySize < 64 || tableAt > elfSize || uint64_t(count) * entrySize > elfSize - tableAt) return found;
  for (uint16_t i = 1; i < count; ++i) {
    const uint8_t *header = elf + tableAt + uint64_t(i) * entrySize;
    const uint64_t offset = readLittle<uint64_t>(header + 0x18), length = readLittle<uint64_t>(header + 0x20);
    if (readLittle<uint32_t>(header + 4) != type || (readLittle<uint64_t>(header + 8) & flags) != flags) continue;
    if (length >= 8 && offset <= elfSize && length <= elfSize - offset) found.push_back({size_t(offset) + 1, size_t(length)});
  }
  return found;
}

// Every opcode byte the compiler accepts with some operands, and a few it refuses.
inline const std::vector<uint8_t> &opcodes() {
  static const std::vector<uint8_t> table = [] {
    std::vector<uint8_t> valid;
    for (unsigned op = 0; op < 256; ++op)
      for (int32_t imm : {0, 1, 16, 32, 64, 0xe1, 0xf1}) {
        bpf::Insn insn;
        insn.opcode = uint8_t(op), insn.dst = 1, insn.src = 2, insn.imm = imm;
        if (bpf::validateOpcode(insn).empty()) {
          valid.push_back(uint8_t(op));
          break;
        }
      }
    return valid;
  }();
  return table;
}

inline size_t mutate(uint8_t *data, size_t size, size_t maxSize, unsigned seed) {
  std::minstd_rand rng(seed);
  const unsigned choice = rng() % 10;
  if (size >= 1 && choice == 0) {
    data[0] = uint8_t(rng());  // another target, -O0, the header
    return size;
  }
  const std::vector<Span> code = sections(data, size, 1 /* SHT_PROGBITS */, 4 /* SHF_EXECINSTR */);
  if (!code.empty() && choice <= 6) {
    const Span &sec = code[rng() % code.size()];
    const size_t slots = sec.size / 8;
    uint8_t *insn = data + sec.offset + 8 * (rng() % slots);
    static const int32_t kImmediates[] = {0, 1, -1, 2, 7, 8, 15, 16, 31, 32, 33, 63, 64, 255, 256, 0x7fff, -0x8000,
                                          0x7fffffff, int32_t(0x80000000), 0x12345678};
    switch (choice) {
      case 1: insn[0] = opcodes()[rng() % opcodes().size()]; break;
      case 2: insn[1] = uint8_t(rng() % 4 ? (rng() % 11) | (rng() % 11) << 4 : rng()); break;  // dst | src << 4
      case 3: {  // a jump offset inside the section, or past its ends
        const int16_t offset = int16_t(int(rng() % (2 * slots + 3)) - int(slots) - 1);
        insn[2] = uint8_t(offset), insn[3] = uint8_t(offset >> 8);
        break;
      }
      case 4: {
        const int32_t imm = kImmediates[rng() % (sizeof kImmediates / sizeof *kImmediates)];
        for (int i = 0; i < 4; ++i) insn[4 + i] = uint8_t(uint32_t(imm) >> (8 * i));
        break;
      }
      default: std::memcpy(insn, data + sec.offset + 8 * (rng() % slots), 8); break;  // repeat an instruction
    }
    return size;
  }
  const std::vector<Span> rel = sections(data, size, 9 /* SHT_REL */, 0);
  if (!rel.empty() && choice == 7) {  // another type or symbol for one relocation
    const Span &sec = rel[rng() % rel.size()];
    uint8_t *entry = data + sec.offset + 16 * (rng() % (sec.size / 16));
    static const uint8_t kTypes[] = {1 /* R_BPF_64_64 */, 2 /* ABS64 */, 3 /* ABS32 */, 4 /* NODYLD32 */, 10 /* 64_32 */};
    if (rng() % 2) entry[8] = kTypes[rng() % sizeof kTypes];
    else entry[12] = uint8_t(entry[12] + (rng() % 3) - 1);
    return size;
  }
  return LLVMFuzzerMutate(data, size, maxSize);
}

}  // namespace bpf2arm::fuzz
