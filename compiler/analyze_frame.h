// Frame analysis: which BPF registers a function uses (so the backend saves only the
// ARM registers behind them), how much of the 512-byte BPF stack it needs, and the
// checks that go with it: R10 is read-only and stack accesses stay within 512 bytes.
#pragma once

#include "diagnostics.h"
#include "program.h"

namespace bpf2arm {

Status analyzeFrame(Program &program);

}  // namespace bpf2arm
