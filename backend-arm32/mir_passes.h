// Passes over the MIR between selection and register allocation (mir.h's pipeline).
#pragma once

#include "mir.h"

namespace bpf2arm::arm {

// Removes instructions whose results nothing reads: no side effects (operandsOf), every
// def a virtual register that is dead after it, and no flags that a later instruction
// reads (a Cmp whose flags the next flag write replaces goes too). Liveness is global
// (across blocks, the flags included), and the pass repeats until nothing more goes, so
// chains of dead values disappear whole. Writes of physical registers always stay:
// they are the fixed constraints of calls and returns.
void removeDeadCode(mir::Function &fn);

}  // namespace bpf2arm::arm
