// The pass list from a BPF object as read to the bytes of the ARM object (and the header):
// the driver (main.cpp) runs it on a file, the fuzz target (tests/fuzz) on bytes in memory.
#pragma once

#include <ostream>
#include <string>

#include "abi/helper_table.h"
#include "diagnostics.h"
#include "object_reader.h"
#include "options.h"

namespace bpf2arm {

struct CompiledObject {
  std::string object;  // the ARM object, or assembly text with -S
  std::string header;  // with `headerGuard` set
  Warnings warnings;   // those the options leave on (-Wno-NAME drops the others)
};

// `dumps` receives the --dump=STAGE text (options.dump) of each stage as it is reached, also
// when a later stage fails. `headerGuard` empty: no header.
Expected<CompiledObject> compileObject(const BpfObject &object, const Options &options,
                                       const abi::HelperTable &helpers, const std::string &headerGuard,
                                       std::ostream &dumps);

}  // namespace bpf2arm
