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

// The section of `struct bpf_map_def SEC("maps")` definitions.
constexpr const char *kLegacyMapsSection = "maps";

// The map types the runtime stub implements (map_layout.h), by the kernel's numbers.
constexpr std::pair<uint32_t, const char *> kMapTypes[] = {
    {BPF_MAP_TYPE_ARRAY, "ARRAY"},         {BPF_MAP_TYPE_HASH, "HASH"},
    {BPF_MAP_TYPE_LRU_HASH, "LRU_HASH"},   {BPF_MAP_TYPE_PERCPU_ARRAY, "PERCPU_ARRAY"},
    {BPF_MAP_TYPE_PERCPU_HASH, "PERCPU_HASH"}, {BPF_MAP_TYPE_PROG_ARRAY, "PROG_ARRAY"},
    {BPF_MAP_TYPE_QUEUE, "QUEUE"},         {BPF_MAP_TYPE_STACK, "STACK"},
    {BPF_MAP_TYPE_RINGBUF, "RINGBUF"},     {BPF_MAP_TYPE_DEVMAP, "DEVMAP"},
    {BPF_MAP_TYPE_DEVMAP_HASH, "DEVMAP_HASH"},
};

}  // namespace

const char *mapTypeName(uint32_t type) {
  for (const auto &[number, name] : kMapTypes)
    if (number == type) return name;
  return nullptr;
}

namespace {

bool isPowerOfTwo(uint32_t v) { return v && !(v & (v - 1)); }

// Checks a map against what the runtime stub implements, with the kernel's rules.
Status validateMap(const MapDef &m) {
  auto fail = [&](std::string why) -> Status { return error("map '" + m.name + "': " + why); };
  if (!mapTypeName(m.type)) {
    std::string supported;
    for (const auto &entry : kMapTypes) supported += (supported.empty() ? "" : ", ") + std::string(entry.second);
    return fail("map type " + std::to_string(m.type) + " is not supported (supported: " + supported + ")");
  }
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
    case BPF_MAP_TYPE_DEVMAP: case BPF_MAP_TYPE_DEVMAP_HASH:
      // The kernel's rules: a u32 key; the value is an ifindex, or struct bpf_devmap_val
      // (ifindex, then a program fd that firmware has no use for).
      if (m.keySize != 4) return fail("the key of a DEVMAP or DEVMAP_HASH must be 4 bytes, not " + std::to_string(m.keySize));
      if (m.valueSize != 4 && m.valueSize != 8)
        return fail("the value of a DEVMAP or DEVMAP_HASH must be 4 bytes (an ifindex) or 8 (struct bpf_devmap_val), not " +
                    std::to_string(m.valueSize));
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


bool isMapSection(const std::string &name) { return name == ".maps" || name == kLegacyMapsSection; }

// The BTF-defined maps of `.maps`: a DATASEC of variables whose struct types spell the
// definition (__uint, __type).
Status collectBtfMaps(const BpfObject &obj, DataIndex &index, Program &program) {
  const struct btf *btf = obj.btf.get();
  int secId = btf ? btf__find_by_name_kind(btf, ".maps", BTF_KIND_DATASEC) : -1;
  if (secId <= 0) return error("the .maps section has no BTF description; compile with -g");
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
  return std::nullopt;
}

// The key and value types of a legacy map from BPF_ANNOTATE_KV_PAIR(name, K, V), which
// declares `struct ____btf_map_NAME { K key; V value; }`: clang's BTF describes the map
// variable only as a struct bpf_map_def. Without the annotation the map keeps its sizes.
Status legacyKeyValueTypes(const struct btf *btf, MapDef &m) {
  std::string pairName = "____btf_map_" + m.name;
  int pairId = btf ? btf__find_by_name_kind(btf, pairName.c_str(), BTF_KIND_STRUCT) : -1;
  if (pairId <= 0) return std::nullopt;
  const struct btf_type *pair = btf__type_by_id(btf, pairId);
  const struct btf_member *members = btf_members(pair);
  for (unsigned i = 0; i < btf_vlen(pair); ++i) {
    std::string field = abi::btfName(btf, members[i].name_off);
    if (field != "key" && field != "value") continue;
    long size = btf__resolve_size(btf, members[i].type);
    uint32_t declared = field == "key" ? m.keySize : m.valueSize;
    if (size < 0 || uint64_t(size) != declared)
      return error("map '" + m.name + "': BPF_ANNOTATE_KV_PAIR gives a " + field + " of " + std::to_string(size) +
                   " bytes, its definition " + std::to_string(declared));
    (field == "key" ? m.keyTypeId : m.valueTypeId) = int(members[i].type);
  }
  return std::nullopt;
}

// Legacy maps (`struct bpf_map_def SEC("maps") NAME = {...}`): one symbol per map over an
// array of definitions {type, key_size, value_size, max_entries, map_flags, ...}. The
// definition's size is the symbols' (libbpf's legacy loader divided the section by the
// number of maps; the two agree for every compiler's output); fields past map_flags, such
// as inner_map_idx and numa_node of older headers, must be zero, as libbpf required.
Status collectLegacyMaps(const BpfObject &obj, DataIndex &index, Program &program) {
  const DataSectionIn &sec = *std::find_if(obj.data.begin(), obj.data.end(),
                                           [&](const DataSectionIn &d) { return d.index == index.mapsSection; });
  std::vector<const ElfSymbol *> symbols;
  for (const ElfSymbol &sym : obj.symbols)
    if (sym.section == sec.index && sym.type != STT_SECTION && !sym.name.empty()) symbols.push_back(&sym);
  if (symbols.empty()) return error("the legacy 'maps' section has no map symbols");
  std::sort(symbols.begin(), symbols.end(), [](const ElfSymbol *a, const ElfSymbol *b) { return a->value < b->value; });
  uint64_t defSize = symbols.front()->size ? symbols.front()->size : sec.size / symbols.size();
  for (const ElfSymbol *sym : symbols)
    if (sym->size != symbols.front()->size)
      return error("legacy 'maps' section: map '" + sym->name + "' is " + std::to_string(sym->size) + " bytes, map '" +
                   symbols.front()->name + "' " + std::to_string(symbols.front()->size) +
                   "; every struct bpf_map_def of an object has one size");
  constexpr uint64_t kMinDef = 4 * 4, kKnownDef = 5 * 4;  // up to max_entries; up to map_flags
  if (defSize < kMinDef)
    return error("legacy 'maps' section: " + std::to_string(defSize) +
                 "-byte map definitions, too small for type, key_size, value_size and max_entries");
  if (sec.zeroFill || sec.size % defSize)
    return error("legacy 'maps' section: " + std::to_string(sec.size) + " bytes is not a multiple of the " +
                 std::to_string(defSize) + "-byte struct bpf_map_def");
  for (size_t i = 0; i < symbols.size(); ++i) {
    const ElfSymbol &sym = *symbols[i];
    if (sym.value % defSize || sym.value + defSize > sec.size)
      return error("legacy map '" + sym.name + "' at offset " + std::to_string(sym.value) +
                   " is not one of the section's " + std::to_string(defSize) + "-byte definitions");
    if (i && symbols[i - 1]->value == sym.value)
      return error("legacy maps '" + symbols[i - 1]->name + "' and '" + sym.name + "' share one definition");
    const uint8_t *def = sec.bytes.data() + sym.value;
    auto field = [&](unsigned n) {
      uint32_t v = 0;
      if (4 * n + 4 <= defSize) std::memcpy(&v, def + 4 * n, 4);
      return v;
    };
    MapDef m;
    m.name = sym.name;
    m.isGlobal = sym.bind != STB_LOCAL;
    m.type = field(0), m.keySize = field(1), m.valueSize = field(2), m.maxEntries = field(3), m.flags = field(4);
    for (uint64_t at = kKnownDef; at < defSize; ++at)
      if (def[at])
        return error("map '" + m.name + "': its definition sets fields past map_flags (inner_map_idx, numa_node, ...), " +
                     "which bpf2arm does not support");
    if (Status st = legacyKeyValueTypes(obj.btf.get(), m)) return st;
    if (Status st = validateMap(m)) return st;
    index.mapByOffset[sym.value] = unsigned(program.maps.size());
    program.maps.push_back(std::move(m));
  }
  return std::nullopt;
}

}  // namespace

Expected<DataIndex> collectData(const BpfObject &obj, Program &program) {
  DataIndex index;
  for (const DataSectionIn &in : obj.data) {
    if (isMapSection(in.name)) {
      // One map section per object: ld_imm64 relocations resolve against one of them.
      if (index.mapsSection)
        return error("the object defines maps both in .maps and in the legacy 'maps' section; "
                     "bpf2arm reads one of the two per object");
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
    if (isMapSection(in.name)) continue;
    for (const CodeRelocation &r : in.relocations)
      if (Status st = resolveDataPointer(obj, in, r, index, program.data[index.dataBySection[in.index]])) return *st;
  }
  if (!index.mapsSection) return index;
  Status st = obj.sectionName(index.mapsSection) == ".maps" ? collectBtfMaps(obj, index, program)
                                                            : collectLegacyMaps(obj, index, program);
  if (st) return *st;
  return index;
}

}  // namespace bpf2arm
