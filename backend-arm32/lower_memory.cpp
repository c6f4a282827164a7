// LDX, LDSX, ST and STX. Pointers are the lo word of a BPF register (ARM32 addresses
// are 32 bits); R10-relative accesses become sp-relative ones.
#include <cassert>

#include "lowering.h"

namespace bpf2arm::arm {

using namespace bpf;

FunctionLowering::Address FunctionLowering::address(unsigned bpfReg, int32_t offset, unsigned bytes,
                                                    bool signExtend, Reg temp) {
  auto fits = [&](int32_t off) {
    if (bytes == 8) return ArmAssembler::fitsOffset(4, false, off) && ArmAssembler::fitsOffset(4, false, off + 4);
    return ArmAssembler::fitsOffset(bytes, signExtend, off);
  };
  Reg base;
  if (bpfReg == R10) {
    base = SP;
    offset += frame_.r10Offset();
  } else {
    base = readLo(bpfReg, temp);
  }
  if (fits(offset)) return {base, offset};
  as_.addConstant(temp, base, offset, temp);  // offsets are 16-bit: two immediates do
  return {temp, 0};
}

Status FunctionLowering::lowerLoad(const Instruction &ins) {
  const Insn &insn = ins.insn;
  unsigned bytes = sizeBytes(memSize(insn.opcode));
  bool signExtend = memMode(insn.opcode) == MEMSX;
  bool narrowSigned = signExtend && bytes < 4;
  Address a = address(insn.src, insn.offset, bytes, narrowSigned, kTemp2);
  Reg dl = destLo(insn.dst, kTemp0);
  if (bytes == 8) {
    Reg dh = destHi(insn.dst, kTemp1);
    if (dl == a.base) {
      as_.load(4, false, dh, a.base, a.offset + 4);
      as_.load(4, false, dl, a.base, a.offset);
    } else {
      as_.load(4, false, dl, a.base, a.offset);
      as_.load(4, false, dh, a.base, a.offset + 4);
    }
    storePair(insn.dst, dl, dh);
    return std::nullopt;
  }
  as_.load(bytes, narrowSigned, dl, a.base, a.offset);
  writeLo(insn.dst, dl);
  if (signExtend) writeHiSign(insn.dst, dl);
  else writeHiZero(insn.dst);
  return std::nullopt;
}

Status FunctionLowering::lowerStore(const Instruction &ins) {
  const Insn &insn = ins.insn;
  unsigned bytes = sizeBytes(memSize(insn.opcode));
  Address a = address(insn.dst, insn.offset, bytes, false, kTemp2);
  Reg vl, vh = kTemp1;
  if (insn.cls() == ST) {
    vl = kTemp0;
    as_.loadConstant(vl, uint32_t(insn.imm));
    if (bytes == 8) as_.loadConstant(vh, insn.imm < 0 ? 0xffffffffu : 0);
  } else {
    vl = readLo(insn.src, kTemp0);
    if (bytes == 8) vh = readHi(insn.src, kTemp1);
  }
  as_.store(bytes == 8 ? 4 : bytes, vl, a.base, a.offset);
  if (bytes == 8) as_.store(4, vh, a.base, a.offset + 4);
  return std::nullopt;
}

}  // namespace bpf2arm::arm
