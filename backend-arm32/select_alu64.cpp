// ALU64: operations on lo/hi pairs of virtual registers, carrying between them. What
// decides the shape of the code: a hi half that nothing reads afterwards is not computed
// (operations whose lo result depends on lo halves only then are 32-bit operations), and
// a hi half known to be zero (track_upper_zero) drops the work that depends on it.
#include <cassert>

#include "select.h"

namespace bpf2arm::arm {

using mir::Inst;
using mir::kNoReg;
using bpf::K;
using bpf::X;

namespace {

bool isPowerOfTwo(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

// The same instruction with another operation and immediate (ALU64 | op | K).
bpf::Insn withImmediate(const bpf::Insn &insn, uint8_t op, int32_t imm) {
  bpf::Insn other = insn;
  other.opcode = uint8_t(bpf::ALU64 | op | K);
  other.imm = imm;
  other.offset = 0;
  return other;
}

}  // namespace

bool Selector::isZeroExtensionPair(const bpf::Insn &first, const bpf::Insn &second) {
  const uint8_t lsh = bpf::ALU64 | bpf::LSH | K, rsh = bpf::ALU64 | bpf::RSH | K;
  return first.opcode == lsh && second.opcode == rsh && first.dst == second.dst && first.imm == 32 &&
         second.imm == 32 && first.dst != bpf::R10;
}

bool Selector::isStackAddressPair(const bpf::Insn &first, const bpf::Insn &second) {
  const uint8_t mov = bpf::ALU64 | bpf::MOV | X, add = bpf::ALU64 | bpf::ADD | K;
  return first.opcode == mov && first.offset == 0 && first.src == bpf::R10 && first.dst != bpf::R10 &&
         second.opcode == add && second.dst == first.dst && second.imm >= -512 && second.imm <= 0;
}

Status Selector::selectAlu64(const Instruction &ins) {
  const bpf::Insn &insn = ins.insn;
  const uint8_t op = bpf::aluOp(insn.opcode);
  const bool useImm = bpf::source(insn.opcode) == K;
  const unsigned d = insn.dst;
  if (selectRotateIdiom(insn)) return std::nullopt;

  // clang's zero extension `r <<= 32; r >>= 32` only clears the hi half: the first does
  // nothing, the second the clearing (always: the hi half of the skipped shift is not 0).
  if (const bpf::Insn *next = nextInBlock(); next && isZeroExtensionPair(insn, *next))
    return std::nullopt;
  if (const bpf::Insn *previous = previousInBlock();
      previous && isZeroExtensionPair(*previous, insn)) {
    if (!hiDeadAfter(d)) moveConstant(hi(d), 0);
    return std::nullopt;
  }
  // clang's stack address `r = r10; r += -N`: one frame address from the first, nothing
  // from the second. With -512 <= -N <= 0 the address stays within the frame, so the hi
  // half is 0.
  if (const bpf::Insn *next = nextInBlock(); next && isStackAddressPair(insn, *next)) {
    frameAddress(lo(d), next->imm);
    writeHiZero(d);
    return std::nullopt;
  }
  if (const bpf::Insn *previous = previousInBlock();
      previous && isStackAddressPair(*previous, insn))
    return std::nullopt;

  if (hiDeadAfter(d)) {
    switch (op) {
      case bpf::MOV: case bpf::ADD: case bpf::SUB: case bpf::AND: case bpf::OR: case bpf::XOR:
      case bpf::MUL: case bpf::NEG: case bpf::LSH:
        selectLoHalf(insn);
        return std::nullopt;
      default: break;
    }
  }

  // A result known to stay below 2^32 (track_upper_zero's ranges: a loop counter or an
  // index that clang keeps in 64 bits): the same lo half from the lo halves, and a hi
  // half of 0, so no carry into the hi half.
  if (hiKnownZeroAfter(d)) {
    switch (op) {
      case bpf::ADD: case bpf::SUB: case bpf::MUL: case bpf::NEG: case bpf::LSH:
        selectLoHalf(insn);
        writeHiZero(d);
        return std::nullopt;
      default: break;
    }
  }

  const bool zeroD = hiKnownZero(d);
  const bool zeroS = !useImm && hiKnownZero(insn.src);
  // ALU64 immediates are sign-extended 32-bit values.
  const uint32_t immLo = uint32_t(insn.imm), immHi = insn.imm < 0 ? ~0u : 0;
  switch (op) {
    case bpf::MOV:
      if (useImm) {
        moveConstant(lo(d), immLo);
        if (immHi == 0) writeHiZero(d);
        else if (!hiDeadAfter(d)) moveConstant(hi(d), immHi);
      } else if (insn.offset == 0) {
        selectLoHalf(insn);
        if (zeroS) writeHiZero(d);
        else if (!hiDeadAfter(d)) move(hi(d), hi(insn.src));
      } else {
        selectLoHalf(insn);  // sxtb, sxth, or the copy of a 32-bit value
        writeHiSign(d, lo(d));
      }
      return std::nullopt;

    case bpf::ADD: case bpf::SUB: {
      if (useImm && insn.imm == 0) return std::nullopt;
      const bool isAdd = op == bpf::ADD;
      // Operands first, so that no constant is built between the flag-setting lo half
      // and the hi half that reads the carry.
      const VReg dh = readHi(d);
      const VReg sl = useImm ? kNoReg : readLo(insn.src);
      const VReg sh = useImm || zeroS ? kNoReg : readHi(insn.src);
      if (useImm) opConstant(isAdd ? Opcode::Add : Opcode::Sub, lo(d), lo(d), immLo, Cond::AL, true);
      else emit(isAdd ? Opcode::Add : Opcode::Sub, lo(d), lo(d), sl, Cond::AL, true);
      if (useImm) {
        opConstant(isAdd ? Opcode::Adc : Opcode::Sbc, hi(d), dh, immHi);
      } else if (zeroS) {
        opConstant(isAdd ? Opcode::Adc : Opcode::Sbc, hi(d), dh, 0);
      } else if (zeroD) {
        // 0 + sh + C, and 0 - sh - !C (rsc: op2 - a - !C).
        if (isAdd) opConstant(Opcode::Adc, hi(d), sh, 0);
        else opConstant(Opcode::Rsc, hi(d), sh, 0);
      } else {
        emit(isAdd ? Opcode::Adc : Opcode::Sbc, hi(d), dh, sh);
      }
      return std::nullopt;
    }

    case bpf::AND: case bpf::OR: case bpf::XOR: {
      selectLoHalf(insn);  // the lo half with the 32-bit identities (x & ~0, x | 0, ...)
      // The hi half: of an immediate, 0 keeps or clears, all ones keeps, sets or inverts.
      const bool otherZero = useImm ? immHi == 0 : zeroS;
      if (op == bpf::AND) {
        if (otherZero || zeroD) writeHiZero(d);
        else if (!useImm) emit(Opcode::And, hi(d), hi(d), hi(insn.src));
      } else if (!otherZero) {
        if (useImm && (op == bpf::OR || zeroD)) moveConstant(hi(d), ~0u);
        else if (useImm) emit(Opcode::Mvn, hi(d), kNoReg, hi(d));
        else if (zeroD) move(hi(d), hi(insn.src));
        else emit(op == bpf::OR ? Opcode::Orr : Opcode::Eor, hi(d), hi(d), hi(insn.src));
      }
      return std::nullopt;
    }

    case bpf::NEG: {
      const VReg dh = readHi(d);
      opConstant(Opcode::Rsb, lo(d), lo(d), 0, Cond::AL, true);
      opConstant(Opcode::Rsc, hi(d), dh, 0);
      return std::nullopt;
    }

    case bpf::MUL: selectMul64(insn); return std::nullopt;
    case bpf::LSH: case bpf::RSH: case bpf::ARSH: selectShift64(insn); return std::nullopt;
    case bpf::DIV: case bpf::MOD: selectDivMod64(insn); return std::nullopt;
    case bpf::END: selectByteSwap(insn); return std::nullopt;
  }
  return fail(ins, "unknown ALU64 operation");
}

void Selector::selectShift64(const bpf::Insn &insn) {
  const uint8_t op = bpf::aluOp(insn.opcode);
  const unsigned d = insn.dst;
  const VReg dl = lo(d), dh = hi(d);
  const bool zeroD = hiKnownZero(d), hiDead = hiDeadAfter(d);
  // A value below 2^32 shifts right as its lo half alone, arithmetic or not.
  const bool rightOfNarrow = op != bpf::LSH && zeroD;
  if (bpf::source(insn.opcode) == K) {
    const unsigned k = unsigned(insn.imm) & 63;
    if (k == 0) return;
    if (rightOfNarrow) {
      if (k < 32) emitShifted(Opcode::Mov, dl, kNoReg, dl, Shift::LSR, k);
      else moveConstant(dl, 0);
      return;
    }
    if (op == bpf::LSH) {
      if (k >= 32) {
        emitShifted(Opcode::Mov, dh, kNoReg, dl, Shift::LSL, k - 32);
        moveConstant(dl, 0);
      } else if (zeroD) {
        emitShifted(Opcode::Mov, dh, kNoReg, dl, Shift::LSR, 32 - k);
        emitShifted(Opcode::Mov, dl, kNoReg, dl, Shift::LSL, k);
      } else {
        emitShifted(Opcode::Mov, dh, kNoReg, dh, Shift::LSL, k);
        emitShifted(Opcode::Orr, dh, dh, dl, Shift::LSR, 32 - k);
        emitShifted(Opcode::Mov, dl, kNoReg, dl, Shift::LSL, k);
      }
      return;
    }
    const Shift hiShift = op == bpf::RSH ? Shift::LSR : Shift::ASR;
    if (k >= 32) {
      emitShifted(Opcode::Mov, dl, kNoReg, dh, hiShift, k - 32);
      if (op == bpf::RSH) writeHiZero(d);
      else if (!hiDead) emitShifted(Opcode::Mov, dh, kNoReg, dh, Shift::ASR, 31);
    } else {
      emitShifted(Opcode::Mov, dl, kNoReg, dl, Shift::LSR, k);
      emitShifted(Opcode::Orr, dl, dl, dh, Shift::LSL, 32 - k);
      if (!hiDead) emitShifted(Opcode::Mov, dh, kNoReg, dh, hiShift, k);
    }
    return;
  }
  // Register amount t = src & 63. ARM register shifts by 32..255 give 0 (LSL/LSR) or the
  // sign (ASR), and read only the bottom byte, so a negative (t - 32) or (32 - t) makes
  // its term vanish: both cases t < 32 and t >= 32 come out of one sequence.
  const VReg t = temp();
  opConstant(Opcode::And, t, readLo(insn.src), 63);
  if (rightOfNarrow) {
    emitShiftedByRegister(Opcode::Mov, dl, kNoReg, dl, Shift::LSR, t);
    return;
  }
  const VReg tMinus32 = temp(), thirtyTwoMinusT = temp();
  if (op == bpf::LSH) {
    opConstant(Opcode::Sub, tMinus32, t, 32);
    if (zeroD) {
      emitShiftedByRegister(Opcode::Mov, dh, kNoReg, dl, Shift::LSL, tMinus32);
    } else {
      emitShiftedByRegister(Opcode::Mov, dh, kNoReg, dh, Shift::LSL, t);
      emitShiftedByRegister(Opcode::Orr, dh, dh, dl, Shift::LSL, tMinus32);
    }
    opConstant(Opcode::Rsb, thirtyTwoMinusT, t, 32);
    emitShiftedByRegister(Opcode::Orr, dh, dh, dl, Shift::LSR, thirtyTwoMinusT);
    emitShiftedByRegister(Opcode::Mov, dl, kNoReg, dl, Shift::LSL, t);
  } else if (op == bpf::RSH) {
    opConstant(Opcode::Sub, tMinus32, t, 32);
    emitShiftedByRegister(Opcode::Mov, dl, kNoReg, dl, Shift::LSR, t);
    emitShiftedByRegister(Opcode::Orr, dl, dl, dh, Shift::LSR, tMinus32);
    opConstant(Opcode::Rsb, thirtyTwoMinusT, t, 32);
    emitShiftedByRegister(Opcode::Orr, dl, dl, dh, Shift::LSL, thirtyTwoMinusT);
    if (!hiDead) emitShiftedByRegister(Opcode::Mov, dh, kNoReg, dh, Shift::LSR, t);
  } else {
    // ASR by (t - 32) would smear the sign into lo for t < 32, so that term is
    // conditional on t >= 32 (where it is all of lo).
    opConstant(Opcode::Rsb, thirtyTwoMinusT, t, 32);
    emitShiftedByRegister(Opcode::Mov, dl, kNoReg, dl, Shift::LSR, t);
    emitShiftedByRegister(Opcode::Orr, dl, dl, dh, Shift::LSL, thirtyTwoMinusT);
    opConstant(Opcode::Sub, tMinus32, t, 32, Cond::AL, true);
    emitShiftedByRegister(Opcode::Mov, dl, kNoReg, dh, Shift::ASR, tMinus32, Cond::GE);
    if (!hiDead) emitShiftedByRegister(Opcode::Mov, dh, kNoReg, dh, Shift::ASR, t);
  }
}

// (dh:dl) * (sh:sl) mod 2^64 = dl*sl + ((dh*sl + dl*sh) << 32), leaving out the cross
// products of hi halves known to be zero.
// Whether the last write to `bpfReg` in the current block before the current instruction
// sign-extends a 32-bit value (`r = (s32)x`, a 4-byte ldsx): its hi half is then lo >> 31
// (arithmetic), whether or not the selector computed it.
bool Selector::hiIsSignOfLo(unsigned bpfReg) const {
  if (bpfReg >= 10 || current_ == kNoInsn) return false;
  for (size_t k = current_; k-- > currentBlock().first;) {
    const Instruction &ins = fn_.insns[k];
    if (!(defUse(fn_, ins).defs() & regBit(bpfReg))) continue;
    const bpf::Insn &w = ins.insn;
    const bool movsx32 = w.opcode == (bpf::ALU64 | bpf::MOV | X) && w.offset == 32 && w.src != bpf::R10;
    const bool ldsx32 = w.cls() == bpf::LDX && bpf::memMode(w.opcode) == bpf::MEMSX && bpf::memSize(w.opcode) == bpf::W;
    return (movsx32 || ldsx32) && w.dst == bpfReg;
  }
  return false;
}

void Selector::selectMul64(const bpf::Insn &insn) {
  const unsigned d = insn.dst;
  const bool useImm = bpf::source(insn.opcode) == K;
  if (useImm && insn.imm == 1) return;
  if (useImm && insn.imm == 0) {
    moveConstant(lo(d), 0);
    writeHiZero(d);
    return;
  }
  if (useImm && isPowerOfTwo(uint32_t(insn.imm)) && insn.imm > 0) {
    // By 2^n (n <= 30): a left shift.
    selectShift64(withImmediate(insn, bpf::LSH, __builtin_ctz(uint32_t(insn.imm))));
    return;
  }
  const VReg dl = lo(d), dh = hi(d);
  // clang's `(s64)a * b` of 32-bit values: both operands sign-extended, one smull.
  if (hiIsSignOfLo(d) && (useImm || hiIsSignOfLo(insn.src))) {
    const VReg sl = sourceLo(insn);
    if (hiDeadAfter(d)) emit(Opcode::Mul, dl, dl, sl);
    else emitLongMultiply(Opcode::Smull, dl, dh, dl, sl);
    return;
  }
  const bool dhNonZero = !hiKnownZero(d);
  const bool shNonZero = useImm ? insn.imm < 0 : !hiKnownZero(insn.src);
  const VReg sl = sourceLo(insn);
  if (!dhNonZero && !shNonZero) return emitLongMultiply(Opcode::Umull, dl, dh, dl, sl);
  const VReg carry = temp();  // the hi half of dl * sl
  auto lowProduct = [&] { emitLongMultiply(Opcode::Umull, dl, carry, dl, sl); };
  auto multiplyAdd = [&](VReg dst, VReg a, VReg b, VReg c) { emitMultiply(Opcode::Mla, dst, a, b, c); };
  if (!shNonZero && sl != dl) {
    // dh * sl + carry: the low product first, sl survives it (it is not dl).
    lowProduct();
    multiplyAdd(dh, dh, sl, carry);
    return;
  }
  // The cross products before the low product overwrites dl.
  VReg cross = kNoReg;
  if (shNonZero) {
    cross = temp();
    if (useImm) opConstant(Opcode::Rsb, cross, dl, 0);  // dl * (-1): the immediate's hi half is all ones
    else emit(Opcode::Mul, cross, dl, readHi(insn.src));
  }
  if (dhNonZero) {
    if (cross == kNoReg) {
      cross = temp();
      emit(Opcode::Mul, cross, dh, sl);
    } else {
      multiplyAdd(cross, dh, sl, cross);
    }
  }
  lowProduct();
  emit(Opcode::Add, dh, carry, cross);
}

void Selector::selectDivMod64(const bpf::Insn &insn) {
  const unsigned d = insn.dst;
  const bool isMod = bpf::aluOp(insn.opcode) == bpf::MOD, isSigned = insn.offset == 1;
  const bool useImm = bpf::source(insn.opcode) == K;
  const bool srcNarrow = useImm ? insn.imm >= 0 : hiKnownZero(insn.src);
  if (hiKnownZero(d) && srcNarrow) {
    // Both in [0, 2^32): signed or not, the 32-bit unsigned division gives the 64-bit
    // result, and it has an instruction (or a much shorter routine).
    selectDivMod32(insn, false);
    return;  // the hi half stays 0
  }
  if (useImm && insn.imm == 0) {
    // BPF: x / 0 = 0, x % 0 = x.
    if (!isMod) {
      moveConstant(lo(d), 0);
      writeHiZero(d);
    }
    return;
  }
  if (!isSigned && useImm && insn.imm > 0) {
    const uint32_t divisor = uint32_t(insn.imm);
    if (isPowerOfTwo(divisor)) {
      if (!isMod) {
        selectShift64(withImmediate(insn, bpf::RSH, __builtin_ctz(divisor)));
      } else {
        opConstant(Opcode::And, lo(d), lo(d), divisor - 1);
        writeHiZero(d);
      }
      return;
    }
    if (divisor < 65536 && target_.hasHardwareDivide()) return selectUnsignedDivModBySmallConstant(insn);
  }
  // The routines take the dividend in r1:r0 and the divisor in r3:r2, and return r1:r0.
  const VReg dh = readHi(d);
  VReg sl, sh;
  if (useImm) {
    sl = constant(uint32_t(insn.imm));
    sh = constant(insn.imm < 0 ? ~0u : 0);
  } else {
    sl = readLo(insn.src);
    sh = readHi(insn.src);
  }
  Routine r = isMod ? (isSigned ? Routine::SMod64 : Routine::UMod64) : (isSigned ? Routine::SDiv64 : Routine::UDiv64);
  callDivisionRoutine(r, {lo(d), dh, sl, sh}, lo(d), hiDeadAfter(d) ? kNoReg : hi(d));
}

// n / c and n % c for a 64-bit n and a constant 0 < c < 2^16, by schoolbook division in
// base 2^16 on the 32-bit divide instruction: with the remainder r < c < 2^16, each
// step's dividend (r << 16 | next 16 bits) fits in 32 bits. Three divides instead of a
// call: n1 / c, then the two 16-bit halves of n0.
void Selector::selectUnsignedDivModBySmallConstant(const bpf::Insn &insn) {
  const unsigned d = insn.dst;
  const bool isMod = bpf::aluOp(insn.opcode) == bpf::MOD;
  const VReg n0 = lo(d), n1 = readHi(d);
  const VReg divisor = constant(uint32_t(insn.imm));
  auto remainder = [&](VReg dst, VReg quotient, VReg dividend) {
    emitMultiply(Opcode::Mls, dst, quotient, divisor, dividend);
  };
  const VReg q1 = temp(), r1 = temp(), step2 = temp(), q2 = temp(), r2 = temp(), step3 = temp(), q3 = temp();
  emit(Opcode::Udiv, q1, n1, divisor);
  remainder(r1, q1, n1);
  emitShifted(Opcode::Mov, step2, kNoReg, r1, Shift::LSL, 16);
  emitShifted(Opcode::Orr, step2, step2, n0, Shift::LSR, 16);  // r1 << 16 | n0 >> 16
  emit(Opcode::Udiv, q2, step2, divisor);
  remainder(r2, q2, step2);
  emit(Opcode::Uxth, step3, kNoReg, n0);
  emitShifted(Opcode::Orr, step3, step3, r2, Shift::LSL, 16);  // r2 << 16 | (n0 & 0xffff)
  emit(Opcode::Udiv, q3, step3, divisor);
  if (isMod) {
    remainder(lo(d), q3, step3);
    writeHiZero(d);
    return;
  }
  emitShifted(Opcode::Orr, lo(d), q3, q2, Shift::LSL, 16);  // q2 << 16 | q3
  if (!hiDeadAfter(d)) move(hi(d), q1);
}

}  // namespace bpf2arm::arm
