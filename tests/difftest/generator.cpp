#include "generator.h"

#include <algorithm>
#include <climits>
#include <utility>
#include <vector>

namespace difftest {

uint64_t mixSeed(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() { return mixSeed(state_++); }
  unsigned below(size_t n) { return unsigned(next() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
  int range(int lo, int hi) { return lo + int(below(size_t(hi - lo + 1))); }
  template <class T>
  T pick(const std::vector<T> &v) { return v[below(v.size())]; }

 private:
  uint64_t state_;
};

constexpr int kWindow = 32;        // bytes of its frame a caller lends a callee through R2
constexpr int kCounterBytes = 24;  // stack loop counters at R10-8, -16, -24 (loop depth 0..2)
constexpr int kMaxLoopDepth = 3;

struct SubSpec {
  bool bufferArg = false;  // R1 = the buffer's start
  bool windowArg = false;  // R2 = the start of kWindow bytes of the caller's data area
};

enum class Region { Buffer, Stack, Window };

struct Base {
  int reg;
  Region region;
  int64_t points;  // offset from the region's origin (buffer start, R10, window start)
};

const uint8_t kAluOps[] = {OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_OR,  OP_AND, OP_LSH,
                           OP_RSH, OP_MOD, OP_XOR, OP_ARSH, OP_DIV, OP_MOD};
const uint8_t kCondOps[] = {OP_JEQ, OP_JGT, OP_JGE, OP_JSET, OP_JNE, OP_JSGT,
                            OP_JSGE, OP_JLT, OP_JLE, OP_JSLT, OP_JSLE};
const uint8_t kSizes[] = {SIZE_B, SIZE_H, SIZE_W, SIZE_DW};

class FunctionGen {
 public:
  FunctionGen(Rng &rng, bool entry, SubSpec self, std::vector<std::pair<int, SubSpec>> callees, bool pressure,
              unsigned units)
      : rng_(rng), entry_(entry), self_(self), callees_(std::move(callees)), pressure_(pressure), units_(units) {}

  Code code;
  std::vector<std::pair<size_t, int>> calls;  // slot of a local call, index of the callee subprogram

  void generate() {
    mayCall_ = pressure_ || rng_.chance(75);
    frameSize_ = kCounterBytes + kWindow + 8 * rng_.range(0, 10);
    if (rng_.chance(5)) frameSize_ = 8 * rng_.range(12, 64);
    prologue();
    epilogueLabel_ = newLabel();
    block(0, int(units_));
    epilogue();
    for (auto [slot, label] : fixups_) code[slot].setJumpDelta(labels_[size_t(label)] - int(slot) - 1);
  }

 private:
  Rng &rng_;
  bool entry_;
  SubSpec self_;
  std::vector<std::pair<int, SubSpec>> callees_;
  bool pressure_;
  unsigned units_;
  bool mayCall_ = false;
  int frameSize_ = 0;
  int bufReg_ = -1, winReg_ = -1, stkReg_ = -1;
  int64_t bufOff_ = 0, stkOff_ = 0;
  bool active_[11] = {};
  bool locked_[11] = {};
  bool defined_[11] = {};  // holds a scalar the interpreter has seen written
  std::vector<int> labels_;
  std::vector<std::pair<size_t, int>> fixups_;
  struct Loop {
    int exit, latch;
  };
  std::vector<Loop> loops_;
  int epilogueLabel_ = -1;

  // --- emission -------------------------------------------------------------------------------
  void emit(Insn in) { code.push_back(in); }
  int newLabel() {
    labels_.push_back(-1);
    return int(labels_.size() - 1);
  }
  void bind(int label) { labels_[size_t(label)] = int(code.size()); }
  void emitJump(Insn in, int label) {
    fixups_.push_back({code.size(), label});
    emit(in);
  }
  void aluImm(uint8_t cls, uint8_t op, int dst, int32_t imm, int off = 0) {
    emit(makeInsn(cls | SRC_K | op, dst, 0, off, imm));
  }
  void aluReg(uint8_t cls, uint8_t op, int dst, int src, int off = 0) {
    emit(makeInsn(cls | SRC_X | op, dst, src, off, 0));
  }
  void ldImm64(int dst, uint64_t v) { appendLdImm64(code, dst, v); }
  void copyPointer(int dst, int src, int64_t add) {
    aluReg(ALU64, OP_MOV, dst, src);
    if (add) aluImm(ALU64, OP_ADD, dst, int32_t(add));
  }

  // --- values ---------------------------------------------------------------------------------
  int32_t value32() {
    switch (rng_.below(12)) {
      case 0: return 0;
      case 1: return 1;
      case 2: return -1;
      case 3: return INT32_MIN;
      case 4: return INT32_MAX;
      case 5: return rng_.range(0, 70);
      case 6: return -rng_.range(1, 70);
      case 7: return int32_t(1u << rng_.below(32));
      case 8: return int32_t(0xffffu << rng_.below(17));
      default: return int32_t(rng_.next());
    }
  }
  uint64_t value64() {
    switch (rng_.below(10)) {
      case 0: return 0;
      case 1: return ~0ull;
      case 2: return 1ull << 63;
      case 3: return (1ull << 63) - 1;
      case 4: return 0xffffffffull;
      case 5: return 0x80000000ull;
      case 6: return uint64_t(int64_t(value32()));
      case 7: return 1ull << rng_.below(64);
      default: return rng_.next();
    }
  }

  // --- registers ------------------------------------------------------------------------------
  bool isPointerReg(int r) const { return r == 10 || r == bufReg_ || r == winReg_ || r == stkReg_; }
  std::vector<int> scalars(bool writable, int except = -1) const {
    std::vector<int> out;
    for (int r = 0; r < 10; ++r)
      if (active_[r] && defined_[r] && !isPointerReg(r) && (!writable || !locked_[r]) && r != except) out.push_back(r);
    return out;
  }
  int pickSrc() { return rng_.pick(scalars(false)); }
  int pickDst(int except = -1) {
    std::vector<int> s = scalars(true, except);
    return s.empty() ? -1 : rng_.pick(s);
  }
  bool callsAllowed() const {
    for (int r = 0; r <= 5; ++r)
      if (locked_[r]) return false;
    return mayCall_;
  }
  // Some definition of scalar r from a constant or from another scalar.
  void define(int r) {
    std::vector<int> from = scalars(false, r);
    defined_[r] = true;
    switch (rng_.below(from.empty() ? 3 : 5)) {
      case 0: aluImm(ALU64, OP_MOV, r, value32()); break;
      case 1: aluImm(ALU, OP_MOV, r, value32()); break;
      case 2: ldImm64(r, value64()); break;
      case 3: aluReg(ALU64, OP_MOV, r, rng_.pick(from)); break;
      default:
        aluReg(rng_.chance(50) ? ALU64 : ALU, OP_MOV, r, rng_.pick(from));
        aluImm(ALU64, rng_.chance(50) ? OP_XOR : OP_ADD, r, value32());
        break;
    }
  }

  void prologue();
  void epilogue();
  void block(int depth, int units);
  void aluUnit();
  void bitShuffleUnit();
  void moveUnit();
  bool pickAddress(unsigned size, int avoid, int &baseReg, int16_t &off, int &temp);
  void releaseTemp(int temp);
  void loadUnit();
  void storeUnit();
  void atomicUnit();
  Insn condition(bool rare);
  void ifUnit(int depth, int units);
  void loopUnit(int depth, int units);
  int loopBody(int depth, int units, const Loop &loop);
  void wrapLoop(int depth, int units, int counter, int trips, const Loop &loop, uint8_t cls);
  void localCallUnit();
  void helperCallUnit();
  void afterCall();
  void conditionalExit();
  void breakOrContinue();
};

void FunctionGen::prologue() {
  std::vector<int> callSafe = {6, 7, 8, 9};
  auto takeReg = [&](std::vector<int> choices) {
    int r = rng_.pick(choices);
    callSafe.erase(std::remove(callSafe.begin(), callSafe.end(), r), callSafe.end());
    return r;
  };
  bool hasBuffer = entry_ || self_.bufferArg;
  if (hasBuffer) {
    bufReg_ = mayCall_ || rng_.chance(50) ? takeReg(callSafe) : 1;
    bufOff_ = rng_.chance(50) ? rng_.range(-8, 72) : 0;
    if (bufReg_ != 1) aluReg(ALU64, OP_MOV, bufReg_, 1);
    if (bufOff_) aluImm(ALU64, OP_ADD, bufReg_, int32_t(bufOff_));
  }
  if (!entry_ && self_.windowArg) {
    winReg_ = mayCall_ || rng_.chance(50) ? takeReg(callSafe) : 2;
    if (winReg_ != 2) copyPointer(winReg_, 2, 0);
  }
  if (!pressure_ && rng_.chance(60)) {
    std::vector<int> choices = callSafe;
    if (!mayCall_)
      for (int r = 3; r <= 5; ++r) choices.push_back(r);
    if (!choices.empty()) {
      stkReg_ = rng_.pick(choices);
      stkOff_ = -8 * rng_.range(0, frameSize_ / 8);
      copyPointer(stkReg_, 10, stkOff_);
    }
  }
  // Scalars: all of R0-R9 under pressure, otherwise a few.
  active_[0] = true;
  for (int r = 1; r < 10; ++r) active_[r] = !isPointerReg(r) && (pressure_ || rng_.chance(55));
  for (int r = 1; r <= 5; ++r) defined_[r] = !(r == 1 && hasBuffer) && !(r == 2 && !entry_ && self_.windowArg);
  for (int r = 0; r < 10; ++r)
    if (active_[r] && !isPointerReg(r) && (!defined_[r] || rng_.chance(15))) define(r);
  // Every byte of the frame is written before the body runs.
  for (int at = -frameSize_; at < 0; at += 8) {
    int base = 10;
    int64_t points = 0;
    if (stkReg_ >= 0 && rng_.chance(40)) base = stkReg_, points = stkOff_;
    int off = int(at - points);
    switch (rng_.below(6)) {
      case 0:
      case 1: emit(makeInsn(ST | MODE_MEM | SIZE_DW, base, 0, off, value32())); break;
      case 2:
      case 3: emit(makeInsn(STX | MODE_MEM | SIZE_DW, base, pickSrc(), off, 0)); break;
      case 4:
        emit(makeInsn(ST | MODE_MEM | SIZE_W, base, 0, off, value32()));
        emit(makeInsn(STX | MODE_MEM | SIZE_W, base, pickSrc(), off + 4, 0));
        break;
      default:
        emit(makeInsn(STX | MODE_MEM | SIZE_H, base, pickSrc(), off, 0));
        emit(makeInsn(ST | MODE_MEM | SIZE_B, base, 0, off + 2, value32()));
        emit(makeInsn(STX | MODE_MEM | SIZE_B, base, pickSrc(), off + 3, 0));
        emit(makeInsn(ST | MODE_MEM | SIZE_W, base, 0, off + 4, value32()));
        break;
    }
  }
}

void FunctionGen::epilogue() {
  bind(epilogueLabel_);
  // R0 becomes a hash of every live scalar and of some stack words, so a wrong value anywhere
  // shows in the result.
  std::vector<int> regs = scalars(false, 0);
  for (size_t i = regs.size(); i > 1; --i) std::swap(regs[i - 1], regs[rng_.below(i)]);
  for (int r : regs) {
    aluImm(ALU64, OP_MUL, 0, int32_t(0x01000193 + 2 * rng_.range(0, 1000)));
    aluReg(ALU64, rng_.chance(50) ? OP_ADD : OP_XOR, 0, r);
  }
  int temp = pickDst(0);
  for (int i = rng_.range(0, 3); temp >= 0 && i > 0; --i) {
    int at = -frameSize_ + 8 * rng_.range(0, (frameSize_ - kCounterBytes) / 8 - 1);
    emit(makeInsn(LDX | MODE_MEM | SIZE_DW, temp, 10, at, 0));
    aluImm(ALU64, OP_MUL, 0, 0x2545f491);
    aluReg(ALU64, OP_XOR, 0, temp);
  }
  emit(makeInsn(JMP | OP_EXIT, 0, 0, 0, 0));
}

void FunctionGen::block(int depth, int units) {
  while (units > 0) {
    unsigned roll = rng_.below(100);
    int cost = 1;
    if (roll < 30) {
      aluUnit();
    } else if (roll < 44) {
      moveUnit();
    } else if (roll < 56) {
      loadUnit();
    } else if (roll < 66) {
      storeUnit();
    } else if (roll < 73) {
      atomicUnit();
    } else if (roll < 81 && depth < 5) {
      cost = std::min(units, rng_.range(2, 8));
      ifUnit(depth, cost - 1);
    } else if (roll < 87 && int(loops_.size()) < kMaxLoopDepth && depth < 5) {
      cost = std::min(units, rng_.range(3, 12));
      loopUnit(depth, cost - 1);
    } else if (roll < 91 && callsAllowed() && !callees_.empty() && loops_.size() < 2) {
      localCallUnit();
    } else if (roll < 95 && callsAllowed()) {
      helperCallUnit();
    } else if (roll < 97) {
      conditionalExit();
    } else if (!loops_.empty()) {
      breakOrContinue();
    } else {
      // An always-taken or empty jump: `goto +0`, `gotol` over dead code.
      int after = newLabel();
      if (rng_.chance(50)) {
        emitJump(makeInsn(JMP | OP_JA, 0, 0, 0, 0), after);
      } else {
        emitJump(makeInsn(JMP32 | OP_JA, 0, 0, 0, 0), after);
        aluUnit();
      }
      bind(after);
    }
    units -= cost;
  }
}

void FunctionGen::aluUnit() {
  if (rng_.chance(8)) return bitShuffleUnit();
  int dst = pickDst();
  if (dst < 0) return;
  uint8_t cls = rng_.chance(50) ? ALU64 : ALU;
  uint8_t op = kAluOps[rng_.below(sizeof kAluOps)];
  bool isSigned = (op == OP_DIV || op == OP_MOD) && rng_.chance(50);
  int off = isSigned ? 1 : 0;
  unsigned bits = cls == ALU64 ? 64 : 32;
  if ((op == OP_DIV || op == OP_MOD) && rng_.chance(20)) {
    // The dividend at the signed minimum, for MIN / -1.
    if (cls == ALU64) ldImm64(dst, 1ull << 63);
    else aluImm(ALU, OP_MOV, dst, INT32_MIN);
  }
  if (rng_.chance(45)) {
    int32_t imm;
    if (op == OP_LSH || op == OP_RSH || op == OP_ARSH)
      imm = rng_.chance(90) ? rng_.range(0, int(bits) - 1) : rng_.range(int(bits), 255);  // masked by the RFC
    else if ((op == OP_DIV || op == OP_MOD) && rng_.chance(40))
      imm = rng_.pick(std::vector<int32_t>{0, -1, 1, INT32_MIN, 2, 3, 7, -3});
    else
      imm = value32();
    aluImm(cls, op, dst, imm, off);
    return;
  }
  int src = pickSrc();
  if ((op == OP_DIV || op == OP_MOD || op == OP_LSH || op == OP_RSH || op == OP_ARSH) && rng_.chance(40)) {
    int tmp = pickDst(dst);
    if (tmp >= 0) {
      src = tmp;
      if (op == OP_DIV || op == OP_MOD) aluImm(rng_.chance(50) ? ALU64 : ALU, OP_MOV, src, rng_.pick(std::vector<int32_t>{0, -1, 1, INT32_MIN, 3}));
      else aluImm(ALU64, OP_MOV, src, rng_.chance(70) ? rng_.range(0, 70) : value32());
    }
  }
  aluReg(cls, op, dst, src, off);
}

// Bit rearrangements spelled out as clang spells ARM's one-instruction ones for BPF:
// rotates (32- and 64-bit, joined by or or add), the mask-and-shift swaps of a bit
// reversal, byte swaps; now and then with a mask bit or an amount off, so that idiom
// recognition meets the near misses too.
void FunctionGen::bitShuffleUnit() {
  int x = pickDst();
  int t = x < 0 ? -1 : pickDst(x);
  if (t < 0) return;
  static const uint32_t kSwapMasks[] = {0x55555555u, 0x33333333u, 0x0f0f0f0fu, 0x00ff00ffu, 0x0000ffffu};
  for (int step = rng_.range(1, 4); step > 0; --step) {
    switch (rng_.below(3)) {
      case 0: {
        bool wide = rng_.chance(30);
        uint8_t cls = wide ? ALU64 : ALU;
        int bits = wide ? 64 : 32;
        int left = rng_.range(1, bits - 1);
        int right = rng_.chance(90) ? bits - left : rng_.range(1, bits - 1);
        aluReg(cls, OP_MOV, t, x);
        aluImm(cls, OP_LSH, t, left);
        aluImm(cls, OP_RSH, x, right);
        aluReg(cls, rng_.chance(75) ? OP_OR : OP_ADD, x, t);
        break;
      }
      case 1: {
        unsigned k = rng_.below(5);
        uint32_t mask = kSwapMasks[k];
        if (rng_.chance(15)) mask ^= 1u << rng_.below(32);
        int shift = 1 << k;
        aluReg(ALU, OP_MOV, t, x);
        aluImm(ALU, OP_AND, t, int32_t(mask));
        aluImm(ALU, OP_LSH, t, shift);
        aluImm(ALU, OP_RSH, x, shift);
        aluImm(ALU, OP_AND, x, int32_t(mask));
        aluReg(ALU, OP_OR, x, t);
        break;
      }
      default:
        if (rng_.chance(50)) emit(makeInsn(ALU64 | SRC_K | OP_END, x, 0, 0, 32));  // bswap32
        else emit(makeInsn(ALU | SRC_X | OP_END, x, 0, 0, rng_.chance(80) ? 32 : 16));  // be32, be16
        break;
    }
  }
}

void FunctionGen::moveUnit() {
  int dst = pickDst();
  if (dst < 0) return;
  int src = pickSrc();
  switch (rng_.below(9)) {
    case 0: aluReg(ALU64, OP_MOV, dst, src); break;
    case 1: aluReg(ALU, OP_MOV, dst, src); break;
    case 2: aluImm(rng_.chance(50) ? ALU64 : ALU, OP_MOV, dst, value32()); break;
    case 3: {
      static const int widths64[] = {8, 16, 32};
      aluReg(ALU64, OP_MOV, dst, src, widths64[rng_.below(3)]);  // movsx
      break;
    }
    case 4: aluReg(ALU, OP_MOV, dst, src, rng_.chance(50) ? 8 : 16); break;
    case 5: aluImm(rng_.chance(50) ? ALU64 : ALU, OP_NEG, dst, 0); break;
    case 6: {
      static const int widths[] = {16, 32, 64};
      // le / be (ALU class, the source bit picks big endian) and bswap (ALU64).
      uint8_t cls = rng_.chance(33) ? ALU64 : ALU;
      uint8_t src_bit = cls == ALU && rng_.chance(50) ? SRC_X : SRC_K;
      emit(makeInsn(cls | src_bit | OP_END, dst, 0, 0, widths[rng_.below(3)]));
      break;
    }
    default: ldImm64(dst, value64()); break;
  }
}

// An address for a `size`-byte access: a base register (R10, the buffer, a copy, or a
// temporary pointer made here as clang makes them) and the offset from it. `temp` is the
// temporary pointer register, or -1; it must be released after the access.
bool FunctionGen::pickAddress(unsigned size, int avoid, int &baseReg, int16_t &off, int &temp) {
  std::vector<Base> bases;
  if (bufReg_ >= 0) bases.push_back({bufReg_, Region::Buffer, bufOff_});
  bases.push_back({10, Region::Stack, 0});
  if (stkReg_ >= 0) bases.push_back({stkReg_, Region::Stack, stkOff_});
  if (winReg_ >= 0) bases.push_back({winReg_, Region::Window, 0});
  Base b = rng_.pick(bases);
  int lo = 0, end = 0;
  switch (b.region) {
    case Region::Buffer: lo = 0, end = int(kBufferSize); break;
    case Region::Stack: lo = -frameSize_, end = -kCounterBytes; break;
    case Region::Window: lo = 0, end = kWindow; break;
  }
  int at = lo + int(size) * rng_.range(0, (end - lo) / int(size) - 1);
  temp = -1;
  if (rng_.chance(30)) temp = pickDst(avoid);
  if (temp >= 0) {
    int64_t add = rng_.chance(70) ? rng_.range(-40, 40) : 0;
    copyPointer(temp, b.reg, add);
    baseReg = temp;
    off = int16_t(at - (b.points + add));
  } else {
    baseReg = b.reg;
    off = int16_t(at - b.points);
  }
  return true;
}

void FunctionGen::releaseTemp(int temp) {
  if (temp >= 0) define(temp);
}

void FunctionGen::loadUnit() {
  uint8_t size = kSizes[rng_.below(4)];
  bool sx = size != SIZE_DW && rng_.chance(35);
  int base, temp;
  int16_t off;
  pickAddress(sizeBytes(size), -1, base, off, temp);
  int dst = temp >= 0 && rng_.chance(60) ? temp : pickDst();
  if (dst < 0) return releaseTemp(temp);
  emit(makeInsn(LDX | (sx ? MODE_MEMSX : MODE_MEM) | size, dst, base, off, 0));
  if (temp != dst) releaseTemp(temp);
}

void FunctionGen::storeUnit() {
  uint8_t size = kSizes[rng_.below(4)];
  int value = pickSrc();
  int base, temp;
  int16_t off;
  pickAddress(sizeBytes(size), value, base, off, temp);
  if (rng_.chance(35)) emit(makeInsn(ST | MODE_MEM | size, base, 0, off, value32()));
  else emit(makeInsn(STX | MODE_MEM | size, base, value, off, 0));
  releaseTemp(temp);
}

void FunctionGen::atomicUnit() {
  static const int32_t ops[] = {AT_ADD, AT_OR, AT_AND, AT_XOR, AT_ADD | AT_FETCH, AT_OR | AT_FETCH,
                                AT_AND | AT_FETCH, AT_XOR | AT_FETCH, AT_XCHG, AT_CMPXCHG};
  int32_t op = ops[rng_.below(10)];
  uint8_t size = rng_.chance(50) ? SIZE_W : SIZE_DW;
  bool writesSrc = op & AT_FETCH;
  if (op == AT_CMPXCHG && locked_[0]) return;
  int src = writesSrc ? pickDst() : pickSrc();
  if (src < 0) return;
  if (op == AT_CMPXCHG && rng_.chance(30)) {
    // Make the compare succeed now and then: R0 = the current value.
    int base, temp;
    int16_t off;
    pickAddress(sizeBytes(size), src, base, off, temp);
    emit(makeInsn(LDX | MODE_MEM | size, 0, base, off, 0));
    if (temp == src || temp == 0) return releaseTemp(temp);
    emit(makeInsn(STX | MODE_ATOMIC | size, base, src, off, op));
    return releaseTemp(temp);
  }
  int base, temp;
  int16_t off;
  pickAddress(sizeBytes(size), src, base, off, temp);
  if (op == AT_CMPXCHG && temp == 0) return releaseTemp(temp);
  emit(makeInsn(STX | MODE_ATOMIC | size, base, src, off, op));
  releaseTemp(temp);
}

// A conditional jump on scalars (target patched by the caller); a `rare` one is seldom
// taken, for exits and breaks that would otherwise cut most runs short.
Insn FunctionGen::condition(bool rare) {
  uint8_t cls = rng_.chance(50) ? JMP : JMP32;
  if (rare && rng_.chance(80)) {
    int dst = pickSrc();
    switch (rng_.below(3)) {
      case 0: return makeInsn(cls | SRC_K | OP_JEQ, dst, 0, 0, int32_t(rng_.next()));
      case 1: return makeInsn(cls | SRC_X | OP_JNE, dst, dst, 0, 0);
      default: return makeInsn(cls | SRC_K | OP_JGT, dst, 0, 0, -1 - rng_.range(0, 3));
    }
  }
  uint8_t op = kCondOps[rng_.below(sizeof kCondOps)];
  int dst = pickSrc();
  if (rng_.chance(50)) return makeInsn(cls | SRC_X | op, dst, pickSrc(), 0, 0);
  return makeInsn(cls | SRC_K | op, dst, 0, 0, value32());
}

void FunctionGen::ifUnit(int depth, int units) {
  int skip = newLabel();
  emitJump(condition(false), skip);
  if (rng_.chance(30) && units >= 2) {
    // if-else: the then part ends with a goto (JA or gotol) over the else part.
    int end = newLabel();
    block(depth + 1, units / 2);
    emitJump(makeInsn((rng_.chance(50) ? JMP : JMP32) | OP_JA, 0, 0, 0, 0), end);
    bind(skip);
    block(depth + 1, units - units / 2);
    bind(end);
    return;
  }
  block(depth + 1, units);
  bind(skip);
}

void FunctionGen::loopUnit(int depth, int units) {
  if (scalars(true).empty()) return;  // the latch needs a scratch register
  const int trips = rng_.range(1, 6);
  Loop loop{newLabel(), newLabel()};
  // The counter: a register no instruction of the body writes, or a stack slot of its own.
  std::vector<int> candidates = scalars(true);
  if (mayCall_ && !pressure_) {
    std::vector<int> safe;
    for (int r : candidates)
      if (r >= 6) safe.push_back(r);
    if (!safe.empty() && rng_.chance(80)) candidates = safe;
  }
  bool inRegister = candidates.size() >= 3 && rng_.chance(pressure_ ? 30 : 65);
  const uint8_t cls = rng_.chance(50) ? JMP : JMP32;
  if (inRegister) {
    int counter = rng_.pick(candidates);
    if (rng_.chance(20)) {
      wrapLoop(depth, units, counter, trips, loop, cls);
      return;
    }
    bool down = rng_.chance(35);
    int start = down ? trips : rng_.range(0, 3);
    aluImm(rng_.chance(50) ? ALU64 : ALU, OP_MOV, counter, start);
    locked_[counter] = true;
    int bound = -1;
    if (!down && rng_.chance(30)) {
      bound = pickDst();
      if (bound >= 0) {
        aluImm(ALU64, OP_MOV, bound, start + trips);
        locked_[bound] = true;
      }
    }
    int head = newLabel();
    bool testAtTop = !down && bound < 0 && rng_.chance(30);
    bind(head);
    if (testAtTop) emitJump(makeInsn(cls | SRC_K | OP_JGE, counter, 0, 0, start + trips), loop.exit);
    loops_.push_back(loop);
    block(depth + 1, units);
    loops_.pop_back();
    bind(loop.latch);
    if (down) {
      if (rng_.chance(50)) aluImm(rng_.chance(50) ? ALU64 : ALU, OP_SUB, counter, 1);
      else aluImm(ALU64, OP_ADD, counter, -1);
      static const uint8_t ops[] = {OP_JNE, OP_JSGT, OP_JGT};
      emitJump(makeInsn(cls | SRC_K | ops[rng_.below(3)], counter, 0, 0, 0), head);
    } else {
      aluImm(rng_.chance(50) ? ALU64 : ALU, OP_ADD, counter, 1);
      if (testAtTop) {
        emitJump(makeInsn((rng_.chance(50) ? JMP : JMP32) | OP_JA, 0, 0, 0, 0), head);
      } else if (bound >= 0) {
        if (rng_.chance(50)) emitJump(makeInsn(cls | SRC_X | OP_JLT, counter, bound, 0, 0), head);
        else emitJump(makeInsn(cls | SRC_X | OP_JSGT, bound, counter, 0, 0), head);
      } else {
        int end = start + trips;
        switch (rng_.below(5)) {
          case 0: emitJump(makeInsn(cls | SRC_K | OP_JLT, counter, 0, 0, end), head); break;
          case 1: emitJump(makeInsn(cls | SRC_K | OP_JLE, counter, 0, 0, end - 1), head); break;
          case 2: emitJump(makeInsn(cls | SRC_K | OP_JNE, counter, 0, 0, end), head); break;
          case 3: emitJump(makeInsn(cls | SRC_K | OP_JSLT, counter, 0, 0, end), head); break;
          default: emitJump(makeInsn(cls | SRC_K | OP_JSLE, counter, 0, 0, end - 1), head); break;
        }
      }
    }
    locked_[counter] = false;
    if (bound >= 0) locked_[bound] = false;
  } else {
    int slot = -8 * (int(loops_.size()) + 1);
    int base = 10;
    int64_t points = 0;
    if (stkReg_ >= 0 && rng_.chance(40)) base = stkReg_, points = stkOff_;
    int off = int(slot - points);
    emit(makeInsn(ST | MODE_MEM | SIZE_DW, base, 0, off, 0));
    int head = loopBody(depth, units, loop);
    int temp = pickDst();  // the set of writable registers is the one at the loop's start
    if (rng_.chance(30)) {
      aluImm(ALU64, OP_MOV, temp, 1);
      emit(makeInsn(STX | MODE_ATOMIC | SIZE_DW, base, temp, off, AT_ADD));
      emit(makeInsn(LDX | MODE_MEM | SIZE_DW, temp, base, off, 0));
    } else {
      emit(makeInsn(LDX | MODE_MEM | SIZE_DW, temp, base, off, 0));
      aluImm(ALU64, OP_ADD, temp, 1);
      emit(makeInsn(STX | MODE_MEM | SIZE_DW, base, temp, off, 0));
    }
    emitJump(makeInsn(cls | SRC_K | (rng_.chance(50) ? OP_JLT : OP_JNE), temp, 0, 0, trips), head);
  }
  bind(loop.exit);
}

// The head and the body of a loop, up to its latch; returns the head's label.
int FunctionGen::loopBody(int depth, int units, const Loop &loop) {
  int head = newLabel();
  bind(head);
  loops_.push_back(loop);
  block(depth + 1, units);
  loops_.pop_back();
  bind(loop.latch);
  return head;
}

// A 64-bit counter that crosses 2^32 going up, or 0 going down, while the loop runs: the
// compiler's range analysis must not take it for a value below 2^32 (a counter from a
// 32-bit start, stepped by 1 and bounded by a compare, usually is one).
void FunctionGen::wrapLoop(int depth, int units, int counter, int trips, const Loop &loop, uint8_t cls) {
  const bool down = rng_.chance(40);
  // Up: 2^32 - k with a 32-bit move (hi half 0); down: 0..2.
  const int32_t start = down ? rng_.range(0, 2) : -rng_.range(1, 3);
  aluImm(down ? ALU64 : ALU, OP_MOV, counter, start);
  locked_[counter] = true;
  int bound = -1;
  if (!down && rng_.chance(50)) {
    bound = pickDst();
    if (bound >= 0) {  // start + trips, past 2^32
      aluImm(ALU, OP_MOV, bound, start);
      aluImm(ALU64, OP_ADD, bound, trips);
      locked_[bound] = true;
    }
  }
  int head = loopBody(depth, units, loop);
  if (!down) {
    aluImm(ALU64, OP_ADD, counter, 1);
    if (bound >= 0) emitJump(makeInsn(JMP | SRC_X | (rng_.chance(50) ? OP_JLT : OP_JNE), counter, bound, 0, 0), head);
    else emitJump(makeInsn(JMP32 | SRC_K | OP_JNE, counter, 0, 0, start + trips), head);  // low 32 bits
  } else {
    if (rng_.chance(50)) aluImm(ALU64, OP_SUB, counter, 1);
    else aluImm(ALU64, OP_ADD, counter, -1);
    // start - trips, mostly below 0: equal as 64 or as 32 bits, and signed order.
    emitJump(makeInsn(cls | SRC_K | (rng_.chance(50) ? OP_JNE : OP_JSGT), counter, 0, 0, start - trips), head);
  }
  locked_[counter] = false;
  if (bound >= 0) locked_[bound] = false;
  bind(loop.exit);
  // What the counter came to, in a value that reaches the result: through 64-bit
  // arithmetic that the analysis would narrow if it thought the counter narrow.
  int into = pickDst(counter);
  if (into < 0) return;
  static const uint8_t ops[] = {OP_ADD, OP_XOR, OP_SUB};
  aluImm(ALU64, OP_LSH, counter, rng_.range(0, 3));
  aluReg(ALU64, ops[rng_.below(3)], into, counter);
}

void FunctionGen::localCallUnit() {
  auto [callee, spec] = callees_[rng_.below(callees_.size())];
  if (spec.bufferArg && bufReg_ < 0) return;
  for (int r = 1; r <= 5; ++r)
    if (!active_[r] || rng_.chance(20)) define(r);
  if (spec.bufferArg) copyPointer(1, bufReg_, -bufOff_);
  if (spec.windowArg) {
    if (stkReg_ >= 0 && rng_.chance(50)) copyPointer(2, stkReg_, -frameSize_ - stkOff_);
    else copyPointer(2, 10, -frameSize_);
  }
  calls.push_back({code.size(), callee});
  emit(makeInsn(JMP | OP_CALL, 0, CALL_LOCAL, 0, 0));
  afterCall();
}

void FunctionGen::helperCallUnit() {
  const HelperSpec &h = kHelpers[rng_.below(sizeof kHelpers / sizeof kHelpers[0])];
  for (int r = 1; r <= int(h.params); ++r)
    if (!active_[r] || rng_.chance(15)) define(r);
  emit(makeInsn(JMP | OP_CALL, 0, CALL_HELPER, 0, h.id));
  afterCall();
}

// R1-R5 are clobbered by a call; the active ones get new values (R0 holds the result).
void FunctionGen::afterCall() {
  for (int r = 1; r <= 5; ++r) defined_[r] = false;
  for (int r = 1; r <= 5; ++r)
    if (active_[r]) define(r);
}

void FunctionGen::conditionalExit() {
  if (rng_.chance(50)) {
    emitJump(condition(true), epilogueLabel_);
    return;
  }
  // Skips the exit unless the rare condition fails: the condition is inverted here.
  int skip = newLabel();
  Insn c = condition(true);
  static const std::pair<uint8_t, uint8_t> inverse[] = {{OP_JEQ, OP_JNE}, {OP_JNE, OP_JEQ}, {OP_JGT, OP_JLE}};
  for (auto [from, to] : inverse)
    if (c.op() == from) {
      c.opcode = uint8_t((c.opcode & 0x0f) | to);
      break;
    }
  emitJump(c, skip);
  if (!locked_[0] && rng_.chance(60)) aluReg(ALU64, OP_MOV, 0, pickSrc());
  emit(makeInsn(JMP | OP_EXIT, 0, 0, 0, 0));
  bind(skip);
}

void FunctionGen::breakOrContinue() {
  const Loop &loop = loops_[rng_.below(loops_.size())];
  emitJump(condition(rng_.chance(70)), rng_.chance(50) ? loop.exit : loop.latch);
}

}  // namespace

Program generate(uint64_t seed, uint64_t index, unsigned attempt, const GenOptions &options) {
  Rng rng(mixSeed(mixSeed(seed) ^ mixSeed(index * 4 + attempt + 1)));
  Program p;
  for (auto &b : p.buffer) b = uint8_t(rng.next());
  if (rng.chance(20))  // runs of zeros and of 0xff make compares and divisions hit their edges
    for (unsigned i = rng.below(kBufferSize); i < kBufferSize && rng.chance(90); ++i) p.buffer[i] = rng.chance(50) ? 0 : 0xff;
  for (auto &a : p.args) {
    switch (rng.below(4)) {
      case 0: a = rng.below(100); break;
      case 1: a = uint64_t(-int64_t(rng.below(100))); break;
      default: a = rng.next(); break;
    }
  }
  const bool pressure = rng.below(1000) < unsigned(options.pressureFraction * 1000);
  const int subs = rng.chance(35) ? 0 : rng.range(1, 3);
  std::vector<SubSpec> specs(static_cast<size_t>(subs));
  for (SubSpec &s : specs) {
    s.bufferArg = rng.chance(80);
    s.windowArg = rng.chance(50);
  }
  std::vector<Code> functions;
  std::vector<std::vector<std::pair<size_t, int>>> calls;
  for (int f = 0; f <= subs; ++f) {
    std::vector<std::pair<int, SubSpec>> callees;
    for (int g = f; g < subs; ++g) callees.push_back({g, specs[size_t(g)]});
    unsigned units = f == 0 ? unsigned(rng.range(int(options.minUnits), int(options.maxUnits)))
                            : unsigned(rng.range(4, 25));
    if (pressure) units += units / 2;
    FunctionGen gen(rng, f == 0, f == 0 ? SubSpec{} : specs[size_t(f - 1)], callees, pressure, units);
    gen.generate();
    functions.push_back(std::move(gen.code));
    calls.push_back(std::move(gen.calls));
  }
  std::vector<size_t> start;
  for (const Code &c : functions) {
    start.push_back(p.code.size());
    p.code.insert(p.code.end(), c.begin(), c.end());
  }
  for (size_t f = 0; f < functions.size(); ++f)
    for (auto [slot, callee] : calls[f]) {
      size_t at = start[f] + slot;
      p.code[at].imm = int32_t(int64_t(start[size_t(callee) + 1]) - int64_t(at) - 1);
    }
  return p;
}

}  // namespace difftest
