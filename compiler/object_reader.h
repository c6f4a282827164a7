// Reading a clang-produced BPF ELF object: its executable sections, symbols and the
// relocations against code (through libelf, since libbpf 1.1 exposes neither `.text`
// subprograms nor relocations), and its BTF (through libbpf).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "diagnostics.h"

struct btf;
struct btf_ext;

namespace bpf2arm {

struct ElfSymbol {
  std::string name;
  unsigned section = 0;  // st_shndx; 0 (SHN_UNDEF) for externs
  uint64_t value = 0;
  uint64_t size = 0;
  uint8_t type = 0;  // STT_*
  uint8_t bind = 0;  // STB_*
};

struct CodeRelocation {
  uint64_t offset = 0;  // byte offset within the code section
  uint32_t type = 0;    // R_BPF_*
  uint32_t symbol = 0;  // index into BpfObject::symbols
};

struct CodeSection {
  unsigned index = 0;  // ELF section index
  std::string name;
  std::vector<uint8_t> bytes;
  std::vector<CodeRelocation> relocations;  // sorted by offset
};

// A section of global data (.data, .rodata, .bss and their .NAME variants), .maps, or the
// legacy `maps` section of struct bpf_map_def.
struct DataSectionIn {
  unsigned index = 0;
  std::string name;
  bool writable = false;
  bool zeroFill = false;         // SHT_NOBITS (.bss)
  uint64_t size = 0;
  uint64_t align = 1;
  std::vector<uint8_t> bytes;    // empty for .bss
  std::vector<CodeRelocation> relocations;  // e.g. .maps initializers of PROG_ARRAYs
};

struct BtfDeleter {
  void operator()(struct btf *btf) const;
};

// Source positions of instructions, keyed by section name then byte offset.
using LineTable = std::map<std::string, std::map<uint64_t, SourcePosition>>;

// A CO-RE relocation of .BTF.ext: what the instruction at insnOffset of its section asks
// of the target's BTF (kind: libbpf's enum bpf_core_relo_kind) about type typeId. clang
// already encoded the answer for the program's own BTF, which bpf2arm keeps.
struct CoreRelocation {
  uint64_t insnOffset = 0;
  uint32_t typeId = 0;
  std::string access;  // the access string, "0:1:2"
  uint32_t kind = 0;
};

struct BpfObject {
  std::string path;
  std::vector<std::string> sectionNames;  // by ELF section index
  std::vector<ElfSymbol> symbols;         // by ELF symbol index
  std::vector<CodeSection> code;
  std::vector<DataSectionIn> data;
  std::unique_ptr<struct btf, BtfDeleter> btf;  // null when the object has no .BTF
  LineTable lines;
  // BTF FUNC type id of each function, by section name and byte offset (.BTF.ext
  // func_info): exact even where two static functions share a name.
  std::map<std::string, std::map<uint64_t, int>> funcTypes;
  std::map<std::string, std::vector<CoreRelocation>> coreRelocations;  // by section name

  // The name of section `index`, or "#index" for indexes that name no section (a symbol
  // of a corrupt object may hold any st_shndx).
  std::string sectionName(unsigned index) const {
    return index < sectionNames.size() ? sectionNames[index] : "#" + std::to_string(index);
  }

  // The position of the instruction at `offset` in `section`, or of the nearest one
  // before it; empty when there is none.
  SourcePosition positionAt(const std::string &section, uint64_t offset) const;
  std::string lineAt(const std::string &section, uint64_t offset) const { return positionAt(section, offset).fileLine; }
};

Expected<BpfObject> readBpfObject(const std::string &path);
// The same from bytes in memory (the fuzz target's entry); `path` names the input in messages.
Expected<BpfObject> readBpfObjectFromBytes(const std::string &path, const char *bytes, size_t size);

// Text form of the object as read, for `--dump=object`.
std::string dumpObject(const BpfObject &object);

}  // namespace bpf2arm
