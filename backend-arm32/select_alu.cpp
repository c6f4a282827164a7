// ALU (32-bit operations), ld_imm64, and the pieces ALU64 shares with them: the lo half
// of operations whose lo result depends on lo halves only, 32-bit division, byte swaps.
// A 32-bit result zeroes the hi half (writeHiZero leaves that out where it already is
// zero or nothing reads it). 64-bit operations are in select_alu64.cpp.
#include <cassert>
#include <optional>

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

// n / c for every 32-bit n as the high word of n * multiplier, shifted (Granlund and
// Montgomery): with 2^(32+s) <= m * c <= 2^(32+s) + 2^s, floor(n * m / 2^(32+s)) is
// floor(n / c). Where no such m fits in 32 bits, `wide`: m is 2^32 + multiplier, and
// the quotient (t + ((n - t) >> 1)) >> (shift - 1) with t = (n * multiplier) >> 32.
struct Reciprocal {
  uint32_t multiplier;
  unsigned shift;
  bool wide;
};

Reciprocal reciprocalOf(uint32_t c) {
  assert(c > 2 && c <= 0x80000000u && !isPowerOfTwo(c));
  const unsigned bits = 32 - unsigned(__builtin_clz(c - 1));  // ceil(log2(c))
  for (unsigned s = 0; s < bits; ++s) {
    const uint64_t p = uint64_t(1) << (32 + s);
    const uint64_t m = (p + c - 1) / c;
    if (m > 0xffffffffu) break;
    if (m * c - p <= (uint64_t(1) << s)) return {uint32_t(m), s, false};
  }
  return {uint32_t((uint64_t(1) << (32 + bits)) / c + 1), bits, true};
}

// clang's rotate `a = b; a <<= n; b >>= w - n; a |= b` (the shifts in either order, or
// the left one on b): a = b rotated left by n, w = 32 or 64.
struct RotateIdiom {
  unsigned to, from, left;
  bool wide;
};

std::optional<RotateIdiom> findRotate(const Function &fn, const BasicBlock &block, size_t k) {
  if (k < block.first || k + 3 >= block.end) return std::nullopt;
  const bpf::Insn &mov = fn.insns[k].insn;
  const uint8_t cls = mov.cls();
  if ((cls != bpf::ALU && cls != bpf::ALU64) || mov.opcode != (cls | bpf::MOV | X) || mov.offset != 0 ||
      mov.src == bpf::R10 || mov.src == mov.dst)
    return std::nullopt;
  const int width = cls == bpf::ALU64 ? 64 : 32;
  int left = 0, right = 0;
  bool shiftedTo = false, shiftedFrom = false;
  for (size_t i = k + 1; i <= k + 2; ++i) {
    const bpf::Insn &shift = fn.insns[i].insn;
    const uint8_t op = bpf::aluOp(shift.opcode);
    if (shift.cls() != cls || bpf::source(shift.opcode) != K || shift.imm <= 0 || shift.imm >= width) return std::nullopt;
    bool &shifted = shift.dst == mov.dst ? shiftedTo : shift.dst == mov.src ? shiftedFrom : shiftedTo;
    if (shifted || (shift.dst != mov.dst && shift.dst != mov.src)) return std::nullopt;
    shifted = true;
    if (op == bpf::LSH && !left) left = shift.imm;
    else if (op == bpf::RSH && !right) right = shift.imm;
    else return std::nullopt;
  }
  const bpf::Insn &orr = fn.insns[k + 3].insn;
  if (left + right != width || orr.opcode != (cls | bpf::OR | X) || orr.dst != mov.dst || orr.src != mov.src)
    return std::nullopt;
  return RotateIdiom{mov.dst, mov.src, unsigned(left), width == 64};
}

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
  Inst &inst = emit(op, dst, a, b, cond, setFlags);
  inst.shift = shift;
  inst.shiftAmount = uint8_t(amount);
  return inst;
}

Inst &Selector::emitShiftedByRegister(Opcode op, VReg dst, VReg a, VReg b, Shift shift, VReg c, Cond cond,
                                      bool setFlags) {
  if (op != Opcode::Mov && !target_.fits().registerShiftedOperands()) {
    // T32: the shift into a register of its own first (no flags: an adc/sbc after it
    // still sees the carry it wants).
    VReg shifted = temp();
    emitShiftedByRegister(Opcode::Mov, shifted, kNoReg, b, shift, c, cond);
    return emit(op, dst, a, shifted, cond, setFlags);
  }
  Inst &inst = emit(op, dst, a, b, cond, setFlags);
  inst.c = c;
  inst.shift = shift;
  inst.shiftByRegister = true;
  return inst;
}

void Selector::emitMultiply(Opcode op, VReg dst, VReg a, VReg b, VReg c) {
  emit(op, dst, a, b).c = c;
}

void Selector::emitLongMultiply(Opcode op, VReg lo, VReg hi, VReg a, VReg b) {
  emit(op, lo, a, b).dst2 = hi;
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
  } else if (op == bpf::AND && imm == 0xffff && !target_.fits().immediate(~imm)) {
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
    if (!isSigned && selectUnsignedDivModByConstant32(d, divisor, isMod)) return;
  }
  const VReg divisor = sourceLo(insn);
  if (target_.hasHardwareDivide()) {
    // The divide instructions give 0 for a zero divisor and INT_MIN for INT_MIN / -1, as
    // BPF asks; the modulo n - (n / m) * m then gives n and 0 for those cases.
    VReg quotient = isMod ? temp() : d;
    emit(isSigned ? Opcode::Sdiv : Opcode::Udiv, quotient, d, divisor);
    if (isMod) emitMultiply(Opcode::Mls, d, quotient, divisor, d);
    return;
  }
  Routine r = isMod ? (isSigned ? Routine::SMod32 : Routine::UMod32) : (isSigned ? Routine::SDiv32 : Routine::UDiv32);
  callDivisionRoutine(r, {d, divisor, kNoReg, kNoReg}, d, kNoReg);
}

// dst = n / c or n % c (unsigned) for a constant c that is no power of two: a multiply
// by the reciprocal where that beats the divide instruction, or where there is none.
bool Selector::selectUnsignedDivModByConstant32(VReg n, uint32_t c, bool isMod) {
  const VReg dst = n;
  if (c > 0x80000000u) {
    // The quotient is 0 or 1: n >= c.
    compareConstant(n, c);
    if (isMod) {
      opConstant(Opcode::Sub, dst, n, c, Cond::HS);
    } else {
      moveConstant(dst, 0, Cond::LO);
      moveConstant(dst, 1, Cond::HS);
    }
    return true;
  }
  const Reciprocal r = reciprocalOf(c);
  if (r.wide && target_.hasHardwareDivide()) return false;  // five instructions against one
  const VReg product = temp(), quotient = temp();
  emitLongMultiply(Opcode::Umull, temp(), product, n, constant(r.multiplier));  // the low word unused
  if (!r.wide) {
    if (r.shift) emitShifted(Opcode::Mov, quotient, kNoReg, product, Shift::LSR, r.shift);
    else move(quotient, product);
  } else {
    const VReg rest = temp(), sum = temp();
    emit(Opcode::Sub, rest, n, product);
    emitShifted(Opcode::Add, sum, product, rest, Shift::LSR, 1);
    emitShifted(Opcode::Mov, quotient, kNoReg, sum, Shift::LSR, r.shift - 1);
  }
  if (!isMod) {
    move(dst, quotient);
    return true;
  }
  // n - quotient * c: mls from ARMv6T2 on (the CPUs with Thumb-2), else mul and sub.
  const VReg divisor = constant(c);
  if (target_.hasV6T2Instructions()) {
    emitMultiply(Opcode::Mls, dst, quotient, divisor, n);
  } else {
    const VReg multiple = temp();
    emit(Opcode::Mul, multiple, quotient, divisor);
    emit(Opcode::Sub, dst, n, multiple);
  }
  return true;
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

// ---- rotates ---------------------------------------------------------------------------

// At the first instruction of a rotate idiom: the rotate, into the destination. At the
// later ones: nothing for the destination's shift and the or (true), the source's shift
// as it is (false: it may be read later; dead code elimination drops it if not).
bool Selector::selectRotateIdiom(const bpf::Insn &insn) {
  const BasicBlock &block = currentBlock();
  for (size_t back = 1; back <= 3 && current_ >= block.first + back; ++back)
    if (auto rotate = findRotate(fn_, block, current_ - back)) return insn.dst == rotate->to;
  auto rotate = findRotate(fn_, block, current_);
  if (!rotate) return false;
  // The destination's hi half after the or: the idiom writes it here, if anything reads it.
  const bool hiLive = fn_.hiLiveAfter(current_ + 3, rotate->to);
  const VReg to = lo(rotate->to);
  if (!rotate->wide) {
    emitShifted(Opcode::Mov, to, kNoReg, lo(rotate->from), Shift::ROR, 32 - rotate->left);
    if (hiLive) moveConstant(hi(rotate->to), 0);
    return true;
  }
  // Each half of the result is one half shifted left by n, or-ed with the other shifted
  // right by 32 - n; by 32 or more the halves trade places first.
  VReg x0 = lo(rotate->from), x1 = readHi(rotate->from);
  unsigned n = rotate->left;
  if (n >= 32) {
    std::swap(x0, x1);
    n -= 32;
  }
  auto half = [&](VReg dst, VReg up, VReg down) {
    if (n == 0) return move(dst, up);
    emitShifted(Opcode::Mov, dst, kNoReg, up, Shift::LSL, n);
    emitShifted(Opcode::Orr, dst, dst, down, Shift::LSR, 32 - n);
  };
  if (hiLive) half(hi(rotate->to), x1, x0);
  half(to, x0, x1);
  return true;
}

// ---- ALU ------------------------------------------------------------------------------

Status Selector::selectAlu32(const Instruction &ins) {
  const bpf::Insn &insn = ins.insn;
  if (selectRotateIdiom(insn)) return std::nullopt;
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
  // Position-independent code reaches what another module may define or preempt
  // through the GOT (RelocationModel in arm_target.h): extern symbols, and under -fPIC
  // the object's own global functions, maps and variables.
  const RelocationModel model = target_.relocationModel();
  if (address->kind == AddressRef::Function) {
    // Thumb entries get bit 0 from the linker (the symbol is STT_FUNC).
    assert(symbols_.cEntries[address->index] && "an address-taken function has a C entry");
    load.symbol = out_.symbolIndex(symbols_.cEntries[address->index]);
    load.viaGot = model == RelocationModel::Pic && program_.functions[address->index].isGlobal;
  } else if (auto other = model != RelocationModel::Static ? symbols_.data->preemptible(*address) : std::nullopt;
             other && (address->kind == AddressRef::Extern || model == RelocationModel::Pic)) {
    load.symbol = out_.symbolIndex(other->sectionStart);
    load.imm = int32_t(other->offset);
    load.viaGot = true;
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
