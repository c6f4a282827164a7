#include "debug_info.h"

#include <llvm/BinaryFormat/Dwarf.h>
#include <llvm/MC/MCDwarf.h>
#include <llvm/MC/MCObjectFileInfo.h>
#include <llvm/MC/MCSection.h>

#include <cassert>
#include <map>
#include <variant>


namespace bpf2arm::arm {
namespace {

namespace dw = llvm::dwarf;

// A debugging information entry before it is written: attributes in abbreviation order.
struct Die {
  struct Diff {  // hi - lo, in bytes
    llvm::MCSymbol *hi, *lo;
  };
  struct Ref {  // another entry of the unit (DW_FORM_ref4)
    size_t die;
  };
  using Value = std::variant<uint64_t, std::string, llvm::MCSymbol *, Diff, Ref>;
  struct Attribute {
    dw::Attribute name;
    dw::Form form;
    Value value;
  };
  dw::Tag tag;
  std::vector<Attribute> attributes;
  std::vector<size_t> children;
  llvm::MCSymbol *label = nullptr;  // where a Ref points

  Die &add(dw::Attribute name, dw::Form form, Value value = uint64_t(0)) {
    attributes.push_back({name, form, std::move(value)});
    return *this;
  }
};

// The entries of one compile unit, written with their abbreviations, each shape once.
class UnitWriter {
 public:
  UnitWriter(llvm::MCContext &ctx, llvm::MCStreamer &out, unsigned version) : ctx_(ctx), out_(out), version_(version) {}

  size_t add(dw::Tag tag) {
    dies_.push_back(Die{tag, {}, {}, nullptr});
    return dies_.size() - 1;
  }
  Die &operator[](size_t i) { return dies_[i]; }
  llvm::MCSymbol *labelOf(size_t i) {
    if (!dies_[i].label) dies_[i].label = ctx_.createTempSymbol();
    return dies_[i].label;
  }

  void write(size_t root) {
    const llvm::MCObjectFileInfo &info = *ctx_.getObjectFileInfo();
    llvm::MCSymbol *abbrevBegin = ctx_.createTempSymbol();
    out_.switchSection(info.getDwarfInfoSection());
    llvm::MCSymbol *unitBegin = ctx_.createTempSymbol(), *afterLength = ctx_.createTempSymbol(),
                   *unitEnd = ctx_.createTempSymbol();
    unitBegin_ = unitBegin;
    out_.emitLabel(unitBegin);
    out_.emitAbsoluteSymbolDiff(unitEnd, afterLength, 4);  // unit_length
    out_.emitLabel(afterLength);
    out_.emitIntValue(version_, 2);
    if (version_ >= 5) {
      out_.emitIntValue(dw::DW_UT_compile, 1);
      out_.emitIntValue(4, 1);               // address_size
      out_.emitSymbolValue(abbrevBegin, 4);  // debug_abbrev_offset
    } else {
      out_.emitSymbolValue(abbrevBegin, 4);
      out_.emitIntValue(4, 1);
    }
    writeDie(root);
    out_.emitLabel(unitEnd);

    out_.switchSection(info.getDwarfAbbrevSection());
    out_.emitLabel(abbrevBegin);
    for (size_t code = 1; code <= shapes_.size(); ++code) {
      const Shape &shape = *shapeByCode_[code - 1];
      out_.emitULEB128IntValue(code);
      out_.emitULEB128IntValue(shape.tag);
      out_.emitIntValue(shape.hasChildren ? dw::DW_CHILDREN_yes : dw::DW_CHILDREN_no, 1);
      for (auto [name, form] : shape.attributes) {
        out_.emitULEB128IntValue(name);
        out_.emitULEB128IntValue(form);
      }
      out_.emitIntValue(0, 2);
    }
    out_.emitIntValue(0, 1);
  }

 private:
  struct Shape {
    dw::Tag tag;
    bool hasChildren;
    std::vector<std::pair<dw::Attribute, dw::Form>> attributes;
    bool operator<(const Shape &o) const {
      return std::tie(tag, hasChildren, attributes) < std::tie(o.tag, o.hasChildren, o.attributes);
    }
  };

  unsigned codeOf(const Die &die) {
    Shape shape{die.tag, !die.children.empty(), {}};
    for (const Die::Attribute &a : die.attributes) shape.attributes.push_back({a.name, a.form});
    auto [it, inserted] = shapes_.emplace(shape, unsigned(shapes_.size() + 1));
    if (inserted) shapeByCode_.push_back(&it->first);
    return it->second;
  }

  void writeDie(size_t i) {
    const Die &die = dies_[i];
    if (die.label) out_.emitLabel(die.label);
    out_.emitULEB128IntValue(codeOf(die));
    for (const Die::Attribute &a : die.attributes) writeValue(a);
    if (die.children.empty()) return;
    for (size_t child : die.children) writeDie(child);
    out_.emitIntValue(0, 1);
  }

  void writeValue(const Die::Attribute &a) {
    switch (a.form) {
      case dw::DW_FORM_string: {
        const std::string &s = std::get<std::string>(a.value);
        out_.emitBytes(llvm::StringRef(s.c_str(), s.size() + 1));
        return;
      }
      case dw::DW_FORM_data1: return out_.emitIntValue(std::get<uint64_t>(a.value), 1);
      case dw::DW_FORM_data2: return out_.emitIntValue(std::get<uint64_t>(a.value), 2);
      case dw::DW_FORM_udata: out_.emitULEB128IntValue(std::get<uint64_t>(a.value)); return;
      case dw::DW_FORM_flag_present: return;
      case dw::DW_FORM_addr:
      case dw::DW_FORM_sec_offset: return out_.emitSymbolValue(std::get<llvm::MCSymbol *>(a.value), 4);
      case dw::DW_FORM_data4: {
        const Die::Diff &d = std::get<Die::Diff>(a.value);
        return out_.emitAbsoluteSymbolDiff(d.hi, d.lo, 4);
      }
      case dw::DW_FORM_ref4:
        return out_.emitAbsoluteSymbolDiff(labelOf(std::get<Die::Ref>(a.value).die), unitBegin_, 4);
      case dw::DW_FORM_exprloc: {
        const std::string &expr = std::get<std::string>(a.value);
        out_.emitULEB128IntValue(expr.size());
        return out_.emitBytes(expr);
      }
      default: break;
    }
    assert(false && "a form the unit writer does not write");
  }

  llvm::MCContext &ctx_;
  llvm::MCStreamer &out_;
  std::vector<Die> dies_;
  std::map<Shape, unsigned> shapes_;
  std::vector<const Shape *> shapeByCode_;
  unsigned version_;
  llvm::MCSymbol *unitBegin_ = nullptr;
};

// "dir/file.c:LINE" -> ("dir/file.c", LINE).
std::pair<std::string, unsigned> splitFileLine(const std::string &fileLine) {
  size_t colon = fileLine.rfind(':');
  if (colon == std::string::npos) return {fileLine, 0};
  return {fileLine.substr(0, colon), unsigned(std::strtoul(fileLine.c_str() + colon + 1, nullptr, 10))};
}

std::pair<std::string, std::string> splitPath(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash ? slash : 1), path.substr(slash + 1)};
}

// ARM's DWARF register numbers are the core register numbers (r0-r15 = 0-15).
constexpr unsigned kLr = 14;

}  // namespace

DebugInfo::DebugInfo(const Program &program, llvm::MCContext &ctx, llvm::MCStreamer &streamer, const std::string &input,
                     const std::string &producer, unsigned version)
    : ctx_(ctx), streamer_(streamer), version_(version), producer_(producer) {
  assert((version == 4 || version == 5) && "DWARF 4 or 5");
  ctx_.setDwarfVersion(uint16_t(version));
  std::map<std::string, unsigned> fileNumbers;
  positions_.resize(program.sourcePositions.size());
  for (size_t i = 1; i < program.sourcePositions.size(); ++i) {
    auto [file, line] = splitFileLine(program.sourcePositions[i].fileLine);
    if (file.empty() || line == 0) continue;
    auto [it, inserted] = fileNumbers.emplace(file, unsigned(files_.size() + 1));
    if (inserted) files_.push_back(file);
    positions_[i] = Position{it->second, line, program.sourcePositions[i].column};
  }
  // DWARF 5 names the unit's file as file 0 of the line table. MC numbers the files
  // (number 0 asks it to): the unit's file is 0 in DWARF 5, the first is 1 in DWARF 4.
  if (version_ >= 5 && !files_.empty()) {
    auto [dir, name] = splitPath(files_[0]);
    streamer_.emitDwarfFile0Directive(dir, name, std::nullopt, std::nullopt);
  }
  for (const std::string &file : files_) {
    auto [dir, name] = splitPath(file);
    lineTableFiles_.push_back(streamer_.emitDwarfFileDirective(0, dir, name));
  }
  compDir_ = files_.empty() ? "" : splitPath(files_[0]).first;
  unitName_ = files_.empty() ? input : files_[0];
  streamer_.emitCFISections(/*EH=*/false, /*Debug=*/true);
  textBegin_ = ctx_.createTempSymbol();
  streamer_.emitLabel(textBegin_);
}

void DebugInfo::emitLoc(const Position &position, unsigned flags) {
  streamer_.emitDwarfLocDirective(lineTableFiles_[position.file - 1], position.line, position.column, flags, 0, 0, "");
}

void DebugInfo::beginFunction(const Function &fn, bool describe) {
  current_ = &fn;
  describeCurrent_ = describe;
  prologueDone_ = !describe;  // the wrapper's code is all prologue: no marker
  currentBegin_ = ctx_.createTempSymbol();
  streamer_.emitLabel(currentBegin_);
  streamer_.emitCFIStartProc(/*IsSimple=*/false);
  lastLine_ = fn.insns.empty() ? 0 : fn.insns[0].line;
  if (positions_[lastLine_].file) {
    emitLoc(positions_[lastLine_], DWARF2_FLAG_IS_STMT);
  } else if (!files_.empty()) {
    leaveFunctions();  // no line of its own: not the last line of the function before
  }
}

void DebugInfo::endFunction() {
  assert(current_ && "endFunction after beginFunction");
  llvm::MCSymbol *end = ctx_.createTempSymbol();
  streamer_.emitLabel(end);
  streamer_.emitCFIEndProc();
  if (!describeCurrent_) {
    wrapper_ = Range{current_, currentBegin_, end};
  } else if (wrapper_.fn == current_) {
    subprograms_.push_back(Range{current_, currentBegin_, end, wrapper_.begin, wrapper_.end});
  } else {
    subprograms_.push_back(Range{current_, currentBegin_, end});
  }
  current_ = nullptr;
}

void DebugInfo::locate(uint32_t bpfInsn) {
  if (!current_ || bpfInsn == ~0u) return;
  assert(bpfInsn < current_->insns.size());
  uint32_t line = current_->insns[bpfInsn].line;
  if (!positions_[line].file) return;
  if (prologueDone_ && line == lastLine_) return;
  emitLoc(positions_[line], DWARF2_FLAG_IS_STMT | (prologueDone_ ? 0 : DWARF2_FLAG_PROLOGUE_END));
  prologueDone_ = true;
  lastLine_ = line;
}

void DebugInfo::pushed(uint16_t registers, unsigned offset) {
  streamer_.emitCFIDefCfaOffset(offset);
  int slot = -int(offset);
  for (unsigned r = 0; r <= kLr; ++r) {
    if (!(registers & (1u << r))) continue;
    // r12 pads the push to 8 bytes (emit_mir.h): nothing to restore.
    if (r != 12) streamer_.emitCFIOffset(r, slot);
    slot += 4;
  }
}

void DebugInfo::cfaOffset(unsigned offset) { streamer_.emitCFIDefCfaOffset(offset); }

void DebugInfo::beginEpilogue() { streamer_.emitCFIRememberState({}); }

void DebugInfo::endEpilogue() { streamer_.emitCFIRestoreState({}); }

void DebugInfo::leaveFunctions() {
  if (!files_.empty()) emitLoc(Position{1, 0, 0}, 0);  // line 0: no source line
}

void DebugInfo::finish() {
  const llvm::MCObjectFileInfo &info = *ctx_.getObjectFileInfo();
  streamer_.switchSection(info.getTextSection());
  llvm::MCSymbol *textEnd = ctx_.createTempSymbol();
  streamer_.emitLabel(textEnd);

  UnitWriter unit(ctx_, streamer_, version_);
  size_t cu = unit.add(dw::DW_TAG_compile_unit);
  unit[cu]
      .add(dw::DW_AT_producer, dw::DW_FORM_string, producer_)
      .add(dw::DW_AT_language, dw::DW_FORM_data2, uint64_t(dw::DW_LANG_C11))
      .add(dw::DW_AT_name, dw::DW_FORM_string, unitName_);
  if (!compDir_.empty()) unit[cu].add(dw::DW_AT_comp_dir, dw::DW_FORM_string, compDir_);
  if (!files_.empty()) unit[cu].add(dw::DW_AT_stmt_list, dw::DW_FORM_sec_offset, streamer_.getDwarfLineTableSymbol(0));
  unit[cu]
      .add(dw::DW_AT_low_pc, dw::DW_FORM_addr, textBegin_)
      .add(dw::DW_AT_high_pc, dw::DW_FORM_data4, Die::Diff{textEnd, textBegin_});

  // Types of results and parameters, each once: base types by spelling, pointers untyped
  // (the pointee's type would need the whole BTF type graph).
  std::map<std::string, size_t> types;
  auto typeOf = [&](const abi::CType &type) {
    std::string key = type.kind == abi::TypeKind::Pointer ? "*" : type.spelling;
    auto found = types.find(key);
    if (found != types.end()) return found->second;
    size_t die;
    if (type.kind == abi::TypeKind::Pointer) {
      die = unit.add(dw::DW_TAG_pointer_type);
      unit[die].add(dw::DW_AT_byte_size, dw::DW_FORM_data1, uint64_t(4));
    } else {
      bool isBool = type.spelling == "_Bool" || type.spelling == "bool";
      bool isChar = type.size == 1 && type.spelling.find("char") != std::string::npos;
      unsigned encoding = isBool ? dw::DW_ATE_boolean
                          : isChar ? (type.isSigned ? dw::DW_ATE_signed_char : dw::DW_ATE_unsigned_char)
                                   : (type.isSigned ? dw::DW_ATE_signed : dw::DW_ATE_unsigned);
      die = unit.add(dw::DW_TAG_base_type);
      unit[die]
          .add(dw::DW_AT_name, dw::DW_FORM_string, type.spelling)
          .add(dw::DW_AT_encoding, dw::DW_FORM_data1, uint64_t(encoding))
          .add(dw::DW_AT_byte_size, dw::DW_FORM_data1, uint64_t(type.armSize()));
    }
    types.emplace(key, die);
    return die;
  };

  std::vector<size_t> children;
  RangeLists ranges;
  for (const Range &range : subprograms_) {
    const Function &fn = *range.fn;
    size_t sp = unit.add(dw::DW_TAG_subprogram);
    unit[sp].add(dw::DW_AT_name, dw::DW_FORM_string, fn.name);
    if (range.entryBegin) {
      // The body first: gdb puts a breakpoint on the function at the entry of its first
      // range, where bpf-to-bpf calls arrive too.
      llvm::MCSymbol *list = ctx_.createTempSymbol();
      ranges.push_back({list, {{range.begin, range.end}, {range.entryBegin, range.entryEnd}}});
      unit[sp].add(dw::DW_AT_ranges, dw::DW_FORM_sec_offset, list);
    } else {
      unit[sp]
          .add(dw::DW_AT_low_pc, dw::DW_FORM_addr, range.begin)
          .add(dw::DW_AT_high_pc, dw::DW_FORM_data4, Die::Diff{range.end, range.begin});
    }
    unit[sp]
        // The CFA is what gdb's frame base should be: no frame pointer here.
        .add(dw::DW_AT_frame_base, dw::DW_FORM_exprloc, std::string(1, char(dw::DW_OP_call_frame_cfa)));
    const Position &decl = positions_[fn.insns.empty() ? 0 : fn.insns[0].line];
    if (decl.file)
      unit[sp].add(dw::DW_AT_decl_file, dw::DW_FORM_udata, uint64_t(lineTableFiles_[decl.file - 1]))
          .add(dw::DW_AT_decl_line, dw::DW_FORM_udata, uint64_t(decl.line));
    if (fn.hasBtfPrototype) {
      unit[sp].add(dw::DW_AT_prototyped, dw::DW_FORM_flag_present);
      if (!fn.prototype.result.isVoid()) {
        size_t result = typeOf(fn.prototype.result);  // (adding an entry moves the others)
        unit[sp].add(dw::DW_AT_type, dw::DW_FORM_ref4, Die::Ref{result});
      }
      for (size_t p = 0; p < fn.prototype.params.size(); ++p) {
        size_t type = typeOf(fn.prototype.params[p]);
        size_t param = unit.add(dw::DW_TAG_formal_parameter);
        const std::string name = p < fn.prototype.paramNames.size() ? fn.prototype.paramNames[p] : "";
        if (!name.empty()) unit[param].add(dw::DW_AT_name, dw::DW_FORM_string, name);
        unit[param].add(dw::DW_AT_type, dw::DW_FORM_ref4, Die::Ref{type});
        unit[sp].children.push_back(param);
      }
    }
    if (fn.isGlobal) unit[sp].add(dw::DW_AT_external, dw::DW_FORM_flag_present);
    children.push_back(sp);
  }
  for (const auto &[key, die] : types) children.push_back(die);
  unit[cu].children = std::move(children);
  unit.write(cu);

  if (!ranges.empty()) writeRanges(ranges);
}

// DWARF 4: .debug_ranges, pairs of offsets from the unit's low_pc, then a pair of zeros.
// DWARF 5: .debug_rnglists, a header, then DW_RLE_offset_pair entries (offsets from the
// unit's low_pc, ULEB128) and DW_RLE_end_of_list.
void DebugInfo::writeRanges(const RangeLists &lists) {
  const llvm::MCObjectFileInfo &info = *ctx_.getObjectFileInfo();
  if (version_ < 5) {
    streamer_.switchSection(info.getDwarfRangesSection());
    for (const auto &[list, pairs] : lists) {
      streamer_.emitLabel(list);
      for (auto [begin, end] : pairs) {
        streamer_.emitAbsoluteSymbolDiff(begin, textBegin_, 4);
        streamer_.emitAbsoluteSymbolDiff(end, textBegin_, 4);
      }
      streamer_.emitIntValue(0, 4);
      streamer_.emitIntValue(0, 4);
    }
    return;
  }
  streamer_.switchSection(info.getDwarfRnglistsSection());
  llvm::MCSymbol *afterLength = ctx_.createTempSymbol(), *end = ctx_.createTempSymbol();
  streamer_.emitAbsoluteSymbolDiff(end, afterLength, 4);  // unit_length
  streamer_.emitLabel(afterLength);
  streamer_.emitIntValue(5, 2);  // version
  streamer_.emitIntValue(4, 1);  // address_size
  streamer_.emitIntValue(0, 1);  // segment_selector_size
  streamer_.emitIntValue(0, 4);  // offset_entry_count: lists are reached by DW_FORM_sec_offset
  for (const auto &[list, pairs] : lists) {
    streamer_.emitLabel(list);
    for (auto [begin, stop] : pairs) {
      streamer_.emitIntValue(dw::DW_RLE_offset_pair, 1);
      streamer_.emitAbsoluteSymbolDiffAsULEB128(begin, textBegin_);
      streamer_.emitAbsoluteSymbolDiffAsULEB128(stop, textBegin_);
    }
    streamer_.emitIntValue(dw::DW_RLE_end_of_list, 1);
  }
  streamer_.emitLabel(end);
}

}  // namespace bpf2arm::arm
