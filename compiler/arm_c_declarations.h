// C declarations, for ARM32 compilers, of the BTF types that a generated header names.
//
// The BPF program fixed every layout: the header must reproduce it, not ARM's idea of
// it. Where the two could differ, the declaration says so explicitly:
//   - a pointer stored in memory takes 8 bytes on BPF: `uint64_t`, not `T *`;
//   - padding is written out, packed structs get `packed`, every aggregate its BTF
//     alignment, and each field offset and size is checked by a static assert;
//   - a bit-field is re-declared with its BTF type and width where GCC's AAPCS layout
//     puts it at BTF's bit offset (unnamed bit-fields fill the gaps), and refused where
//     no declaration can;
//   - BPF's plain `char` is signed, ARM's is not: a `char` value is `int8_t`; arrays of
//     and pointers to `char` stay `char`, so strings pass without casts.
// Struct tags keep their BTF names (a `__N` suffix where objects linked together define
// one tag twice); an anonymous struct reached through a typedef takes the typedef's name;
// a member of anonymous struct type is declared inline, as in the BPF source. A tagged
// struct (union) is declared under `#ifndef BPF2ARM_HAVE_STRUCT_<tag>` (_UNION_), which it
// then defines, so headers that declare the same struct (bpf2arm/packet.h) combine in
// either order; the layout checks apply to whichever declaration came first.
#pragma once

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "diagnostics.h"

struct btf;

namespace bpf2arm {

// A declaration of NAME reads `prefix NAME suffix` (suffix holds array bounds).
struct CSpelling {
  std::string prefix, suffix;
};

class ArmCDeclarations {
 public:
  // Where a type is used decides its spelling: pointers in memory are BPF's 8 bytes,
  // `char` is text only as an array element or a pointee, qualifiers matter in memory.
  enum class Use { Value, Memory, Pointee, Element };

  explicit ArmCDeclarations(const struct btf *btf) : btf_(btf) {}

  // Spells BTF type `id`, first declaring the aggregates and enums it needs.
  Expected<CSpelling> spell(int id, Use use);
  // Every declaration made so far, in an order a C compiler accepts.
  std::string text() const { return declarations_.str(); }

 private:
  Expected<std::string> declareAggregate(int id, const std::string &typedefName);
  Status writeMembers(int id, uint32_t baseOffset, const std::string &outer, const std::string &path,
                      const std::string &indent, std::ostringstream &body, std::ostringstream &checks);
  void declareEnum(int id);
  std::string uniqueTag(std::string tag);

  const struct btf *btf_;
  std::ostringstream declarations_;
  std::map<int, std::string> spelled_;  // aggregate BTF id -> its C name
  std::set<std::string> tags_;          // struct/union/enum tags and typedef names taken
  std::set<int> enums_;                 // enums declared
  int depth_ = 0;
  unsigned padCount_ = 0;
};

// A field or parameter name as the header writes it: C++ keywords go through
// BPF2ARM_CXX_NAME (runtime.h), which appends `_` under C++ only.
std::string cxxSafeName(const std::string &name);

}  // namespace bpf2arm
