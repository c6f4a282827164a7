// Global data and maps in the output object. Data sections keep their names, contents
// and symbols. Each map becomes a descriptor named after the map (struct bpf2arm_map of
// runtime-stub/include/bpf2arm/runtime.h) in .data.bpf2arm.maps, pointing at its
// zeroed storage in .bss.bpf2arm.maps, sized by map_layout.h.
#pragma once

#include <llvm/MC/MCContext.h>
#include <llvm/MC/MCStreamer.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/program.h"
#include "diagnostics.h"
#include "symbol_names.h"

namespace bpf2arm::arm {

// An address as a symbol at the start of an output section plus an offset: the form
// ld_imm64 lowering needs for REL relocations (the offset travels in the instruction).
struct SectionAddress {
  llvm::MCSymbol *sectionStart = nullptr;
  int64_t offset = 0;
};

class DataLayout {
 public:
  // Creates the labels; call before lowering functions so they can refer to them. With
  // `preemptibleGlobals` (-fPIC), also the symbols of the global maps and variables, which
  // code then reaches through the GOT (see `preemptible`).
  DataLayout(const Program &program, llvm::MCContext &ctx, bool preemptibleGlobals = false);

  Expected<SectionAddress> addressOf(const AddressRef &ref) const;
  // Where `ref` lies in an object another module may preempt: an extern symbol, or (with
  // preemptibleGlobals) a global map or variable: that symbol and the offset into it
  // (in sectionStart and offset). Else nothing: the section-relative address is final.
  std::optional<SectionAddress> preemptible(const AddressRef &ref) const;

  // Emits the sections. `programEntry` gives the C entry symbol of a function by name
  // (for PROG_ARRAY initializers), or null.
  Status emit(llvm::MCStreamer &streamer, const std::function<llvm::MCSymbol *(const std::string &)> &programEntry,
              unsigned numCpus, SymbolNames &names) const;

 private:
  const Program &program_;
  llvm::MCContext &ctx_;
  std::vector<llvm::MCSymbol *> dataStart_;
  llvm::MCSymbol *mapsStart_ = nullptr;
  std::unordered_map<std::string, llvm::MCSymbol *> externs_;
  // With preemptibleGlobals: the global symbol of each map (null when static), and of
  // each global variable per data section with its offset and size.
  struct GlobalObject {
    llvm::MCSymbol *symbol;
    uint64_t offset, size;
  };
  std::vector<llvm::MCSymbol *> globalMaps_;
  std::vector<std::vector<GlobalObject>> globalData_;
};

constexpr unsigned kMapDescriptorBytes = 32;  // struct bpf2arm_map on ARM32

}  // namespace bpf2arm::arm
