#include "btf_prototype.h"

#include <bpf/btf.h>

namespace bpf2arm::abi {

std::string btfName(const struct btf *btf, uint32_t offset) {
  const char *name = btf__name_by_offset(btf, offset);
  return name ? name : "";
}

namespace {

const char *nameOf(const struct btf *btf, const struct btf_type *t) {
  const char *name = btf__name_by_offset(btf, t->name_off);
  return name && *name ? name : nullptr;
}

Expected<CType> scalarFromBtf(const struct btf *btf, int typeId, const std::string &what) {
  std::string spelling;  // the outermost named type, as the user wrote it
  for (int depth = 0; depth < 64; ++depth) {
    if (typeId == 0) return CType::voidType();
    const struct btf_type *t = btf__type_by_id(btf, typeId);
    if (!t) return error(what + ": BTF type id " + std::to_string(typeId) + " does not exist");
    const char *name = nameOf(btf, t);
    switch (btf_kind(t)) {
      case BTF_KIND_TYPEDEF:
        if (spelling.empty() && name) spelling = name;
        [[fallthrough]];
      case BTF_KIND_CONST: case BTF_KIND_VOLATILE: case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
        typeId = t->type;
        continue;
      case BTF_KIND_INT: {
        if (t->size > 8)
          return error(what + " is a " + std::to_string(t->size * 8) + "-bit integer, which no ARM32 register pair holds");
        uint32_t encoding = btf_int_encoding(t);
        std::string s = spelling.empty() && name ? name : spelling;
        return CType::integer(t->size, (encoding & BTF_INT_SIGNED) != 0, s);
      }
      case BTF_KIND_ENUM: case BTF_KIND_ENUM64: {
        std::string s = spelling.empty() ? std::string("enum ") + (name ? name : "") : spelling;
        return CType::integer(t->size, btf_kflag(t), s);  // kflag marks a signed enum
      }
      case BTF_KIND_PTR:
        return CType::pointer(spelling.empty() ? "void *" : spelling);
      case BTF_KIND_STRUCT: case BTF_KIND_UNION:
        return error(what + " is a " + (btf_kind(t) == BTF_KIND_STRUCT ? "struct" : "union") +
                     " passed by value, which cannot cross the call boundary; pass a pointer");
      case BTF_KIND_FLOAT:
        return error(what + " is floating point, which BPF cannot pass");
      default:
        return error(what + " has a BTF type of kind " + std::to_string(btf_kind(t)) +
                     " that cannot cross the call boundary");
    }
  }
  return error(what + ": BTF type chain too deep");
}

}  // namespace

Expected<Prototype> prototypeFromBtf(const struct btf *btf, int funcId) {
  const struct btf_type *t = btf__type_by_id(btf, funcId);
  if (t && btf_is_func(t)) t = btf__type_by_id(btf, t->type);
  if (!t || !btf_is_func_proto(t)) return error("BTF id " + std::to_string(funcId) + " is not a function");
  Prototype proto;
  auto result = scalarFromBtf(btf, t->type, "the result");
  if (!result) return result.diag();
  proto.result = *result;
  const struct btf_param *params = btf_params(t);
  for (unsigned i = 0; i < btf_vlen(t); ++i) {
    if (params[i].type == 0) return error("variadic functions cannot be called or compiled");
    std::string what = "argument " + std::to_string(i + 1);
    auto param = scalarFromBtf(btf, params[i].type, what);
    if (!param) return param.diag();
    if (param->isVoid()) return error(what + " has type void");
    proto.params.push_back(*param);
    const char *name = btf__name_by_offset(btf, params[i].name_off);
    proto.paramNames.push_back(name ? name : "");
  }
  if (proto.params.size() > 5)
    return error("more than 5 arguments (" + std::to_string(proto.params.size()) +
                 "); BPF passes at most R1-R5");
  return proto;
}

}  // namespace bpf2arm::abi
