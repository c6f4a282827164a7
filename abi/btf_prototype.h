// Reading a function's C prototype from BTF, through typedefs, qualifiers and enums,
// down to the scalar types the AAPCS placement understands.
#pragma once

#include <string>

#include "c_type.h"
#include "diagnostics.h"

struct btf;

namespace bpf2arm::abi {

// `funcId` is a BTF_KIND_FUNC or BTF_KIND_FUNC_PROTO id. Errors name what cannot cross
// the boundary: struct or union by value, variadic functions, floating point.
Expected<Prototype> prototypeFromBtf(const struct btf *btf, int funcId);

}  // namespace bpf2arm::abi
