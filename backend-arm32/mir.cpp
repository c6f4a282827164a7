#include "mir.h"

#include <llvm/MC/MCSymbol.h>

#include <cassert>

namespace bpf2arm::arm::mir {

const char *opcodeName(Opcode op) {
  switch (op) {
    case Opcode::Add: return "add";
    case Opcode::Adc: return "adc";
    case Opcode::Sub: return "sub";
    case Opcode::Sbc: return "sbc";
    case Opcode::Rsb: return "rsb";
    case Opcode::Rsc: return "rsc";
    case Opcode::And: return "and";
    case Opcode::Orr: return "orr";
    case Opcode::Eor: return "eor";
    case Opcode::Bic: return "bic";
    case Opcode::Mov: return "mov";
    case Opcode::Mvn: return "mvn";
    case Opcode::Cmp: return "cmp";
    case Opcode::Cmn: return "cmn";
    case Opcode::Tst: return "tst";
    case Opcode::Teq: return "teq";
    case Opcode::MovConst: return "movconst";
    case Opcode::Mul: return "mul";
    case Opcode::Mla: return "mla";
    case Opcode::Mls: return "mls";
    case Opcode::Umull: return "umull";
    case Opcode::Smull: return "smull";
    case Opcode::Umlal: return "umlal";
    case Opcode::Smlal: return "smlal";
    case Opcode::Udiv: return "udiv";
    case Opcode::Sdiv: return "sdiv";
    case Opcode::Clz: return "clz";
    case Opcode::Rev: return "rev";
    case Opcode::Rev16: return "rev16";
    case Opcode::Rbit: return "rbit";
    case Opcode::Sxtb: return "sxtb";
    case Opcode::Sxth: return "sxth";
    case Opcode::Uxtb: return "uxtb";
    case Opcode::Uxth: return "uxth";
    case Opcode::Ubfx: return "ubfx";
    case Opcode::Sbfx: return "sbfx";
    case Opcode::Bfi: return "bfi";
    case Opcode::Load: return "ldr";
    case Opcode::Store: return "str";
    case Opcode::Ldrex: return "ldrex";
    case Opcode::Strex: return "strex";
    case Opcode::Ldrexd: return "ldrexd";
    case Opcode::Strexd: return "strexd";
    case Opcode::Clrex: return "clrex";
    case Opcode::Dmb: return "dmb";
    case Opcode::AddressOf: return "addressof";
    case Opcode::FrameAddress: return "frameaddress";
    case Opcode::Branch: return "b";
    case Opcode::Call: return "call";
    case Opcode::Return: return "return";
    case Opcode::AtomicRmw: return "atomicrmw";
  }
  return "?";
}

uint32_t Function::symbolIndex(llvm::MCSymbol *symbol) {
  for (uint32_t i = 0; i < symbols.size(); ++i)
    if (symbols[i] == symbol) return i;
  symbols.push_back(symbol);
  return uint32_t(symbols.size() - 1);
}

void Function::computeSuccessors() {
  for (size_t b = 0; b < blocks.size(); ++b) {
    Block &block = blocks[b];
    block.succs.clear();
    bool fallsThrough = true;
    for (const Inst &inst : block.insts) {
      if (inst.op == Opcode::Branch) {
        block.succs.push_back(inst.target);
        if (inst.cond == Cond::AL) fallsThrough = false;
      }
      if (inst.op == Opcode::Return && inst.cond == Cond::AL) fallsThrough = false;
    }
    if (fallsThrough && b + 1 < blocks.size()) block.succs.push_back(uint32_t(b + 1));
  }
}

namespace {

const char *condName(Cond c) {
  static const char *names[] = {"eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", ""};
  return names[unsigned(c)];
}

const char *shiftName(Shift s) {
  switch (s) {
    case Shift::ASR: return "asr";
    case Shift::LSL: return "lsl";
    case Shift::LSR: return "lsr";
    case Shift::ROR: return "ror";
  }
  return "?";
}

std::string regName(VReg r) {
  static const char *names[] = {"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
                                "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc"};
  if (r == kNoReg) return "-";
  if (isPhysical(r)) return names[r];
  return "%" + std::to_string(r - kFirstVirtual);
}

std::string maskText(uint16_t mask) {
  std::string text;
  for (unsigned r = 0; r < 16; ++r)
    if (mask & (1u << r)) text += (text.empty() ? "" : ",") + regName(r);
  return "{" + text + "}";
}

const char *frameName(FrameObject f) {
  switch (f) {
    case FrameObject::None: return "";
    case FrameObject::BpfStack: return "r10";
    case FrameObject::SpillSlot: return "spill";
    case FrameObject::OutgoingArgs: return "outargs";
    case FrameObject::IncomingArgs: return "inargs";
  }
  return "?";
}

}  // namespace

std::string print(const Inst &inst, const Function &fn) {
  std::string text = opcodeName(inst.op);
  if (inst.op == Opcode::Load || inst.op == Opcode::Store)
    text += inst.bytes == 1 ? (inst.signExtend ? "sb" : "b") : inst.bytes == 2 ? (inst.signExtend ? "sh" : "h") : "";
  if (inst.setFlags) text += "s";
  text += condName(inst.cond);
  std::string ops;
  auto add = [&](const std::string &s) { ops += (ops.empty() ? " " : ", ") + s; };
  auto op2 = [&] {
    if (inst.b == kNoReg) return add("#" + std::to_string(inst.imm));
    std::string s = regName(inst.b);
    if (inst.shiftByRegister) s += std::string(" ") + shiftName(inst.shift) + " " + regName(inst.c);
    else if (inst.shiftAmount) s += std::string(" ") + shiftName(inst.shift) + " #" + std::to_string(inst.shiftAmount);
    add(s);
  };
  auto address = [&] {
    if (inst.frame != FrameObject::None) return add(std::string("[") + frameName(inst.frame) + " " + std::to_string(inst.imm) + "]");
    std::string s = "[" + regName(inst.a);
    if (inst.writeback == Writeback::Post) return add(s + "], #" + std::to_string(inst.imm));
    if (inst.writeback == Writeback::Pre) return add(s + ", #" + std::to_string(inst.imm) + "]!");
    if (inst.b != kNoReg) {
      s += ", " + regName(inst.b);
      if (inst.shiftAmount) s += " lsl #" + std::to_string(inst.shiftAmount);
    } else if (inst.imm) {
      s += ", #" + std::to_string(inst.imm);
    }
    add(s + "]");
  };
  auto symbol = [&]() -> std::string {
    return inst.symbol < fn.symbols.size() && fn.symbols[inst.symbol] ? fn.symbols[inst.symbol]->getName().str() : "?";
  };
  switch (inst.op) {
    case Opcode::Add: case Opcode::Adc: case Opcode::Sub: case Opcode::Sbc: case Opcode::Rsb: case Opcode::Rsc:
    case Opcode::And: case Opcode::Orr: case Opcode::Eor: case Opcode::Bic:
      add(regName(inst.dst));
      add(regName(inst.a));
      op2();
      break;
    case Opcode::Mov: case Opcode::Mvn:
      add(regName(inst.dst));
      op2();
      break;
    case Opcode::Cmp: case Opcode::Cmn: case Opcode::Tst: case Opcode::Teq:
      add(regName(inst.a));
      op2();
      break;
    case Opcode::MovConst:
      add(regName(inst.dst));
      add("#" + std::to_string(uint32_t(inst.imm)));
      break;
    case Opcode::Umull: case Opcode::Smull: case Opcode::Umlal: case Opcode::Smlal:
      add(regName(inst.dst));
      add(regName(inst.dst2));
      add(regName(inst.a));
      add(regName(inst.b));
      break;
    case Opcode::Clz: case Opcode::Rev: case Opcode::Rev16: case Opcode::Rbit: case Opcode::Sxtb: case Opcode::Sxth:
    case Opcode::Uxtb: case Opcode::Uxth:
      add(regName(inst.dst));
      add(regName(inst.b));
      break;
    case Opcode::Ubfx: case Opcode::Sbfx: case Opcode::Bfi:
      add(regName(inst.dst));
      add(regName(inst.a));
      add("#" + std::to_string(inst.imm));
      add("#" + std::to_string(inst.width));
      break;
    case Opcode::Load: case Opcode::Ldrex:
      add(regName(inst.dst));
      address();
      break;
    case Opcode::Ldrexd:
      add(regName(inst.dst));
      add(regName(inst.dst2));
      address();
      break;
    case Opcode::Store:
      add(regName(inst.c));
      address();
      break;
    case Opcode::Strex:
      add(regName(inst.dst));
      add(regName(inst.c));
      address();
      break;
    case Opcode::Strexd:
      add(regName(inst.dst));
      add(regName(inst.c));
      add(regName(inst.b));
      add("[" + regName(inst.a) + "]");
      break;
    case Opcode::Clrex: case Opcode::Dmb: break;
    case Opcode::AddressOf:
      add(regName(inst.dst));
      add(symbol() + (inst.viaGot ? "(GOT)" : "") + (inst.imm ? "+" + std::to_string(inst.imm) : ""));
      break;
    case Opcode::FrameAddress:
      add(regName(inst.dst));
      add(std::string(frameName(inst.frame)) + " " + std::to_string(inst.imm));
      break;
    case Opcode::Branch: add(".B" + std::to_string(inst.target)); break;
    case Opcode::Call:
      add(inst.symbol != kNoSymbol ? symbol() : regName(inst.a));
      add("uses " + maskText(inst.implicitUses));
      add("defs " + maskText(inst.implicitDefs));
      break;
    case Opcode::Return: add("uses " + maskText(inst.implicitUses)); break;
    case Opcode::AtomicRmw:
      add("op " + std::to_string(inst.imm) + ", " + std::to_string(inst.bytes) + " bytes");
      for (VReg r : {inst.dst, inst.dst2, inst.a, inst.b, inst.c})
        if (r != kNoReg) add(regName(r));
      add("uses " + maskText(inst.implicitUses));
      add("defs " + maskText(inst.implicitDefs));
      break;
    case Opcode::Mul: case Opcode::Udiv: case Opcode::Sdiv:
      add(regName(inst.dst));
      add(regName(inst.a));
      add(regName(inst.b));
      break;
    case Opcode::Mla: case Opcode::Mls:
      add(regName(inst.dst));
      add(regName(inst.a));
      add(regName(inst.b));
      add(regName(inst.c));
      break;
  }
  return text + ops;
}

std::string print(const Function &fn) {
  std::string text = "function " + fn.name + ":\n";
  for (size_t b = 0; b < fn.blocks.size(); ++b) {
    const Block &block = fn.blocks[b];
    text += ".B" + std::to_string(b) + ":";
    if (block.loopDepth) text += "  ; loop depth " + std::to_string(block.loopDepth);
    if (!block.succs.empty()) {
      text += "  ; succs";
      for (uint32_t s : block.succs) text += " .B" + std::to_string(s);
    }
    text += "\n";
    for (const Inst &inst : block.insts) text += "    " + print(inst, fn) + "\n";
  }
  return text;
}

}  // namespace bpf2arm::arm::mir
