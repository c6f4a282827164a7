// The first pass: from the object as read to the program model. Splits executable
// sections into functions (at symbols and at call targets), decodes and validates every
// instruction, resolves jump and call targets, and cuts basic blocks.
#pragma once

#include "abi/helper_table.h"
#include "diagnostics.h"
#include "object_reader.h"
#include "program.h"

namespace bpf2arm {

// `helpers` resolves `call ID` (src_reg 0) to a C function and its prototype.
Expected<Program> buildProgram(const BpfObject &object, const abi::HelperTable &helpers);

// Gives the program's exported symbols the names `exported` makes (--name); an error when
// two of them would then be one symbol (a function a__x beside a map x with --name a).
Status nameExports(Program &program, ExportedNames exported);

}  // namespace bpf2arm
