// Global data and maps: copies the data sections (.data, .rodata, .bss and their
// .NAME variants) with their symbols into the program, and reads the BTF-defined maps
// of `.maps` (type, sizes, flags, key and value types, PROG_ARRAY initializers) or the
// legacy `struct bpf_map_def SEC("maps")` definitions (types from BPF_ANNOTATE_KV_PAIR).
#pragma once

#include <map>

#include "diagnostics.h"
#include "object_reader.h"
#include "program.h"

namespace bpf2arm {

// Where ld_imm64 relocations point: ELF section index -> Program::data index, and the
// offset of each map within its section -> Program::maps index.
struct DataIndex {
  unsigned mapsSection = 0;  // ELF index of .maps or of the legacy `maps`, 0 if none
  std::map<unsigned, unsigned> dataBySection;
  std::map<uint64_t, unsigned> mapByOffset;
};

// The kernel's name of a map type the runtime stub implements ("HASH"), else null.
const char *mapTypeName(uint32_t type);

Expected<DataIndex> collectData(const BpfObject &object, Program &program);

}  // namespace bpf2arm
