// The structure-aware half of the fuzz target: mutations that keep a valid object's ELF
// header and section table intact and change what the reader and the compiler work on
// inside it: the BPF instructions of executable sections (most often), the relocations
// against them, the symbols, the BTF type records and the BTF.ext records (function and
// line info, CO-RE relocations), each with values of its own kind (type ids, kinds,
// instruction offsets inside and outside the code). Inputs that do not parse as ELF get
// libFuzzer's own byte mutations, and so do a share of those that do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <iterator>
#include <optional>
#include <random>
#include <string_view>
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

// One section of the object: what its header says, and its bytes in the input.
struct Section {
  uint32_t type;
  uint64_t flags;
  std::string_view name;  // empty where the section name table does not parse
  Span span;
};

// The sections (but the null one) of the little-endian ELF64 object that starts at
// data[1] whose bytes lie inside the input; none when the header or table does not parse.
inline std::vector<Section> elfSections(const uint8_t *data, size_t size) {
  std::vector<Section> found;
  if (size < 65 || std::memcmp(data + 1, "\x7f" "ELF\x02\x01", 6) != 0) return found;
  const uint8_t *elf = data + 1;
  const size_t elfSize = size - 1;
  const uint64_t tableAt = readLittle<uint64_t>(elf + 0x28);
  const uint16_t entrySize = readLittle<uint16_t>(elf + 0x3a), count = readLittle<uint16_t>(elf + 0x3c);
  const uint16_t namesIndex = readLittle<uint16_t>(elf + 0x3e);
  if (entrySize < 64 || tableAt > elfSize || uint64_t(count) * entrySize > elfSize - tableAt) return found;
  auto header = [&](uint16_t i) { return elf + tableAt + uint64_t(i) * entrySize; };
  std::string_view names;
  if (namesIndex < count) {
    const uint64_t namesAt = readLittle<uint64_t>(header(namesIndex) + 0x18);
    const uint64_t namesSize = readLittle<uint64_t>(header(namesIndex) + 0x20);
    if (namesAt <= elfSize && namesSize <= elfSize - namesAt)
      names = std::string_view(reinterpret_cast<const char *>(elf + namesAt), size_t(namesSize));
  }
  for (uint16_t i = 1; i < count; ++i) {
    const uint8_t *h = header(i);
    const uint64_t offset = readLittle<uint64_t>(h + 0x18), length = readLittle<uint64_t>(h + 0x20);
    if (offset > elfSize || length > elfSize - offset) continue;
    const uint32_t nameAt = readLittle<uint32_t>(h);
    std::string_view name = nameAt < names.size() ? names.substr(nameAt) : std::string_view();
    name = name.substr(0, name.find('\0'));  // unterminated at the table's end: no name
    if (name.size() == names.size() - std::min<size_t>(nameAt, names.size())) name = {};
    found.push_back({readLittle<uint32_t>(h + 4), readLittle<uint64_t>(h + 8), name, {size_t(offset) + 1, size_t(length)}});
  }
  return found;
}

// Sections of type `type` (and, if `flags`, with those flags) holding an instruction or more.
inline std::vector<Span> sections(const uint8_t *data, size_t size, uint32_t type, uint64_t flags) {
  std::vector<Span> found;
  for (const Section &sec : elfSections(data, size))
    if (sec.type == type && (sec.flags & flags) == flags && sec.span.size >= 8) found.push_back(sec.span);
  return found;
}

// The section called `name` (".BTF", ".symtab"), if there is one.
inline std::optional<Span> sectionNamed(const uint8_t *data, size_t size, std::string_view name) {
  for (const Section &sec : elfSections(data, size))
    if (sec.name == name) return sec.span;
  return std::nullopt;
}

template <typename T>
void writeLittle(uint8_t *p, T v) {
  for (size_t i = 0; i < sizeof(T); ++i) p[i] = uint8_t(uint64_t(v) >> (8 * i));
}

// A value of the kind that BTF and BTF.ext words hold: type ids, a kind with its vlen, sizes
// and member offsets, instruction byte offsets (8 apart, or not), CO-RE relocation kinds,
// line << 10 | column, and extremes.
inline uint32_t btfWord(std::minstd_rand &rng) {
  switch (rng() % 8) {
    case 0: return rng() % 40;                                           // a type id or a CO-RE kind
    case 1: return uint32_t(rng() % 20) << 24 | rng() % 6 | (rng() % 8 == 0 ? 1u << 31 : 0);  // info: kind, vlen
    case 2: return 1u << (rng() % 32);                                   // a size or bit offset
    case 3: return 8 * (rng() % 64) + (rng() % 4 == 0 ? 4 : 0);          // an instruction offset
    case 4: return uint32_t(rng() % 200) << 10 | rng() % 80;             // line << 10 | column
    case 5: return rng() % 512;                                          // a string offset
    case 6: return 0xffffffffu - rng() % 4;
    default: return uint32_t(rng());
  }
}

// One aligned word of `sec` between its bytes `from` and `to`, if there is one.
inline uint8_t *someWord(uint8_t *data, const Span &sec, uint64_t from, uint64_t to, std::minstd_rand &rng) {
  from = (from + 3) & ~uint64_t(3);
  to = std::min<uint64_t>(to, sec.size);
  if (from >= to || to - from < 4) return nullptr;
  return data + sec.offset + from + 4 * (rng() % ((to - from) / 4));
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
  const Span *relSection = rel.empty() ? nullptr : &rel[rng() % rel.size()];
  if (relSection && relSection->size >= 16 && choice == 7 && rng() % 2) {  // one relocation's type or symbol
    const Span &sec = *relSection;
    uint8_t *entry = data + sec.offset + 16 * (rng() % (sec.size / 16));
    static const uint8_t kTypes[] = {1 /* R_BPF_64_64 */, 2 /* ABS64 */, 3 /* ABS32 */, 4 /* NODYLD32 */, 10 /* 64_32 */};
    if (rng() % 2) entry[8] = kTypes[rng() % sizeof kTypes];
    else entry[12] = uint8_t(entry[12] + (rng() % 3) - 1);
    return size;
  }
  if (choice == 7) {  // one symbol: its value, size, binding and type, or section
    std::optional<Span> symtab = sectionNamed(data, size, ".symtab");
    if (symtab && symtab->size >= 48) {
      uint8_t *entry = data + symtab->offset + 24 * (1 + rng() % (symtab->size / 24 - 1));
      // Small offsets and sizes (8 apart, or not), the ends of 32 bits, and past them.
      static const uint64_t kSymbolValues[] = {0, 4, 8, 12, 16, 24, 32, 0x7fffffff, 0xfffffff8, 0xffffffff,
                                               uint64_t(1) << 32, uint64_t(1) << 40, ~uint64_t(0)};
      auto value = [&] { return kSymbolValues[rng() % std::size(kSymbolValues)]; };
      switch (rng() % 4) {
        case 0: writeLittle<uint64_t>(entry + 8, value()); break;   // st_value
        case 1: writeLittle<uint64_t>(entry + 16, value()); break;  // st_size
        case 2: entry[4] = uint8_t((rng() % 3) << 4 | rng() % 5); break;  // st_info: LOCAL/GLOBAL/WEAK, NOTYPE..FILE
        default: {  // st_shndx: a neighbour, undefined, absolute or common
          static const uint16_t kSpecial[] = {0, 0xfff1, 0xfff2};
          const uint16_t shndx = readLittle<uint16_t>(entry + 6);
          writeLittle<uint16_t>(entry + 6, rng() % 2 ? uint16_t(shndx + rng() % 3 - 1) : kSpecial[rng() % 3]);
        }
      }
      return size;
    }
  }
  if (choice == 8) {  // one word of BTF's type records or of BTF.ext's records
    const bool ext = rng() % 2;
    std::optional<Span> btf = sectionNamed(data, size, ext ? ".BTF.ext" : ".BTF");
    if (btf && btf->size >= 24) {
      const uint8_t *head = data + btf->offset;
      // BTF: hdr_len at 4, type_off and type_len at 8 and 12 (from the header's end).
      // BTF.ext: its records (function info, line info, CO-RE) follow its header.
      const uint64_t headerEnd = readLittle<uint32_t>(head + 4);
      const uint64_t from = ext ? headerEnd : headerEnd + readLittle<uint32_t>(head + 8);
      const uint64_t to = ext ? btf->size : from + readLittle<uint32_t>(head + 12);
      if (uint8_t *word = someWord(data, *btf, from, to, rng)) {
        writeLittle<uint32_t>(word, btfWord(rng));
        return size;
      }
    }
  }
  return LLVMFuzzerMutate(data, size, maxSize);
}

}  // namespace bpf2arm::fuzz
