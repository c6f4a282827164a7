// Reading a function's C prototype from BTF, through typedefs, qualifiers and enums,
// down to the scalar types the AAPCS placement understands.
#pragma once

#include <cstdint>
#include <string>

#include "c_type.h"
#include "diagnostics.h"

struct btf;

namespace bpf2arm::abi {

// The name at `offset` in the BTF string table, or "" when there is none: corrupt BTF
// may point anywhere, and libbpf answers that with NULL.
std::string btfName(const struct btf *btf, uint32_t offset);

// `funcId` is a BTF_KIND_FUNC or BTF_KIND_FUNC_PROTO id. Errors name what cannot cross
// the boundary: struct or union by value, variadic functions, floating point.
Expected<Prototype> prototypeFromBtf(const struct btf *btf, int funcId);

}  // namespace bpf2arm::abi
