#include "generate_header.h"

#include "abi/btf_prototype.h"
#include "arm_c_declarations.h"
#include "collect_data.h"

#include <bpf/btf.h>
#include <linux/bpf.h>

#include <memory>
#include <sstream>

namespace bpf2arm {
namespace {

// The C type of a map's key or value where BTF gives none (raw sizes: key_size and
// value_size, or a legacy map without BPF_ANNOTATE_KV_PAIR): the u32 the kernel requires
// as the key of array and device maps and as a DEVMAP's 4-byte value (an ifindex), else
// `void`, so the accessors take and return `void *` as bpf2arm_map_lookup_elem does, and
// NAME__key_size / NAME__value_size let the firmware check its own types.
std::string untypedSpelling(const MapDef &m, bool isKey) {
  bool isDevmap = m.type == BPF_MAP_TYPE_DEVMAP || m.type == BPF_MAP_TYPE_DEVMAP_HASH;
  bool isArray = m.type == BPF_MAP_TYPE_ARRAY || m.type == BPF_MAP_TYPE_PERCPU_ARRAY;
  if (isKey && (isArray || isDevmap) && m.keySize == 4) return "uint32_t";
  if (!isKey && isDevmap && m.valueSize == 4) return "uint32_t";
  return "void";
}

}  // namespace

Expected<std::string> generateHeader(const BpfObject &obj, const Program &program, const std::string &guard) {
  using Use = ArmCDeclarations::Use;
  std::ostringstream decls;
  std::unique_ptr<ArmCDeclarations> writer;
  if (obj.btf) writer = std::make_unique<ArmCDeclarations>(obj.btf.get());
  auto spellOr = [&](int id, const std::string &fallback) -> Expected<CSpelling> {
    if (!writer || id <= 0) return CSpelling{fallback, ""};
    return writer->spell(id, Use::Memory);
  };

  const ExportedNames &exported = program.exported;
  decls << "/* Programs: call them like C functions. */\n";
  for (const Function &fn : program.functions) {
    if (!fn.isGlobal) continue;
    const std::string name = exported.program(fn.name);
    int funcId = obj.btf ? btf__find_by_name_kind(obj.btf.get(), fn.name.c_str(), BTF_KIND_FUNC) : -1;
    if (funcId <= 0) {
      decls << "uint64_t " << name << "(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);\n";
      continue;
    }
    const struct btf_type *proto = btf__type_by_id(obj.btf.get(), btf__type_by_id(obj.btf.get(), funcId)->type);
    if (!proto || !btf_is_func_proto(proto)) return Diagnostic{fn.name, -1, "", "header: its BTF is not a function"};
    auto result = writer->spell(int(proto->type), Use::Value);
    if (!result) return Diagnostic{fn.name, -1, "", "header: " + result.diag().message};
    decls << result->prefix << " " << name << "(";
    const struct btf_param *params = btf_params(proto);
    for (unsigned i = 0; i < btf_vlen(proto); ++i) {
      auto p = writer->spell(int(params[i].type), Use::Value);
      if (!p) return Diagnostic{fn.name, -1, "", "header: " + p.diag().message};
      std::string pname = abi::btfName(obj.btf.get(), params[i].name_off);
      decls << (i ? ", " : "") << p->prefix << (p->prefix.back() == '*' ? "" : " ")
            << (pname.empty() ? "arg" + std::to_string(i) : cxxSafeName(pname));
    }
    decls << (btf_vlen(proto) ? ")" : "void)") << ";\n";
  }

  if (!program.maps.empty()) decls << "\n/* Maps, and typed accessors over the runtime's map operations. */\n";
  for (const MapDef &m : program.maps) {
    if (!m.isGlobal) {
      decls << "/* " << m.name << ": a static map, which only the BPF program can reach */\n";
      continue;
    }
    auto key = spellOr(m.keyTypeId, untypedSpelling(m, true));
    auto value = spellOr(m.valueTypeId, untypedSpelling(m, false));
    if (!key) return Diagnostic{"", -1, "", "header: map '" + m.name + "' key: " + key.diag().message};
    if (!value) return Diagnostic{"", -1, "", "header: map '" + m.name + "' value: " + value.diag().message};
    std::string k = key->suffix.empty() ? key->prefix : "void", v = value->suffix.empty() ? value->prefix : "void";
    std::string n = exported.data(m.name);
    decls << "extern struct bpf2arm_map " << n << ";  /* " << mapTypeName(m.type) << ", max_entries " << m.maxEntries
          << ", key " << m.keySize << " bytes, value " << m.valueSize << " bytes */\n"
          << "#define " << n << "__key_size " << m.keySize << "u\n#define " << n << "__value_size " << m.valueSize << "u\n";
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
      case BPF_MAP_TYPE_PERCPU_ARRAY: case BPF_MAP_TYPE_PERCPU_HASH:
        decls << "static inline " << v << " *" << n << "__lookup_cpu(const " << k << " *key, uint32_t cpu) { return ("
              << v << " *)bpf_map_lookup_percpu_elem(&" << n << ", key, cpu); }\n";
        [[fallthrough]];
      default:
        decls << "static inline " << v << " *" << n << "__lookup(const " << k << " *key) { return (" << v << " *)bpf2arm_map_lookup_elem(&" << n << ", key); }\n"
              << "static inline int " << n << "__update(const " << k << " *key, const " << v << " *value, uint64_t flags) { return (int)bpf2arm_map_update_elem(&" << n << ", key, value, flags); }\n"
              << "static inline int " << n << "__delete(const " << k << " *key) { return (int)bpf2arm_map_delete_elem(&" << n << ", key); }\n";
    }
  }

  // Every other named struct and union the program uses (ring buffer records, context
  // structs), so the firmware can read what the program writes.
  if (writer)
    for (unsigned id = 1; id < btf__type_cnt(obj.btf.get()); ++id) {
      const struct btf_type *t = btf__type_by_id(obj.btf.get(), id);
      std::string name = abi::btfName(obj.btf.get(), t->name_off);
      // Not the loader's structs: bpf_map_def and the like, and BPF_ANNOTATE_KV_PAIR's
      // ____btf_map_NAME, whose key and value the map's accessors already spell.
      if ((!btf_is_struct(t) && !btf_is_union(t)) || name.empty() || name.rfind("bpf_", 0) == 0 ||
          name.rfind("____btf_map_", 0) == 0)
        continue;
      auto declared = writer->spell(int(id), Use::Memory);
      if (!declared) decls << "/* " << name << ": " << declared.diag().message << " */\n";
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
        decls << "extern " << constness << "uint8_t " << exported.data(sym.name) << "[" << sym.size << "];\n";
        continue;
      }
      auto type = writer->spell(int(btf__type_by_id(obj.btf.get(), varId)->type), Use::Memory);
      if (!type) return Diagnostic{"", -1, "", "header: variable '" + sym.name + "': " + type.diag().message};
      decls << "extern " << constness << type->prefix << " " << exported.data(sym.name) << type->suffix << ";\n";
    }

  std::ostringstream out;
  out << "/* Generated by bpf2arm from " << obj.path << ". Do not edit. */\n"
      << "#ifndef " << guard << "\n#define " << guard << "\n\n"
      << "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n\n#include \"bpf2arm/runtime.h\"\n\n"
      << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
      << (writer ? writer->text() : "") << decls.str()
      << "\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
  return out.str();
}

}  // namespace bpf2arm
