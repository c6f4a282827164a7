#include "build_program.h"

#include <bpf/btf.h>
#include <elf.h>
#include <linux/bpf.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "abi/btf_prototype.h"
#include "collect_data.h"

namespace bpf2arm {
namespace {

// Relocation types R_BPF_64_64 (ld_imm64) and R_BPF_64_32 (call) come from <elf.h>.

struct FunctionStart {
  std::string name;  // empty for a call target without a symbol
  bool isGlobal = false;
};

// Every function start of every code section: symbols, and the targets of local calls.
class StartFinder {
 public:
  explicit StartFinder(const BpfObject &obj) : obj_(obj) {}

  Status run() {
    for (const CodeSection &sec : obj_.code)
      for (const ElfSymbol &sym : obj_.symbols)
        if (sym.section == sec.index && sym.type == STT_FUNC) {
          if (sym.value % 8 || sym.value >= sec.bytes.size())
            return error("function symbol " + sym.name + " is not at an instruction of " + sec.name);
          auto &start = starts_[sec.index][unsigned(sym.value / 8)];
          start.name = sym.name;
          start.isGlobal = sym.bind == STB_GLOBAL || sym.bind == STB_WEAK;
        }
    for (const CodeSection &sec : obj_.code) {
      starts_[sec.index][0];  // code before any symbol still forms a function
      std::map<uint64_t, const CodeRelocation *> relocs;
      for (const CodeRelocation &r : sec.relocations) relocs[r.offset] = &r;
      unsigned n = unsigned(sec.bytes.size() / 8);
      for (unsigned i = 0; i < n;) {
        bpf::Insn insn = bpf::decodeSlot(&sec.bytes[i * 8]);
        if (insn.isCall() && bpf::source(insn.opcode) == bpf::K && insn.src == bpf::CALL_LOCAL) {
          auto rel = relocs.find(uint64_t(i) * 8);
          if (rel == relocs.end()) {
            int64_t target = int64_t(i) + insn.imm + 1;
            if (target >= 0 && target < n) starts_[sec.index][unsigned(target)];
          } else if (rel->second->type == R_BPF_64_32) {
            const ElfSymbol &sym = obj_.symbols[rel->second->symbol];
            int64_t target = int64_t(sym.value / 8) + insn.imm + 1;
            if (sym.section != SHN_UNDEF && target >= 0 && target < codeSlots(sym.section))
              starts_[sym.section][unsigned(target)];
          }
        }
        if (insn.isLdImm64()) addressTakenStart(sec, relocs, i, insn);
        i += insn.isLdImm64() ? 2 : 1;
      }
    }
    return std::nullopt;
  }

  const std::map<unsigned, FunctionStart> &startsOf(unsigned section) { return starts_[section]; }

 private:
  // ld_imm64 of code (a callback): clang relocates against the section symbol with the
  // byte offset in imm; hand-written code uses src_reg 4 with an instruction offset.
  void addressTakenStart(const CodeSection &sec, const std::map<uint64_t, const CodeRelocation *> &relocs,
                         unsigned i, const bpf::Insn &insn) {
    auto rel = relocs.find(uint64_t(i) * 8);
    if (rel == relocs.end()) {
      int64_t target = int64_t(i) + insn.imm + 1;
      if (insn.src == bpf::PSEUDO_FUNC && target >= 0 && target < codeSlots(sec.index))
        starts_[sec.index][unsigned(target)];
      return;
    }
    if (rel->second->type != R_BPF_64_64) return;
    const ElfSymbol &sym = obj_.symbols[rel->second->symbol];
    int64_t offset = int64_t(sym.value) + insn.imm;
    if (sym.section != SHN_UNDEF && offset >= 0 && offset % 8 == 0 && offset / 8 < codeSlots(sym.section))
      starts_[sym.section][unsigned(offset / 8)];
  }

 private:
  // Instruction slots of code section `index`, 0 if it is no code section.
  int64_t codeSlots(unsigned index) const {
    for (const CodeSection &c : obj_.code)
      if (c.index == index) return int64_t(c.bytes.size() / 8);
    return 0;
  }

  const BpfObject &obj_;
  std::map<unsigned, std::map<unsigned, FunctionStart>> starts_;  // section -> slot -> start
};

std::string unnamedFunctionName(const std::string &section, unsigned slot) {
  std::string prefix;
  for (char c : section) prefix += isalnum(static_cast<unsigned char>(c)) ? c : '_';
  while (!prefix.empty() && prefix.front() == '_') prefix.erase(prefix.begin());
  return (prefix.empty() ? "" : prefix + "_") + "sub_" + std::to_string(slot);
}

// Each source position once, in Program::sourcePositions.
class SourcePositions {
 public:
  explicit SourcePositions(std::vector<SourcePosition> &table) : table_(table) {
    for (size_t i = 0; i < table.size(); ++i) index_.emplace(keyOf(table[i]), uint32_t(i));
  }
  uint32_t indexOf(SourcePosition position) {
    auto [it, added] = index_.emplace(keyOf(position), uint32_t(table_.size()));
    if (added) table_.push_back(std::move(position));
    return it->second;
  }

 private:
  static std::string keyOf(const SourcePosition &position) {
    return position.fileLine + '\0' + std::to_string(position.column);
  }
  std::vector<SourcePosition> &table_;
  std::unordered_map<std::string, uint32_t> index_;
};

// The BTF id of a function's prototype, 0 when there is none.
int btfFunctionId(const BpfObject &obj, const Function &fn) {
  if (!obj.btf) return 0;
  int id = -1;
  auto sec = obj.funcTypes.find(fn.section);
  if (sec != obj.funcTypes.end()) {
    auto at = sec->second.find(fn.sectionOffset);
    if (at != sec->second.end()) id = at->second;
  }
  if (id <= 0) id = btf__find_by_name_kind(obj.btf.get(), fn.name.c_str(), BTF_KIND_FUNC);
  return id > 0 ? id : 0;
}

Expected<abi::Prototype> btfPrototypeOf(const BpfObject &obj, const Function &fn) {
  int id = btfFunctionId(obj, fn);
  if (id == 0) return error("it has no BTF prototype (compile with -g)");
  return abi::prototypeFromBtf(obj.btf.get(), id);
}

// The runtime calls callbacks with the kernel's prototypes, whose arguments are all
// 32-bit on ARM: `long cb(__u32 index, void *ctx)` for bpf_loop, `long cb(struct bpf_map
// *map, void *key, void *value, void *ctx)` for bpf_for_each_map_elem. A 64-bit
// parameter would take a register pair there and shift every later argument.
std::string callbackProblem(const abi::Prototype &proto) {
  for (size_t i = 0; i < proto.params.size(); ++i)
    if (proto.params[i].armSize() > 4)
      return "parameter " + std::to_string(i + 1) + " is " + proto.params[i].spelling +
             ", 64 bits: the runtime calls callbacks as C functions with 32-bit arguments (bpf_loop: "
             "long cb(__u32 index, void *ctx); bpf_for_each_map_elem: long cb(struct bpf_map *map, "
             "void *key, void *value, void *ctx)); declare it __u32 or a pointer";
  return "";
}

class FunctionBuilder {
 public:
  FunctionBuilder(const BpfObject &obj, const CodeSection &sec,
                  const std::map<std::pair<unsigned, unsigned>, unsigned> &functionAt, const abi::HelperTable &helpers,
                  const DataIndex &data, Program &program, SourcePositions &lines)
      : obj_(obj), sec_(sec), functionAt_(functionAt), helpers_(helpers), data_(data), program_(program),
        lines_(lines) {
    for (const CodeRelocation &r : sec.relocations) relocs_[r.offset] = &r;
  }

  Status build(Function &fn, unsigned firstSlot, unsigned endSlot) {
    fn_ = &fn;
    first_ = firstSlot;
    warnedHelpers_.clear();
    unsigned n = endSlot - firstSlot;
    std::vector<bool> isSecondSlot(n, false);
    for (unsigned s = 0; s < n;) {
      Instruction ins;
      ins.slot = s;
      ins.insn = bpf::decodeSlot(&sec_.bytes[(firstSlot + s) * 8]);
      ins.line = lines_.indexOf(obj_.positionAt(sec_.name, uint64_t(firstSlot + s) * 8));
      if (std::string why = bpf::validateOpcode(ins.insn); !why.empty()) return fail(ins, why);
      if (ins.insn.isLdImm64()) {
        if (s + 1 >= n) return fail(ins, "ld_imm64 is truncated: its second slot is missing");
        bpf::Insn hi = bpf::decodeSlot(&sec_.bytes[(firstSlot + s + 1) * 8]);
        if (hi.opcode || hi.dst || hi.src || hi.offset)
          return fail(ins, "malformed ld_imm64: its second slot must be zero but for imm");
        ins.insn.imm64 = uint32_t(ins.insn.imm) | (uint64_t(uint32_t(hi.imm)) << 32);
        isSecondSlot[s + 1] = true;
      }
      if (Status st = resolveRelocation(ins)) return st;
      fn.insns.push_back(ins);
      s += ins.insn.slots();
    }

    // Jump targets, then the leaders of basic blocks.
    std::vector<bool> isLeader(n, false);
    isLeader[0] = true;
    for (const Instruction &ins : fn.insns) {
      unsigned next = ins.slot + ins.insn.slots();
      if (ins.insn.isUnconditionalJump() || ins.insn.isConditionalJump()) {
        int64_t target = int64_t(ins.slot) + ins.insn.jumpOffset() + 1;
        if (target < 0 || target >= int64_t(n))
          return fail(ins, "jump out of range: target insn " + std::to_string(target) +
                               " is outside the function (insns 0.." + std::to_string(n - 1) + ")");
        if (isSecondSlot[unsigned(target)])
          return fail(ins, "jump into the second slot of ld_imm64 at insn " + std::to_string(target - 1));
        isLeader[unsigned(target)] = true;
      }
      if (ins.insn.isJump() && !ins.insn.isCall() && next < n) isLeader[next] = true;
    }
    const Instruction &last = fn.insns.back();
    if (!last.insn.isExit() && !last.insn.isUnconditionalJump())
      return fail(last, "control falls off the end of the function (the last instruction is neither exit nor goto)");

    // Leaders are instruction starts (second slots are refused above), so each block
    // begins at an instruction.
    std::vector<int32_t> blockOfSlot(n, -1);
    for (uint32_t k = 0; k < fn.insns.size(); ++k) {
      if (!isLeader[fn.insns[k].slot]) continue;
      if (!fn.blocks.empty()) fn.blocks.back().end = k;
      blockOfSlot[fn.insns[k].slot] = int32_t(fn.blocks.size());
      fn.blocks.push_back({unsigned(fn.blocks.size()), k, k, -1});
    }
    fn.blocks.back().end = uint32_t(fn.insns.size());
    for (Instruction &ins : fn.insns)
      if (ins.insn.isUnconditionalJump() || ins.insn.isConditionalJump())
        ins.targetBlock = blockOfSlot[unsigned(ins.slot + ins.insn.jumpOffset() + 1)];
    for (BasicBlock &block : fn.blocks) {
      const bpf::Insn &end = fn.insns[block.last()].insn;
      bool stops = end.isExit() || end.isUnconditionalJump();
      if (!stops && block.id + 1 < fn.blocks.size()) block.fallthrough = int(block.id + 1);
    }
    return std::nullopt;
  }

 private:
  Status fail(const Instruction &ins, std::string message) {
    return program_.errorAtInstruction(*fn_, ins, std::move(message));
  }

  Status resolveRelocation(Instruction &ins) {
    const bpf::Insn &insn = ins.insn;
    auto rel = relocs_.find(uint64_t(first_ + ins.slot) * 8);
    if (rel == relocs_.end()) {
      if (!insn.isCall()) {
        if (insn.isLdImm64() && insn.src == bpf::PSEUDO_FUNC)
          return resolveFunctionAddress(ins, sec_.index, int64_t(first_ + ins.slot) + insn.imm + 1);
        if (insn.isLdImm64() && insn.src != 0)
          return fail(ins, "ld_imm64 pseudo source " + std::to_string(insn.src) +
                               " (map or BTF reference) without a relocation is not supported");
        return std::nullopt;
      }
      if (insn.src == bpf::CALL_HELPER) return resolveHelperCall(ins);
      if (insn.src == bpf::CALL_KFUNC)
        return fail(ins, "kfunc call by BTF id without a relocation is not supported; declare the function `extern ... __ksym`");
      return resolveLocalCall(ins, sec_.index, int64_t(first_ + ins.slot) + insn.imm + 1);
    }
    const CodeRelocation &r = *rel->second;
    const ElfSymbol &sym = obj_.symbols[r.symbol];
    if (insn.isCall() && r.type == R_BPF_64_32) {
      if (sym.section == SHN_UNDEF) return resolveExternCall(ins, sym.name);
      return resolveLocalCall(ins, sym.section, int64_t(sym.value / 8) + insn.imm + 1);
    }
    if (insn.isLdImm64() && r.type == R_BPF_64_64) return resolveAddress(ins, sym);
    return fail(ins, "unsupported relocation type " + std::to_string(r.type) + " against '" + sym.name +
                         "' on " + bpf::disassemble(insn));
  }

  // ld_imm64 of a map, of global data (+ offset, which clang leaves in imm) or of an
  // extern variable.
  Status resolveAddress(Instruction &ins, const ElfSymbol &sym) {
    int64_t addend = ins.insn.imm;
    if (sym.section == SHN_UNDEF) {
      return refer(ins, AddressRef{AddressRef::Extern, 0, sym.name, addend});
    }
    if (isCodeSection(sym.section)) {
      int64_t offset = int64_t(sym.value) + addend;
      if (offset < 0 || offset % 8)
        return fail(ins, "ld_imm64 of '" + sym.name + "' + " + std::to_string(addend) +
                             " does not point at an instruction");
      return resolveFunctionAddress(ins, sym.section, offset / 8);
    }
    if (sym.section == data_.mapsSection) {
      auto it = data_.mapByOffset.find(sym.value + uint64_t(addend));
      if (it == data_.mapByOffset.end()) return fail(ins, "ld_imm64 of '" + sym.name + "' does not point at a map");
      return refer(ins, AddressRef{AddressRef::Map, it->second, "", 0});
    }
    auto data = data_.dataBySection.find(sym.section);
    if (data == data_.dataBySection.end())
      return fail(ins, "unsupported relocation: ld_imm64 of '" + sym.name + "' in section " +
                           obj_.sectionName(sym.section) + ", which is not global data or a map");
    bool named = sym.type == STT_OBJECT && !sym.name.empty();
    return refer(ins, AddressRef{AddressRef::Data, data->second, named ? sym.name : "", int64_t(sym.value) + addend});
  }

  bool isCodeSection(unsigned index) const {
    return std::any_of(obj_.code.begin(), obj_.code.end(), [&](const CodeSection &c) { return c.index == index; });
  }

  // The address of a function, which C code (the runtime's bpf_loop, ...) calls: it gets
  // a C entry built from its BTF prototype, so the prototype must be one C can call.
  Status resolveFunctionAddress(Instruction &ins, unsigned section, int64_t targetSlot) {
    auto it = targetSlot < 0 ? functionAt_.end() : functionAt_.find({section, unsigned(targetSlot)});
    if (it == functionAt_.end())
      return fail(ins, "ld_imm64 of insn " + std::to_string(targetSlot) + " of section " +
                           obj_.sectionName(section) + ", which is not the start of a function");
    Function &callee = program_.functions[it->second];
    auto proto = btfPrototypeOf(obj_, callee);
    std::string why = proto ? callbackProblem(*proto) : proto.diag().message;
    if (!why.empty())
      return fail(ins, "'" + callee.name + "' is used as a callback (its address is taken), but " + why);
    callee.addressTaken = true;
    return refer(ins, AddressRef{AddressRef::Function, it->second, "", 0});
  }

  Status resolveHelperCall(Instruction &ins) {
    int32_t id = ins.insn.imm;
    const abi::Helper *helper = helpers_.find(id);
    if (!helper)
      return fail(ins, "call to unknown helper id " + std::to_string(id) +
                           ": declare it with --helper '" + std::to_string(id) +
                           "=RESULT NAME(PARAMS)', or call an `extern RESULT NAME(PARAMS) __ksym;` function by name");
    if (!helper->unusable.empty())
      return fail(ins, "call to helper " + helper->name + " (id " + std::to_string(id) + "): " + helper->unusable);
    if (helper->firmwareMustDefine && warnedHelpers_.insert(id).second) {
      program_.warnings.push_back(program_.warningAtInstruction(
          *fn_, ins, "helper " + helper->name + " (id " + std::to_string(id) +
                         ") is not in the runtime stub: the firmware must define " + helper->name));
    }
    return refer(ins, CallTarget{CallTarget::Helper, 0, id, helper->name, helper->prototype, {}});
  }

  Status resolveExternCall(Instruction &ins, const std::string &symbol) {
    int id = obj_.btf ? btf__find_by_name_kind(obj_.btf.get(), symbol.c_str(), BTF_KIND_FUNC) : -1;
    if (id <= 0)
      return fail(ins, "call to extern function '" + symbol + "' whose prototype is not in the object's BTF");
    auto proto = abi::prototypeFromBtf(obj_.btf.get(), id);
    if (!proto) return fail(ins, "call to '" + symbol + "': " + proto.diag().message);
    return refer(ins, CallTarget{CallTarget::Extern, 0, 0, symbol, *proto, {}});
  }

  Status resolveLocalCall(Instruction &ins, unsigned section, int64_t targetSlot) {
    auto it = targetSlot < 0 ? functionAt_.end() : functionAt_.find({section, unsigned(targetSlot)});
    if (it == functionAt_.end())
      return fail(ins, "call target insn " + std::to_string(targetSlot) + " of section " +
                           obj_.sectionName(section) + " is not the start of a function");
    return refer(ins, CallTarget{CallTarget::Local, it->second, 0, "", {}, {}});
  }

  // Records what the instruction refers to in the function's side table.
  Status refer(Instruction &ins, CallTarget call) {
    ins.ref = uint32_t(fn_->calls.size());
    fn_->calls.push_back(std::move(call));
    return std::nullopt;
  }
  Status refer(Instruction &ins, AddressRef address) {
    ins.ref = uint32_t(fn_->addresses.size());
    fn_->addresses.push_back(std::move(address));
    return std::nullopt;
  }

  const BpfObject &obj_;
  const CodeSection &sec_;
  const std::map<std::pair<unsigned, unsigned>, unsigned> &functionAt_;
  const abi::HelperTable &helpers_;
  const DataIndex &data_;
  Program &program_;
  SourcePositions &lines_;
  std::map<uint64_t, const CodeRelocation *> relocs_;
  Function *fn_ = nullptr;
  unsigned first_ = 0;
  std::set<int32_t> warnedHelpers_;  // once per helper per function, not per call
};

Status attachPrototype(const BpfObject &obj, Function &fn, Warnings &warnings) {
  fn.prototype = abi::fiveU64Prototype();
  int id = btfFunctionId(obj, fn);
  if (id == 0) {
    // A firmware that declares the C prototype it wrote gets wrong results: say so.
    if (fn.isGlobal) {
      Diagnostic d = warningAt(
          fn.name, -1, "", 0,
          std::string("no BTF prototype (") +
              (obj.btf ? "the object's BTF has no function of this name" : "the object was built without -g") +
              "), so C calls it as uint64_t " + fn.name +
              "(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5); build the BPF object with -g for "
              "its C prototype, or pass -Wno-missing-prototypes if that is the ABI you call");
      d.option = "missing-prototypes";
      warnings.push_back(std::move(d));
    }
    return std::nullopt;
  }
  auto proto = abi::prototypeFromBtf(obj.btf.get(), id);
  // A static function is only called bpf-to-bpf, in registers: a struct or a float
  // argument need not cross into C there, so its prototype does not matter. A callback's
  // was checked where its address is taken.
  if (!proto && !fn.hasCEntry()) return std::nullopt;
  if (!proto) {
    Diagnostic d = proto.diag();
    d.function = fn.name;
    return d;
  }
  fn.prototype = *proto;
  fn.hasBtfPrototype = true;
  return std::nullopt;
}

// CO-RE relocations keep the answers clang computed from the program's own BTF (README,
// "CO-RE"): right for field offsets and sizes, where the program's types are the truth on
// firmware, but meaningless for the kinds that ask what a kernel has. Those get a warning,
// once per function, kind and type.
void warnKernelCoreRelocations(const BpfObject &obj, Program &program) {
  auto question = [](uint32_t kind) -> const char * {
    switch (kind) {
      case BPF_CORE_FIELD_EXISTS: return "bpf_core_field_exists (field exists) is always true";
      case BPF_CORE_TYPE_ID_TARGET: return "bpf_core_type_id_kernel (a kernel's type id) is the program's own type id";
      case BPF_CORE_TYPE_EXISTS: return "bpf_core_type_exists (type exists) is always true";
      case BPF_CORE_ENUMVAL_EXISTS: return "bpf_core_enum_value_exists (enum value exists) is always true";
      case BPF_CORE_TYPE_MATCHES: return "bpf_core_type_matches (type matches) is always true";
    }
    return nullptr;
  };
  std::set<std::tuple<std::string, uint32_t, uint32_t>> warned;
  for (const auto &[section, relocations] : obj.coreRelocations)
    for (const CoreRelocation &relocation : relocations) {
      const char *answer = question(relocation.kind);
      if (!answer) continue;
      for (const Function &fn : program.functions) {
        if (fn.section != section || relocation.insnOffset < fn.sectionOffset) continue;
        const uint64_t slot = (relocation.insnOffset - fn.sectionOffset) / 8;
        auto ins = std::find_if(fn.insns.begin(), fn.insns.end(), [&](const Instruction &i) { return i.slot == slot; });
        if (ins == fn.insns.end() || !warned.insert({fn.name, relocation.kind, relocation.typeId}).second) continue;
        const struct btf_type *t = btf__type_by_id(obj.btf.get(), relocation.typeId);
        const char *typeName = t ? btf__name_by_offset(obj.btf.get(), t->name_off) : nullptr;
        std::string type = typeName && *typeName ? "'" + std::string(typeName) + "'" : "type " + std::to_string(relocation.typeId);
        Diagnostic d = program.warningAtInstruction(
            fn, *ins,
            "CO-RE relocation on " + type + ": bpf2arm resolves CO-RE against the program's own BTF, where " + answer +
                "; firmware has no kernel BTF to ask (pass -Wno-core-relocation if the check is meant for a kernel only)");
        d.option = "core-relocation";
        program.warnings.push_back(std::move(d));
      }
    }
}

}  // namespace

Expected<Program> buildProgram(const BpfObject &obj, const abi::HelperTable &helpers) {
  if (obj.code.empty()) return error("the object has no executable section, so no function to compile");
  StartFinder finder(obj);
  if (Status st = finder.run()) return *st;

  Program program;
  auto data = collectData(obj, program);
  if (!data) return data.diag();
  std::map<std::pair<unsigned, unsigned>, unsigned> functionAt;  // (section, slot) -> function
  std::vector<std::pair<unsigned, unsigned>> ranges;
  for (const CodeSection &sec : obj.code) {
    const auto &starts = finder.startsOf(sec.index);
    unsigned n = unsigned(sec.bytes.size() / 8);
    for (auto it = starts.begin(); it != starts.end(); ++it) {
      auto next = std::next(it);
      Function fn;
      fn.name = it->second.name.empty() ? unnamedFunctionName(sec.name, it->first) : it->second.name;
      fn.isGlobal = it->second.isGlobal;
      fn.section = sec.name;
      fn.sectionOffset = uint64_t(it->first) * 8;
      functionAt[{sec.index, it->first}] = unsigned(program.functions.size());
      ranges.push_back({it->first, next == starts.end() ? n : next->first});
      program.functions.push_back(std::move(fn));
    }
  }
  size_t index = 0;
  SourcePositions lines(program.sourcePositions);
  for (const CodeSection &sec : obj.code) {
    FunctionBuilder builder(obj, sec, functionAt, helpers, *data, program, lines);
    for (size_t k = 0; k < finder.startsOf(sec.index).size(); ++k, ++index) {
      Function &fn = program.functions[index];
      if (Status st = builder.build(fn, ranges[index].first, ranges[index].second)) return *st;
    }
  }
  // After every function is built: a later one may take an earlier one's address.
  for (Function &fn : program.functions)
    if (Status st = attachPrototype(obj, fn, program.warnings)) return *st;
  warnKernelCoreRelocations(obj, program);
  return program;
}

Status nameExports(Program &program, ExportedNames exported) {
  std::map<std::string, std::string> owner;  // exported name -> what the program calls it
  Status clash = forEachDefinedSymbol(program, exported, [&](const DefinedSymbol &def) -> Status {
    if (!def.isGlobal) return std::nullopt;
    const std::string what = std::string(def.kind) + " " + def.name;
    auto [it, fresh] = owner.emplace(def.symbol, what);
    if (fresh) return std::nullopt;
    return error("--name: " + what + " and " + it->second + " would both be the symbol " + def.symbol);
  });
  if (clash) return clash;
  program.exported = std::move(exported);
  return std::nullopt;
}

}  // namespace bpf2arm
