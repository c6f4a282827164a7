// The last stage: compiles every function of the program (select, optimize, allocate,
// emit) through the MC layer and returns the bytes of a relocatable ARM ELF object, or
// of assembly text for `-S`.
#pragma once

#include <string>
#include <vector>

#include "arm_target.h"
#include "compiler/program.h"
#include "diagnostics.h"

namespace bpf2arm::arm {

enum class OutputKind { Object, Assembly };

struct EmitOptions {
  OutputKind kind = OutputKind::Object;
  unsigned numCpus = 1;  // value copies in per-CPU maps
  unsigned threads = 0;  // functions compiled at once; 0: one per CPU of the machine
  // -O: the machine-IR passes between selection and allocation (optimize() in
  // emit_object.cpp) and the write-back folding after it run only when set (not at -O0).
  bool optimize = true;
  // -g: the DWARF version to write (debug_info.h), 4 or 5; 0 for none. `input` names
  // the compile unit when BTF names no source file; `producer` is its DW_AT_producer.
  unsigned dwarfVersion = 0;
  std::string input, producer = "bpf2arm";
  // When set, receive the MIR of every function after selection and after allocation.
  std::string *mirDump = nullptr, *regallocDump = nullptr;
};

// The runtime stub's functions that code for `target` may call on its own: the 64-bit
// atomic routines where the CPU has no ldrexd. Names a program must leave to them.
std::vector<const char *> targetRuntimeFunctions(const ArmTarget &target);

Expected<std::string> emitProgram(const Program &program, const ArmTarget &target, const EmitOptions &options);

}  // namespace bpf2arm::arm
