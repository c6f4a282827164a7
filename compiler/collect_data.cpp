#include "collect_data.h"

#include "abi/btf_prototype.h"
#include "bpf2arm/map_layout.h"

#include <bpf/btf.h>
#include <elf.h>
#include <linux/bpf.h>

#include <algorithm>
#include <cstring>

namespace bpf2arm {
namespace {

bool isPowerOfTwo(uint32_t v) { return v && !(v & (v - 1)); }

const char *mapTypeName(uint32_t type) {
  switch (type) {
    case BPF_MAP_TYPE_HASH: return "HASH";
    case BPF_MAP_TYPE_ARRAY: return "ARRAY";
    case BPF_MAP_TYPE_PROG_ARRAY: return "PROG_ARRAY";
    case BPF_MAP_TYPE_PERCPU_HASH: return "PERCPU_HASH";
    case BPF_MAP_TYPE_PERCPU_ARRAY: return "PERCPU_ARRAY";
    case BPF_MAP_TYPE_LRU_HASH: return "LRU_HASH";
    case BPF_MAP_TYPE_QUEUE: return "QUEUE";
    case BPF_MAP_TYPE_STACK: return "STACK";
    case BPF_MAP_TYPE_RINGBUF: return "RINGBUF";
  }
  return nullptr;
}

// Checks a map against what the runtime stub implements, with the kernel's rules.
Status validateMap(const MapDef &m) {
  auto fail = [&](std::string why) -> Status { return error("map '" + m.name + "': " + why); };
  if (!mapTypeName(m.type)) return fail("map type " + std::to_string(m.type) + " is not supported (supported: ARRAY, HASH, LRU_HASH, PERCPU_ARRAY, PERCPU_HASH, PROG_ARRAY, QUEUE, STACK, RINGBUF)");
  if (m.maxEntries == 0) return fail("max_entries must be set and nonzero");
  // Static allocation on a 32-bit device: keep every map to what such a device can hold.
  uint32_t limit = m.type == BPF_MAP_TYPE_RINGBUF ? (1u << 30) : BPF2ARM_MAX_ENTRIES;
  if (m.maxEntries > limit)
    return fail("max_entries " + std::to_string(m.maxEntries) + " is more than bpf2arm allocates statically (" +
                std::to_string(limit) + ")");
  if (uint64_t(m.keySize) > 65536 || uint64_t(m.valueSize) > (1u << 24))
    return fail("key or value too large for a statically allocated map");
  bool isHash = m.type == BPF_MAP_TYPE_HASH || m.type == BPF_MAP_TYPE_LRU_HASH || m.type == BPF_MAP_TYPE_PERCPU_HASH;
  // Static allocation makes BPF_F_NO_PREALLOC and BPF_F_NO_COMMON_LRU (one CPU) moot.
  uint32_t allowed = isHash ? BPF_F_NO_PREALLOC : 0;
  if (m.type == BPF_MAP_TYPE_LRU_HASH) allowed |= BPF_F_NO_COMMON_LRU;
  if (m.flags & ~allowed) return fail("map_flags 0x" + [&] { char b[16]; snprintf(b, sizeof b, "%x", m.flags & ~allowed); return std::string(b); }() + " not supported for " + mapTypeName(m.type));
  switch (m.type) {
    case BPF_MAP_TYPE_ARRAY: case BPF_MAP_TYPE_PERCPU_ARRAY: case BPF_MAP_TYPE_PROG_ARRAY:
      if (m.keySize != 4) return fail("the key of an array map must be 4 bytes, not " + std::to_string(m.keySize));
      if (m.type == BPF_MAP_TYPE_PROG_ARRAY && m.valueSize != 4)
        return fail("the value of a PROG_ARRAY must be 4 bytes (a program fd)");
      break;
    case BPF_MAP_TYPE_QUEUE: case BPF_MAP_TYPE_STACK:
      if (m.keySize != 0) return fail("QUEUE and STACK maps have no key");
      break;
    case BPF_MAP_TYPE_RINGBUF:
      if (m.keySize || m.valueSize) return fail("a RINGBUF has neither key nor value");
      if (!isPowerOfTwo(m.maxEntries) || m.maxEntries < 64) return fail("a RINGBUF's max_entries must be a power of 2 of at least 64 bytes");
      return std::nullopt;
    default:
      if (m.keySize == 0) return fail("a hash map needs a key");
  }
  if (m.valueSize == 0) return fail("value size must be nonzero");
  return std::nullopt;
}

Expected<MapDef> mapFromBtf(const struct btf *btf, const struct btf_var_secinfo &info, const BpfObject &obj,
                            unsigned mapsSection) {
  MapDef m;
  const struct btf_type *var = btf__type_by_id(btf, info.type);
  if (!var || !btf_is_var(var)) return error(".maps holds something that is not a variable");
  m.name = abi::btfName(btf, var->name_off);
  m.isGlobal = btf_var(var)->linkage != BTF_VAR_STATIC;
  int structId = btf__resolve_type(btf, var->type);
  const struct btf_type *def = structId > 0 ? btf__type_by_id(btf, structId) : nullptr;
  if (!def || !btf_is_struct(def)) return error("map '" + m.name + "': its definition is not a struct");
  const struct btf_member *members = btf_members(def);
  for (unsigned i = 0; i < btf_vlen(def); ++i) {
    std::string field = abi::btfName(btf, members[i].name_off);
    const struct btf_type *t = btf__type_by_id(btf, members[i].type);
    if (!t) return error("map '" + m.name + "': field " + field + " has a type that does not exist");
    // __uint(field, N) is `int (*field)[N]`; __type(field, T) is `T *field`.
    auto uintValue = [&]() -> Expected<uint32_t> {
      if (!btf_is_ptr(t)) return error("map '" + m.name + "': field " + field + " is not __uint()");
      const struct btf_type *arr = btf__type_by_id(btf, t->type);
      if (!arr || !btf_is_array(arr)) return error("map '" + m.name + "': field " + field + " is not __uint()");
      return btf_array(arr)->nelems;
    };
    if (field == "type" || field == "max_entries" || field == "map_flags" || field == "key_size" || field == "value_size") {
      auto v = uintValue();
      if (!v) return v.diag();
      if (field == "type") m.type = *v;
      if (field == "max_entries") m.maxEntries = *v;
      if (field == "map_flags") m.flags = *v;
      if (field == "key_size") m.keySize = *v;
      if (field == "value_size") m.valueSize = *v;
    } else if (field == "key" || field == "value") {
      if (!btf_is_ptr(t)) return error("map '" + m.name + "': field " + field + " is not __type()");
      long size = btf__resolve_size(btf, t->type);
      if (size < 0) return error("map '" + m.name + "': cannot size its " + field + " type");
      (field == "key" ? m.keyTypeId : m.valueTypeId) = int(t->type);
      (field == "key" ? m.keySize : m.valueSize) = uint32_t(size);
    } else if (field == "values") {
      // PROG_ARRAY initializers: one relocation per initialized slot.
      uint64_t base = info.offset + members[i].offset / 8;
      for (const DataSectionIn &sec : obj.data)
        if (sec.index == mapsSection)
          for (const CodeRelocation &r : sec.relocations)
            if (r.offset >= base && r.offset < info.offset + info.size)
              m.initialPrograms.push_back({uint32_t((r.offset - base) / 8), obj.symbols[r.symbol].name});
      if (m.type == BPF_MAP_TYPE_PROG_ARRAY) m.valueSize = 4;
    } else if (field == "pinning") {
      // Pinning is a loader concept without meaning in firmware.
    } else {
      return error("map '" + m.name + "': field '" + field + "' is not supported");
    }
  }
  if (m.type == BPF_MAP_TYPE_PROG_ARRAY && m.keySize == 0) m.keySize = 4;
  if (Status st = validateMap(m)) return *st;
  return m;
}

// R_BPF_64_ABS64 / ABS32 in a data section: the slot holds the addend.
Status resolveDataPointer(const BpfObject &obj, const DataSectionIn &in, const CodeRelocation &r,
                          const DataIndex &index, DataSection &out) {
  constexpr uint32_t kAbs64 = 2, kAbs32 = 3;
  const ElfSymbol &sym = obj.symbols[r.symbol];
  auto fail = [&](std::string why) -> Status {
    return error("pointer at " + in.name + "+" + std::to_string(r.offset) + " to '" + sym.name + "': " + why);
  };
  if (r.type != kAbs64 && r.type != kAbs32) return fail("unsupported relocation type " + std::to_string(r.type));
  unsigned bytes = r.type == kAbs64 ? 8 : 4;
  if (in.zeroFill || r.offset + bytes > in.bytes.size()) return fail("outside the section's contents");
  int64_t addend = 0;
  std::memcpy(&addend, in.bytes.data() + r.offset, bytes);
  if (bytes == 4) addend = int32_t(addend);
  AddressRef target;
  if (sym.section == SHN_UNDEF) {
    target = {AddressRef::Extern, 0, sym.name, addend};
  } else if (sym.section == index.mapsSection) {
    auto map = index.mapByOffset.find(sym.value + uint64_t(addend));
    if (map == index.mapByOffset.end()) return fail("does not point at a map");
    target = {AddressRef::Map, map->second, "", 0};
  } else if (auto data = index.dataBySection.find(sym.section); data != index.dataBySection.end()) {
    bool named = sym.type == STT_OBJECT && !sym.name.empty();
    target = {AddressRef::Data, data->second, named ? sym.name : "", int64_t(sym.value) + addend};
  } else {
    return fail("only pointers to global data, maps and extern variables are supported");
  }
  out.pointers.push_back({r.offset, bytes, target});
  return std::nullopt;
}

}  // namespace

Expected<DataIndex> collectData(const BpfObject &obj, Program &program) {
  DataIndex index;
  for (const DataSectionIn &in : obj.data) {
    if (in.name == ".maps") {
      index.mapsSection = in.index;
      continue;
    }
    DataSection out;
    out.name = in.name;
    out.writable = in.writable;
    out.zeroFill = in.zeroFill;
    out.size = in.size;
    out.align = in.align;
    out.bytes = in.bytes;
    for (const ElfSymbol &sym : obj.symbols)
      if (sym.section == in.index && sym.type == STT_OBJECT && !sym.name.empty()) {
        if (sym.value > in.size || sym.size > in.size - sym.value)
          return error("symbol '" + sym.name + "' lies outside section " + in.name);
        out.symbols.push_back({sym.name, sym.value, sym.size, sym.bind == STB_GLOBAL || sym.bind == STB_WEAK});
      }
    index.dataBySection[in.index] = unsigned(program.data.size());
    program.data.push_back(std::move(out));
  }
  // Pointers inside data need every section's index first: they may point at a later one.
  for (const DataSectionIn &in : obj.data) {
    if (in.name == ".maps") continue;
    for (const CodeRelocation &r : in.relocations)
      if (Status st = resolveDataPointer(obj, in, r, index, program.data[index.dataBySection[in.index]])) return *st;
  }
  if (!index.mapsSection) return index;
  const struct btf *btf = obj.btf.get();
  int secId = btf ? btf__find_by_name_kind(btf, ".maps", BTF_KIND_DATASEC) : -1;
  if (secId <= 0) return error("the .maps section has no BTF description; compile with -g (legacy map definitions are not supported)");
  const struct btf_type *sec = btf__type_by_id(btf, secId);
  const struct btf_var_secinfo *vars = btf_var_secinfos(sec);
  for (unsigned i = 0; i < btf_vlen(sec); ++i) {
    // clang leaves DATASEC offsets 0 (libbpf fills them in at load): the ELF symbol of
    // the same name says where the map sits.
    struct btf_var_secinfo info = vars[i];
    const struct btf_type *var = btf__type_by_id(btf, info.type);
    if (!var || !btf_is_var(var)) return error(".maps holds something that is not a variable");
    std::string name = abi::btfName(btf, var->name_off);
    auto sym = std::find_if(obj.symbols.begin(), obj.symbols.end(), [&](const ElfSymbol &s) {
      return s.section == index.mapsSection && s.name == name;
    });
    if (sym == obj.symbols.end()) return error("map '" + name + "' has no symbol in .maps");
    info.offset = uint32_t(sym->value);
    auto map = mapFromBtf(btf, info, obj, index.mapsSection);
    if (!map) return map.diag();
    index.mapByOffset[info.offset] = unsigned(program.maps.size());
    program.maps.push_back(std::move(*map));
  }
  return index;
}

}  // namespace bpf2arm
