// ALU (32-bit operations), ld_imm64, and the pieces ALU64 shares with them: the lo half
// of operations whose lo result depends on lo halves only, 32-bit division, byte swaps.
// A 32-bit result zeroes the hi half (writeHiZero leaves that out where it already is
// zero or nothing reads it). 64-bit operations are in select_alu64.cpp.
#include <cassert>

#include "select.h"

namespace bpf2arm::arm {

using mir::Inst;
using mir::kNoReg;
using mir::Opcode;
using bpf::K;
using bpf::X;

namespace {

mir::Opcode dataOpFor(uint8_t op) {
  switch (op) {
    case bpf::ADD: return Opcode::Add;
    case bpf::SUB: return Opcode::Sub;
    case bpf::AND: return Opcode::And;
    case bpf::OR: return Opcode::Orr;
    case bpf::XOR: return Opcode::Eor;
  }
  assert(false && "not a simple data operation");
  return Opcode::Add;
}

bool isPowerOfTwo(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }
unsigned log2Of(uint32_t v) { return unsigned(__builtin_ctz(v)); }

}  // namespace

// ---- small builders -------------------------------------------------------------------

const bpf::Insn *Selector::nextInBlock() const {
  return current_ + 1 < currentBlock().end ? &fn_.insns[current_ + 1].insn : nullptr;
}

const bpf::Insn *Selector::previousInBlock() const {
  return current_ > currentBlock().first ? &fn_.insns[current_ - 1].insn : nullptr;
}

Inst &Selector::emitShifted(Opcode op, VReg dst, VReg a, VReg b, Shift shift, unsigned amount, Cond cond,
                            bool setFlags) {
  assert(amount < 32 || (amount == 32 && shift != Shift::LSL));
  Inst inst{op};
  inst.dst = dst;
  inst.a = a;
  inst.b = b;
  inst.shift = shift;
  inst.shiftAmount = uint8_t(amount);
  inst.cond = cond;
  inst.setFlags = setFlags;
  return emit(inst);
}

Inst &Selector::emitShiftedByRegister(Opcode op, VReg dst, VReg a, VReg b, Shift shift, VReg c, Cond cond,
                                      bool setFlags) {
  Inst inst{op};
  inst.dst = dst;
  inst.a = a;
  inst.b = b;
  inst.c = c;
  inst.shift = shift;
  inst.shiftByRegister = true;
  inst.cond = cond;
  inst.setFlags = setFlags;
  return emit(inst);
}

void Selector::frameAddress(VReg dst, int32_t offset) {
  Inst address{Opcode::FrameAddress};
  address.dst = dst;
  address.frame = mir::FrameObject::BpfStack;
  address.imm = offset;
  emit(address);
}

mir::VReg Selector::sourceLo(const bpf::Insn &insn) {
  return bpf::source(insn.opcode) == K ? constant(uint32_t(insn.imm)) : readLo(insn.src);
}

// dst = a * value, by shifts where the constant has one or two bits (or is 2^n - 1).
void Selector::selectMulConstant(VReg dst, VReg a, uint32_t value) {
  if (value == 0) return moveConstant(dst, 0);
  if (value == 1) return move(dst, a);
  if (isPowerOfTwo(value)) {
    emitShifted(Opcode::Mov, dst, kNoReg, a, Shift::LSL, log2Of(value));
  } else if (isPowerOfTwo(value - 1)) {
    emitShifted(Opcode::Add, dst, a, a, Shift::LSL, log2Of(value - 1));
  } else if (isPowerOfTwo(value + 1)) {
    emitShifted(Opcode::Rsb, dst, a, a, Shift::LSL, log2Of(value + 1));
  } else {
    emit(Opcode::Mul, dst, a, constant(value));
  }
}

// The lo half of MOV, ADD, SUB, AND, OR, XOR, MUL, NEG, and of LSH: the whole of an ALU
// result, and all that is needed of an ALU64 result whose hi half is dead (the def/use
// table's loResultFromLoHalves: these read no hi half then).
void Selector::selectLoHalf(const bpf::Insn &insn) {
  const uint8_t op = bpf::aluOp(insn.opcode);
  const bool useImm = bpf::source(insn.opcode) == K;
  const uint32_t imm = uint32_t(insn.imm);
  const VReg d = lo(insn.dst);
  switch (op) {
    case bpf::MOV:
      if (useImm) return moveConstant(d, imm);
      if (insn.src == bpf::R10 && insn.offset == 0) return frameAddress(d, 0);
      if (insn.offset == 8) emit(Opcode::Sxtb, d, kNoReg, readLo(insn.src));
      else if (insn.offset == 16) emit(Opcode::Sxth, d, kNoReg, readLo(insn.src));
      else move(d, readLo(insn.src));  // movsx from 32 bits: the lo half is a copy
      return;
    case bpf::NEG:
      opConstant(Opcode::Rsb, d, d, 0);
      return;
    case bpf::MUL:
      if (useImm) return selectMulConstant(d, d, imm);
      emit(Opcode::Mul, d, d, readLo(insn.src));
      return;
    case bpf::LSH:
      if (useImm) {
        // ALU masks the amount to 31; an ALU64 shift by 32-63 leaves a zero lo half.
        unsigned amount = insn.cls() == bpf::ALU ? (imm & 31) : (imm & 63);
        if (amount >= 32) return moveConstant(d, 0);
        if (amount) emitShifted(Opcode::Mov, d, kNoReg, d, Shift::LSL, amount);
        return;
      }
      {
        // ARM shifts by the amount's bottom byte, and by 32 or more to 0: masking to 63
        // is the ALU64 lo half, to 31 the ALU result.
        VReg amount = temp();
        opConstant(Opcode::And, amount, readLo(insn.src), insn.cls() == bpf::ALU ? 31 : 63);
        emitShiftedByRegister(Opcode::Mov, d, kNoReg, d, Shift::LSL, amount);
      }
      return;
    default: break;
  }
  const Opcode dataOp = dataOpFor(op);
  if (!useImm) {
    emit(dataOp, d, d, readLo(insn.src));
    return;
  }
  // Identities first: x + 0, x - 0, x | 0, x ^ 0, x & ~0 change nothing.
  if ((imm == 0 && op != bpf::AND) || (imm == ~0u && op == bpf::AND)) return;
  if (op == bpf::XOR && imm == ~0u) {
    emit(Opcode::Mvn, d, kNoReg, d);
  } else if (op == bpf::AND && imm == 0xffff && !encodeModifiedImmediate(~imm)) {
    emit(Opcode::Uxth, d, kNoReg, d);
  } else {
    opConstant(dataOp, d, d, imm);
  }
}

void Selector::selectShift32(const bpf::Insn &insn) {
  const uint8_t op = bpf::aluOp(insn.opcode);
  const Shift kind = op == bpf::LSH ? Shift::LSL : op == bpf::RSH ? Shift::LSR : Shift::ASR;
  const VReg d = lo(insn.dst);
  if (bpf::source(insn.opcode) == K) {
    unsigned amount = unsigned(insn.imm) & 31;
    if (amount) emitShifted(Opcode::Mov, d, kNoReg, d, kind, amount);
    return;
  }
  VReg amount = temp();
  opConstant(Opcode::And, amount, readLo(insn.src), 31);  // ARM would shift by up to 255
  emitShiftedByRegister(Opcode::Mov, d, kNoReg, d, kind, amount);
}

// 32-bit division and modulo of lo(dst) by the source; also 64-bit ones whose operands
// are both below 2^32 (then unsigned, whatever the instruction says).
void Selector::selectDivMod32(const bpf::Insn &insn, bool isSigned) {
  const bool isMod = bpf::aluOp(insn.opcode) == bpf::MOD;
  const VReg d = lo(insn.dst);
  if (bpf::source(insn.opcode) == K) {
    const uint32_t divisor = uint32_t(insn.imm);
    // BPF: x / 0 = 0, x % 0 = x.
    if (divisor == 0) {
      if (!isMod) moveConstant(d, 0);
      return;
    }
    if (!isSigned && isPowerOfTwo(divisor)) {
      if (isMod) {
        if (divisor == 0x10000) emit(Opcode::Uxth, d, kNoReg, d);
        else opConstant(Opcode::And, d, d, divisor - 1);
      } else if (divisor != 1) {
        emitShifted(Opcode::Mov, d, kNoReg, d, Shift::LSR, log2Of(divisor));
      }
      return;
    }
  }
  const VReg divisor = sourceLo(insn);
  if (target_.hasHardwareDivide()) {
    // The divide instructions give 0 for a zero divisor and INT_MIN for INT_MIN / -1, as
    // BPF asks; the modulo n - (n / m) * m then gives n and 0 for those cases.
    VReg quotient = isMod ? temp() : d;
    emit(isSigned ? Opcode::Sdiv : Opcode::Udiv, quotient, d, divisor);
    if (isMod) {
      Inst mls{Opcode::Mls};
      mls.dst = d;
      mls.a = quotient;
      mls.b = divisor;
      mls.c = d;
      emit(mls);
    }
    return;
  }
  Routine r = isMod ? (isSigned ? Routine::SMod32 : Routine::UMod32) : (isSigned ? Routine::SDiv32 : Routine::UDiv32);
  callDivisionRoutine(r, {d, divisor, kNoReg, kNoReg}, d, kNoReg);
}

void Selector::callDivisionRoutine(Routine r, const std::array<VReg, 4> &operands, VReg resultLo, VReg resultHi) {
  uint16_t uses = 0;
  for (unsigned i = 0; i < 4; ++i) {
    if (operands[i] == kNoReg) continue;
    move(mir::phys(Reg(i)), operands[i]);
    uses = uint16_t(uses | (1u << i));
  }
  Inst call{Opcode::Call};
  call.symbol = out_.symbolIndex(routine(r));
  call.implicitUses = uses;
  // The routines clobber r0-r3, r12, lr and the flags (routines/div64.S), like a call.
  call.implicitDefs = uint16_t((1u << R0) | (1u << R1) | (1u << R2) | (1u << R3) | (1u << R12) | (1u << LR));
  emit(call);
  out_.makesCalls = true;
  if (resultLo != kNoReg) move(resultLo, mir::phys(R0));
  if (resultHi != kNoReg) move(resultHi, mir::phys(R1));
}

// ALU|END with source K is "to little endian": on this little-endian target only the
// truncation remains. ALU|END|X (to big endian) and ALU64|END (bswap) swap.
void Selector::selectByteSwap(const bpf::Insn &insn) {
  const bool swap = insn.cls() == bpf::ALU64 || bpf::source(insn.opcode) == X;
  const VReg d = lo(insn.dst);
  switch (insn.imm) {
    case 16:
      if (swap) {
        VReg reversed = temp();
        emit(Opcode::Rev, reversed, kNoReg, d);
        emitShifted(Opcode::Mov, d, kNoReg, reversed, Shift::LSR, 16);
      } else {
        emit(Opcode::Uxth, d, kNoReg, d);
      }
      break;
    case 32:
      if (swap) emit(Opcode::Rev, d, kNoReg, d);
      break;
    case 64:
      if (!swap) return;  // le64 changes nothing
      if (hiDeadAfter(insn.dst)) {
        emit(Opcode::Rev, d, kNoReg, readHi(insn.dst));
      } else if (hiKnownZero(insn.dst)) {
        emit(Opcode::Rev, hi(insn.dst), kNoReg, d);
        moveConstant(d, 0);
      } else {
        VReg newHi = temp();
        emit(Opcode::Rev, newHi, kNoReg, d);
        emit(Opcode::Rev, d, kNoReg, hi(insn.dst));
        move(hi(insn.dst), newHi);
      }
      return;
  }
  writeHiZero(insn.dst);
}

// ---- ALU ------------------------------------------------------------------------------

Status Selector::selectAlu32(const Instruction &ins) {
  const bpf::Insn &insn = ins.insn;
  switch (bpf::aluOp(insn.opcode)) {
    case bpf::LSH: case bpf::RSH: case bpf::ARSH: selectShift32(insn); break;
    case bpf::DIV: case bpf::MOD: selectDivMod32(insn, insn.offset == 1); break;
    case bpf::END: selectByteSwap(insn); return std::nullopt;
    default: selectLoHalf(insn); break;
  }
  writeHiZero(insn.dst);
  return std::nullopt;
}

// ---- ld_imm64 -------------------------------------------------------------------------

Status Selector::selectLdImm64(const Instruction &ins) {
  const bpf::Insn &insn = ins.insn;
  const AddressRef *address = fn_.addressOf(ins);
  if (!address) {
    moveConstant(lo(insn.dst), uint32_t(insn.imm64));
    uint32_t hiValue = uint32_t(insn.imm64 >> 32);
    if (hiValue == 0) writeHiZero(insn.dst);
    else if (!hiDeadAfter(insn.dst)) moveConstant(hi(insn.dst), hiValue);
    return std::nullopt;
  }
  Inst load{Opcode::AddressOf};
  load.dst = lo(insn.dst);
  if (address->kind == AddressRef::Function) {
    // Thumb entries get bit 0 from the linker (the symbol is STT_FUNC).
    assert(symbols_.cEntries[address->index] && "an address-taken function has a C entry");
    load.symbol = out_.symbolIndex(symbols_.cEntries[address->index]);
  } else {
    auto where = symbols_.data->addressOf(*address);
    if (!where) return fail(ins, where.diag().message);
    load.symbol = out_.symbolIndex(where->sectionStart);
    load.imm = int32_t(where->offset);
  }
  emit(load);
  writeHiZero(insn.dst);  // ARM32 addresses
  return std::nullopt;
}

}  // namespace bpf2arm::arm
