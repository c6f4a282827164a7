// What the functions of one output object share: their symbols, the division routines
// they call (backend-arm32/routines/div64.S, assembled once into the object when used),
// the data layout, and whether any function makes tail calls.
#pragma once

#include <llvm/MC/MCSymbol.h>

#include <array>
#include <atomic>
#include <cassert>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/program.h"
#include "emit_data.h"

namespace bpf2arm::arm {

// The division routines of routines/div64.S (their ABI is at the top of that file).
enum class Routine { UDiv64, UMod64, SDiv64, SMod64, UDiv32, UMod32, SDiv32, SMod32 };
constexpr size_t kRoutineCount = 8;

inline const char *routineName(Routine r) {
  switch (r) {
    case Routine::UDiv64: return "__bpf2arm.udiv64";
    case Routine::UMod64: return "__bpf2arm.umod64";
    case Routine::SDiv64: return "__bpf2arm.sdiv64";
    case Routine::SMod64: return "__bpf2arm.smod64";
    case Routine::UDiv32: return "__bpf2arm.udiv32";
    case Routine::UMod32: return "__bpf2arm.umod32";
    case Routine::SDiv32: return "__bpf2arm.sdiv32";
    case Routine::SMod32: return "__bpf2arm.smod32";
  }
  return "";
}

struct ObjectSymbols {
  std::vector<llvm::MCSymbol *> bodies;    // internal (body-convention) entry of each function
  std::vector<llvm::MCSymbol *> cEntries;  // AAPCS entry of each function, nullptr if it has none
  // Functions are selected on worker threads (emit_object.cpp) and MCContext is not
  // thread-safe, so every symbol selection can call is made before they start: the
  // division routines, the runtime's tail-call entries, helpers and extern functions.
  std::array<llvm::MCSymbol *, kRoutineCount> routines{};
  std::unordered_map<std::string, llvm::MCSymbol *> callees;
  llvm::MCSymbol *callee(const std::string &name) const {
    auto found = callees.find(name);
    assert(found != callees.end() && "every callee's symbol is made before selection");
    return found->second;
  }
  std::atomic<bool> usesRoutines{false};  // then routines/div64.S goes into the object
  const DataLayout *data = nullptr;
  bool makesTailCalls = false;  // C entries then start a run (bpf2arm_tail_call_run_begin)
  // Whether anything reads the hi word of each body's result (r1): a caller that reads
  // R0's hi word after the call, or C through an 8-byte result. Where nothing does, the
  // body leaves r1 alone. Empty means all are read.
  std::vector<bool> resultHiRead;
  bool readsResultHi(size_t function) const { return function >= resultHiRead.size() || resultHiRead[function]; }
};

constexpr int32_t kTailCallHelper = 12;  // BPF_FUNC_tail_call

inline bool isTailCall(const Function &fn, const Instruction &ins) {
  if (!ins.insn.isCall()) return false;
  const CallTarget &call = fn.callOf(ins);
  return call.kind == CallTarget::Helper && call.helperId == kTailCallHelper;
}

}  // namespace bpf2arm::arm
