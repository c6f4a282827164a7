#include "generate_header.h"

#include "abi/btf_prototype.h"

#include <bpf/btf.h>
#include <linux/bpf.h>

#include <functional>
#include <set>
#include <sstream>

namespace bpf2arm {
namespace {

std::string intType(unsigned size, bool isSigned) {
  return std::string(isSigned ? "int" : "uint") + std::to_string(size * 8) + "_t";
}

class HeaderWriter {
 public:
  HeaderWriter(const struct btf *btf, std::ostringstream &types) : btf_(btf), types_(types) {}

  // The ARM spelling of a BTF type used for a declaration `T name`, declaring the
  // structs it needs first. Returns {prefix, suffix} so arrays come out as T name[N].
  Expected<std::pair<std::string, std::string>> spell(int id, bool inMemory) {
    struct DepthGuard {
      int &depth;
      explicit DepthGuard(int &d) : depth(++d) {}
      ~DepthGuard() { --depth; }
    } guard(depth_);
    if (depth_ > 64) return error("BTF type chain too deep (a cycle?)");
    const struct btf_type *t = btf__type_by_id(btf_, id);
    if (id == 0) return std::make_pair(std::string("void"), std::string());
    if (!t) return error("BTF type " + std::to_string(id) + " missing");
    switch (btf_kind(t)) {
      case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
        return spell(int(t->type), inMemory);
      case BTF_KIND_INT:
        if (btf_int_encoding(t) & BTF_INT_BOOL) return std::make_pair(std::string("_Bool"), std::string());
        // Plain char stays char, so strings pass without casts.
        if (abi::btfName(btf_, t->name_off) == "char") return std::make_pair(std::string("char"), std::string());
        return std::make_pair(intType(t->size, btf_int_encoding(t) & BTF_INT_SIGNED), std::string());
      case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
        return std::make_pair(intType(t->size, btf_kflag(t)), std::string());
      case BTF_KIND_PTR: {
        // In memory a BPF pointer takes 8 bytes, an ARM one 4: keep the BPF layout.
        if (inMemory) return std::make_pair(std::string("uint64_t /* BPF pointer */"), std::string());
        auto pointee = spell(int(t->type), true);
        if (!pointee) return std::make_pair(std::string("void *"), std::string());
        return std::make_pair(pointee->first + " *", std::string());
      }
      case BTF_KIND_ARRAY: {
        const struct btf_array *a = btf_array(t);
        auto elem = spell(int(a->type), inMemory);
        if (!elem) return elem.diag();
        return std::make_pair(elem->first, "[" + std::to_string(a->nelems) + "]" + elem->second);
      }
      case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
        auto name = declareAggregate(id);
        if (!name) return name.diag();
        return std::make_pair(*name, std::string());
      }
      case BTF_KIND_FLOAT:
        return std::make_pair(std::string(t->size == 4 ? "float" : "double"), std::string());
    }
    return error("BTF type of kind " + std::to_string(btf_kind(t)) + " has no C spelling");
  }

 private:
  Expected<std::string> declareAggregate(int id) {
    auto known = names_.find(id);
    if (known != names_.end()) return known->second;
    const struct btf_type *t = btf__type_by_id(btf_, id);
    bool isUnion = btf_is_union(t);
    std::string tag = abi::btfName(btf_, t->name_off);
    if (tag.empty()) tag = "bpf2arm_anon_" + std::to_string(id);
    std::string name = std::string(isUnion ? "union " : "struct ") + tag;
    names_[id] = name;
    std::ostringstream body, checks;
    body << name << " {\n";
    const struct btf_member *m = btf_members(t);
    unsigned padIndex = 0;
    uint32_t expectedOffset = 0;
    for (unsigned i = 0; i < btf_vlen(t); ++i) {
      uint32_t bitOffset = btf_member_bit_offset(t, i);
      if (btf_member_bitfield_size(t, i) || bitOffset % 8)
        return error(name + " has bit fields, which the header cannot re-declare");
      uint32_t offset = bitOffset / 8;
      if (!isUnion && offset > expectedOffset)  // keep BPF's layout where ARM's would differ
        body << "  uint8_t __bpf2arm_pad" << padIndex++ << "[" << offset - expectedOffset << "];\n";
      auto type = spell(int(m[i].type), true);
      if (!type) return type.diag();
      std::string field = abi::btfName(btf_, m[i].name_off);
      if (field.empty()) field = "__bpf2arm_field" + std::to_string(i);
      body << "  " << type->first << " " << field << type->second << ";\n";
      long size = btf__resolve_size(btf_, m[i].type);
      if (!isUnion) expectedOffset = offset + uint32_t(size > 0 ? size : 0);
      checks << "BPF2ARM_LAYOUT_CHECK(offsetof(" << name << ", " << field << ") == " << offset << ", \"" << name
             << "." << field << " must sit where the BPF program expects it\");\n";
    }
    if (!isUnion && t->size > expectedOffset)
      body << "  uint8_t __bpf2arm_pad" << padIndex++ << "[" << t->size - expectedOffset << "];\n";
    body << "} __attribute__((aligned(" << btf__align_of(btf_, id) << ")));\n";
    checks << "BPF2ARM_LAYOUT_CHECK(sizeof(" << name << ") == " << t->size << ", \"" << name
           << " must have the size the BPF program expects\");\n";
    types_ << body.str() << checks.str() << "\n";
    return name;
  }

  const struct btf *btf_;
  std::ostringstream &types_;
  std::map<int, std::string> names_;
  int depth_ = 0;
};

const char *mapKindComment(uint32_t type) {
  switch (type) {
    case BPF_MAP_TYPE_ARRAY: return "ARRAY";
    case BPF_MAP_TYPE_PERCPU_ARRAY: return "PERCPU_ARRAY";
    case BPF_MAP_TYPE_HASH: return "HASH";
    case BPF_MAP_TYPE_LRU_HASH: return "LRU_HASH";
    case BPF_MAP_TYPE_PERCPU_HASH: return "PERCPU_HASH";
    case BPF_MAP_TYPE_PROG_ARRAY: return "PROG_ARRAY";
    case BPF_MAP_TYPE_QUEUE: return "QUEUE";
    case BPF_MAP_TYPE_STACK: return "STACK";
    case BPF_MAP_TYPE_RINGBUF: return "RINGBUF";
  }
  return "?";
}

}  // namespace

Expected<std::string> generateHeader(const BpfObject &obj, const Program &program, const std::string &guard) {
  std::ostringstream types, decls;
  std::unique_ptr<HeaderWriter> writer;
  if (obj.btf) writer = std::make_unique<HeaderWriter>(obj.btf.get(), types);
  auto spellOr = [&](int id, bool inMemory, const std::string &fallback) -> Expected<std::pair<std::string, std::string>> {
    if (!writer || id <= 0) return std::make_pair(fallback, std::string());
    return writer->spell(id, inMemory);
  };

  decls << "/* Programs: call them like C functions. */\n";
  for (const Function &fn : program.functions) {
    if (!fn.isGlobal) continue;
    int funcId = obj.btf ? btf__find_by_name_kind(obj.btf.get(), fn.name.c_str(), BTF_KIND_FUNC) : -1;
    if (funcId <= 0) {
      decls << "uint64_t " << fn.name << "(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);\n";
      continue;
    }
    const struct btf_type *proto = btf__type_by_id(obj.btf.get(), btf__type_by_id(obj.btf.get(), funcId)->type);
    if (!proto || !btf_is_func_proto(proto)) return Diagnostic{fn.name, -1, "", "header: its BTF is not a function"};
    auto result = writer->spell(int(proto->type), false);
    if (!result) return Diagnostic{fn.name, -1, "", "header: " + result.diag().message};
    decls << result->first << " " << fn.name << "(";
    const struct btf_param *params = btf_params(proto);
    for (unsigned i = 0; i < btf_vlen(proto); ++i) {
      auto p = writer->spell(int(params[i].type), false);
      if (!p) return Diagnostic{fn.name, -1, "", "header: " + p.diag().message};
      std::string pname = abi::btfName(obj.btf.get(), params[i].name_off);
      decls << (i ? ", " : "") << p->first << (p->first.back() == '*' ? "" : " ") << (pname.empty() ? "arg" + std::to_string(i) : pname);
    }
    decls << (btf_vlen(proto) ? ")" : "void)") << ";\n";
  }

  if (!program.maps.empty()) decls << "\n/* Maps, and typed accessors over the runtime's map operations. */\n";
  for (const MapDef &m : program.maps) {
    auto key = spellOr(m.keyTypeId, true, m.keySize ? "uint8_t" : "void");
    auto value = spellOr(m.valueTypeId, true, m.valueSize ? "uint8_t" : "void");
    if (!key) return Diagnostic{"", -1, "", "header: map '" + m.name + "' key: " + key.diag().message};
    if (!value) return Diagnostic{"", -1, "", "header: map '" + m.name + "' value: " + value.diag().message};
    std::string k = key->second.empty() ? key->first : "void", v = value->second.empty() ? value->first : "void";
    std::string n = m.name;
    decls << "extern struct bpf2arm_map " << n << ";  /* " << mapKindComment(m.type) << ", max_entries " << m.maxEntries
          << ", key " << m.keySize << " bytes, value " << m.valueSize << " bytes */\n";
    switch (m.type) {
      case BPF_MAP_TYPE_QUEUE: case BPF_MAP_TYPE_STACK:
        decls << "static inline int " << n << "__push(const " << v << " *value, uint64_t flags) { return (int)bpf_map_push_elem(&" << n << ", value, flags); }\n"
              << "static inline int " << n << "__pop(" << v << " *value) { return (int)bpf_map_pop_elem(&" << n << ", value); }\n"
              << "static inline int " << n << "__peek(" << v << " *value) { return (int)bpf_map_peek_elem(&" << n << ", value); }\n";
        break;
      case BPF_MAP_TYPE_RINGBUF:
        decls << "static inline int " << n << "__consume(bpf2arm_ringbuf_fn fn, void *ctx) { return bpf2arm_ringbuf_consume(&" << n << ", fn, ctx); }\n";
        break;
      case BPF_MAP_TYPE_PROG_ARRAY:
        decls << "static inline int " << n << "__set(uint32_t index, void *program) { return bpf2arm_prog_array_set(&" << n << ", index, program); }\n";
        break;
      default:
        decls << "static inline " << v << " *" << n << "__lookup(const " << k << " *key) { return (" << v << " *)bpf_map_lookup_elem(&" << n << ", key); }\n"
              << "static inline int " << n << "__update(const " << k << " *key, const " << v << " *value, uint64_t flags) { return (int)bpf_map_update_elem(&" << n << ", key, value, flags); }\n"
              << "static inline int " << n << "__delete(const " << k << " *key) { return (int)bpf_map_delete_elem(&" << n << ", key); }\n";
    }
  }

  // Every other named struct and union the program uses (ring buffer records, context
  // structs), so the firmware can read what the program writes.
  if (writer)
    for (unsigned id = 1; id < btf__type_cnt(obj.btf.get()); ++id) {
      const struct btf_type *t = btf__type_by_id(obj.btf.get(), id);
      std::string name = abi::btfName(obj.btf.get(), t->name_off);
      if ((!btf_is_struct(t) && !btf_is_union(t)) || name.empty() || name.rfind("bpf_", 0) == 0) continue;
      auto declared = writer->spell(int(id), true);
      if (!declared) types << "/* " << name << ": " << declared.diag().message << " */\n";
    }

  bool anyGlobal = false;
  for (const DataSection &sec : program.data)
    for (const DataSection::Symbol &sym : sec.symbols) {
      if (!sym.isGlobal) continue;
      if (!anyGlobal) decls << "\n/* Global variables, with the BPF program's layout. */\n";
      anyGlobal = true;
      int varId = obj.btf ? btf__find_by_name_kind(obj.btf.get(), sym.name.c_str(), BTF_KIND_VAR) : -1;
      std::string constness = sec.writable ? "" : "const ";
      if (varId <= 0) {
        decls << "extern " << constness << "uint8_t " << sym.name << "[" << sym.size << "];\n";
        continue;
      }
      auto type = writer->spell(int(btf__type_by_id(obj.btf.get(), varId)->type), true);
      if (!type) return Diagnostic{"", -1, "", "header: variable '" + sym.name + "': " + type.diag().message};
      decls << "extern " << constness << type->first << " " << sym.name << type->second << ";\n";
    }

  std::ostringstream out;
  out << "/* Generated by bpf2arm from " << obj.path << ". Do not edit. */\n"
      << "#ifndef " << guard << "\n#define " << guard << "\n\n"
      << "#include <stddef.h>\n#include <stdint.h>\n\n#include \"bpf2arm/runtime.h\"\n\n"
      << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
      << types.str() << decls.str()
      << "\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
  return out.str();
}

}  // namespace bpf2arm
