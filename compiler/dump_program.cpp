#include "program.h"

#include <sstream>

namespace bpf2arm {

unsigned Function::numSlots() const {
  unsigned n = 0;
  for (const BasicBlock &b : blocks)
    for (const Instruction &i : b.insns) n += i.insn.slots();
  return n;
}

namespace {

std::string prototypeText(const abi::Prototype &proto) {
  std::string s = proto.result.spelling + " (";
  for (size_t i = 0; i < proto.params.size(); ++i) s += (i ? ", " : "") + proto.params[i].spelling;
  return s + ")";
}

}  // namespace

std::string dumpProgram(const Program &program) {
  std::ostringstream out;
  for (const DataSection &sec : program.data)
    out << "data " << sec.name << " " << sec.size << " bytes" << (sec.writable ? "" : " read-only") << "\n";
  for (const MapDef &m : program.maps)
    out << "map " << m.name << " type " << m.type << " key " << m.keySize << " value " << m.valueSize
        << " max_entries " << m.maxEntries << "\n";
  for (const Function &fn : program.functions) {
    out << "function " << fn.name << (fn.isGlobal ? " global" : " static") << " section " << fn.section
        << "+" << fn.sectionOffset << "\n  prototype " << prototypeText(fn.prototype)
        << (fn.hasBtfPrototype ? " (BTF)" : " (no BTF)") << "\n  stack " << fn.stackSize << " bytes\n";
    for (const BasicBlock &block : fn.blocks) {
      out << "  block " << block.id << ":\n";
      for (const Instruction &ins : block.insns) {
        out << "    " << ins.slot << ": " << bpf::disassemble(ins.insn);
        if (ins.targetBlock >= 0) out << "  -> block " << ins.targetBlock;
        switch (ins.call.kind) {
          case CallTarget::Local: out << "  -> " << program.functions[ins.call.function].name; break;
          case CallTarget::Helper: out << "  -> helper " << ins.call.helperId; break;
          case CallTarget::Extern: out << "  -> extern " << ins.call.symbol; break;
          case CallTarget::None: break;
        }
        switch (ins.address.kind) {
          case AddressRef::Map: out << "  -> map " << program.maps[ins.address.index].name; break;
          case AddressRef::Data:
            out << "  -> " << program.data[ins.address.index].name
                << "+" << ins.address.addend << (ins.address.symbol.empty() ? "" : " (" + ins.address.symbol + ")");
            break;
          case AddressRef::Extern: out << "  -> extern " << ins.address.symbol << "+" << ins.address.addend; break;
          case AddressRef::None: break;
        }
        if (ins.upperZero) {
          out << "  [hi=0:";
          for (unsigned r = 0; r < bpf::NUM_REGS; ++r)
            if (ins.hiKnownZero(r)) out << " r" << r;
          out << "]";
        }
        if (ins.upperLiveAfter != 0xffff) {
          out << "  [hi live after:";
          for (unsigned r = 0; r < bpf::NUM_REGS; ++r)
            if (ins.hiLiveAfter(r)) out << " r" << r;
          out << "]";
        }
        if (!ins.line.empty()) out << "  ; " << ins.line;
        out << "\n";
      }
      if (block.fallthrough >= 0) out << "    falls through to block " << block.fallthrough << "\n";
    }
  }
  return out.str();
}

}  // namespace bpf2arm
