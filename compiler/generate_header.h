// `--header`: a C header for the firmware, in the spirit of `bpftool gen skeleton`:
// the ARM prototype of every program, every map with its key and value types and
// typed accessors (MAP__lookup, MAP__update, MAP__delete; MAP__lookup_cpu for per-CPU
// maps; MAP__push/__pop/__peek; MAP__consume; MAP__set; MAP__key_size/__value_size, and
// `void *` accessors where BTF gives only sizes), and the global variables. Types
// are re-declared from BTF with BPF's layout (arm_c_declarations.h), and a static assert
// on every field offset, size and alignment stops a firmware build whose layout would
// differ from the BPF program's.
#pragma once

#include <string>

#include "diagnostics.h"
#include "object_reader.h"
#include "program.h"

namespace bpf2arm {

Expected<std::string> generateHeader(const BpfObject &object, const Program &program, const std::string &guardName);

}  // namespace bpf2arm
