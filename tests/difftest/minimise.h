// Reduces a program on which bpf2arm's code and the interpreter disagree to a small one that
// still disagrees, and writes it as a tests/isa .data file (run by tests/conformance).
#pragma once

#include <string>
#include <vector>

#include "program.h"
#include "runner.h"

namespace difftest {

// The program as a conformance test sees it: called with R1 = the buffer, R2 = its length,
// R3-R5 = 0, and judged by R0 alone. It first loads the original R2-R5; with `foldBuffer` the
// original runs as a local call and the buffer's final words are folded into R0 after it.
Program conformanceForm(const Program &p, bool foldBuffer);

// "" when bpf2arm would accept the code's shape: functions at slot 0 and at local call targets,
// jumps inside their function and not into an ld_imm64's second slot, no falling off the end.
std::string checkStructure(const Code &code);

// The code without slots [begin, end); jumps and calls into the gap go to what follows it.
Code deleteSlots(const Code &code, size_t begin, size_t end);

struct Minimised {
  bool written = false;
  std::string message;  // what happened, for the log
  size_t slotsBefore = 0, slotsAfter = 0;
};

// `program` disagrees on ARM (R0 or the buffer, as `bufferDiffers` says, or a crash). The
// result is written to `path` with `comments` at its top.
Minimised minimise(const Toolchain &tools, const std::string &workdir, const Program &program, bool bufferDiffers,
                   std::vector<std::string> comments, const std::string &path);

}  // namespace difftest
