// ALU and ALU64: 32-bit operations work on the lo word and zero the hi word; 64-bit
// operations work on lo/hi pairs, carrying between them.
#include <cassert>

#include "lowering.h"

namespace bpf2arm::arm {

using namespace bpf;

namespace {
DataOp dataOpFor(uint8_t op) {
  switch (op) {
    case ADD: return DataOp::ADD;
    case SUB: return DataOp::SUB;
    case AND: return DataOp::AND;
    case OR: return DataOp::ORR;
    case XOR: return DataOp::EOR;
  }
  assert(false && "not a simple data operation");
  return DataOp::ADD;
}
}  // namespace

void FunctionLowering::lowerAlu32(const Instruction &ins) {
  const Insn &insn = ins.insn;
  uint8_t op = aluOp(insn.opcode);
  switch (op) {
    case LSH: case RSH: case ARSH: return lowerShift32(insn);
    case DIV: case MOD: return lowerDivMod32(insn, insn.offset == 1);
    case END: return lowerByteSwap(insn);
    default: break;
  }
  lowerLoWord(insn);
  writeHiZero(insn.dst);
}

// The lo word of MOV, ADD, SUB, AND, OR, XOR, MUL and NEG, which depends on lo words only:
// all of an ALU result, and all that is needed of an ALU64 result whose hi word is dead.
void FunctionLowering::lowerLoWord(const Insn &insn) {
  uint8_t op = aluOp(insn.opcode);
  bool useImm = source(insn.opcode) == K;
  Reg d = destLo(insn.dst, kTemp0);
  if (op == MOV) {
    if (useImm) {
      as_.loadConstant(d, uint32_t(insn.imm));
    } else {
      Reg s = readLo(insn.src, d);  // straight into the destination when src is in the frame
      if (insn.offset == 8) as_.sxtb(d, s);
      else if (insn.offset == 16) as_.sxth(d, s);
      else if (d != s) as_.mov(d, s);
    }
  } else {
    Reg cur = readLo(insn.dst, d);
    if (op == NEG) {
      as_.opImm(DataOp::RSB, d, cur, 0);
    } else if (op == MUL) {
      Reg s = useImm ? (as_.loadConstant(kTemp2, uint32_t(insn.imm)), kTemp2) : readLo(insn.src, kTemp2);
      as_.mul(d, cur, s);
    } else {
      DataOp dop = dataOpFor(op);
      uint32_t imm = uint32_t(insn.imm);
      if (useImm && as_.canEncodeImmediate(imm)) {
        as_.opImm(dop, d, cur, imm);
      } else if (useImm && (op == ADD || op == SUB) && as_.canEncodeImmediate(0u - imm)) {
        as_.opImm(op == ADD ? DataOp::SUB : DataOp::ADD, d, cur, 0u - imm);
      } else if (useImm && op == AND && as_.canEncodeImmediate(~imm)) {
        as_.opImm(DataOp::BIC, d, cur, ~imm);
      } else if (useImm && op == XOR && imm == 0xffffffffu) {
        as_.mvn(d, cur);
      } else {
        Reg s = useImm ? (as_.loadConstant(kTemp2, imm), kTemp2) : readLo(insn.src, kTemp2);
        as_.op(dop, d, cur, s);
      }
    }
  }
  writeLo(insn.dst, d);
}

void FunctionLowering::lowerAlu64(const Instruction &ins) {
  const Insn &insn = ins.insn;
  uint8_t op = aluOp(insn.opcode);
  bool useImm = source(insn.opcode) == K;
  if (hiDeadAfter(insn.dst)) {
    switch (op) {
      case MOV: case ADD: case SUB: case AND: case OR: case XOR: case MUL: case NEG:
        return lowerLoWord(insn);
      case LSH:
        if (!useImm) break;
        if ((insn.imm & 63) >= 32) {
          Reg d = destLo(insn.dst, kTemp0);
          as_.movImm(d, 0);
          writeLo(insn.dst, d);
          return;
        }
        return lowerShift32(insn);  // lo << k, and a hi word nobody reads
      default: break;
    }
  }
  switch (op) {
    case LSH: case RSH: case ARSH: return lowerShift64(insn);
    case DIV: case MOD: return lowerDivMod64(insn);
    case MUL: return lowerMul64(insn);
    case END: return lowerByteSwap(insn);
    default: break;
  }
  Reg dl = destLo(insn.dst, kTemp0), dh = destHi(insn.dst, kTemp1);
  if (op == MOV) {
    if (useImm) {
      loadImm64(dl, dh, insn.imm);
    } else if (insn.offset == 0) {
      loadPair(insn.src, dl, dh);
    } else {
      Reg s = readLo(insn.src, kTemp2);
      if (insn.offset == 8) as_.sxtb(dl, s);
      else if (insn.offset == 16) as_.sxth(dl, s);
      else if (dl != s) as_.mov(dl, s);
      as_.movShiftImm(dh, dl, Shift::ASR, 31);
    }
    storePair(insn.dst, dl, dh);
    return;
  }
  Reg curLo = readLo(insn.dst, dl), curHi = readHi(insn.dst, dh);
  if (op == NEG) {
    as_.opImm(DataOp::RSB, dl, curLo, 0, Flags::Set);
    as_.opImm(DataOp::RSC, dh, curHi, 0);
    storePair(insn.dst, dl, dh);
    return;
  }
  // ALU64 immediates are sign-extended 32-bit values.
  uint32_t immLo = uint32_t(insn.imm), immHi = insn.imm < 0 ? 0xffffffffu : 0;
  bool carries = op == ADD || op == SUB;
  DataOp loOp = dataOpFor(op);
  DataOp hiOp = op == ADD ? DataOp::ADC : op == SUB ? DataOp::SBC : loOp;
  Flags loFlags = carries ? Flags::Set : Flags::Keep;
  if (useImm && as_.canEncodeImmediate(immLo) && as_.canEncodeImmediate(immHi)) {
    as_.opImm(loOp, dl, curLo, immLo, loFlags);
    as_.opImm(hiOp, dh, curHi, immHi);
  } else if (useImm && carries && insn.imm < 0 && as_.canEncodeImmediate(0u - immLo)) {
    // x + (-k) is x - k: subs/sbc #0 (and the other way round for SUB).
    as_.opImm(op == ADD ? DataOp::SUB : DataOp::ADD, dl, curLo, 0u - immLo, Flags::Set);
    as_.opImm(op == ADD ? DataOp::SBC : DataOp::ADC, dh, curHi, 0);
  } else if (useImm && !carries && (as_.canEncodeImmediate(immLo) || (op == AND && as_.canEncodeImmediate(~immLo)))) {
    // The hi word of a sign-extended immediate is 0 or all ones: it keeps, clears, sets
    // or inverts the hi word without an operand.
    if (op == AND && !as_.canEncodeImmediate(immLo)) as_.opImm(DataOp::BIC, dl, curLo, ~immLo);
    else as_.opImm(loOp, dl, curLo, immLo);
    bool ones = immHi != 0;
    if ((op == AND && ones) || (op != AND && !ones)) {
      if (dh != curHi) as_.mov(dh, curHi);
    } else if (op == AND) {
      as_.movImm(dh, 0);
    } else if (op == OR) {
      as_.mvnImm(dh, 0);
    } else {
      as_.mvn(dh, curHi);  // x ^ 0xffffffff
    }
  } else {
    Reg sl, sh;
    if (useImm) {
      loadImm64(kTemp2, kTemp3, insn.imm);
      sl = kTemp2, sh = kTemp3;
    } else {
      sl = readLo(insn.src, kTemp2);
      sh = readHi(insn.src, kTemp3);
    }
    as_.op(loOp, dl, curLo, sl, loFlags);
    as_.op(hiOp, dh, curHi, sh);
  }
  storePair(insn.dst, dl, dh);
}

void FunctionLowering::lowerShift32(const Insn &insn) {
  uint8_t op = aluOp(insn.opcode);
  Shift kind = op == LSH ? Shift::LSL : op == RSH ? Shift::LSR : Shift::ASR;
  Reg d = destLo(insn.dst, kTemp0);
  if (source(insn.opcode) == K) {
    unsigned amount = unsigned(insn.imm) & 31;
    Reg cur = readLo(insn.dst, d);
    if (amount == 0) {
      if (cur != d) as_.mov(d, cur);
    } else {
      as_.movShiftImm(d, cur, kind, amount);
    }
  } else {
    Reg s = readLo(insn.src, kTemp2);
    as_.opImm(DataOp::AND, kTemp2, s, 31);  // ARM would shift by up to 255
    Reg cur = readLo(insn.dst, d);
    as_.movShiftReg(d, cur, kind, kTemp2);
  }
  writeLo(insn.dst, d);
  writeHiZero(insn.dst);
}

void FunctionLowering::lowerShift64(const Insn &insn) {
  uint8_t op = aluOp(insn.opcode);
  Reg dl = destLo(insn.dst, kTemp0), dh = destHi(insn.dst, kTemp1);
  if (source(insn.opcode) == K && hiKnownZero(insn.dst) && (unsigned(insn.imm) & 63) < 32) {
    // A value below 2^32: right shifts stay in the lo word, a left shift only spills
    // the lo word's top bits into the (zero) hi word.
    unsigned k = unsigned(insn.imm) & 63;
    Reg lo = readLo(insn.dst, dl);
    if (op == LSH) {
      as_.movShiftImm(dh, lo, Shift::LSR, 32 - k);
      as_.movShiftImm(dl, lo, Shift::LSL, k);
      storePair(insn.dst, dl, dh);
    } else {
      as_.movShiftImm(dl, lo, Shift::LSR, k);
      writeLo(insn.dst, dl);
    }
    return;
  }
  if (source(insn.opcode) == K) {
    unsigned k = unsigned(insn.imm) & 63;
    Reg lo = readLo(insn.dst, dl), hi = readHi(insn.dst, dh);
    if (lo != dl) as_.mov(dl, lo);
    if (hi != dh) as_.mov(dh, hi);
    if (k == 0) {
      // nothing moves
    } else if (op == LSH) {
      if (k < 32) {
        as_.movShiftImm(dh, dh, Shift::LSL, k);
        as_.opShiftImm(DataOp::ORR, dh, dh, dl, Shift::LSR, 32 - k);
        as_.movShiftImm(dl, dl, Shift::LSL, k);
      } else {
        as_.movShiftImm(dh, dl, Shift::LSL, k - 32);
        as_.movImm(dl, 0);
      }
    } else {
      Shift hiShift = op == RSH ? Shift::LSR : Shift::ASR;
      if (k < 32) {
        as_.movShiftImm(dl, dl, Shift::LSR, k);
        as_.opShiftImm(DataOp::ORR, dl, dl, dh, Shift::LSL, 32 - k);
        as_.movShiftImm(dh, dh, hiShift, k);
      } else {
        as_.movShiftImm(dl, dh, hiShift, k - 32);
        if (op == RSH) as_.movImm(dh, 0);
        else as_.movShiftImm(dh, dh, Shift::ASR, 31);
      }
    }
    storePair(insn.dst, dl, dh);
    return;
  }
  // Register amount t = src & 63. ARM register shifts by 32..255 give 0 (LSL/LSR) or
  // the sign (ASR), and read only the bottom byte, so a negative (t - 32) or (32 - t)
  // makes its term vanish: both cases t < 32 and t >= 32 come out of one sequence.
  Reg t = kTemp2, u = kTemp3;
  Reg s = readLo(insn.src, t);
  as_.opImm(DataOp::AND, t, s, 63);
  Reg lo = readLo(insn.dst, dl), hi = readHi(insn.dst, dh);
  if (lo != dl) as_.mov(dl, lo);
  if (hi != dh) as_.mov(dh, hi);
  if (op == LSH) {
    as_.opImm(DataOp::SUB, u, t, 32);
    as_.movShiftReg(dh, dh, Shift::LSL, t);
    as_.opShiftReg(DataOp::ORR, dh, dh, dl, Shift::LSL, u);
    as_.opImm(DataOp::RSB, u, t, 32);
    as_.opShiftReg(DataOp::ORR, dh, dh, dl, Shift::LSR, u);
    as_.movShiftReg(dl, dl, Shift::LSL, t);
  } else if (op == RSH) {
    as_.opImm(DataOp::SUB, u, t, 32);
    as_.movShiftReg(dl, dl, Shift::LSR, t);
    as_.opShiftReg(DataOp::ORR, dl, dl, dh, Shift::LSR, u);
    as_.opImm(DataOp::RSB, u, t, 32);
    as_.opShiftReg(DataOp::ORR, dl, dl, dh, Shift::LSL, u);
    as_.movShiftReg(dh, dh, Shift::LSR, t);
  } else {
    // ASR by (t - 32) would smear the sign into lo for t < 32, so that term is
    // conditional on t >= 32.
    as_.opImm(DataOp::RSB, u, t, 32);
    as_.movShiftReg(dl, dl, Shift::LSR, t);
    as_.opShiftReg(DataOp::ORR, dl, dl, dh, Shift::LSL, u);
    as_.opImm(DataOp::SUB, u, t, 32, Flags::Set);
    as_.movShiftReg(dl, dh, Shift::ASR, u, Cond::GE);
    as_.movShiftReg(dh, dh, Shift::ASR, t);
  }
  storePair(insn.dst, dl, dh);
}

void FunctionLowering::lowerMul64(const Insn &insn) {
  Reg dl = destLo(insn.dst, kTemp0), dh = destHi(insn.dst, kTemp1);
  bool srcNarrow = source(insn.opcode) == K ? insn.imm >= 0 : hiKnownZero(insn.src);
  if (hiKnownZero(insn.dst) && srcNarrow) {
    // Both below 2^32: one 32 x 32 -> 64 multiply.
    Reg sl = source(insn.opcode) == K ? (as_.loadConstant(kTemp2, uint32_t(insn.imm)), kTemp2)
                                      : readLo(insn.src, kTemp2);
    Reg lo = readLo(insn.dst, dl);
    as_.umull(dl, dh, lo, sl);
    storePair(insn.dst, dl, dh);
    return;
  }
  Reg sl, sh;
  if (source(insn.opcode) == K) {
    loadImm64(kTemp2, kTemp3, insn.imm);
    sl = kTemp2, sh = kTemp3;
  } else if (insn.src == insn.dst) {
    loadPair(insn.src, kTemp2, kTemp3);  // the product overwrites dst before it is done with src
    sl = kTemp2, sh = kTemp3;
  } else {
    sl = readLo(insn.src, kTemp2);
    sh = readHi(insn.src, kTemp3);
  }
  Reg lo = readLo(insn.dst, dl), hi = readHi(insn.dst, dh);
  if (lo != dl) as_.mov(dl, lo);
  if (hi != dh) as_.mov(dh, hi);
  // (dh:dl) * (sh:sl) mod 2^64 = dl*sl + ((dh*sl + dl*sh) << 32)
  as_.mul(dh, dh, sl);
  as_.mla(dh, dl, sh, dh);
  // kTemp3 is free: either it held sh, which is dead now, or sh lives in a home register.
  Reg carry = kTemp3;
  as_.umull(dl, carry, dl, sl);
  as_.op(DataOp::ADD, dh, dh, carry);
  storePair(insn.dst, dl, dh);
}

void FunctionLowering::lowerDivMod32(const Insn &insn, bool isSigned) {
  bool isMod = aluOp(insn.opcode) == MOD;
  Reg d = destLo(insn.dst, kTemp0);
  Reg s = source(insn.opcode) == K ? (as_.loadConstant(kTemp2, uint32_t(insn.imm)), kTemp2)
                                   : readLo(insn.src, kTemp2);
  if (as_.target().hasHardwareDivide()) {
    // ARMv7-A divide gives 0 for a zero divisor and INT_MIN for INT_MIN / -1, which is
    // what BPF asks; the modulo n - (n / m) * m then gives n and 0 for those cases.
    Reg cur = readLo(insn.dst, d);
    Reg q = isMod ? kTemp3 : d;
    if (isSigned) as_.sdiv(q, cur, s);
    else as_.udiv(q, cur, s);
    if (isMod) as_.mls(d, q, s, cur);
    writeLo(insn.dst, d);
    writeHiZero(insn.dst);
    return;
  }
  // No divide instruction: our routine takes r0 / r1 and returns r0, so R0 is parked.
  if (s != kTemp2) as_.mov(kTemp2, s);
  bool dstIsR0 = insn.dst == 0;
  if (!dstIsR0) {
    as_.store(4, R0, SP, kScratchOffset);
    as_.store(4, R1, SP, kScratchOffset + 4);
  }
  Reg cur = readLo(insn.dst, R0);
  if (cur != R0) as_.mov(R0, cur);
  as_.mov(R1, kTemp2);
  Routine r = isMod ? (isSigned ? Routine::SMod32 : Routine::UMod32)
                    : (isSigned ? Routine::SDiv32 : Routine::UDiv32);
  as_.bl(routine(r));
  if (dstIsR0) {
    as_.movImm(R1, 0);
    return;
  }
  writeLo(insn.dst, R0);
  writeHiZero(insn.dst);
  as_.load(4, false, R0, SP, kScratchOffset);
  as_.load(4, false, R1, SP, kScratchOffset + 4);
}

void FunctionLowering::lowerDivMod64(const Insn &insn) {
  bool isMod = aluOp(insn.opcode) == MOD, isSigned = insn.offset == 1;
  bool srcNarrow = source(insn.opcode) == K ? insn.imm >= 0 : hiKnownZero(insn.src);
  if (hiKnownZero(insn.dst) && srcNarrow) {
    // Both in [0, 2^32): signed or not, the 32-bit unsigned division gives the 64-bit
    // result, and it has an instruction (or a much shorter routine).
    return lowerDivMod32(insn, false);
  }
  if (!isSigned && source(insn.opcode) == K && insn.imm > 0 && insn.imm < 65536 &&
      as_.target().hasHardwareDivide())
    return lowerUnsignedDivModBySmallConstant(insn);
  // The routines take the dividend in r0:r1 and the divisor in r2:r3 and return r0:r1;
  // they preserve r4-r11, so only R0 needs parking.
  if (source(insn.opcode) == K) loadImm64(R2, R3, insn.imm);
  else loadPair(insn.src, R2, R3);  // before r0:r1 change, in case src is R0
  bool dstIsR0 = insn.dst == 0;
  if (!dstIsR0) {
    as_.store(4, R0, SP, kScratchOffset);
    as_.store(4, R1, SP, kScratchOffset + 4);
    loadPair(insn.dst, R0, R1);
  }
  Routine r = isMod ? (isSigned ? Routine::SMod64 : Routine::UMod64)
                    : (isSigned ? Routine::SDiv64 : Routine::UDiv64);
  as_.bl(routine(r));
  if (dstIsR0) return;
  storePair(insn.dst, R0, R1);
  as_.load(4, false, R0, SP, kScratchOffset);
  as_.load(4, false, R1, SP, kScratchOffset + 4);
}

// n / d and n % d for a 64-bit n and a constant 0 < d < 2^16, by schoolbook division in
// base 2^16 on the 32-bit divide instruction: with the remainder r < d < 2^16, each
// step's dividend (r << 16 | next 16 bits) fits in 32 bits. Three divides instead of a
// call: n1 / d, then the two 16-bit halves of n0.
void FunctionLowering::lowerUnsignedDivModBySmallConstant(const Insn &insn) {
  bool isMod = aluOp(insn.opcode) == MOD;
  Reg dl = destLo(insn.dst, kTemp0), dh = destHi(insn.dst, kTemp1);
  Reg d = kTemp2, q = kTemp3;
  Reg lo = readLo(insn.dst, dl), hi = readHi(insn.dst, dh);
  if (lo != dl) as_.mov(dl, lo);
  if (hi != dh) as_.mov(dh, hi);
  as_.loadConstant(d, uint32_t(insn.imm));
  as_.udiv(q, dh, d);                                    // q1 = n1 / d
  as_.mls(dh, q, d, dh);                                 // r = n1 % d
  if (!isMod) as_.store(4, q, SP, kScratchOffset);       // q1 is the quotient's hi word
  as_.movShiftImm(dh, dh, Shift::LSL, 16);
  as_.opShiftImm(DataOp::ORR, dh, dh, dl, Shift::LSR, 16);  // r << 16 | n0 >> 16
  as_.udiv(q, dh, d);                                    // q2
  as_.mls(dh, q, d, dh);
  as_.uxth(dl, dl);
  as_.opShiftImm(DataOp::ORR, dh, dl, dh, Shift::LSL, 16);  // r << 16 | (n0 & 0xffff)
  as_.udiv(dl, dh, d);                                   // q3
  if (isMod) {
    as_.mls(dl, dl, d, dh);                              // the remainder
    writeLo(insn.dst, dl);
    as_.movImm(dh, 0);
    writeHi(insn.dst, dh);
    return;
  }
  as_.opShiftImm(DataOp::ORR, dl, dl, q, Shift::LSL, 16);  // q2 << 16 | q3
  as_.load(4, false, dh, SP, kScratchOffset);
  storePair(insn.dst, dl, dh);
}

void FunctionLowering::lowerByteSwap(const Insn &insn) {
  // ALU|END with source K is "to little endian": on this little-endian target only the
  // truncation remains. ALU|END|X (to big endian) and ALU64|END (bswap) swap.
  bool swap = insn.cls() == ALU64 || source(insn.opcode) == X;
  Reg dl = destLo(insn.dst, kTemp0), dh = destHi(insn.dst, kTemp1);
  Reg lo = readLo(insn.dst, dl);
  switch (insn.imm) {
    case 16:
      if (swap) {
        as_.rev(dl, lo);
        as_.movShiftImm(dl, dl, Shift::LSR, 16);
      } else {
        as_.uxth(dl, lo);
      }
      break;
    case 32:
      if (swap) as_.rev(dl, lo);
      else if (lo != dl) as_.mov(dl, lo);
      break;
    case 64: {
      Reg hi = readHi(insn.dst, dh);
      if (swap) {
        as_.rev(kTemp2, lo);
        as_.rev(dl, hi);
        storePair(insn.dst, dl, kTemp2);
      }
      return;  // le64 changes nothing
    }
  }
  writeLo(insn.dst, dl);
  writeHiZero(insn.dst);
}

}  // namespace bpf2arm::arm
