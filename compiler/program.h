// The program model between reading and emitting: functions made of basic blocks of
// decoded instructions whose jump and call targets are resolved. Passes read and
// annotate it; the backend lowers it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "abi/c_type.h"
#include "bpf_insn.h"

namespace bpf2arm {

struct CallTarget {
  enum Kind { None, Local, Helper, Extern } kind = None;
  unsigned function = 0;  // Local: index into Program::functions
  int32_t helperId = 0;   // Helper
  std::string symbol;     // Helper, Extern: the C function called
  abi::Prototype prototype;  // Helper, Extern: its C prototype
};

// What an ld_imm64 with a relocation loads: the address of global data, of a map's
// descriptor, or of an extern variable, plus an addend.
struct AddressRef {
  enum Kind { None, Data, Map, Extern } kind = None;
  unsigned index = 0;   // Data: Program::data; Map: Program::maps
  std::string symbol;   // Extern: its name; Data: the variable, for dumps only
  int64_t addend = 0;   // Data: offset from the section start; Extern: from the symbol
};

struct Instruction {
  bpf::Insn insn;
  unsigned slot = 0;       // index of its first 8-byte slot within the function
  int targetBlock = -1;    // jumps: the block jumped to
  CallTarget call;         // calls
  AddressRef address;      // ld_imm64 with a relocation
  std::string line;        // "file.c:LINE" from BTF, if any
  // Registers whose hi word is known to be zero before this instruction (bit r = Rr),
  // from track_upper_zero; 0 (nothing known) until that pass runs.
  uint16_t upperZero = 0;
  // Registers whose hi word some later instruction may read before writing it (bit r =
  // Rr), from track_upper_live; all of them until that pass runs.
  uint16_t upperLiveAfter = 0xffff;

  bool hiKnownZero(unsigned bpfReg) const { return upperZero & (1u << bpfReg); }
  bool hiLiveAfter(unsigned bpfReg) const { return upperLiveAfter & (1u << bpfReg); }
};

struct BasicBlock {
  unsigned id = 0;
  std::vector<Instruction> insns;
  // Where control goes when the last instruction does not jump: the next block in
  // layout order, or -1 when the block ends with exit or an unconditional jump.
  int fallthrough = -1;
};

struct Function {
  std::string name;
  std::string section;
  uint64_t sectionOffset = 0;  // bytes
  bool isGlobal = false;       // gets a C-callable (AAPCS) entry under `name`
  abi::Prototype prototype;    // from BTF, or five u64 without BTF
  bool hasBtfPrototype = false;
  std::vector<BasicBlock> blocks;

  // Filled by the frame analysis.
  unsigned stackSize = 0;                    // bytes of BPF stack under R10, multiple of 8
  // How often each BPF register is named, loops weighing more: the backend gives
  // registers to the busiest.
  std::array<unsigned, bpf::NUM_REGS> regUses{};

  unsigned numSlots() const;
};

// A section of global data, copied into the output with its symbols.
struct DataSection {
  struct Symbol {
    std::string name;
    uint64_t offset = 0, size = 0;
    bool isGlobal = false;
  };
  // A pointer stored in the data (an R_BPF_64_ABS64/ABS32 relocation): the output holds
  // the 32-bit ARM address, zero-extended when the BPF slot is 8 bytes.
  struct Pointer {
    uint64_t offset = 0;
    unsigned bytes = 8;
    AddressRef target;
  };
  std::string name;  // .data, .rodata.str1.1, .bss, ...
  std::vector<Pointer> pointers;
  bool writable = false;
  bool zeroFill = false;
  uint64_t size = 0, align = 1;
  std::vector<uint8_t> bytes;
  std::vector<Symbol> symbols;
};

// A map from the BTF-defined `.maps` section.
struct MapDef {
  std::string name;
  bool isGlobal = true;
  uint32_t type = 0, keySize = 0, valueSize = 0, maxEntries = 0, flags = 0;
  int keyTypeId = 0, valueTypeId = 0;  // BTF ids, 0 when given only as sizes
  std::vector<std::pair<uint32_t, std::string>> initialPrograms;  // PROG_ARRAY slot -> function
};

struct Program {
  std::vector<Function> functions;
  std::vector<DataSection> data;
  std::vector<MapDef> maps;
};

// Text form of the model, for `--dump=model`.
std::string dumpProgram(const Program &program);

}  // namespace bpf2arm
