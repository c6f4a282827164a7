#include "arm_c_declarations.h"

#include <bpf/btf.h>

#include <algorithm>

#include "abi/btf_prototype.h"

namespace bpf2arm {
namespace {

std::string intType(unsigned size, bool isSigned) {
  return std::string(isSigned ? "int" : "uint") + std::to_string(size * 8) + "_t";
}

struct Qualifiers {
  bool isConst = false, isVolatile = false;
  std::string typedefName;  // the innermost typedef passed through
};

// Follows typedefs and qualifiers down to the type they name.
int stripQualifiers(const struct btf *btf, int id, Qualifiers &q) {
  for (int hops = 0; hops < 64 && id > 0; ++hops) {
    const struct btf_type *t = btf__type_by_id(btf, id);
    if (!t) return id;
    switch (btf_kind(t)) {
      case BTF_KIND_CONST: q.isConst = true; break;
      case BTF_KIND_VOLATILE: q.isVolatile = true; break;
      case BTF_KIND_TYPEDEF: q.typedefName = abi::btfName(btf, t->name_off); break;
      case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG: break;
      default: return id;
    }
    id = int(t->type);
  }
  return id;
}

bool isAnonymousAggregate(const struct btf_type *t) {
  return t && (btf_is_struct(t) || btf_is_union(t)) && t->name_off == 0;
}

// BPF's alignment of a type: that of its largest member for an aggregate, or 1 for a
// packed one; 0 for BTF that does not describe a type. libbpf's btf__align_of trusts
// every type id it meets and misses packed bit-fields.
unsigned alignmentOf(const struct btf *btf, int id, int depth = 0);

// The largest alignment of an aggregate's members: what GCC gives its re-declaration.
unsigned largestMemberAlignment(const struct btf *btf, const struct btf_type *t, int depth = 0) {
  unsigned largest = 1;
  const struct btf_member *m = btf_members(t);
  for (unsigned i = 0; i < btf_vlen(t); ++i) {
    unsigned align = alignmentOf(btf, int(m[i].type), depth + 1);
    if (align == 0) return 0;
    largest = std::max(largest, align);
  }
  return largest;
}

// Whether BPF laid the aggregate out packed: a member off its alignment, a bit-field
// across its unit, or a size that is no multiple of the largest member alignment.
bool isPacked(const struct btf *btf, const struct btf_type *t, unsigned largest, int depth = 0) {
  if (largest == 0) return false;  // broken BTF: refused where its alignment is asked
  if (t->size % largest) return true;
  const struct btf_member *m = btf_members(t);
  for (unsigned i = 0; i < btf_vlen(t); ++i) {
    uint32_t offset = btf_member_bit_offset(t, i), width = btf_member_bitfield_size(t, i);
    if (width == 0) {
      if (offset % (8 * alignmentOf(btf, int(m[i].type), depth + 1))) return true;
      continue;
    }
    Qualifiers q;
    const struct btf_type *mt = btf__type_by_id(btf, stripQualifiers(btf, int(m[i].type), q));
    if (mt && mt->size && offset % (8 * mt->size) + width > 8 * mt->size) return true;
  }
  return false;
}

unsigned alignmentOf(const struct btf *btf, int id, int depth) {
  Qualifiers q;
  id = stripQualifiers(btf, id, q);
  const struct btf_type *t = btf__type_by_id(btf, id);
  if (id == 0 || !t || depth > 32) return 0;
  switch (btf_kind(t)) {
    case BTF_KIND_INT: case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case BTF_KIND_FLOAT:
      return t->size == 0 ? 0 : std::min(t->size, 8u);
    case BTF_KIND_PTR: return 8;
    case BTF_KIND_ARRAY: return alignmentOf(btf, int(btf_array(t)->type), depth + 1);
    case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
      unsigned largest = largestMemberAlignment(btf, t, depth);
      if (largest == 0) return 0;
      return isPacked(btf, t, largest, depth) ? 1 : largest;
    }
  }
  return 0;
}

// The attribute that reproduces BPF's layout: none, since the re-declaration has its
// members' alignment, or `packed`.
std::string alignmentAttribute(const struct btf *btf, int id) {
  const struct btf_type *t = btf__type_by_id(btf, id);
  return isPacked(btf, t, largestMemberAlignment(btf, t)) ? " __attribute__((packed))" : "";
}

}  // namespace

std::string cxxSafeName(const std::string &name) {
  static const std::set<std::string> keywords = {
      "alignas", "alignof", "and", "and_eq", "asm", "bitand", "bitor", "bool", "catch", "char8_t", "char16_t",
      "char32_t", "class", "compl", "concept", "consteval", "constexpr", "constinit", "const_cast", "co_await",
      "co_return", "co_yield", "decltype", "delete", "dynamic_cast", "explicit", "export", "false", "friend",
      "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private",
      "protected", "public", "reinterpret_cast", "requires", "static_assert", "static_cast", "template", "this",
      "thread_local", "throw", "true", "try", "typeid", "typename", "using", "virtual", "wchar_t", "xor", "xor_eq"};
  return keywords.count(name) ? "BPF2ARM_CXX_NAME(" + name + ")" : name;
}

std::string ArmCDeclarations::uniqueTag(std::string tag) {
  if (!tags_.insert(tag).second) {
    unsigned n = 2;
    while (!tags_.insert(tag + "__" + std::to_string(n)).second) ++n;
    tag += "__" + std::to_string(n);
  }
  return tag;
}

Expected<CSpelling> ArmCDeclarations::spell(int id, Use use) {
  struct DepthGuard {
    int &depth;
    explicit DepthGuard(int &d) : depth(++d) {}
    ~DepthGuard() { --depth; }
  } guard(depth_);
  if (depth_ > 64) return error("BTF type chain too deep (a cycle?)");
  Qualifiers q;
  id = stripQualifiers(btf_, id, q);
  if (id == 0) return CSpelling{(q.isConst && use == Use::Pointee ? "const void" : "void"), ""};
  const struct btf_type *t = btf__type_by_id(btf_, id);
  if (!t) return error("BTF type " + std::to_string(id) + " missing");

  CSpelling s;
  switch (btf_kind(t)) {
    case BTF_KIND_INT:
      if (btf_int_encoding(t) & BTF_INT_BOOL) s.prefix = "bool";
      else if (abi::btfName(btf_, t->name_off) == "char" && (use == Use::Pointee || use == Use::Element)) s.prefix = "char";
      else if (t->size <= 8) s.prefix = intType(t->size, btf_int_encoding(t) & BTF_INT_SIGNED);
      else return error(std::to_string(t->size * 8) + "-bit integers have no ARM32 C type");
      break;
    case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
      declareEnum(id);
      s.prefix = intType(t->size, btf_kflag(t));
      break;
    case BTF_KIND_PTR: {
      // In memory a BPF pointer takes 8 bytes, an ARM one 4: keep the BPF layout.
      if (use != Use::Value) {
        s.prefix = "uint64_t /* BPF pointer */";
        break;
      }
      auto pointee = spell(int(t->type), Use::Pointee);
      s.prefix = pointee && pointee->suffix.empty() ? pointee->prefix + " *" : "void *";
      break;
    }
    case BTF_KIND_ARRAY: {
      const struct btf_array *a = btf_array(t);
      auto elem = spell(int(a->type), Use::Element);
      if (!elem) return elem.diag();
      s = CSpelling{elem->prefix, "[" + std::to_string(a->nelems) + "]" + elem->suffix};
      break;
    }
    case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
      auto name = declareAggregate(id, isAnonymousAggregate(t) ? q.typedefName : "");
      if (!name) return name.diag();
      s.prefix = *name;
      break;
    }
    case BTF_KIND_FWD:
      s.prefix = (btf_kflag(t) ? "union " : "struct ") + abi::btfName(btf_, t->name_off);
      break;
    case BTF_KIND_FLOAT:
      s.prefix = t->size == 4 ? "float" : "double";
      break;
    default:
      return error("BTF type of kind " + std::to_string(btf_kind(t)) + " has no C spelling");
  }
  if (q.isVolatile && use != Use::Value) s.prefix = "volatile " + s.prefix;
  if (q.isConst && use == Use::Pointee) s.prefix = "const " + s.prefix;
  return s;
}

Expected<std::string> ArmCDeclarations::declareAggregate(int id, const std::string &typedefName) {
  auto known = spelled_.find(id);
  if (known != spelled_.end()) return known->second;
  const struct btf_type *t = btf__type_by_id(btf_, id);
  const char *keyword = btf_is_union(t) ? "union" : "struct";
  if (alignmentOf(btf_, id) == 0) return error(std::string(keyword) + " type " + std::to_string(id) + ": its BTF is broken");
  std::string tag = typedefName.empty() ? abi::btfName(btf_, t->name_off) : typedefName;
  tag = uniqueTag(tag.empty() ? "bpf2arm_anon_" + std::to_string(id) : tag);
  // typedef struct { ... } NAME; or struct NAME { ... };
  std::string name = typedefName.empty() ? std::string(keyword) + " " + tag : tag;
  std::string opening = typedefName.empty() ? name + " {\n" : std::string("typedef ") + keyword + " {\n";
  spelled_[id] = name;  // before the members, so that they may point back to it
  std::ostringstream body, checks;
  if (Status st = writeMembers(id, 0, name, "", "  ", body, checks)) {
    spelled_.erase(id);
    tags_.erase(tag);
    return *st;
  }
  // A struct or union tag another header may have declared first (bpf2arm/packet.h's
  // xdp_md and __sk_buff, another program's header): whoever declares it defines
  // BPF2ARM_HAVE_STRUCT_<tag> (or _UNION_) and skips the declaration when that exists.
  // The checks below stay outside, so a declaration from elsewhere must agree with BPF's.
  std::string guard = typedefName.empty() ? std::string("BPF2ARM_HAVE_") + (btf_is_union(t) ? "UNION_" : "STRUCT_") + tag : "";
  if (!guard.empty()) declarations_ << "#ifndef " << guard << "\n#define " << guard << "\n";
  declarations_ << opening << body.str() << "}" << alignmentAttribute(btf_, id)
                << (typedefName.empty() ? "" : " " + name) << ";\n"
                << (guard.empty() ? "" : "#endif\n")
                << checks.str() << "BPF2ARM_LAYOUT_CHECK(sizeof(" << name << ") == " << t->size << ", \"" << name
                << " must have the size the BPF program expects\");\n"
                << "BPF2ARM_LAYOUT_CHECK(BPF2ARM_ALIGNOF(" << name << ") == " << alignmentOf(btf_, id) << ", \"" << name
                << " must have the alignment the BPF program expects\");\n\n";
  return name;
}

// Writes the members of aggregate `id`, which starts `baseOffset` bytes into `outer` and
// whose fields `outer` names as `path`FIELD, padding explicitly to BTF's offsets; offset
// checks go to `checks`.
Status ArmCDeclarations::writeMembers(int id, uint32_t baseOffset, const std::string &outer, const std::string &path,
                                      const std::string &indent,
                                      std::ostringstream &body, std::ostringstream &checks) {
  const struct btf_type *t = btf__type_by_id(btf_, id);
  const bool isUnion = btf_is_union(t), packed = isPacked(btf_, t, largestMemberAlignment(btf_, t));
  // Pads from bit `from` to bit `to`: partial bytes with unnamed uint8_t bit-fields,
  // which never cross a byte and so never move anything else.
  auto pad = [&](uint32_t from, uint32_t to) {
    if (from < to && from % 8) {
      uint32_t bits = std::min(8 - from % 8, to - from);
      body << indent << "uint8_t : " << bits << ";\n";
      from += bits;
    }
    if (to - from >= 8) {
      body << indent << "uint8_t __bpf2arm_pad" << padCount_++ << "[" << (to - from) / 8 << "];\n";
      from += (to - from) / 8 * 8;
    }
    if (from < to) body << indent << "uint8_t : " << to - from << ";\n";
  };

  const struct btf_member *m = btf_members(t);
  uint32_t position = 0;  // bits from the start of this aggregate
  for (unsigned i = 0; i < btf_vlen(t); ++i) {
    uint32_t bitOffset = btf_member_bit_offset(t, i), bitWidth = btf_member_bitfield_size(t, i);
    std::string field = abi::btfName(btf_, m[i].name_off);
    std::string where = outer + "." + path + (field.empty() ? "(unnamed)" : field);
    if (!isUnion) {
      if (bitOffset < position) return error(where + " overlaps the member before it");
      pad(position, bitOffset);
    }
    Qualifiers q;
    int memberType = stripQualifiers(btf_, int(m[i].type), q);
    const struct btf_type *mt = btf__type_by_id(btf_, memberType);
    long size = btf__resolve_size(btf_, m[i].type);
    if (size < 0) return error(where + ": its size is unknown");

    if (bitWidth == 0 && isAnonymousAggregate(mt) && q.typedefName.empty()) {
      // As in the source: `struct { ... } point;`, or C11's unnamed member.
      if (bitOffset % 8) return error(where + " starts inside a byte");
      body << indent << (btf_is_union(mt) ? "union" : "struct") << " {\n";
      std::string innerPath = field.empty() ? path : path + cxxSafeName(field) + ".";
      if (Status st = writeMembers(memberType, baseOffset + bitOffset / 8, outer, innerPath, indent + "  ", body, checks))
        return st;
      body << indent << "}" << alignmentAttribute(btf_, memberType) << (field.empty() ? "" : " " + cxxSafeName(field))
           << ";\n";
    } else if (bitWidth) {
      if (!mt || !(btf_is_int(mt) || btf_is_any_enum(mt))) return error(where + ": a bit-field that is not an integer");
      uint32_t container = 8 * mt->size;
      // GCC (AAPCS) starts the next container where the bit-field would straddle one.
      if (!packed && bitOffset % container + bitWidth > container)
        return error(where + ": a bit-field that crosses its " + std::to_string(mt->size) + "-byte unit");
      auto type = spell(int(m[i].type), Use::Memory);
      if (!type) return type.diag();
      body << indent << type->prefix << " " << (field.empty() ? "" : cxxSafeName(field)) << " : " << bitWidth << ";\n";
    } else {
      if (bitOffset % 8) return error(where + " starts inside a byte");
      auto type = spell(int(m[i].type), Use::Memory);
      if (!type) return type.diag();
      if (field.empty()) field = "__bpf2arm_field" + std::to_string(i);
      body << indent << type->prefix << " " << cxxSafeName(field) << type->suffix << ";\n";
      checks << "BPF2ARM_LAYOUT_CHECK(offsetof(" << outer << ", " << path << cxxSafeName(field)
             << ") == " << baseOffset + bitOffset / 8 << ", \"" << outer << "." << path << field
             << " must sit where the BPF program expects it\");\n";
    }
    uint32_t end = bitOffset + (bitWidth ? bitWidth : 8 * uint32_t(size));
    position = isUnion ? std::max(position, end) : end;
  }
  if (position > 8 * t->size) return error(outer + ": members extend past its size");
  if (!isUnion) pad(position, 8 * t->size);
  else if (position < 8 * t->size)  // an aligned union larger than its members
    body << indent << "uint8_t __bpf2arm_pad" << padCount_++ << "[" << t->size << "];\n";
  return std::nullopt;
}

// Named and anonymous enums: their constants, for the firmware to compare with. Values
// keep the BTF storage type, so the enum type itself is never used for a declaration.
void ArmCDeclarations::declareEnum(int id) {
  const struct btf_type *t = btf__type_by_id(btf_, id);
  if (!btf_is_any_enum(t) || btf_vlen(t) == 0 || !enums_.insert(id).second) return;
  std::string tag = abi::btfName(btf_, t->name_off);
  if (!tag.empty() && !tags_.insert("enum " + tag).second) return;  // linked objects: declared once
  // ENUM64 values beyond int are a GNU C extension before C23, and fine in C++.
  auto nameOf = [&](unsigned i) {
    return abi::btfName(btf_, btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off);
  };
  for (unsigned i = 0; i < btf_vlen(t); ++i)
    if (nameOf(i).empty() || tags_.count("enumerator " + nameOf(i))) return;
  std::ostringstream out;
  out << "enum" << (tag.empty() ? "" : " " + tag) << " {";
  for (unsigned i = 0; i < btf_vlen(t); ++i) {
    tags_.insert("enumerator " + nameOf(i));
    out << (i ? ", " : " ") << nameOf(i) << " = ";
    if (btf_is_enum(t)) {
      if (btf_kflag(t)) out << btf_enum(t)[i].val;
      else out << uint32_t(btf_enum(t)[i].val) << "u";
    } else {
      uint64_t value = btf_enum64_value(btf_enum64(t) + i);
      if (btf_kflag(t)) out << int64_t(value) << "ll";
      else out << value << "ull";
    }
  }
  declarations_ << out.str() << " };\n\n";
}

}  // namespace bpf2arm
