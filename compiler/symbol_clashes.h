// The names of the ARM object that belong to bpf2arm rather than to the program, and the
// check that the program's own names leave them alone. bpf2arm's symbols begin with
// "__bpf2arm." and its sections (and the assembler's labels) with '.': no C identifier
// does, so only a crafted object can clash with them, and that is reported as its error.
// Names the code refers to without defining (helpers, extern functions and variables,
// the runtime's tail-call entries, and the runtime functions that code for the target CPU
// calls) must not be defined by the program either: a call would reach the program's
// function instead, and the firmware's link would find the name twice.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "program.h"

namespace bpf2arm {

// The runtime stub's entries that a program making tail calls refers to.
inline const char *const kTailCallRuntimeEntries[] = {"bpf2arm_tail_call_target", "bpf2arm_tail_call_return",
                                                      "bpf2arm_tail_call_run_begin"};

// The prefix of every symbol bpf2arm names itself (division routines, map tables).
inline const char kOwnSymbolPrefix[] = "__bpf2arm.";

// The symbols the program's code refers to without defining them.
// `runtimeFunctions`: what code for the target CPU may call in the runtime on its own
// (arm::targetRuntimeFunctions: the 64-bit atomic routines without ldrexd).
std::set<std::string> referencedSymbols(const Program &program, const std::vector<const char *> &runtimeFunctions);

// Whether a local symbol may not be named `name` (the backend then picks another).
bool isReservedSymbolName(const std::string &name);

// A function, map or variable of the program whose symbol would clash with one of the
// names above: an error naming it. Runs once the exported names are known (nameExports).
Status checkSymbolClashes(const Program &program, const std::vector<const char *> &runtimeFunctions);

}  // namespace bpf2arm
