// Which halves of R1-R5 each function reads before writing them: the arguments a
// bpf-to-bpf call must pass (backend-arm32/body_convention.h places exactly these), and,
// through CallTarget::reads, what the def/use table says a local call reads.
#pragma once

#include "program.h"

namespace bpf2arm {

// Callees first, so that a caller's liveness sees what its calls read; a function in a
// call cycle (not valid BPF, but possible input) keeps "all of R1-R5".
void trackLiveArguments(Program &program);

}  // namespace bpf2arm
