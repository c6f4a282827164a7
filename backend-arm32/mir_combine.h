// Combining passes over selected MIR, before allocation: what ARM does in one instruction
// that selection, working one BPF instruction at a time, spelled in several.
#pragma once

#include "mir.h"

namespace bpf2arm::arm {

// A shift whose only use is the second operand of a data-processing instruction (or a
// load/store index) becomes that operand's shift: `t = x lsl #2; y = z + t` is
// `y = z + (x lsl #2)`. The shift itself is left for dead-code elimination.
void foldShifts(mir::Function &fn);

// If-conversion: a block of a few predicable instructions that a conditional branch
// skips, with no other way in, runs under the opposite condition instead, and the branch
// goes (`if (x > y) x = y;` is `cmp; movgt`). Also the two-armed form.
void convertIfs(mir::Function &fn);

}  // namespace bpf2arm::arm
