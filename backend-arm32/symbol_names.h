// Names of the symbols in the output object. Global names are the program's own (with
// --name's prefix, Program::exported) and must stay exact; local ones (static functions and variables, function bodies, map
// storage) only need to be unique, and objects linked from several files
// (`bpftool gen object`) can hold two statics of the same name. Nor may a local take a name
// the code refers to (a helper, an extern, a runtime function): the reference would bind to the local.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "compiler/program.h"
#include "compiler/symbol_clashes.h"

namespace bpf2arm::arm {

class SymbolNames {
 public:
  // `runtimeFunctions`: the runtime functions the target's code calls (targetRuntimeFunctions).
  SymbolNames(const Program &program, const std::vector<const char *> &runtimeFunctions)
      : taken_(referencedSymbols(program, runtimeFunctions)) {
    forEachDefinedSymbol(program, program.exported, [this](const DefinedSymbol &def) -> Status {
      if (def.isGlobal) taken_.insert(def.symbol);
      return std::nullopt;
    });
  }

  // `wanted`, or `wanted.N` when that is taken.
  std::string local(const std::string &wanted) {
    std::string name = wanted;
    for (unsigned n = 2; taken_.count(name); ++n) name = wanted + "." + std::to_string(n);
    taken_.insert(name);
    return name;
  }

 private:
  std::set<std::string> taken_;
};

}  // namespace bpf2arm::arm
