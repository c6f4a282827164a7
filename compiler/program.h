// The program model between reading and emitting: functions made of basic blocks of
// decoded instructions whose jump and call targets are resolved. Passes read and
// annotate it; the backend lowers it.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "abi/c_type.h"
#include "bpf_insn.h"
#include "diagnostics.h"

namespace bpf2arm {

// Registers as bits (bit r = Rr): the currency of the def/use table and the passes.
using RegMask = uint16_t;
constexpr RegMask regBit(unsigned r) { return RegMask(1u << r); }

// Halves of R1-R5 a function reads before writing them (bit r = Rr).
struct ArgumentHalves {
  RegMask lo = 0x3e, hi = 0x3e;  // until live_arguments runs: all of R1-R5
};

struct CallTarget {
  enum Kind { None, Local, Helper, Extern } kind = None;
  unsigned function = 0;  // Local: index into Program::functions
  int32_t helperId = 0;   // Helper
  std::string symbol;     // Helper, Extern: the C function called
  abi::Prototype prototype;  // Helper, Extern: its C prototype
  ArgumentHalves reads;   // Local: what the callee reads of R1-R5 (live_arguments)
};

// What an ld_imm64 with a relocation loads: the address of global data, of a map's
// descriptor, or of an extern variable, plus an addend; or (src_reg 4, BPF_PSEUDO_FUNC)
// the C-callable entry of a function, for callbacks.
struct AddressRef {
  enum Kind { None, Data, Map, Extern, Function } kind = None;
  unsigned index = 0;   // Data: Program::data; Map: Program::maps; Function: Program::functions
  std::string symbol;   // Extern: its name; Data: the variable, for dumps only
  int64_t addend = 0;   // Data: offset from the section start; Extern: from the symbol
};

// One instruction of a function. Kept small, since objects of a million instructions
// must compile in little memory: what only some instructions have, and what passes find
// out, lives in side tables, the latter indexed by the instruction's dense index in
// Function::insns.
struct Instruction {
  static constexpr uint32_t kNoRef = ~0u;
  bpf::Insn insn;
  uint32_t slot = 0;       // index of its first 8-byte slot within the function
  int32_t targetBlock = -1;  // jumps: the block jumped to
  // Calls: index into Function::calls. ld_imm64 with a relocation: into
  // Function::addresses. kNoRef otherwise.
  uint32_t ref = kNoRef;
  uint32_t line = 0;       // index into Program::sourcePositions; 0 is "no line"
};
static_assert(sizeof(Instruction) <= 40, "Instruction is in every function's hot loop: keep facts in side tables");

// A run of instructions, Function::insns[first, end), entered only at `first`.
struct BasicBlock {
  unsigned id = 0;
  uint32_t first = 0, end = 0;
  // Where control goes when the last instruction does not jump: the next block in
  // layout order, or -1 when the block ends with exit or an unconditional jump.
  int fallthrough = -1;

  uint32_t last() const { return end - 1; }
};

struct Function {
  std::string name;
  std::string section;
  uint64_t sectionOffset = 0;  // bytes
  bool isGlobal = false;       // gets a C-callable (AAPCS) entry under `name`
  // Some ld_imm64 loads its address (a callback of bpf_loop, bpf_for_each_map_elem):
  // C code calls it, so it gets a C-callable entry too (local when the function is).
  bool addressTaken = false;
  bool hasCEntry() const { return isGlobal || addressTaken; }
  abi::Prototype prototype;    // from BTF, or five u64 without BTF
  bool hasBtfPrototype = false;
  // The halves of R1-R5 the body reads before writing them (live_arguments): what a
  // bpf-to-bpf call passes.
  ArgumentHalves arguments;
  // Every instruction in slot order; its index here is its dense index, which the side
  // tables below and the passes' results use.
  std::vector<Instruction> insns;
  std::vector<BasicBlock> blocks;  // in layout (slot) order, covering insns
  std::vector<CallTarget> calls;       // Instruction::ref of calls
  std::vector<AddressRef> addresses;   // Instruction::ref of ld_imm64 with a relocation

  // Filled by the frame analysis.
  unsigned stackSize = 0;                    // bytes of BPF stack under R10, multiple of 8

  // By instruction index; empty until the pass that fills them runs.
  // Registers whose hi word is known to be zero before the instruction (track_upper_zero).
  std::vector<RegMask> upperZero;
  // The same after the instruction (before its jump, if any, narrows anything).
  std::vector<RegMask> upperZeroAfter;
  // Registers whose hi word some later instruction may read before writing it
  // (track_upper_live).
  std::vector<RegMask> upperLive;

  unsigned numSlots() const { return insns.empty() ? 0 : insns.back().slot + insns.back().insn.slots(); }
  // The callee of a call instruction.
  const CallTarget &callOf(const Instruction &ins) const {
    assert(ins.insn.isCall() && ins.ref < calls.size() && "every call is resolved when the model is built");
    return calls[ins.ref];
  }
  // What an ld_imm64 loads the address of; nullptr for a plain constant.
  const AddressRef *addressOf(const Instruction &ins) const {
    return ins.insn.isLdImm64() && ins.ref != Instruction::kNoRef ? &addresses[ins.ref] : nullptr;
  }
  // The passes' results for one instruction; before the passes run, what is safe:
  // no hi word known zero, every hi word live.
  RegMask hiZeroMaskBefore(size_t insn) const { return upperZero.empty() ? 0 : upperZero[insn]; }
  RegMask hiLiveMaskAfter(size_t insn) const { return upperLive.empty() ? 0xffff : upperLive[insn]; }
  bool hiKnownZero(size_t insn, unsigned bpfReg) const { return hiZeroMaskBefore(insn) & regBit(bpfReg); }
  bool hiKnownZeroAfter(size_t insn, unsigned bpfReg) const {
    return !upperZeroAfter.empty() && (upperZeroAfter[insn] & regBit(bpfReg));
  }
  bool hiLiveAfter(size_t insn, unsigned bpfReg) const { return hiLiveMaskAfter(insn) & regBit(bpfReg); }
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

// A map from the BTF-defined `.maps` section or a legacy `struct bpf_map_def SEC("maps")`.
struct MapDef {
  std::string name;
  bool isGlobal = true;
  uint32_t type = 0, keySize = 0, valueSize = 0, maxEntries = 0, flags = 0;
  int keyTypeId = 0, valueTypeId = 0;  // BTF ids, 0 when given only as sizes
  std::vector<std::pair<uint32_t, std::string>> initialPrograms;  // PROG_ARRAY slot -> function
};

// What the output object and the header call the symbols a program exports. With --name NAME
// (in the spirit of `bpftool gen skeleton`'s name) its maps and global variables, and with
// --name-programs its global functions too, are NAME__symbol, so that two programs that both
// define `counts` link into one firmware. Externs and helpers, which the firmware defines, keep
// their names; so does everything inside the program (BTF, diagnostics, dumps).
struct ExportedNames {
  std::string prefix;     // "NAME__", or "" without --name
  bool programs = false;  // --name-programs
  std::string data(const std::string &name) const { return prefix + name; }
  std::string program(const std::string &name) const { return programs ? prefix + name : name; }
};

struct Program {
  std::vector<Function> functions;
  std::vector<DataSection> data;
  std::vector<MapDef> maps;
  // The source positions that Instruction::line indexes, each once; [0] is none.
  std::vector<SourcePosition> sourcePositions{SourcePosition{}};
  Warnings warnings;  // what the passes found worth saying that does not stop them
  ExportedNames exported;

  // "file.c:LINE", or "" where BTF line info does not place the instruction.
  const std::string &lineOf(const Instruction &ins) const { return sourcePositions[ins.line].fileLine; }
  size_t instructionCount() const {
    size_t count = 0;
    for (const Function &fn : functions) count += fn.insns.size();
    return count;
  }
  // The one way a pass reports bad input at an instruction: function, insn and source position.
  Diagnostic errorAtInstruction(const Function &fn, const Instruction &ins, std::string message) const {
    Diagnostic d = errorAt(fn.name, int(ins.slot), std::move(message));
    d.sourceLine = lineOf(ins);
    d.column = sourcePositions[ins.line].column;
    return d;
  }
  // The same for a warning (compilation goes on; the driver prints Program::warnings).
  Diagnostic warningAtInstruction(const Function &fn, const Instruction &ins, std::string message) const {
    Diagnostic d = errorAtInstruction(fn, ins, std::move(message));
    d.severity = Severity::Warning;
    return d;
  }
};

// One function, map or variable of the program, as the ARM object names it.
struct DefinedSymbol {
  const char *kind;         // "function", "map" or "variable", for messages
  const std::string &name;  // the program's own name for it
  std::string symbol;       // `exported`'s name when global; else `name`, which a local may get as name.N
  bool isGlobal;
};

// Calls `visit(const DefinedSymbol &)` for each function, map and variable of the program,
// in that order, until one returns an error, which it returns. The one walk over what the
// program defines: exported-name clashes, reserved names and local renaming all use it.
template <typename Visit>
Status forEachDefinedSymbol(const Program &program, const ExportedNames &exported, Visit &&visit) {
  for (const Function &fn : program.functions)
    if (Status st = visit(DefinedSymbol{"function", fn.name, fn.isGlobal ? exported.program(fn.name) : fn.name,
                                        fn.isGlobal}))
      return st;
  for (const MapDef &m : program.maps)
    if (Status st = visit(DefinedSymbol{"map", m.name, m.isGlobal ? exported.data(m.name) : m.name, m.isGlobal}))
      return st;
  for (const DataSection &sec : program.data)
    for (const DataSection::Symbol &sym : sec.symbols)
      if (Status st = visit(DefinedSymbol{"variable", sym.name, sym.isGlobal ? exported.data(sym.name) : sym.name,
                                          sym.isGlobal}))
        return st;
  return std::nullopt;
}

// Text form of the model, for `--dump=model`.
std::string dumpProgram(const Program &program);
// Instruction k of fn as the dump and the comments of `-S` show it: its slot, its text,
// and what it refers to (the jump's block, the callee, the map or data an ld_imm64 loads).
std::string describeInstruction(const Program &program, const Function &fn, uint32_t k);

}  // namespace bpf2arm
