#include "program.h"

#include <sstream>

namespace bpf2arm {

namespace {

std::string prototypeText(const abi::Prototype &proto) {
  std::string s = proto.result.spelling + " (";
  for (size_t i = 0; i < proto.params.size(); ++i) s += (i ? ", " : "") + proto.params[i].spelling;
  return s + ")";
}

}  // namespace

std::string describeInstruction(const Program &program, const Function &fn, uint32_t k) {
  const Instruction &ins = fn.insns[k];
  std::ostringstream out;
  out << ins.slot << ": " << bpf::disassemble(ins.insn);
  if (ins.targetBlock >= 0) out << "  -> block " << ins.targetBlock;
  if (ins.insn.isCall()) {
    const CallTarget &call = fn.callOf(ins);
    switch (call.kind) {
      case CallTarget::Local: out << "  -> " << program.functions[call.function].name; break;
      case CallTarget::Helper: out << "  -> helper " << call.helperId << " (" << call.symbol << ")"; break;
      case CallTarget::Extern: out << "  -> extern " << call.symbol; break;
      case CallTarget::None: break;
    }
  }
  if (const AddressRef *address = fn.addressOf(ins)) {
    switch (address->kind) {
      case AddressRef::Map: out << "  -> map " << program.maps[address->index].name; break;
      case AddressRef::Data:
        out << "  -> " << program.data[address->index].name << "+" << address->addend
            << (address->symbol.empty() ? "" : " (" + address->symbol + ")");
        break;
      case AddressRef::Extern: out << "  -> extern " << address->symbol << "+" << address->addend; break;
      case AddressRef::Function: out << "  -> C entry of " << program.functions[address->index].name; break;
      case AddressRef::None: break;
    }
  }
  return out.str();
}

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
      for (uint32_t k = block.first; k < block.end; ++k) {
        out << "    " << describeInstruction(program, fn, k);
        if (fn.hiZeroMaskBefore(k)) {
          out << "  [hi=0:";
          for (unsigned r = 0; r < bpf::NUM_REGS; ++r)
            if (fn.hiKnownZero(k, r)) out << " r" << r;
          out << "]";
        }
        if (!fn.upperLive.empty()) {
          out << "  [hi live after:";
          for (unsigned r = 0; r < bpf::NUM_REGS; ++r)
            if (fn.hiLiveAfter(k, r)) out << " r" << r;
          out << "]";
        }
        if (const Instruction &ins = fn.insns[k]; ins.line) out << "  ; " << program.lineOf(ins);
        out << "\n";
      }
      if (block.fallthrough >= 0) out << "    falls through to block " << block.fallthrough << "\n";
    }
  }
  return out.str();
}

}  // namespace bpf2arm
