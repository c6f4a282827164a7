// LDX, LDSX, ST and STX. Pointers are the lo half of a BPF register (ARM32 addresses are
// 32 bits); R10-relative accesses are BPF stack frame accesses, or moves where the slot
// is promoted to virtual registers (compiler/promote_stack.h). 8-byte accesses are two
// word accesses (ldrd/strd would need an even/odd register pair).
#include <cassert>

#include "emit_mir.h"
#include "select.h"

namespace bpf2arm::arm {

using namespace bpf;
using mir::Inst;
using mir::kNoReg;

void Selector::promoteStackSlots() {
  promotion_ = bpf2arm::promoteStackSlots(fn_);
  out_.bpfStackBytes = promotion_.bytesInMemory;
  slotRegs_.clear();
  for (const StackPromotion::Slot &slot : promotion_.slots) slotRegs_.push_back({temp(), slot.bytes == 8 ? temp() : kNoReg});
}

const std::array<mir::VReg, 2> *Selector::promotedSlot(unsigned baseReg, int32_t offset, unsigned bytes) const {
  if (baseReg != R10) return nullptr;
  int slot = promotion_.find(offset, bytes);
  return slot < 0 ? nullptr : &slotRegs_[size_t(slot)];
}

mir::VReg Selector::addressOf(unsigned baseReg, int32_t offset) {
  VReg address = temp();
  if (baseReg == R10) {
    frameAddress(address, offset);
    return address;
  }
  if (offset == 0) return lo(baseReg);
  opConstant(Opcode::Add, address, lo(baseReg), uint32_t(offset));
  return address;
}

Selector::MemoryOperand Selector::memoryOperand(unsigned baseReg, int32_t offset, unsigned bytes, bool signExtend) {
  auto reaches = [&](int32_t at) {
    const EncodingLimits &fits = target_.fits();
    if (bytes == 8) return fits.offset(4, false, at) && fits.offset(4, false, at + 4);
    return fits.offset(bytes, signExtend, at);
  };
  // A frame access's offset is the sp-relative one, known now (emit_mir.h).
  if (reaches(baseReg == R10 ? bpfStackOffsetFromSp(out_, offset) : offset))
    return {baseReg == R10 ? kNoReg : lo(baseReg), offset};
  return {addressOf(baseReg, offset), 0};
}

void Selector::loadWord(VReg dst, const MemoryOperand &at, int32_t extra, unsigned bytes, bool signExtend) {
  Inst load{Opcode::Load};
  load.dst = dst;
  load.bytes = uint8_t(bytes);
  load.signExtend = signExtend && bytes < 4;
  load.a = at.base;
  load.imm = at.offset + extra;
  if (at.base == kNoReg) load.frame = mir::FrameObject::BpfStack;
  emit(load);
}

void Selector::storeWord(VReg value, const MemoryOperand &at, int32_t extra, unsigned bytes) {
  Inst store{Opcode::Store};
  store.c = value;
  store.bytes = uint8_t(bytes);
  store.a = at.base;
  store.imm = at.offset + extra;
  if (at.base == kNoReg) store.frame = mir::FrameObject::BpfStack;
  emit(store);
}

Status Selector::selectLoad(const Instruction &ins) {
  const Insn &insn = ins.insn;
  const unsigned bytes = sizeBytes(memSize(insn.opcode));
  const bool signExtend = memMode(insn.opcode) == MEMSX;
  const bool hiWanted = !hiDeadAfter(insn.dst);
  if (const auto *slot = promotedSlot(insn.src, insn.offset, bytes)) {
    assert(!signExtend && "sign-extending loads keep their slot in memory");
    move(lo(insn.dst), (*slot)[0]);
    if (bytes != 8) writeHiZero(insn.dst);
    else if (hiWanted) move(hi(insn.dst), (*slot)[1]);
    return std::nullopt;
  }
  const MemoryOperand at = memoryOperand(insn.src, insn.offset, bytes, signExtend);
  if (bytes == 8) {
    // The address may be in dst's own lo half: then the hi word comes first.
    if (hiWanted && at.base == lo(insn.dst)) {
      loadWord(hi(insn.dst), at, 4, 4, false);
      loadWord(lo(insn.dst), at, 0, 4, false);
    } else {
      loadWord(lo(insn.dst), at, 0, 4, false);
      if (hiWanted) loadWord(hi(insn.dst), at, 4, 4, false);
    }
    return std::nullopt;
  }
  loadWord(lo(insn.dst), at, 0, bytes, signExtend);
  if (signExtend) writeHiSign(insn.dst, lo(insn.dst));
  else writeHiZero(insn.dst);
  return std::nullopt;
}

Status Selector::selectStore(const Instruction &ins) {
  const Insn &insn = ins.insn;
  const unsigned bytes = sizeBytes(memSize(insn.opcode));
  const bool fromImmediate = insn.cls() == ST;
  // ST's immediate is sign-extended to 64 bits; a narrow store needs only its low bytes.
  const uint32_t immLo = bytes == 1 ? uint32_t(insn.imm) & 0xff : bytes == 2 ? uint32_t(insn.imm) & 0xffff : uint32_t(insn.imm);
  const uint32_t immHi = insn.imm < 0 ? ~0u : 0;
  if (const auto *slot = promotedSlot(insn.dst, insn.offset, bytes)) {
    if (fromImmediate) {
      moveConstant((*slot)[0], immLo);
      if (bytes == 8) moveConstant((*slot)[1], immHi);
    } else {
      move((*slot)[0], readLo(insn.src));
      if (bytes == 8 && hiKnownZero(insn.src)) moveConstant((*slot)[1], 0);
      else if (bytes == 8) move((*slot)[1], hi(insn.src));
    }
    return std::nullopt;
  }
  VReg valueLo, valueHi = kNoReg;
  if (fromImmediate) {
    valueLo = constant(immLo);
    if (bytes == 8) valueHi = immHi == immLo ? valueLo : constant(immHi);
  } else {
    valueLo = readLo(insn.src);
    if (bytes == 8) valueHi = readHi(insn.src);
  }
  const MemoryOperand at = memoryOperand(insn.dst, insn.offset, bytes, false);
  storeWord(valueLo, at, 0, bytes == 8 ? 4 : bytes);
  if (bytes == 8) storeWord(valueHi, at, 4, 4);
  return std::nullopt;
}

}  // namespace bpf2arm::arm
