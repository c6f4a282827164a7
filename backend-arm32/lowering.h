// Lowering of one BPF function to ARM: the prologue and epilogue, then every
// instruction of every block in layout order. The instruction families live in
// lower_alu.cpp, lower_memory.cpp, lower_jump.cpp, lower_atomic.cpp and lower_call.cpp.
#pragma once

#include <llvm/MC/MCContext.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "abi/aapcs.h"
#include "arm_assembler.h"
#include "compiler/def_use.h"
#include "compiler/program.h"
#include "diagnostics.h"
#include "emit_data.h"
#include "frame_layout.h"

namespace bpf2arm::arm {

// Out-of-line support code a function needs emitted once per object.
enum class Routine { UDiv64, UMod64, SDiv64, SMod64, UDiv32, UMod32, SDiv32, SMod32 };
const char *routineName(Routine r);

// Symbols shared by all functions of one output object.
struct ObjectSymbols {
  std::vector<llvm::MCSymbol *> bodies;  // internal (BPF-convention) entry of each function
  std::vector<llvm::MCSymbol *> cEntries;  // AAPCS entry of each function, nullptr if it has none
  std::set<Routine> routinesUsed;
  std::map<std::string, llvm::MCSymbol *> externs;
  const DataLayout *data = nullptr;
  bool makesTailCalls = false;  // C entries then start a run (bpf2arm_tail_call_run_begin)
  // Whether anything reads the hi word of each body's result (r1): a caller that reads
  // R0's hi word after the call, or C through an 8-byte result. Where nothing does, the
  // body leaves r1 alone. Empty means all are read.
  std::vector<bool> resultHiRead;
  bool readsResultHi(size_t function) const { return function >= resultHiRead.size() || resultHiRead[function]; }
};

constexpr int32_t kTailCallHelper = 12;  // BPF_FUNC_tail_call
bool isTailCall(const Function &fn, const Instruction &ins);

// Narrows or widens a value in a core register as abi::widenFor says.
void widen(ArmAssembler &as, abi::Widen how, Reg d, Reg s);

class FunctionLowering {
 public:
  FunctionLowering(const Program &program, const Function &fn, ArmAssembler &as, llvm::MCContext &ctx,
                   ObjectSymbols &symbols);

  // The body, under its internal entry symbol (the BPF calling convention).
  Status lowerBody();
  // The AAPCS entry that C code calls: converts arguments and result.
  Status lowerCEntry();

  // clang's idioms that take two BPF instructions (the MIR selector recognises them too):
  // the zero extension `r <<= 32; r >>= 32`, and a stack address `r = r10; r += -N`.
  static bool isZeroExtensionPair(const bpf::Insn &first, const bpf::Insn &second);
  static bool isStackAddressPair(const bpf::Insn &first, const bpf::Insn &second);

 private:
  Status lowerInstruction(const Instruction &ins, const BasicBlock &block);
  Status fail(const Instruction &ins, std::string message) const;

  // Operand access. `read*` return the ARM register holding the word, loading it into
  // `temp` first when the BPF register lives in the frame.
  Reg readLo(unsigned bpfReg, Reg temp);
  Reg readHi(unsigned bpfReg, Reg temp);
  // The register to compute a word of `bpfReg` in: its own, or `temp`.
  Reg destLo(unsigned bpfReg, Reg temp) const;
  Reg destHi(unsigned bpfReg, Reg temp) const;
  // Completes a write computed into the register `destLo`/`destHi` returned.
  void writeLo(unsigned bpfReg, Reg value);
  void writeHi(unsigned bpfReg, Reg value);
  // Sets the hi word to 0, unless track_upper_zero knows it already is. The hi-word
  // writes leave out a hi word that track_upper_live finds dead after the instruction.
  void writeHiZero(unsigned bpfReg);
  bool hiDeadAfter(unsigned bpfReg) const;
  bool hiKnownZero(unsigned bpfReg) const;  // before the current instruction
  void writeHiSign(unsigned bpfReg, Reg lo);  // hi = lo >> 31 (arithmetic)
  void loadPair(unsigned bpfReg, Reg lo, Reg hi);   // copies the register into lo/hi
  void storePair(unsigned bpfReg, Reg lo, Reg hi);  // sets the register from lo/hi
  void loadImm64(Reg lo, Reg hi, int64_t value);

  void lowerAlu32(const Instruction &ins);
  void lowerLoWord(const bpf::Insn &insn);
  void lowerAlu64(const Instruction &ins);
  void lowerShift32(const bpf::Insn &insn);
  void lowerShift64(const bpf::Insn &insn);
  void lowerMul64(const bpf::Insn &insn);
  void lowerDivMod32(const bpf::Insn &insn, bool isSigned);
  void lowerDivMod64(const bpf::Insn &insn);
  void lowerUnsignedDivModBySmallConstant(const bpf::Insn &insn);
  void lowerByteSwap(const bpf::Insn &insn);
  Status lowerLoad(const Instruction &ins);
  Status lowerStore(const Instruction &ins);
  Status lowerAtomic(const Instruction &ins);
  void lowerJump(const Instruction &ins, const BasicBlock &block);
  Status lowerCall(const Instruction &ins);
  void lowerTailCall(const DefUse &call);
  void lowerExit();

  // Address of [bpfReg + offset] as base register + small offset that fits `bytes`.
  struct Address {
    Reg base;
    int32_t offset;
  };
  Address address(unsigned bpfReg, int32_t offset, unsigned bytes, bool signExtend, Reg temp);

  void emitPrologue();
  // Stores the halves of R1..R5 that a call reads (`call`, from the def/use table) and
  // that live in registers into the argument homes, where callees and call lowering
  // read arguments.
  void spillArguments(const DefUse &call);
  llvm::MCSymbol *routine(Routine r);

  const Program &program_;
  const Function &fn_;
  static constexpr size_t kNoInsn = ~size_t(0);
  size_t current_ = kNoInsn;  // index of the instruction being lowered
  ArmAssembler &as_;
  llvm::MCContext &ctx_;
  ObjectSymbols &symbols_;
  FrameLayout frame_;
  std::vector<llvm::MCSymbol *> blockLabels_;
};

}  // namespace bpf2arm::arm
