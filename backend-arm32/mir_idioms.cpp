#include "mir_idioms.h"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

namespace bpf2arm::arm {

using mir::Inst;
using mir::kNoReg;
using mir::Opcode;
using mir::VReg;

namespace {

// What one bit of a value is: bit 0-31 of the value's source, a constant, or unknown.
constexpr uint8_t kZero = 0x40, kOne = 0x41, kUnknown = 0xff;
bool isSourceBit(uint8_t b) { return b < 32; }

// Where each bit of a value comes from. `source` at `version` is one register as it was
// between two of its writes (versions count writes within the pass); kNoReg when no bit
// comes from a register.
struct Bits {
  VReg source = kNoReg;
  uint32_t version = 0;
  std::array<uint8_t, 32> bit;
};

Bits unknownBits() {
  Bits v;
  v.bit.fill(kUnknown);
  return v;
}

Bits constantBits(uint32_t c) {
  Bits v;
  for (unsigned i = 0; i < 32; ++i) v.bit[i] = (c >> i) & 1 ? kOne : kZero;
  return v;
}

Bits identityBits(VReg r, uint32_t version) {
  Bits v;
  v.source = r;
  v.version = version;
  for (unsigned i = 0; i < 32; ++i) v.bit[i] = uint8_t(i);
  return v;
}

bool hasSourceBits(const Bits &v) {
  return std::any_of(v.bit.begin(), v.bit.end(), isSourceBit);
}

bool fullyKnown(const Bits &v) {
  return std::none_of(v.bit.begin(), v.bit.end(), [](uint8_t b) { return b == kUnknown; });
}

// out[i] = v[from(i)], where from(i) >= 32 means a zero.
template <typename From>
Bits permuted(const Bits &v, From from) {
  Bits out = v;
  for (unsigned i = 0; i < 32; ++i) {
    unsigned k = from(i);
    out.bit[i] = k < 32 ? v.bit[k] : kZero;
  }
  return out;
}

Bits shifted(const Bits &v, Shift shift, unsigned n) {
  switch (shift) {
    case Shift::LSL: return permuted(v, [n](unsigned i) { return i >= n ? i - n : 32u; });
    case Shift::LSR: return permuted(v, [n](unsigned i) { return i + n; });
    case Shift::ASR: return permuted(v, [n](unsigned i) { return std::min(i + n, 31u); });
    case Shift::ROR: return permuted(v, [n](unsigned i) { return (i + n) % 32; });
  }
  return unknownBits();
}

// Brings y onto x's source: when both take bits from different registers, y's become
// unknown (a value of two sources is no single-source idiom).
void unifySources(Bits &x, Bits &y) {
  bool xs = hasSourceBits(x), ys = hasSourceBits(y);
  if (!xs && ys) {
    x.source = y.source;
    x.version = y.version;
  } else if (xs && ys && (x.source != y.source || x.version != y.version)) {
    for (uint8_t &b : y.bit)
      if (isSourceBit(b)) b = kUnknown;
  }
  y.source = x.source;
  y.version = x.version;
}

enum class Logic { And, Orr, Eor };

uint8_t combineBit(Logic op, uint8_t x, uint8_t y) {
  bool same = x == y && x != kUnknown;
  switch (op) {
    case Logic::And:
      if (x == kZero || y == kZero) return kZero;
      if (x == kOne) return y;
      if (y == kOne) return x;
      return same ? x : kUnknown;
    case Logic::Orr:
      if (x == kOne || y == kOne) return kOne;
      if (x == kZero) return y;
      if (y == kZero) return x;
      return same ? x : kUnknown;
    case Logic::Eor:
      if (x == kZero) return y;
      if (y == kZero) return x;
      if (x == kOne && y == kOne) return kZero;
      if (same) return kZero;
      return kUnknown;  // a complemented source bit is no idiom we emit
  }
  return kUnknown;
}

Bits combined(Logic op, Bits x, Bits y) {
  unifySources(x, y);
  for (unsigned i = 0; i < 32; ++i) x.bit[i] = combineBit(op, x.bit[i], y.bit[i]);
  return x;
}

Bits complemented(Bits v) {
  for (uint8_t &b : v.bit) b = b == kZero ? kOne : b == kOne ? kZero : kUnknown;
  return v;
}

// x + y: an or up to the first bit where both may be set (a carry may start there);
// from there on unknown.
Bits added(Bits x, Bits y) {
  unifySources(x, y);
  bool carry = false;
  for (unsigned i = 0; i < 32; ++i) {
    if (x.bit[i] != kZero && y.bit[i] != kZero) carry = true;
    x.bit[i] = carry ? kUnknown : combineBit(Logic::Orr, x.bit[i], y.bit[i]);
  }
  return x;
}

class Tracker {
 public:
  explicit Tracker(const mir::Function &fn) : version_(fn.numRegs, 0), slot_(fn.numRegs, -1) {}

  void startBlock() {
    for (VReg r : touched_) slot_[r] = -1;
    touched_.clear();
    known_.clear();
  }

  Bits valueOf(VReg r) const {
    if (!mir::isVirtual(r)) return unknownBits();
    if (slot_[r] >= 0) return known_[size_t(slot_[r])];
    return identityBits(r, version_[r]);
  }

  bool holds(VReg r, uint32_t version) const { return mir::isVirtual(r) && version_[r] == version; }

  // After `inst`: its defs have new values, `result` (when known) that of dst.
  void written(const Inst &inst, const std::optional<Bits> &result) {
    mir::Operands o = mir::operandsOf(inst);
    for (unsigned d = 0; d < o.numDefs; ++d) {
      VReg r = o.defs[d];
      if (!mir::isVirtual(r)) continue;
      version_[r] = ++clock_;
      if (slot_[r] < 0) touched_.push_back(r);
      slot_[r] = -1;
      // A value with an unknown bit is a source of its own (an eor of two registers,
      // a load) for the instructions that read it.
      if (result && r == inst.dst && fullyKnown(*result)) {
        slot_[r] = int32_t(known_.size());
        known_.push_back(*result);
      }
    }
  }

  // The bits of `inst`'s second operand: b (shifted by an immediate) or imm.
  Bits operand2(const Inst &inst) const {
    if (inst.b == kNoReg) return constantBits(uint32_t(inst.imm));
    if (inst.shiftByRegister) return unknownBits();
    Bits v = valueOf(inst.b);
    return inst.shiftAmount ? shifted(v, inst.shift, inst.shiftAmount) : v;
  }

  std::optional<Bits> evaluate(const Inst &inst) const {
    if (inst.cond != Cond::AL || !mir::isVirtual(inst.dst) || inst.dst2 != kNoReg) return std::nullopt;
    switch (inst.op) {
      case Opcode::Mov: return operand2(inst);
      case Opcode::Mvn: return complemented(operand2(inst));
      case Opcode::MovConst: return constantBits(uint32_t(inst.imm));
      case Opcode::And: return combined(Logic::And, valueOf(inst.a), operand2(inst));
      case Opcode::Orr: return combined(Logic::Orr, valueOf(inst.a), operand2(inst));
      case Opcode::Eor: return combined(Logic::Eor, valueOf(inst.a), operand2(inst));
      case Opcode::Bic: return combined(Logic::And, valueOf(inst.a), complemented(operand2(inst)));
      case Opcode::Add: return added(valueOf(inst.a), operand2(inst));
      case Opcode::Rev:
        return permuted(valueOf(inst.b), [](unsigned i) { return (3 - i / 8) * 8 + i % 8; });
      case Opcode::Rev16: return permuted(valueOf(inst.b), [](unsigned i) { return i ^ 8u; });
      case Opcode::Rbit: return permuted(valueOf(inst.b), [](unsigned i) { return 31 - i; });
      case Opcode::Uxtb: return permuted(valueOf(inst.b), [](unsigned i) { return i < 8 ? i : 32u; });
      case Opcode::Uxth: return permuted(valueOf(inst.b), [](unsigned i) { return i < 16 ? i : 32u; });
      case Opcode::Sxtb: return permuted(valueOf(inst.b), [](unsigned i) { return std::min(i, 7u); });
      case Opcode::Sxth: return permuted(valueOf(inst.b), [](unsigned i) { return std::min(i, 15u); });
      case Opcode::Ubfx: case Opcode::Sbfx: {
        unsigned lsb = unsigned(inst.imm), width = inst.width, top = lsb + width - 1;
        bool sign = inst.op == Opcode::Sbfx;
        return permuted(valueOf(inst.a), [=](unsigned i) { return i < width ? lsb + i : sign ? top : 32u; });
      }
      default: return std::nullopt;
    }
  }

 private:
  uint32_t clock_ = 0;
  std::vector<uint32_t> version_;
  std::vector<int32_t> slot_;  // index into known_ of a register's bits in this block
  std::vector<VReg> touched_;
  std::vector<Bits> known_;
};

// The one instruction that computes `v` from its source, if there is one.
std::optional<Inst> singleInstructionFor(const Bits &v, const ArmTarget &target) {
  auto all = [&](auto expected) {
    for (unsigned i = 0; i < 32; ++i)
      if (v.bit[i] != expected(i)) return false;
    return true;
  };
  auto unary = [&](Opcode op) {
    Inst inst{op};
    inst.b = v.source;
    return inst;
  };
  auto shiftOf = [&](Shift shift, unsigned n) {
    Inst inst = unary(Opcode::Mov);
    inst.shift = shift;
    inst.shiftAmount = uint8_t(n);
    return inst;
  };
  if (all([](unsigned i) { return uint8_t(i); })) return unary(Opcode::Mov);
  if (target.hasV6T2Instructions() && all([](unsigned i) { return uint8_t(31 - i); })) return unary(Opcode::Rbit);
  if (all([](unsigned i) { return uint8_t((3 - i / 8) * 8 + i % 8); })) return unary(Opcode::Rev);
  if (all([](unsigned i) { return uint8_t(i ^ 8); })) return unary(Opcode::Rev16);
  for (unsigned n = 1; n < 32; ++n) {
    if (all([n](unsigned i) { return uint8_t((i + n) % 32); })) return shiftOf(Shift::ROR, n);
    if (all([n](unsigned i) { return i >= n ? uint8_t(i - n) : kZero; })) return shiftOf(Shift::LSL, n);
    if (all([n](unsigned i) { return i + n < 32 ? uint8_t(i + n) : kZero; })) return shiftOf(Shift::LSR, n);
  }
  return std::nullopt;
}

bool readsOnly(const Inst &inst, VReg r) {
  for (VReg x : {inst.a, inst.b, inst.c})
    if (x != kNoReg && x != r) return false;
  return true;
}

}  // namespace

bool recogniseBitPermutations(mir::Function &fn, const ArmTarget &target) {
  Tracker tracker(fn);
  bool changed = false;
  for (mir::Block &block : fn.blocks) {
    tracker.startBlock();
    for (Inst &inst : block.insts) {
      std::optional<Bits> result = tracker.evaluate(inst);
      // Rewritten only where the instruction reads more than the source (else it is
      // already the one instruction, or an equally cheap one) and the source still holds
      // the value the bits come from.
      if (result && !inst.setFlags && hasSourceBits(*result) && !readsOnly(inst, result->source) &&
          tracker.holds(result->source, result->version)) {
        if (std::optional<Inst> idiom = singleInstructionFor(*result, target)) {
          idiom->dst = inst.dst;
          idiom->bpfInsn = inst.bpfInsn;
          inst = *idiom;
          changed = true;
        }
      }
      tracker.written(inst, result);
    }
  }
  return changed;
}

}  // namespace bpf2arm::arm
