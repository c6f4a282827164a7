// The first pass: from the object as read to the program model. Splits executable
// sections into functions (at symbols and at call targets), decodes and validates every
// instruction, resolves jump and call targets, and cuts basic blocks.
#pragma once

#include "diagnostics.h"
#include "object_reader.h"
#include "program.h"

namespace bpf2arm {

Expected<Program> buildProgram(const BpfObject &object);

}  // namespace bpf2arm
