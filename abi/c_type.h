// The scalar C types that may cross the boundary between BPF code and ARM code, as
// read from BTF. Sizes are the BPF (LP64) sizes; `armSize()` gives the ARM32 one.
#pragma once

#include <string>
#include <vector>

namespace bpf2arm::abi {

enum class TypeKind { Void, Integer, Pointer };

struct CType {
  TypeKind kind = TypeKind::Void;
  unsigned size = 0;      // bytes on BPF: 1, 2, 4, 8; pointers 8
  bool isSigned = false;  // integers only
  std::string spelling;   // the C spelling for messages and generated headers

  static CType voidType() { return {TypeKind::Void, 0, false, "void"}; }
  static CType integer(unsigned size, bool isSigned, std::string spelling) {
    return {TypeKind::Integer, size, isSigned, std::move(spelling)};
  }
  static CType pointer(std::string spelling) { return {TypeKind::Pointer, 8, false, std::move(spelling)}; }
  static CType u64() { return integer(8, false, "uint64_t"); }

  bool isVoid() const { return kind == TypeKind::Void; }
  // On ARM32 pointers shrink to 4 bytes; integers keep their width.
  unsigned armSize() const { return kind == TypeKind::Pointer ? 4 : size; }
};

struct Prototype {
  CType result;
  std::vector<CType> params;
  std::vector<std::string> paramNames;  // from BTF, for debug info; empty where unknown
};

// The prototype used for functions without BTF: uint64_t f(uint64_t r1, ..., uint64_t r5).
Prototype fiveU64Prototype();

}  // namespace bpf2arm::abi
