#include "value_range.h"

#include <algorithm>

namespace bpf2arm {

using namespace bpf;

namespace {

using u128 = unsigned __int128;
using s128 = __int128;

constexpr u128 kTwoTo64 = u128(1) << 64;

// All ones up to the highest set bit of v: the largest value an OR or XOR of values up
// to v can take.
uint64_t smear(uint64_t v) {
  for (unsigned s = 1; s < 64; s <<= 1) v |= v >> s;
  return v;
}

// [lo, hi] reduced modulo 2^64: exact where both ends wrap alike, else everything.
ValueRange wrapped(s128 lo, s128 hi) {
  if (lo >= 0 && hi < s128(kTwoTo64)) return {uint64_t(lo), uint64_t(hi)};
  if (lo >= s128(kTwoTo64) && hi < 2 * s128(kTwoTo64)) return {uint64_t(lo - s128(kTwoTo64)), uint64_t(hi - s128(kTwoTo64))};
  if (lo >= -s128(kTwoTo64) && hi < 0) return {uint64_t(lo + s128(kTwoTo64)), uint64_t(hi + s128(kTwoTo64))};
  return ValueRange::all();
}

// The operation on width-bit operands (64, or 32 with operands below 2^32), computed
// without wrapping at the width: the caller drops results that leave the width.
ValueRange operate(uint8_t op, int16_t offset, unsigned width, const ValueRange &a, const ValueRange &b) {
  const unsigned shiftMask = width - 1;
  const uint64_t signBit = uint64_t(1) << (width - 1);
  switch (op) {
    case MOV:  // movsx (offset 8/16/32) keeps values whose sign bit is clear
      if (offset == 0 || b.max < (uint64_t(1) << (offset - 1))) return b;
      return ValueRange::all();
    case ADD: return wrapped(s128(a.min) + s128(b.min), s128(a.max) + s128(b.max));
    case SUB: return wrapped(s128(a.min) - s128(b.max), s128(a.max) - s128(b.min));
    case NEG: return wrapped(-s128(a.max), -s128(a.min));
    case MUL: {
      const u128 top = u128(a.max) * u128(b.max);
      if (top >= kTwoTo64) return ValueRange::all();
      return {a.min * b.min, uint64_t(top)};
    }
    case DIV:  // unsigned; division by 0 gives 0
      if (offset != 0) return ValueRange::all();
      if (b.min > 0) return {a.min / b.max, a.max / b.min};
      return ValueRange::upTo(a.max);
    case MOD:  // unsigned; modulo 0 keeps the dividend
      if (offset != 0) return ValueRange::all();
      if (b.min > a.max) return a;
      if (b.min > 0) return ValueRange::upTo(std::min(a.max, b.max - 1));
      return ValueRange::upTo(a.max);
    case AND: return ValueRange::upTo(std::min(a.max, b.max));
    case OR: return {std::max(a.min, b.min), smear(a.max | b.max)};
    case XOR: return ValueRange::upTo(smear(a.max | b.max));
    case LSH: {
      if (!b.isConstant()) return ValueRange::all();
      const unsigned k = unsigned(b.min) & shiftMask;
      if (k == 0) return a;
      if (a.max >> (64 - k) != 0) return ValueRange::all();
      return {a.min << k, a.max << k};
    }
    case ARSH:  // a value with its sign bit clear shifts like an unsigned one
      if (a.max >= signBit) return ValueRange::all();
      [[fallthrough]];
    case RSH: {
      if (!b.isConstant()) return ValueRange::upTo(a.max);
      const unsigned k = unsigned(b.min) & shiftMask;
      return {a.min >> k, a.max >> k};
    }
  }
  return ValueRange::all();
}

}  // namespace

ValueRange aluResult(const Insn &insn, const ValueRange &dst, const ValueRange &src) {
  const uint8_t op = aluOp(insn.opcode);
  if (op == END) {  // byte swaps and zero extensions; le64 and bswap64 keep 64 bits
    if (insn.imm == 16) return ValueRange::upTo(0xffff);
    if (insn.imm == 32) return ValueRange::all32();
    return ValueRange::all();
  }
  if (insn.cls() == ALU64) return operate(op, insn.offset, 64, dst, src);
  // 32-bit: on the low halves, the result zero-extended. The operation without wrapping
  // gives the 32-bit result wherever it stays below 2^32.
  const ValueRange result = operate(op, insn.offset, 32, dst.lo32(), src.lo32());
  return result.fitsIn32Bits() ? result : ValueRange::all32();
}

ValueRange plusConstant(const ValueRange &range, uint64_t c) {
  return wrapped(s128(range.min) + s128(c), s128(range.max) + s128(c));
}

namespace {

uint8_t negated(uint8_t op) {
  switch (op) {
    case JEQ: return JNE;
    case JNE: return JEQ;
    case JGT: return JLE;
    case JLE: return JGT;
    case JGE: return JLT;
    case JLT: return JGE;
    case JSGT: return JSLE;
    case JSLE: return JSGT;
    case JSGE: return JSLT;
    case JSLT: return JSGE;
  }
  return op;
}

uint8_t unsignedCounterpart(uint8_t op) {
  switch (op) {
    case JSGT: return JGT;
    case JSGE: return JGE;
    case JSLT: return JLT;
    case JSLE: return JLE;
  }
  return op;
}

// d < s (orEqual: d <= s) narrows d from above and s from below.
bool refineLess(ValueRange &d, ValueRange &s, bool orEqual) {
  if (!orEqual && (s.max == 0 || d.min == ~uint64_t(0))) return false;
  d.max = std::min(d.max, orEqual ? s.max : s.max - 1);
  s.min = std::max(s.min, orEqual ? d.min : d.min + 1);
  return true;
}

// d != c removes c where it is an end of d.
void excludeEnd(ValueRange &d, uint64_t c) {
  if (d.min == c) ++d.min;
  else if (d.max == c) --d.max;
}

}  // namespace

std::optional<ComparedRanges> refineByCompare(const Insn &insn, bool taken, ValueRange d, ValueRange s) {
  uint8_t op = aluOp(insn.opcode);
  if (op == JSET) {
    if (!taken) return ComparedRanges{d, s};
    if (d.max == 0 || s.max == 0) return std::nullopt;  // d & s != 0: both non-zero
    d.min = std::max<uint64_t>(d.min, 1);
    s.min = std::max<uint64_t>(s.min, 1);
    return ComparedRanges{d, s};
  }
  if (!taken) op = negated(op);
  if (op == JSGT || op == JSGE || op == JSLT || op == JSLE) {
    // Signed order is unsigned order among values with the sign bit clear; d > s >= 0
    // (and s > d >= 0) also proves the greater one's sign bit clear.
    const uint64_t signedMax = insn.cls() == JMP32 ? 0x7fffffffu : ~uint64_t(0) >> 1;
    if ((op == JSGT || op == JSGE) && s.max <= signedMax) d.max = std::min(d.max, signedMax);
    if ((op == JSLT || op == JSLE) && d.max <= signedMax) s.max = std::min(s.max, signedMax);
    if (d.min > d.max || s.min > s.max) return std::nullopt;
    if (d.max > signedMax || s.max > signedMax) return ComparedRanges{d, s};
    op = unsignedCounterpart(op);
  }
  bool feasible = true;
  switch (op) {
    case JEQ:
      d.min = s.min = std::max(d.min, s.min);
      d.max = s.max = std::min(d.max, s.max);
      break;
    case JNE:
      if (d.isConstant() && s.isConstant()) feasible = d.min != s.min;
      else if (s.isConstant()) excludeEnd(d, s.min);
      else if (d.isConstant()) excludeEnd(s, d.min);
      break;
    case JLT: feasible = refineLess(d, s, false); break;
    case JLE: feasible = refineLess(d, s, true); break;
    case JGT: feasible = refineLess(s, d, false); break;
    case JGE: feasible = refineLess(s, d, true); break;
  }
  if (!feasible || d.min > d.max || s.min > s.max) return std::nullopt;
  return ComparedRanges{d, s};
}

}  // namespace bpf2arm
