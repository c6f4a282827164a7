// `-g`: DWARF for the ARM code, so that gdb stops on lines of the BPF C source and
// unwinds through our frames. Everything goes through the MCStreamer, so the object and
// the `-S` text (`.file`/`.loc`, `.cfi_*`, the .debug_info bytes as data directives) say
// the same:
//   .debug_line   MC's line table, from one `.loc` per change of source position: the
//                 BTF line info (file, line, column) of the BPF instruction each MIR
//                 instruction was selected from (mir::Inst::bpfInsn). Code with no BPF
//                 instruction of its own (spills, the C entry wrapper, the prologue)
//                 carries the position before it, or the function's first line.
//   .debug_info   one compile unit (the BTF names the files, not the unit: its name is
//                 the first function's file) with one DW_TAG_subprogram per BPF function
//                 body: name, low_pc/high_pc, decl_file/decl_line (the line of the
//                 function's first instruction: BTF has no declaration lines), external,
//                 and, from the BTF prototype, the result and parameter types (base types
//                 and untyped pointers, ARM32 sizes) and parameter names, without
//                 locations: the BPF registers live wherever the allocator put them.
//   .debug_frame  CFI from the prologue and epilogues (emit_mir.cpp): the CFA is sp plus
//                 what the function pushed and allocated, lr and r4-r11 where the push put
//                 them.
// DWARF version 4 by default: every debugger a firmware engineer may point at the code
// reads it (older gdb and vendor debuggers mis-read version 5 line tables), and the `-S`
// text then needs no `.file 0`, which GNU as before 2.35 rejects. `-gdwarf-5` gives
// version 5 (the unit's file as line-table file 0, .debug_rnglists), as GCC 11 and
// clang 14 on write by default.
// Addresses in .debug_info refer to local labels, never to the function symbols: in
// Thumb code, R_ARM_ABS32 against a function symbol would set bit 0 (the Thumb bit) in
// low_pc.
#pragma once

#include <llvm/MC/MCContext.h>
#include <llvm/MC/MCStreamer.h>

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/program.h"

namespace bpf2arm::arm {

class DebugInfo {
 public:
  // Declares the source files to the line table and asks for .debug_frame; call with the
  // text section current, before any code.
  // `input` names the unit when BTF names no file; `producer` is DW_AT_producer;
  // `version` the DWARF version, 4 or 5.
  DebugInfo(const Program &program, llvm::MCContext &ctx, llvm::MCStreamer &streamer, const std::string &input,
            const std::string &producer, unsigned version);

  // Around the code of one function: `fn`'s body (`describe` true: it gets a subprogram)
  // or its C entry wrapper (code and CFI only: gdb names it by its ELF symbol, and a
  // breakpoint on the function's name goes to the body alone).
  void beginFunction(const Function &fn, bool describe);
  void endFunction();

  // Before the ARM code of BPF instruction `bpfInsn` (~0u: code of none) of the function.
  void locate(uint32_t bpfInsn);

  // Call frame information, after the instructions that change the frame.
  void pushed(uint16_t registers, unsigned cfaOffset);  // after `push {registers}`
  void cfaOffset(unsigned offset);                      // after sp moved
  void beginEpilogue();  // before an unconditional return's epilogue: remember the frame
  void endEpilogue();    // after it: the code that follows has the body's frame again

  // Before code that is not a BPF function (the division routines): line 0, no source.
  void leaveFunctions();
  // After all code: .debug_abbrev and .debug_info.
  void finish();

 private:
  struct Position {
    unsigned file = 0, line = 0, column = 0;  // file i: files_[i - 1]; 0: none
  };
  struct Range {
    const Function *fn;
    llvm::MCSymbol *begin, *end;
    llvm::MCSymbol *entryBegin = nullptr, *entryEnd = nullptr;  // the C entry wrapper's code, if any
  };

  // Each list: its label, then its [begin, end) ranges.
  using RangeLists =
      std::vector<std::pair<llvm::MCSymbol *, std::vector<std::pair<llvm::MCSymbol *, llvm::MCSymbol *>>>>;

  void emitLoc(const Position &position, unsigned flags);
  void writeRanges(const RangeLists &lists);

  llvm::MCContext &ctx_;
  llvm::MCStreamer &streamer_;
  const unsigned version_;
  std::vector<std::string> files_;
  std::vector<unsigned> lineTableFiles_;  // each file's number in the line table       // line-table file i + 1
  std::vector<Position> positions_;      // by Program::sourcePositions index
  std::string producer_, compDir_, unitName_;
  llvm::MCSymbol *textBegin_ = nullptr;
  std::vector<Range> subprograms_;
  Range wrapper_{nullptr, nullptr, nullptr};  // the last C entry wrapper, until its body comes
  const Function *current_ = nullptr;
  bool describeCurrent_ = false;
  bool prologueDone_ = false;
  llvm::MCSymbol *currentBegin_ = nullptr;
  uint32_t lastLine_ = ~0u;  // the Program::sourcePositions index of the last .loc
};

}  // namespace bpf2arm::arm
