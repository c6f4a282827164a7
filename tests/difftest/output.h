// What the tester writes: BPF objects for bpf2arm, and programs as text in the
// conformance suite's assembly syntax (tests/tools/bpf_asm.py reads it back).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "program.h"

namespace difftest {

// A relocatable little-endian ELF64 object for EM_BPF whose `.text` holds the functions one
// after the other, each with a global STT_FUNC symbol covering its code (subprograms
// included: bpf2arm finds them as local call targets).
bool writeBpfObject(const std::string &path, const std::vector<std::pair<std::string, const Code *>> &functions);

// The code as `-- asm` text: one instruction a line, labels `L<slot>:` at jump and call targets.
std::string assemblyText(const Code &code);

// A tests/isa-style .data file: comment lines, `-- asm`, `-- mem` (the buffer), `-- result`.
bool writeDataFile(const std::string &path, const std::vector<std::string> &comments, const Program &program,
                   uint64_t result);

}  // namespace difftest
