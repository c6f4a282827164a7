// Frame analysis: how much of the 512-byte BPF stack a function needs (all of it when a
// pointer to it escapes), and the checks that go with it: R10 is read-only and stack
// accesses, through R10 or a copy of it, stay within 512 bytes.
#pragma once

#include "diagnostics.h"
#include "program.h"

namespace bpf2arm {

Status analyzeFrame(Program &program);

}  // namespace bpf2arm
