#include "emit_data.h"

#include <llvm/BinaryFormat/ELF.h>
#include <llvm/MC/MCExpr.h>
#include <llvm/MC/MCSectionELF.h>

#include <algorithm>
#include <cassert>

#include "bpf2arm/map_layout.h"
#include "compiler/symbol_clashes.h"

namespace bpf2arm::arm {

DataLayout::DataLayout(const Program &program, llvm::MCContext &ctx, bool preemptibleGlobals)
    : program_(program), ctx_(ctx) {
  // Named (local) rather than temporary labels: REL relocations need a symbol at the
  // section start, and these names tell readers of the object what they are.
  for (const DataSection &sec : program.data) dataStart_.push_back(ctx.getOrCreateSymbol(kOwnSymbolPrefix + ("start" + sec.name)));
  if (!program.maps.empty()) mapsStart_ = ctx.getOrCreateSymbol(std::string(kOwnSymbolPrefix) + "maps");
  // addressOf runs on the selection threads, which must not touch the MCContext.
  auto addExtern = [&](const AddressRef &ref) {
    if (ref.kind == AddressRef::Extern && !externs_.count(ref.symbol))
      externs_.emplace(ref.symbol, ctx.getOrCreateSymbol(ref.symbol));
  };
  for (const Function &fn : program.functions)
    for (const AddressRef &ref : fn.addresses) addExtern(ref);
  for (const DataSection &sec : program.data)
    for (const DataSection::Pointer &p : sec.pointers) addExtern(p.target);
  if (!preemptibleGlobals) return;  // made only then: the position-dependent object stays as it was
  for (const MapDef &m : program.maps)
    globalMaps_.push_back(m.isGlobal ? ctx.getOrCreateSymbol(program.exported.data(m.name)) : nullptr);
  for (const DataSection &sec : program.data) {
    globalData_.emplace_back();
    for (const DataSection::Symbol &sym : sec.symbols)
      if (sym.isGlobal)
        globalData_.back().push_back({ctx.getOrCreateSymbol(program.exported.data(sym.name)), sym.offset, sym.size});
  }
}

std::optional<SectionAddress> DataLayout::preemptible(const AddressRef &ref) const {
  switch (ref.kind) {
    case AddressRef::Extern: {
      auto where = addressOf(ref);
      return where ? std::optional<SectionAddress>(*where) : std::nullopt;
    }
    case AddressRef::Map:
      if (ref.index < globalMaps_.size() && globalMaps_[ref.index]) return SectionAddress{globalMaps_[ref.index], 0};
      return std::nullopt;
    case AddressRef::Data:
      if (ref.index >= globalData_.size()) return std::nullopt;
      for (const GlobalObject &object : globalData_[ref.index]) {
        // Inside the object, or at its start (a zero-sized one): one past its end may be
        // the next object's start, which the section-relative address reaches as well.
        int64_t into = ref.addend - int64_t(object.offset);
        if (into == 0 || (into > 0 && uint64_t(into) < object.size)) return SectionAddress{object.symbol, into};
      }
      return std::nullopt;
    case AddressRef::Function: case AddressRef::None: break;
  }
  return std::nullopt;
}

Expected<SectionAddress> DataLayout::addressOf(const AddressRef &ref) const {
  switch (ref.kind) {
    case AddressRef::Map:
      return SectionAddress{mapsStart_, int64_t(ref.index) * kMapDescriptorBytes};
    case AddressRef::Data:
      return SectionAddress{dataStart_[ref.index], ref.addend};
    case AddressRef::Extern:
      assert(externs_.count(ref.symbol) && "extern symbols are made with the layout");
      return SectionAddress{externs_.at(ref.symbol), ref.addend};
    case AddressRef::Function:  // lowered from ObjectSymbols::cEntries, never stored in data
    case AddressRef::None: break;
  }
  return error("internal error: ld_imm64 without an address");
}

namespace {

void defineObject(llvm::MCStreamer &s, llvm::MCSymbol *sym, bool global, uint64_t size) {
  s.emitSymbolAttribute(sym, global ? llvm::MCSA_Global : llvm::MCSA_Local);
  s.emitSymbolAttribute(sym, llvm::MCSA_ELF_TypeObject);
  s.emitELFSize(sym, llvm::MCConstantExpr::create(int64_t(size), s.getContext()));
  s.emitLabel(sym);
}

}  // namespace

Status DataLayout::emit(llvm::MCStreamer &s, const std::function<llvm::MCSymbol *(const std::string &)> &programEntry,
                        unsigned numCpus, SymbolNames &names) const {
  using namespace llvm::ELF;
  for (size_t i = 0; i < program_.data.size(); ++i) {
    const DataSection &sec = program_.data[i];
    unsigned flags = SHF_ALLOC | (sec.writable ? unsigned(SHF_WRITE) : 0u);
    s.switchSection(ctx_.getELFSection(sec.name, sec.zeroFill ? SHT_NOBITS : SHT_PROGBITS, flags));
    s.emitValueToAlignment(llvm::Align(std::max<uint64_t>(sec.align, 1)));
    s.emitLabel(dataStart_[i]);
    std::vector<DataSection::Symbol> symbols = sec.symbols;
    std::stable_sort(symbols.begin(), symbols.end(),
                     [](const DataSection::Symbol &a, const DataSection::Symbol &b) { return a.offset < b.offset; });
    uint64_t pos = 0;
    auto fillTo = [&](uint64_t end) {
      if (end <= pos) return;
      if (sec.zeroFill) s.emitZeros(end - pos);
      else s.emitBytes(llvm::StringRef(reinterpret_cast<const char *>(sec.bytes.data() + pos), end - pos));
      pos = end;
    };
    // Symbols and pointers in offset order; a symbol at a pointer's offset comes first.
    std::vector<DataSection::Pointer> pointers = sec.pointers;
    std::sort(pointers.begin(), pointers.end(),
              [](const DataSection::Pointer &a, const DataSection::Pointer &b) { return a.offset < b.offset; });
    size_t nextPointer = 0;
    auto emitPointersBefore = [&](uint64_t end) -> Status {
      for (; nextPointer < pointers.size() && pointers[nextPointer].offset < end; ++nextPointer) {
        const DataSection::Pointer &p = pointers[nextPointer];
        if (p.offset < pos) return error("overlapping pointers in " + sec.name);
        fillTo(p.offset);
        auto where = addressOf(p.target);
        if (!where) return where.diag();
        s.emitValue(llvm::MCBinaryExpr::createAdd(llvm::MCSymbolRefExpr::create(where->sectionStart, ctx_),
                                                  llvm::MCConstantExpr::create(where->offset, ctx_), ctx_),
                    4);
        if (p.bytes == 8) s.emitIntValue(0, 4);  // ARM32 addresses: the hi word of the BPF slot
        pos += p.bytes;
      }
      return std::nullopt;
    };
    for (const DataSection::Symbol &sym : symbols) {
      if (Status st = emitPointersBefore(sym.offset)) return st;
      if (sym.offset < pos) return error("symbol '" + sym.name + "' inside a pointer in " + sec.name);
      fillTo(sym.offset);
      defineObject(s, ctx_.getOrCreateSymbol(sym.isGlobal ? program_.exported.data(sym.name) : names.local(sym.name)),
                   sym.isGlobal, sym.size);
    }
    if (Status st = emitPointersBefore(sec.size + 1)) return st;
    fillTo(sec.size);
  }
  if (program_.maps.empty()) return std::nullopt;

  // Storage first, so the descriptors can point at it.
  std::vector<llvm::MCSymbol *> storage;
  s.switchSection(ctx_.getELFSection(".bss.bpf2arm.maps", SHT_NOBITS, SHF_ALLOC | SHF_WRITE));
  for (const MapDef &m : program_.maps) {
    uint64_t bytes = bpf2arm_map_storage_size(m.type, m.keySize, m.valueSize, m.maxEntries, numCpus);
    if (bytes == 0 || bytes > (uint64_t(1) << 31))
      return error("map '" + m.name + "' needs " + std::to_string(bytes) + " bytes of storage, more than a 32-bit device has");
    if (!m.initialPrograms.empty()) {
      storage.push_back(nullptr);  // PROG_ARRAY slots with initializers live in .data below
      continue;
    }
    storage.push_back(ctx_.getOrCreateSymbol(names.local(m.name + ".storage")));
    s.emitValueToAlignment(llvm::Align(8));
    defineObject(s, storage.back(), false, bytes);
    s.emitZeros(bytes);
  }
  std::vector<llvm::MCSymbol *> nameStrings;
  s.switchSection(ctx_.getELFSection(".rodata.bpf2arm.maps", SHT_PROGBITS, SHF_ALLOC));
  for (const MapDef &m : program_.maps) {
    nameStrings.push_back(ctx_.createTempSymbol());
    s.emitLabel(nameStrings.back());
    s.emitBytes(m.name);
    s.emitIntValue(0, 1);
  }
  s.switchSection(ctx_.getELFSection(".data.bpf2arm.maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE));
  s.emitValueToAlignment(llvm::Align(8));
  s.emitLabel(mapsStart_);
  std::vector<llvm::MCSymbol *> initialized(program_.maps.size(), nullptr);
  for (size_t i = 0; i < program_.maps.size(); ++i) {
    const MapDef &m = program_.maps[i];
    if (!m.initialPrograms.empty()) initialized[i] = ctx_.createTempSymbol();
    defineObject(s, ctx_.getOrCreateSymbol(m.isGlobal ? program_.exported.data(m.name) : names.local(m.name)), m.isGlobal,
                 kMapDescriptorBytes);
    uint32_t cpus = bpf2arm_map_is_percpu(m.type) ? numCpus : 1;
    for (uint32_t field : {m.type, m.keySize, m.valueSize, m.maxEntries, m.flags, cpus}) s.emitIntValue(field, 4);
    llvm::MCSymbol *data = initialized[i] ? initialized[i] : storage[i];
    s.emitValue(llvm::MCSymbolRefExpr::create(data, ctx_), 4);
    s.emitValue(llvm::MCSymbolRefExpr::create(nameStrings[i], ctx_), 4);
  }
  for (size_t i = 0; i < program_.maps.size(); ++i) {
    const MapDef &m = program_.maps[i];
    if (!initialized[i]) continue;
    s.emitLabel(initialized[i]);
    std::vector<llvm::MCSymbol *> slots(m.maxEntries, nullptr);
    for (const auto &[slot, name] : m.initialPrograms) {
      if (slot >= m.maxEntries) return error("map '" + m.name + "': initializer for slot " + std::to_string(slot) + " beyond max_entries");
      slots[slot] = programEntry(name);
      if (!slots[slot]) return error("map '" + m.name + "': slot " + std::to_string(slot) + " names '" + name + "', which is not a global BPF function");
    }
    for (llvm::MCSymbol *entry : slots) {
      if (entry) s.emitValue(llvm::MCSymbolRefExpr::create(entry, ctx_), 4);
      else s.emitIntValue(0, 4);
    }
  }
  return std::nullopt;
}

}  // namespace bpf2arm::arm
