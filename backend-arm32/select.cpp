// The frame of selection: registers, the entry, the walk over the blocks, and the small
// builders the families share. The families are in select_*.cpp (see select.h).
#include "select.h"

#include <algorithm>
#include <cassert>

#include "abi/aapcs.h"

namespace bpf2arm::arm {

using mir::Inst;
using mir::kNoReg;

Selector::Selector(const Program &program, const Function &fn, const ArmTarget &target, ObjectSymbols &symbols)
    : program_(program), fn_(fn), target_(target), symbols_(symbols) {
  out_.name = fn.name;
  for (unsigned r = 0; r < 10; ++r) {
    regLo_[r] = out_.newReg();
    regHi_[r] = out_.newReg();
  }
}

Status Selector::fail(const Instruction &ins, std::string message) const {
  return program_.errorAtInstruction(fn_, ins, std::move(message));
}

llvm::MCSymbol *Selector::routine(Routine r) {
  symbols_.usesRoutines = true;
  return symbols_.routines[size_t(r)];
}

// ---- BPF registers ------------------------------------------------------------------

bool Selector::hiKnownZero(unsigned bpfReg) const {
  return bpfReg == bpf::R10 || (current_ != kNoInsn && fn_.hiKnownZero(current_, bpfReg));
}

bool Selector::hiKnownZeroAfter(unsigned bpfReg) const {
  return current_ != kNoInsn && fn_.hiKnownZeroAfter(current_, bpfReg);
}

bool Selector::hiDeadAfter(unsigned bpfReg) const {
  return current_ != kNoInsn && !fn_.hiLiveAfter(current_, bpfReg);
}

mir::VReg Selector::readLo(unsigned bpfReg) {
  if (bpfReg != bpf::R10) return lo(bpfReg);
  Inst address{Opcode::FrameAddress};
  address.dst = temp();
  address.frame = mir::FrameObject::BpfStack;
  return emit(address).dst;
}

mir::VReg Selector::readHi(unsigned bpfReg) {
  return hiKnownZero(bpfReg) ? constant(0) : hi(bpfReg);
}

void Selector::writeHiZero(unsigned bpfReg) {
  if (hiKnownZero(bpfReg) || hiDeadAfter(bpfReg)) return;
  moveConstant(hi(bpfReg), 0);
}

void Selector::writeHiSign(unsigned bpfReg, VReg loHalf) {
  if (hiDeadAfter(bpfReg)) return;
  Inst sign{Opcode::Mov};
  sign.dst = hi(bpfReg);
  sign.b = loHalf;
  sign.shift = Shift::ASR;
  sign.shiftAmount = 31;
  emit(sign);
}

// ---- building instructions ------------------------------------------------------------

Inst &Selector::emit(Inst inst) {
  if (current_ != kNoInsn) inst.bpfInsn = uint32_t(current_);
  std::vector<Inst> &insts = out_.blocks[block_].insts;
  insts.push_back(inst);
  return insts.back();
}

Inst &Selector::emit(Opcode op, VReg dst, VReg a, VReg b, Cond cond, bool setFlags) {
  Inst inst{op};
  inst.dst = dst;
  inst.a = a;
  inst.b = b;
  inst.cond = cond;
  inst.setFlags = setFlags;
  return emit(inst);
}

void Selector::move(VReg dst, VReg src, Cond cond) {
  if (dst == src && cond == Cond::AL) return;
  emit(Opcode::Mov, dst, kNoReg, src, cond);
}

void Selector::moveConstant(VReg dst, uint32_t value, Cond cond) {
  if (target_.fits().immediate(value) || cond != Cond::AL) {
    // Conditional constants must be one instruction: mov, or mvn of the complement.
    Inst inst{target_.fits().immediate(value) ? Opcode::Mov : Opcode::Mvn};
    inst.dst = dst;
    inst.cond = cond;
    inst.imm = int32_t(inst.op == Opcode::Mov ? value : ~value);
    if (inst.op == Opcode::Mvn && !target_.fits().immediate(~value)) {
      // Neither form: build it unconditionally in a temporary, then move it.
      VReg t = constant(value);
      move(dst, t, cond);
      return;
    }
    emit(inst);
    return;
  }
  Inst inst{Opcode::MovConst};
  inst.dst = dst;
  inst.imm = int32_t(value);
  emit(inst);
}

void Selector::loadIncomingWord(VReg dst, unsigned offset) {
  Inst load{Opcode::Load};
  load.dst = dst;
  load.bytes = 4;
  load.frame = mir::FrameObject::IncomingArgs;
  load.imm = int32_t(offset);
  emit(load);
}

mir::VReg Selector::constant(uint32_t value) {
  VReg t = temp();
  moveConstant(t, value);
  return t;
}

Inst &Selector::opConstant(Opcode op, VReg dst, VReg a, uint32_t value, Cond cond, bool setFlags) {
  auto immediate = [&](Opcode o, uint32_t imm) -> Inst & {
    Inst inst{o};
    inst.dst = dst;
    inst.a = a;
    inst.imm = int32_t(imm);
    inst.cond = cond;
    inst.setFlags = setFlags;
    return emit(inst);
  };
  if (target_.fits().immediate(value)) return immediate(op, value);
  // The same operation with the other immediate: x + v = x - (-v), x & v = x & ~(~v), and
  // adc/sbc differ by one's complement (x + v + C = x - ~v - !C).
  switch (op) {
    case Opcode::Add: if (target_.fits().immediate(-value)) return immediate(Opcode::Sub, -value); break;
    case Opcode::Sub: if (target_.fits().immediate(-value)) return immediate(Opcode::Add, -value); break;
    case Opcode::And: if (target_.fits().immediate(~value)) return immediate(Opcode::Bic, ~value); break;
    case Opcode::Bic: if (target_.fits().immediate(~value)) return immediate(Opcode::And, ~value); break;
    case Opcode::Adc: if (target_.fits().immediate(~value)) return immediate(Opcode::Sbc, ~value); break;
    case Opcode::Sbc: if (target_.fits().immediate(~value)) return immediate(Opcode::Adc, ~value); break;
    default: break;
  }
  return emit(op, dst, a, constant(value), cond, setFlags);
}

void Selector::compareConstant(VReg a, uint32_t value, Cond cond) {
  Inst inst{Opcode::Cmp};
  inst.a = a;
  inst.cond = cond;
  if (target_.fits().immediate(value)) {
    inst.imm = int32_t(value);
  } else if (target_.fits().immediate(-value)) {
    inst.op = Opcode::Cmn;
    inst.imm = int32_t(-value);
  } else {
    inst.b = constant(value);
  }
  emit(inst);
}

// ---- the walk ---------------------------------------------------------------------------

// Block 0 takes the arguments from where the body convention passes them into the BPF
// registers' virtual registers, so that a loop back to BPF block 0 does not redo it.
void Selector::selectEntry() {
  for (const ArgumentHalf &half : bodyConvention(fn_).halves) {
    VReg to = half.hi ? hi(half.bpfReg) : lo(half.bpfReg);
    if (half.inRegister) {
      move(to, mir::phys(Reg(half.reg)));
    } else {
      loadIncomingWord(to, half.stackOffset);
    }
  }
}

// The most any call of the function passes on the stack: the outgoing area sits under
// the BPF stack (emit_mir.h), so its size fixes BPF stack offsets before selection.
static unsigned outgoingArgBytes(const Program &program, const Function &fn, const ArmTarget &target) {
  unsigned bytes = 0;
  for (const Instruction &ins : fn.insns) {
    // The runtime's 64-bit cmpxchg takes its pointer in the first stack word.
    if (callsAtomic64Runtime(target, ins.insn) && ins.insn.imm == bpf::ATOMIC_CMPXCHG) bytes = std::max(bytes, 4u);
    if (!ins.insn.isCall()) continue;
    const CallTarget &call = fn.callOf(ins);
    if (call.kind == CallTarget::Local) {
      bytes = std::max(bytes, bodyConvention(program.functions[call.function]).stackBytes);
    } else if (call.kind != CallTarget::None && !isTailCall(fn, ins)) {
      if (auto layout = abi::placeArguments(call.prototype)) bytes = std::max(bytes, layout->stackBytes);
    }
  }
  return bytes;
}

Expected<mir::Function> Selector::selectBody() {
  out_.blocks.resize(fn_.blocks.size() + 1);
  out_.outgoingArgBytes = outgoingArgBytes(program_, fn_, target_);
  promoteStackSlots();  // sets out_.bpfStackBytes: what of the BPF stack stays in memory
  block_ = 0;
  selectEntry();
  for (const BasicBlock &block : fn_.blocks) {
    block_ = mirBlock(int(block.id));
    for (uint32_t k = block.first; k < block.end; ++k) {
      current_ = k;
      if (Status st = selectInstruction(fn_.insns[k], block)) return *st;
    }
  }
  current_ = kNoInsn;
  out_.computeSuccessors();
  return std::move(out_);
}

Status Selector::selectInstruction(const Instruction &ins, const BasicBlock &block) {
  const bpf::Insn &insn = ins.insn;
  switch (insn.cls()) {
    case bpf::ALU: return selectAlu32(ins);
    case bpf::ALU64: return selectAlu64(ins);
    case bpf::LD:
      assert(insn.isLdImm64());
      return selectLdImm64(ins);
    case bpf::LDX: return selectLoad(ins);
    case bpf::ST: return selectStore(ins);
    case bpf::STX: return bpf::memMode(insn.opcode) == bpf::ATOMIC ? selectAtomic(ins) : selectStore(ins);
    case bpf::JMP: case bpf::JMP32:
      if (insn.isExit()) {
        selectExit();
        return std::nullopt;
      }
      if (insn.isCall()) return selectCall(ins);
      return selectJump(ins, block);
  }
  return fail(ins, "unknown instruction class");
}

// R0 to r0:r1 (r0 alone when no caller reads the hi word), then return. The emitter
// writes the epilogue.
void Selector::selectExit() {
  move(mir::phys(R0), lo(0));
  Inst ret{Opcode::Return};
  ret.implicitUses = 1u << R0;
  if (symbols_.readsResultHi(size_t(&fn_ - program_.functions.data()))) {
    move(mir::phys(R1), readHi(0));
    ret.implicitUses |= 1u << R1;
  }
  emit(ret);
}

}  // namespace bpf2arm::arm
